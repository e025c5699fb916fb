"""Accounts: add, list, show, edit, archive.

Writes go through the ORM; ``list_accounts`` and ``show_account`` are reads and use
plain SQL, so on SQLite they load neither SQLModel nor SQLAlchemy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Optional

from handoff_cli.config import MOTIONS, load_config
from handoff_cli.errors import BadInput, Conflict
from handoff_cli.store import Store, as_date, to_date
from handoff_cli.text import quoted

if TYPE_CHECKING:  # pragma: no cover
    from handoff_cli.store.models import Account

_UNSET: Any = object()


@dataclass(frozen=True)
class AccountView:
    name: str
    external_id: Optional[str]
    signed_on: date
    motion: str
    segment: Optional[str]
    ttv_target_days: int
    arr: Optional[float]
    archived_on: Optional[date]
    churned_on: Optional[date]

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _check_motion(motion: str) -> str:
    if motion not in MOTIONS:
        raise BadInput(f"motion {motion!r} is not one of {', '.join(MOTIONS)}")
    return motion


def _check_target(days: Optional[int]) -> Optional[int]:
    if days is not None and (days < 0 or days > 36_500):
        raise BadInput(f"TTV target {days} must be a whole number of days from 0 to 36500")
    return days


# ARR is a plain amount in any currency: 10^15 leaves room for the smallest units.
MAX_ARR = 1e15


def _check_arr(arr: Optional[float]) -> Optional[float]:
    if arr is not None and not 0 <= arr <= MAX_ARR:  # also refuses nan and inf
        raise BadInput(f"ARR {arr:g} must be a number from 0 to 1e15")
    return None if arr is None else arr + 0.0  # -0.0 is stored as 0.0


def _churned_on(session, acc: Account, today: date) -> Optional[date]:
    """The account's churn date by today, on the write path."""
    from sqlmodel import func, select

    from handoff_cli.store.models import Event

    return to_date(
        session.exec(
            select(func.min(Event.occurred_on)).where(
                Event.account_id == acc.id, Event.kind == "churned", Event.occurred_on <= today
            )
        ).one()
    )


def _view(acc: Account, default_targets: dict[str, int], churned_on: Optional[date] = None) -> AccountView:
    return AccountView(
        name=acc.name,
        external_id=acc.external_id,
        signed_on=acc.signed_on,
        motion=acc.motion,
        segment=acc.segment,
        ttv_target_days=acc.ttv_target_days if acc.ttv_target_days is not None else int(default_targets[acc.motion]),
        arr=acc.arr,
        archived_on=acc.archived_on,
        churned_on=churned_on,
    )


def add_account(
    name: str,
    *,
    signed_on: date,
    motion: str = "high-touch",
    segment: Optional[str] = None,
    ttv_target_days: Optional[int] = None,
    arr: Optional[float] = None,
    external_id: Optional[str] = None,
    store: Store,
    today: date,
) -> AccountView:
    from sqlmodel import select

    from handoff_cli.commands.common import clean_text, name_key
    from handoff_cli.store.models import Account

    name = clean_text(name, "account name")
    segment = clean_text(segment, "segment", required=False)
    external_id = clean_text(external_id, "external id", required=False)
    _check_motion(motion)
    _check_target(ttv_target_days)
    arr = _check_arr(arr)
    targets = load_config()["ttv_target_days"]
    with store.write() as s:
        if s.exec(select(Account.id).where(Account.name_key == name_key(name))).first() is not None:
            raise Conflict(f"an account named {quoted(name)} exists already (names are unique, ignoring case)")
        if external_id and s.exec(select(Account.id).where(Account.external_id == external_id)).first() is not None:
            raise Conflict(f"external id {quoted(external_id)} belongs to another account")
        acc = Account(
            name=name,
            name_key=name_key(name),
            external_id=external_id,
            signed_on=signed_on,
            motion=motion,
            segment=segment,
            ttv_target_days=ttv_target_days,
            arr=arr,
        )
        s.add(acc)
        s.flush()
        return _view(acc, targets)


def _check_signed_before_ledger(s, acc, signed_on: date) -> None:
    """A signed date after the account's first event or completed milestone would date the
    value ledger before signing (PRODUCT.md section 1): refused, naming the first fact."""
    from sqlalchemy import func
    from sqlmodel import select

    from handoff_cli.store.models import Event, Milestone

    first_event = s.exec(select(func.min(Event.occurred_on)).where(Event.account_id == acc.id)).one()
    first_done = s.exec(select(func.min(Milestone.done_on)).where(Milestone.account_id == acc.id)).one()
    firsts = [d for d in (first_event, first_done) if d is not None]
    if firsts and signed_on > min(firsts):
        raise BadInput(
            f"{acc.name} has facts dated from {min(firsts).isoformat()}: the signed date cannot be after them "
            f"(events and completed milestones start at signing)"
        )


