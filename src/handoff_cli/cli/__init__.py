"""The command line. Each command parses options, calls one service function,
and hands the result to a renderer. Heavy imports (SQLAlchemy, SQLModel,
Alembic, pendulum) happen inside commands, so `handoff --help` stays instant."""

from __future__ import annotations

import os
import sys
from types import ModuleType
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from handoff_cli.cli.common import AppState
from handoff_cli.errors import HandoffError, StoreBusy
from handoff_cli.render import safe


def _click_errors() -> tuple[ModuleType, type[Exception], type[Exception]]:
    """Click's exception types as Typer raises them: Typer >= 0.20 bundles its own
    copy of click (typer._click), whose exceptions are not the `click` package's."""
    try:
        from typer._click import exceptions
        from typer.exceptions import Abort, Exit

        return exceptions, Abort, Exit
    except ImportError:  # a Typer that runs on the click package itself
        import click.exceptions

        return click.exceptions, click.exceptions.Abort, click.exceptions.Exit


class HandoffGroup(TyperGroup):
    """Maps every expected failure to one line on stderr and its exit code, once, here."""

    def main(self, *args, **kwargs):
        errors, Abort, _ = _click_errors()

        standalone = kwargs.pop("standalone_mode", True)
        from handoff_cli.cli import helptext

        helptext.apply(self)
        argv = kwargs.pop("args", args[0] if args else None)
        args = args[1:]
        words = list(sys.argv[1:] if argv is None else argv)
        _set_command_line(words)  # as typed, before the global options are hoisted
        argv = hoist_global_options(self, words)
        kwargs["args"] = argv
        dashed = _dash_value(self, argv)
        try:
            if dashed:
                typer.echo(f"handoff: {dashed}", err=True)
                rv = 2
            else:
                kwargs["standalone_mode"] = False  # failures come back here as exceptions
                rv = super().main(*args, **kwargs)
        except errors.NoArgsIsHelpError as exc:
            typer.echo(exc.format_message(), err=False)
            code = 0
        except errors.UsageError as exc:
            hint = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx is not None else ""
            typer.echo(f"handoff: {safe(exc.format_message())}{hint}", err=True)
            code = 2
        except errors.ClickException as exc:
            typer.echo(f"handoff: {safe(exc.format_message())}", err=True)
            code = exc.exit_code
        except Abort:
            typer.echo("handoff: aborted", err=True)
            code = 1
        else:
            code = rv if isinstance(rv, int) else 0
        if standalone:
            from handoff_cli.failures import flush_stdout

            sys.exit(flush_stdout(code))
        return code

    def invoke(self, ctx):
        from handoff_cli.cli.common import flush_warnings

        try:
            rv = self._invoke_checked(ctx)
        except BaseException:
            flush_warnings(False)  # a refused command says one thing: why
            raise
        flush_warnings(True)
        return rv

    def _invoke_checked(self, ctx):
        try:
            return super().invoke(ctx)
        except HandoffError as exc:
            _fail(ctx, exc, exc.exit_code, str(exc))
        except Exception as exc:  # noqa: BLE001 - the one edge where failures become exit codes
            errors, Abort, Exit = _click_errors()
            if isinstance(exc, (errors.ClickException, Exit, Abort)):
                raise
            from handoff_cli.store import is_locked_error

            if is_locked_error(exc):
                busy = StoreBusy("the store is locked by another process writing; try again later")
                _fail(ctx, exc, busy.exit_code, str(busy))
            from handoff_cli.failures import expected_failure, quiet_broken_pipe, unexpected_line

            if isinstance(exc, BrokenPipeError):
                quiet_broken_pipe(ctx)
            state = ctx.find_object(AppState) if ctx is not None else None
            store = getattr(state, "_store", None)
            known = expected_failure(exc, store.display() if store is not None else "the store")
            if known is not None:
                _fail(ctx, exc, known.exit_code, str(known))
            _fail(ctx, exc, 1, unexpected_line(exc))


def _set_command_line(words: list[str]) -> None:
    """The command as typed, for the journal (shell-quoted, so `handoff log` shows it runnable),
    with any password in a store URL masked."""
    import shlex
    import unicodedata

    from handoff_cli.cli import common

    # stored text is NFC like every other text (PRODUCT.md section 8); masked by get_store
    common.COMMAND_LINE = unicodedata.normalize("NFC", shlex.join(["handoff", *map(str, words)]))


GLOBAL_VALUE_OPTIONS = ("--db", "--as-of")
GLOBAL_FLAGS = ("--debug",)


def _param_names(cmd) -> set[str]:
    names: set[str] = set()
    for param in getattr(cmd, "params", ()):
        names.update(getattr(param, "opts", ()))
        names.update(getattr(param, "secondary_opts", ()))
    return names


