"""handoff init, and handoff db path | upgrade | check | backup."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from handoff_cli.cli.common import FormatOpt, get_store, get_today

app = typer.Typer(help="The store: where it is, its schema, its health, its backups.", no_args_is_help=True)


def init(
    ctx: typer.Context,
    demo: Annotated[bool, typer.Option("--demo", help="Load the example portfolio.")] = False,
) -> None:
    """Create the store (and upgrade it if it is old)."""
    from handoff_cli.commands.store_admin import init_store
    from handoff_cli.render import note

    store = get_store(ctx)
    info = init_store(store=store)
    if demo:
        from handoff_cli.demo import load_demo

        count = load_demo(command=ctx.find_root().command, store_url=store.url, today=get_today(ctx))
        note(f"loaded the example portfolio: {count} accounts")
    verb = "created a new store at" if info.created else "store ready at"
    note(f"{verb} {info.location} (schema {info.revision})")


@app.command("path")
def path(ctx: typer.Context) -> None:
    """Print where the store is (passwords masked)."""
    typer.echo(get_store(ctx).display())


@app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Apply schema migrations (the way to upgrade a PostgreSQL store)."""
    from handoff_cli.commands.store_admin import upgrade_store
    from handoff_cli.render import note

    info = upgrade_store(store=get_store(ctx))
    note(f"store {info.location} is at schema {info.revision}")


@app.command("check")
def check(ctx: typer.Context, fmt: FormatOpt = None) -> None:
    """Check the store: integrity, foreign keys, schema revision. Exit 1 when a check fails."""
    from handoff_cli.commands.store_admin import check_store
    from handoff_cli.errors import OperationFailed
    from handoff_cli.render import Col, emit_listing

    checks = check_store(store=get_store(ctx))
    emit_listing(
        [c.as_dict() for c in checks],
        key="checks",
        columns=[Col("check", "Check"), Col("status", "Status"), Col("detail", "Detail")],
        fmt=fmt,
        as_of=get_today(ctx),
    )
    failed = [c for c in checks if not c.ok]
    if failed:
        raise OperationFailed("store check failed: " + "; ".join(f"{c.name} ({c.detail})" for c in failed))


@app.command("backup")
def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="New file to write the copy to.")],
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists (never the store itself).")] = False,
) -> None:
    """Copy a SQLite store safely while others may be writing.

    The copy is written under a temporary name and renamed to FILE when complete.
    Example: handoff db backup ~/backups/handoff-2026-06-01.db"""
    from handoff_cli.commands.store_admin import backup_store
    from handoff_cli.render import note

    dest = backup_store(file, store=get_store(ctx), force=force)
    note(f"backed up to {dest}")


def register(root: typer.Typer) -> None:
    root.command("init")(init)
    root.add_typer(app, name="db")