def edit_account(
    ref: str,
    *,
    name: Optional[str] = None,
    signed_on: Optional[date] = None,
    motion: Optional[str] = None,
    segment: Optional[str] = _UNSET,
    ttv_target_days: Optional[int] = _UNSET,
    arr: Optional[float] = _UNSET,
    external_id: Optional[str] = _UNSET,
    store: Store,
    today: date,
) -> AccountView:
    """Change the given fields; an empty string clears an optional one."""
    from sqlmodel import select

    from handoff_cli.commands.common import clean_text, find_account, name_key
    from handoff_cli.store.models import Account

    targets = load_config()["ttv_target_days"]
    with store.write() as s:
        acc = find_account(s, ref)
        if name is not None:
            name = clean_text(name, "account name")
            clash = s.exec(select(Account.id).where(Account.name_key == name_key(name), Account.id != acc.id)).first()
            if clash is not None:
                raise Conflict(f"an account named {quoted(name)} exists already (names are unique, ignoring case)")
            acc.name, acc.name_key = name, name_key(name)
        if signed_on is not None:
            _check_signed_before_ledger(s, acc, signed_on)
            acc.signed_on = signed_on
        if motion is not None:
            acc.motion = _check_motion(motion)
        if segment is not _UNSET:
            acc.segment = clean_text(segment, "segment", required=False)
        if ttv_target_days is not _UNSET:
            acc.ttv_target_days = _check_target(ttv_target_days)
        if arr is not _UNSET:
            acc.arr = _check_arr(arr)
        if external_id is not _UNSET:
            ext = clean_text(external_id, "external id", required=False)
            if ext:
                clash = s.exec(select(Account.id).where(Account.external_id == ext, Account.id != acc.id)).first()
                if clash is not None:
                    raise Conflict(f"external id {quoted(ext)} belongs to another account")
            acc.external_id = ext
        s.add(acc)
        s.flush()
        return _view(acc, targets, _churned_on(s, acc, today))


def archive_account(ref: str, *, on: date, store: Store, today: date) -> AccountView:
    from handoff_cli.commands.common import find_account

    targets = load_config()["ttv_target_days"]
    with store.write() as s:
        acc = find_account(s, ref)
        if acc.archived_on is not None:
            raise BadInput(f"account {quoted(acc.name)} was archived on {acc.archived_on.isoformat()} already")
        if on < acc.signed_on:
            raise BadInput(
                f"archive date {on.isoformat()} is before {quoted(acc.name)} was signed ({acc.signed_on.isoformat()}): "
                "give --on a date on or after it"
            )
        acc.archived_on = on
        s.add(acc)
        s.flush()
        return _view(acc, targets, _churned_on(s, acc, today))


_COLUMNS_SQL = """
SELECT a.name, a.external_id, a.signed_on, a.motion, a.segment, a.ttv_target_days, a.arr, a.archived_on,
       (SELECT MIN(e.occurred_on) FROM event e
         WHERE e.account_id = a.id AND e.kind = 'churned' AND e.occurred_on <= :today) AS churned_on
FROM account a
"""
_LIST_SQL = _COLUMNS_SQL + "WHERE a.signed_on <= :today OR :all_ = 1\nORDER BY a.name_key, a.id\n"
_ONE_SQL = _COLUMNS_SQL + "WHERE a.id = :id\n"


def _row_view(row, targets: dict[str, int]) -> AccountView:
    name, ext, signed, motion, segment, target, arr, archived, churned = row
    return AccountView(
        name=name,
        external_id=ext,
        signed_on=as_date(signed),
        motion=motion,
        segment=segment,
        ttv_target_days=int(target if target is not None else targets[motion]),
        arr=None if arr is None else float(arr),
        archived_on=to_date(archived),
        churned_on=to_date(churned),
    )


def list_accounts(*, include_all: bool = False, store: Store, today: date) -> list[AccountView]:
    """The accounts that exist by today (signed on or before it), neither archived nor
    churned by today. With include_all: every account in the store, including archived,
    churned and those signed after today."""
    targets = load_config()["ttv_target_days"]
    with store.reader() as r:
        views = [_row_view(row, targets) for row in r.all(_LIST_SQL, {"today": today, "all_": 1 if include_all else 0})]
    if include_all:
        return views
    return [v for v in views if not ((v.archived_on and v.archived_on <= today) or v.churned_on)]


def show_account(ref: str, *, store: Store, today: date) -> AccountView:
    """One account by name (any case) or external id; the name wins. Churn counts by today."""
    from handoff_cli.commands.owners import lookup_account

    targets = load_config()["ttv_target_days"]
    with store.reader() as r:
        acc = lookup_account(r, ref)
        return _row_view(r.one(_ONE_SQL, {"id": acc.id, "today": today}), targets)


def count_accounts(*, store: Store) -> int:
    """How many accounts the store holds, all of them (for "no account matches ..." messages)."""
    with store.reader() as r:
        row = r.one("SELECT COUNT(*) FROM account")
    return int(row[0]) if row else 0
