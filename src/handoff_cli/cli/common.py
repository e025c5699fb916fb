"""What every command shares: the global state, option types, and the way to
the store, the clock and the renderers. Light imports only."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Optional, overload

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


# While `batch` runs, the commands of its lines share one Store per URL (one engine,
# one schema check), instead of one each.
_SHARED: dict[str, Store] | None = None


@contextmanager
def share_stores() -> Iterator[None]:
    global _SHARED
    outer, _SHARED = _SHARED, {} if _SHARED is None else _SHARED
    try:
        yield
    finally:
        if outer is None:
            for store in _SHARED.values():
                store.close()
        _SHARED = outer


def get_store(ctx: typer.Context) -> Store:
    st = state(ctx)
    if st._store is None:
        from handoff_cli.store import Store, mask_url, resolve_url

        url = resolve_url(st.db)
        if _SHARED is None:
            st._store = Store(url)
        else:
            st._store = _SHARED.get(url) or _SHARED.setdefault(url, Store(url))
        st._store.command = mask_url(COMMAND_LINE) if COMMAND_LINE else None
        st._store.clock = lambda: _recorded_now(ctx)
    return st._store


def _recorded_now(ctx: typer.Context):
    """A write's recorded instant by the one clock: the real time of day on today's date."""
    from handoff_cli.store.journal import configured_zone, recorded_instant

    return recorded_instant(get_today(ctx), tz=configured_zone())


KnownAtOpt = Annotated[
    Optional[str],
    typer.Option(
        "--known-at",
        metavar="TIME",
        help="The store as it stood at this instant (ISO 8601, e.g. 2026-06-01T09:00; a date means its end).",
    ),
]


def report_day(ctx: typer.Context, as_of: Optional[str], known_at: Optional[str]) -> date:
    """The shared options of every report, in one place: the date it is as of (--as-of) and
    the moment its reads see the store as it stood (--known-at, journal.py)."""
    today = get_today(ctx, as_of)
    if known_at is not None:
        from handoff_cli.store.journal import parse_known_at

        get_store(ctx).known_at = parse_known_at(known_at, today=get_today(ctx))
    return today


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
    if on is None:
        return today
    return warn_if_far(parse_date(on, today=today, what=what), today, what)


# Dates a write takes that are checked for "more than a year ahead" (a typo such as 2062)
WRITE_DATE_OPTIONS = ("--on", "--due", "--to", "--signed", "--start")
FAR_AHEAD_DAYS = 366


def warn_if_far(value: date, today: date, what: str) -> date:
    """A write dated more than a year after today is taken, with a warning on stderr."""
    if (value - today).days > FAR_AHEAD_DAYS:
        PENDING_WARNINGS.append(
            f"handoff: warning: {what} {value.isoformat()} is more than a year after today "
            f"({today.isoformat()}); recorded as given"
        )
    return value


# Warnings about a command's input, printed once the command has succeeded (a refused
# command prints its one error line only): see HandoffGroup.invoke.
PENDING_WARNINGS: list[str] = []


def flush_warnings(print_them: bool) -> None:
    import sys

    if print_them:
        for line in PENDING_WARNINGS:
            sys.stderr.write(line + "\n")
    PENDING_WARNINGS.clear()


@overload
def parse_opt_date(ctx: typer.Context, value: str, what: str, today: Optional[date] = None) -> date: ...
@overload
def parse_opt_date(
    ctx: typer.Context, value: Optional[str], what: str, today: Optional[date] = None
) -> Optional[date]: ...
def parse_opt_date(ctx: typer.Context, value: Optional[str], what: str, today: Optional[date] = None) -> Optional[date]:
    """An optional date option; offsets count from `today` (a report's own --as-of), else the clock."""
    from handoff_cli.clock import parse_date

    if value is None:
        return None
    base = today or get_today(ctx)
    parsed = parse_date(value, today=base, what=what)
    return warn_if_far(parsed, base, what) if what in WRITE_DATE_OPTIONS else parsed
