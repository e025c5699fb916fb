"""What every command shares: the global state, option types, and the way to
the store, the clock and the renderers. Light imports only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Optional

import typer

if TYPE_CHECKING:  # pragma: no cover
    from handoff_cli.config import Config
    from handoff_cli.store import Store


# the command as typed (set by the root group), recorded in the journal by every write
COMMAND_LINE: Optional[str] = None


@dataclass
class AppState:
    db: Optional[str] = None
    as_of: Optional[str] = None
    debug: bool = False
    _store: Store | None = None
    _today: Optional[date] = None
    _config: Optional[Config] = None


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


# Option types shared by commands. Defaults are never computed at import time.
FormatOpt = Annotated[
    Optional[Format], typer.Option("--format", "-f", help="table, json, csv or markdown (default: table).")
]
OnOpt = Annotated[Optional[str], typer.Option("--on", help="Date of the fact (default: today). Offsets: --on=-2w.")]
AsOfOpt = Annotated[Optional[str], typer.Option("--as-of", help="Report as of this date (default: today).")]
LimitOpt = Annotated[
    int, typer.Option("--limit", min=1, help="Rows shown in the table view (JSON, CSV, markdown give all).")
]
AllOpt = Annotated[bool, typer.Option("--all", help="Include archived and churned accounts.")]


def state(ctx: typer.Context) -> AppState:
    obj = ctx.find_object(AppState)
    if obj is None:  # pragma: no cover - the root callback always sets it
        obj = AppState()
        ctx.obj = obj
    return obj


def get_store(ctx: typer.Context) -> Store:
    st = state(ctx)
    if st._store is None:
        from handoff_cli.store import Store, mask_url, resolve_url

        st._store = Store(resolve_url(st.db))
        st._store.command = mask_url(COMMAND_LINE) if COMMAND_LINE else None
        st._store.clock = lambda: _recorded_now(ctx)
    return st._store


def _recorded_now(ctx: typer.Context):
    """A write's recorded instant by the one clock: the real time of day on today's date."""
    from handoff_cli.journal import configured_zone, recorded_instant

    return recorded_instant(get_today(ctx), tz=configured_zone())


KnownAtOpt = Annotated[
    Optional[str],
    typer.Option(
        "--known-at",
        metavar="TIME",
        help="The store as it stood at this instant (ISO 8601, e.g. 2026-06-01T09:00; a date means its end).",
    ),
]


def apply_known_at(ctx: typer.Context, known_at: Optional[str]) -> None:
    """--known-at: reads of this command see the store as it stood then (journal.py)."""
    if known_at is None:
        return
    from handoff_cli.journal import parse_known_at

    get_store(ctx).known_at = parse_known_at(known_at, today=get_today(ctx))


def get_today(ctx: typer.Context, as_of: Optional[str] = None) -> date:
    """Today by the one clock; a command's own --as-of wins over the global one."""
    from handoff_cli.clock import resolve_today

    st = state(ctx)
    if as_of is not None:
        return resolve_today(as_of)
    if st._today is None:
        st._today = resolve_today(st.as_of)
    return st._today


def get_config(ctx: typer.Context) -> Config:
    """The configuration file read once, at the CLI edge, and passed down like today."""
    st = state(ctx)
    if st._config is None:
        from handoff_cli.config import Config

        st._config = Config.load()
    return st._config


def get_on(ctx: typer.Context, on: Optional[str], what: str = "--on") -> date:
    """The date of a write: --on parsed against today, else today."""
    from handoff_cli.clock import parse_date

    today = get_today(ctx)
    return today if on is None else parse_date(on, today=today, what=what)


def parse_opt_date(ctx: typer.Context, value: Optional[str], what: str, today: Optional[date] = None) -> Optional[date]:
    """An optional date option; offsets count from `today` (a report's own --as-of), else the clock."""
    from handoff_cli.clock import parse_date

    return None if value is None else parse_date(value, today=today or get_today(ctx), what=what)
