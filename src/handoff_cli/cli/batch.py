"""handoff batch FILE|-: many commands in one process (PRODUCT.md section 2).

Each line is one command, run exactly as typed through the same command line
(`#` comments and blank lines skipped, the leading `handoff` optional: the format
of the demo script). The batch stops at the first line that fails, names it on
stderr and exits with that line's code. One process pays the import cost once,
which is what makes typing a portfolio in fast (benchmarks/batch.py)."""

from __future__ import annotations

import shlex
import sys
from typing import Annotated

import typer

from handoff_cli.cli.common import share_stores, state


def batch(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="A file of handoff commands, one a line; - reads standard input.")],
) -> None:
    """Run a file of handoff commands, one a line, in one process; stop at the first that fails.

    Lines are run exactly as typed: `#` starts a comment, a blank line is skipped
    and the leading `handoff` is optional. Global options given to batch (--db,
    --as-of, --debug) apply to every line that does not give its own.
    """
    from handoff_cli.demo import demo_lines
    from handoff_cli.errors import BadInput

    if file == "-":
        text, where = sys.stdin.read(), "standard input"
    else:
        try:
            with open(file, encoding="utf-8") as fh:
                text = fh.read()
        except FileNotFoundError:
            raise BadInput(f"batch file {file!r} does not exist") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise BadInput(f"batch file {file!r} cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
        where = file
    st = state(ctx)
    inherited = []
    if st.db is not None:
        inherited += ["--db", st.db]
    if st.as_of is not None:
        inherited += ["--as-of", st.as_of]
    if st.debug:
        inherited.append("--debug")
    root = ctx.find_root().command
    with share_stores():
        for number, args in demo_lines(text, what=where):
            if args and args[0] == "batch":
                raise BadInput(f"{where} line {number}: a batch cannot run another batch")
            code = _run_line(root, _with_globals(inherited, args))
            if code:
                sys.stdout.flush()
                typer.echo(f"handoff: {where} line {number} failed (exit {code}): {shlex.join(args)}", err=True)
                raise typer.Exit(code)


def _with_globals(inherited: list[str], args: list[str]) -> list[str]:
    """The batch's global options, except those the line gives itself (the line's win)."""
    given = {a.split("=", 1)[0] for a in args if a.startswith("--")}
    out: list[str] = []
    i = 0
    while i < len(inherited):
        opt = inherited[i]
        width = 1 if opt == "--debug" else 2
        if opt not in given:
            out.extend(inherited[i : i + width])
        i += width
    return [*out, *args]


def _run_line(root, args: list[str]) -> int:
    try:
        code = root.main(args=args, prog_name="handoff", standalone_mode=False)
    except SystemExit as exc:  # pragma: no cover - the app maps failures to codes itself
        code = exc.code if isinstance(exc.code, int) else 1
    return int(code or 0)


def register(root: typer.Typer) -> None:
    """Attach `batch` to the root app."""
    root.command("batch")(batch)