def hoist_global_options(group, args: list[str]) -> list[str]:
    """The global options --db, --as-of and --debug may stand after the command too
    (PRODUCT.md section 2): those the command does not define itself move to the front,
    where the root takes them. A command's own --as-of (the reports') stays its own."""
    cmd = group
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        word = str(args[i])
        if word == "--":
            rest.extend(args[i:])
            break
        if cmd is not group and word.startswith("--"):
            opt = word.split("=", 1)[0]
            own = _param_names(cmd)
            if opt not in own and opt in GLOBAL_VALUE_OPTIONS:
                if "=" in word:
                    front.append(word)
                    i += 1
                else:
                    front.extend(args[i : i + 2])
                    i += 2
                continue
            if word in GLOBAL_FLAGS and word not in own:
                front.append(word)
                i += 1
                continue
        if word.startswith("-") and len(word) > 1:
            takes_value = False
            if not (word.startswith("--") and "=" in word):
                for param in getattr(cmd, "params", ()):
                    names = (*getattr(param, "opts", ()), *getattr(param, "secondary_opts", ()))
                    if word in names:
                        takes_value = not (getattr(param, "is_flag", False) or getattr(param, "count", False))
                        break
            rest.extend(args[i : i + (2 if takes_value else 1)])
            i += 2 if takes_value else 1
            continue
        sub = cmd.commands.get(word) if hasattr(cmd, "commands") else None
        if sub is not None:
            cmd = sub
        rest.append(word)
        i += 1
    return front + rest


def _dash_value(group, args: list[str]) -> str | None:
    """Why `--opt -x` is refused, or None. An option that takes a value never swallows the
    next word when it starts with '-' (`--segment --motion self-serve` would set the segment
    to "--motion"): such a value is written `--opt=-x` (PRODUCT.md section 2)."""
    cmd, path = group, ["handoff"]
    i = 0
    while i < len(args):
        word = str(args[i])
        if word == "--":
            return None
        if word.startswith("-") and len(word) > 1:
            takes_value, long = False, word
            if not (word.startswith("--") and "=" in word):
                for param in getattr(cmd, "params", ()):
                    names = (*getattr(param, "opts", ()), *getattr(param, "secondary_opts", ()))
                    if word in names:
                        takes_value = not (getattr(param, "is_flag", False) or getattr(param, "count", False))
                        long = next((n for n in names if n.startswith("--")), word)
                        break
            nxt = str(args[i + 1]) if i + 1 < len(args) else None
            if takes_value and nxt is not None and nxt.startswith("-") and nxt != "-":
                written = f"{long}={nxt}" if long.startswith("--") else f"{word}{nxt}"
                return (
                    f"option {word} is followed by {nxt!r}, which is not taken as its value:"
                    f" write a value that starts with '-' as {written} (see `{' '.join(path)} --help`)"
                )
            i += 2 if takes_value else 1
            continue
        sub = cmd.commands.get(word) if hasattr(cmd, "commands") else None
        if sub is not None:
            cmd, path = sub, [*path, word]
        i += 1
    return None


def _fail(ctx, exc: BaseException, code: int, message: str) -> None:
    state = ctx.find_object(AppState)
    if (state is not None and state.debug) or os.environ.get("HANDOFF_DEBUG"):
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    from handoff_cli.store import mask_url

    # one line, whatever the message echoes: a stored name or a typed value shows escaped
    typer.echo(f"handoff: {safe(mask_url(message))}", err=True)
    ctx.exit(code)


def _print_version(value: bool) -> None:
    if value:
        from handoff_cli import SCHEMA_HEAD, __version__

        typer.echo(f"handoff {__version__} (store schema {SCHEMA_HEAD})")
        raise typer.Exit()


app = typer.Typer(
    name="handoff",
    cls=HandoffGroup,
    help="Track B2B accounts through implementation and onboarding, and watch the handover between them.\n\n"
    "Example: handoff status cobalt",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _root(
    ctx: typer.Context,
    db: Annotated[
        Optional[str],
        typer.Option("--db", help="Store path or SQLAlchemy URL (default: HANDOFF_DB, else the user data folder)."),
    ] = None,
    as_of: Annotated[
        Optional[str],
        typer.Option("--as-of", help="Treat this date as today (default: HANDOFF_TODAY, else the real date)."),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for failures.")] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            is_eager=True,
            callback=_print_version,
            help="Print the version and the store schema it expects.",
        ),
    ] = False,
) -> None:
    ctx.obj = AppState(db=db, as_of=as_of, debug=debug)


def _register() -> None:
    from handoff_cli.cli import (
        accounts,
        acks,
        batch,
        config,
        db,
        events,
        handover,
        io,
        milestones,
        notify,
        owners,
        people,
        plans,
        report,
        status,
    )

    for module in (
        db,
        accounts,
        owners,
        plans,
        milestones,
        events,
        handover,
        status,
        report,
        io,
        config,
        batch,
        people,
    ):
        module.register(app)
    from handoff_cli.cli import corrections

    corrections.register(app)
    for module in (acks, notify):
        module.register(app)


_register()


def main() -> None:
    # The one garbage-collector setting, here at the edge: a command builds many
    # long-lived objects (a report streams the facts of 100,000 accounts) that reference
    # counting frees, and the collector's default passes every 700 allocations walked
    # them for nothing (about 10% of `report breaches`). Collecting less often, not
    # never, keeps `handoff batch` (many commands in one process) from piling up cycles.
    import gc

    gc.set_threshold(100_000)
    if sys.stderr is None:  # started with stderr closed (2>&-): messages go nowhere
        sys.stderr = open(os.devnull, "w")
    if sys.stdout is None:  # started with stdout closed (>&-): refuse rather than lose the output
        print("handoff: stdout is closed, so nothing could be printed: run it with stdout open", file=sys.stderr)
        sys.exit(1)
    try:
        app(prog_name="handoff")
    except BrokenPipeError:  # stdout closed early (`handoff export | head -1`) outside a command
        from handoff_cli.failures import quiet_broken_pipe

        quiet_broken_pipe(None)
