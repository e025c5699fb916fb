"""handoff import accounts | events, handoff export, handoff restore."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from handoff_cli.cli.common import get_store, get_today

import_app = typer.Typer(help="Import accounts or events from CSV files (see docs/import.md).", no_args_is_help=True)


class Source(str, Enum):
    auto = "auto"
    hubspot = "hubspot"
    salesforce = "salesforce"
    handoff = "handoff"


class DateOrder(str, Enum):
    ISO = "ISO"
    US = "US"
    EU = "EU"


class EventSource(str, Enum):
    auto = "auto"
    handoff = "handoff"


FileArg = Annotated[Path, typer.Argument(help="The CSV file.", show_default=False)]
FromOpt = Annotated[Source, typer.Option("--from", help="The file's format (default: recognised by its headers).")]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Show what would be created, updated and skipped; write nothing.")
]
SkipOpt = Annotated[
    bool, typer.Option("--skip-invalid", help="Write the valid rows and list the rest (default: all or nothing).")
]
DateFmtOpt = Annotated[
    Optional[DateOrder],
    typer.Option(
        "--date-format", case_sensitive=False, help="ISO, US (MM/DD/YYYY) or EU (DD/MM/YYYY); default: from the file."
    ),
]


def _progress():
    """A progress bar on stderr, only when stderr is a terminal (never in cron output)."""
    if not sys.stderr.isatty():
        return None, None
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    from handoff_cli.render import console

    bar = Progress(
        "importing", BarColumn(), DownloadColumn(), TimeRemainingColumn(), console=console(stderr=True), transient=True
    )
    task = bar.add_task("import", total=None)
    return bar, lambda done, total: bar.update(task, completed=done, total=total)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _show_value(value) -> str:
    from handoff_cli.render import cell

    return cell(value) or "(none)"


def _render_import(result) -> None:
    """A dry run's plan on stdout; rejected rows and the summary on stderr."""
    from handoff_cli.render import note, safe

    unwritten = result.dry_run or (result.rejected and not result.written)
    verb = "would " if unwritten else ""
    if result.dry_run:
        lines = []
        for change in result.accounts:
            if change.action == "create":
                lines.append(f"create    {change.name} (line {change.line})")
            elif change.action == "update":
                diff = ", ".join(f"{f} {_show_value(old)} -> {_show_value(new)}" for f, old, new in change.changes)
                lines.append(f"update    {change.name} (line {change.line}): {diff}")
            else:
                lines.append(f"unchanged {change.name} (line {change.line})")
        lines += [f"skip      line {p.line}: {p.reason}" for p in result.skipped]
        if lines:
            sys.stdout.write("\n".join(safe(line) for line in lines) + "\n")
    for problem in result.rejected:
        note(f"{result.file}:{problem.line}: {problem.reason}")
    if result.what == "accounts":
        summary = (
            f"accounts from a {result.source} file: {verb}create {result.count('create')}, "
            f"update {result.count('update')}, leave {result.count('unchanged')} unchanged; "
            f"skipped {len(result.skipped)} rows, rejected {len(result.rejected)}"
        )
    else:
        summary = (
            f"events: {verb}add {result.events_added} to {_plural(result.event_accounts, 'account')}, "
            f"rejected {len(result.rejected)}"
        )
        if result.milestones_completed:
            summary += f"; completed {_plural(result.milestones_completed, 'milestone')}"
    if result.rejected and not result.written and not result.dry_run:
        summary += "; nothing written"
    note(summary)


def _finish(result, skip_invalid: bool) -> None:
    from handoff_cli.errors import OperationFailed

    _render_import(result)
    if result.rejected and not skip_invalid:
        rows = _plural(len(result.rejected), "row")
        if result.dry_run:
            raise OperationFailed(f"{rows} rejected: the import would write nothing; fix them, or use --skip-invalid")
        raise OperationFailed(f"{rows} rejected, nothing was written: fix them, or rerun with --skip-invalid")


@import_app.command("accounts")
def import_accounts(
    ctx: typer.Context,
    file: FileArg,
    from_: FromOpt = Source.auto,
    dry_run: DryRunOpt = False,
    skip_invalid: SkipOpt = False,
    date_format: DateFmtOpt = None,
) -> None:
    """Create or update accounts from a handoff, HubSpot or Salesforce CSV export."""
    from handoff_cli.commands.importer import import_accounts as run
    from handoff_cli.render import note

    result = run(
        file,
        fmt=from_.value,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        date_format=date_format.value if date_format else None,
        notify=note,
        store=get_store(ctx),
        today=get_today(ctx),
    )
    _finish(result, skip_invalid)


@import_app.command("events")
def import_events(
    ctx: typer.Context,
    file: FileArg,
    from_: Annotated[
        EventSource, typer.Option("--from", help="The file's format: auto (recognised by its headers) or handoff.")
    ] = EventSource.auto,
    dry_run: DryRunOpt = False,
    skip_invalid: SkipOpt = False,
    date_format: DateFmtOpt = None,
) -> None:
    """Append events (account, kind, on, value, note) to the ledger from a CSV file."""
    from handoff_cli.commands.importer import import_events as run
    from handoff_cli.render import note

    bar, progress = _progress()
    try:
        if bar is not None:
            bar.start()
        result = run(
            file,
            fmt=from_.value,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            date_format=date_format.value if date_format else None,
            notify=note,
            progress=progress,
            store=get_store(ctx),
            today=get_today(ctx),
        )
    finally:
        if bar is not None:
            bar.stop()
    _finish(result, skip_invalid)


def export(
    ctx: typer.Context,
    output: Annotated[
        Optional[Path],
        typer.Option("--output", "-o", help="Write to this file (created readable by you only); default: stdout."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the --output file if it exists (never the store itself).")
    ] = False,
) -> None:
    """Write the whole store as JSON lines, in a stable order.

    With --output the file is written under a temporary name and renamed when complete.
    Example: handoff export --output handoff-2026-06-01.jsonl"""
    from handoff_cli.commands.exporter import export_lines, write_export
    from handoff_cli.render import note

    store = get_store(ctx)
    if output is None:
        out = sys.stdout
        for line in export_lines(store=store, today=get_today(ctx)):
            out.write(line)
        out.flush()
        return
    info = write_export(output, store=store, today=get_today(ctx), force=force)
    note(f"exported {info.rows} rows to {info.path}")


def restore(
    ctx: typer.Context, file: Annotated[Path, typer.Argument(help="A file written by `handoff export`.")]
) -> None:
    """Load an export into an empty store, in one transaction."""
    from handoff_cli.commands.exporter import restore_store
    from handoff_cli.render import note

    info = restore_store(file, store=get_store(ctx), today=get_today(ctx))
    note(f"restored {info.rows} rows from {info.path} into {get_store(ctx).display()}")


def register(root: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    root.add_typer(import_app, name="import")
    root.command("export")(export)
    root.command("restore")(restore)
