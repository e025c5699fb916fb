"""The example portfolio behind `handoff init --demo`.

The portfolio is a script of `handoff` command lines (``demo.txt`` beside this
module; ``examples/demo.txt`` in the source checkout links to it). Each line is
run through the real command line of the app, in this process, so it passes the
same validation as anything a user types. Dates in the script are offsets from
today (``--on=-60d``, ``--due=+10d``), so the demo looks the same whatever day
it is loaded.

This is command-line composition: it drives the click command it is given (the CLI
passes its own root command), so it imports nothing of ``cli/`` and no cycle forms.
"""

from __future__ import annotations

import io
import shlex
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from datetime import date
from pathlib import Path
from typing import Any

from handoff_cli.errors import BadInput, OperationFailed, StoreError


def demo_script() -> Path:
    """The demo script: inside the installed package, else the source checkout's examples/."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "demo.txt", here.parent.parent / "examples" / "demo.txt"):
        if candidate.is_file():
            return candidate
    raise StoreError("cannot find handoff's example portfolio (demo.txt): reinstall handoff")


def demo_lines(text: str, what: str = "demo") -> Iterator[tuple[int, list[str]]]:
    """(line number, argv) for every command line; blank lines and # comments are skipped."""
    for number, raw in enumerate(text.splitlines(), start=1):
        try:
            args = shlex.split(raw, comments=True)
        except ValueError as exc:
            raise OperationFailed(f"{what} line {number}: cannot be parsed ({exc}): {raw.strip()}") from None
        if not args:
            continue
        if args[0] == "handoff":
            args = args[1:]
        yield number, args


def load_demo(*, command: Any, store_url: str, today: date, script: Path | None = None) -> int:
    """Run the demo script through ``command`` (the handoff command line, as click runs it)
    against the store at ``store_url`` as of ``today``.

    The store must hold no accounts yet. Returns the number of accounts loaded.
    A failing line raises OperationFailed naming its line number and the error.
    """
    from handoff_cli.store import Store

    store = Store(store_url)
    store.announce_creation = False  # loading the demo is a write: it may create the store
    store.ensure_ready(create=True)
    existing = _account_count(store)
    if existing:
        raise BadInput(
            f"the store already holds {existing} account(s): the example portfolio loads into an empty store "
            "(pick a new one with --db PATH)"
        )
    path = script or demo_script()
    for number, args in demo_lines(path.read_text(encoding="utf-8")):
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = command.main(
                    args=["--db", store_url, "--as-of", today.isoformat(), *args],
                    prog_name="handoff",
                    standalone_mode=False,
                )
            except SystemExit as exc:  # pragma: no cover - the app maps failures to codes itself
                code = exc.code if isinstance(exc.code, int) else 1
        if code not in (0, None):
            message = err.getvalue().strip().splitlines()
            reason = message[-1].removeprefix("handoff: ") if message else f"exit {code}"
            raise OperationFailed(f"demo line {number} failed ({reason}): {shlex.join(args)}")
    return _account_count(store)


def _account_count(store) -> int:
    with store.reader() as r:
        row = r.one("SELECT COUNT(*) FROM account")
    return int(row[0]) if row else 0
