"""The value ledger: log events, list them, and validate one event's kind and value.

The ledger is append-only. Two kinds are also milestones: a `go-live` event and a
`go-live` milestone are one fact, and so are a `workflow-live` event and a
`first-workflow` milestone. Logging the event completes the open milestone(s) of
that kind; completing the milestone records the event (see commands/milestones.py).

``validate_event`` does no database work and imports nothing heavy, so the CSV
importer can call it for every row.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Optional, Union

from handoff_cli.commands.rows import stored_id
from handoff_cli.errors import BadInput
from handoff_cli.vocab import EVENT_OF_MILESTONE, MILESTONE_OF_EVENT

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session

    from handoff_cli.store import Store

# An event of this kind is the same fact as completing a milestone of that kind.
EVENT_MILESTONE_KIND: dict[str, str] = MILESTONE_OF_EVENT
MILESTONE_EVENT_KIND: dict[str, str] = EVENT_OF_MILESTONE

_KINDS: frozenset[str] = frozenset()
_KINDS_TEXT = ""
# A plain decimal number: no NaN, no infinity, no digit separators.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")

MAX_VALUE = 1e15  # the largest value of a kind without its own range
# kind -> (what the value means, low, high, whole number only)
_VALUE_RULES: dict[str, tuple[str, float, float, bool]] = {
    "usage": ("active users that week, a whole number from 0 to 1000000000", 0.0, 1e9, True),
    "ces": ("the customer effort score, a number from 1 to 7", 1.0, 7.0, False),
    "handoff-csat": ("the handover satisfaction, a number from 1 to 5", 1.0, 5.0, False),
}


def check_kind(kind: str) -> str:
    """An event kind, or BadInput listing the kinds."""
    global _KINDS, _KINDS_TEXT
    if not _KINDS:
        # the kinds live with the tables; loaded once, on first use
        from handoff_cli.store.models import EVENT_KINDS

        _KINDS, _KINDS_TEXT = frozenset(EVENT_KINDS), ", ".join(EVENT_KINDS)
    if kind not in _KINDS:
        raise BadInput(f"unknown event kind {kind!r}: use one of {_KINDS_TEXT}")
    return kind


def validate_event(kind: str, value_text: Union[str, float, int, None]) -> Optional[float]:
    """Check an event's kind and value; return the value as a number (None when absent).

    `usage` needs a whole number >= 0, `ces` a number 1-7, `handoff-csat` a
    number 1-5; other kinds take an optional number. Raises BadInput with one line.
    """
    if kind not in _KINDS:
        check_kind(kind)  # loads the kinds on first use; raises for an unknown kind
    rule = _VALUE_RULES.get(kind)
    if type(value_text) is str:
        shown = value_text.strip()
        if not shown:
            value_text = None
        elif shown.isascii() and shown.isdigit():  # the common case: a plain count
            value = float(shown)
        elif _NUMBER.fullmatch(shown) is None:
            raise BadInput(f"{kind} value {value_text!r} is not a number" + (f": give {rule[0]}" if rule else ""))
        else:
            value = float(shown)
    elif value_text is not None:
        if isinstance(value_text, bool) or not isinstance(value_text, (int, float)):
            raise BadInput(f"{kind} value {value_text!r} is not a number")
        value = float(value_text)
        shown = repr(value_text)
    if value_text is None:
        if rule is not None:
            raise BadInput(f"a {kind} event needs a value: {rule[0]} (--value N)")
        return None
    if not math.isfinite(value):
        raise BadInput(f"{kind} value {shown} is not a finite number" + (f": give {rule[0]}" if rule else ""))
    if rule is None and abs(value) > MAX_VALUE:
        raise BadInput(f"{kind} value {shown} is out of range: give a number from -1e15 to 1e15")
    if rule is not None:
        meaning, low, high, whole = rule
        if whole and not value.is_integer():
            raise BadInput(f"{kind} value {shown} is not a whole number: give {meaning}")
        if value < low or value > high:
            raise BadInput(f"{kind} value {shown} is out of range: give {meaning}")
    return value


def _number(value: Optional[float]) -> Optional[float | int]:
    """Whole values show as whole numbers (12, not 12.0)."""
    if value is not None and float(value).is_integer():
        return int(value)
    return value


@dataclass(frozen=True)
class EventView:
    """An event as every command shows it: its date is `on` (PRODUCT.md section 6)."""

    kind: str
    on: date
    value: Optional[float | int]
    note: Optional[str]

    def as_dict(self) -> dict[str, Any]:
        return {"on": self.on, "kind": self.kind, "value": self.value, "note": self.note}


@dataclass(frozen=True)
class EventLogged:
    account: str
    event: EventView
    # titles of the milestones this event completed (go-live, first-workflow)
    completed_milestones: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "event": self.event.as_dict(),
            "completed_milestones": list(self.completed_milestones),
        }


# "A done milestone is the event", in one place: an event of a kind completes, on its date,
# every open milestone of the matching kind (milestones.py marks the one it was asked to first).
_OPEN_OF_KIND = "account_id = :account_id AND kind = :kind AND done_on IS NULL AND voided_at IS NULL"


def complete_open_milestones(session: Session, account_id: int, event_kind: str, on: date) -> list[str]:
    """Complete the account's open milestones that are the same fact as an event of this kind.

    Sets done_on = on; returns their titles (in due order). Kinds without a
    milestone counterpart complete nothing. The importer calls this for every
    account its file gave such an event, with the earliest date of each.
    """
    milestone_kind = EVENT_MILESTONE_KIND.get(event_kind)
    if milestone_kind is None:
        return []
    from sqlalchemy import Date, bindparam, text

    session.flush()  # a milestone marked done in this session is not open any more
    params = {"account_id": account_id, "kind": milestone_kind}
    titles = [
        title
        for (title,) in session.execute(
            text(f"SELECT title FROM milestone WHERE {_OPEN_OF_KIND} ORDER BY due_on, id"), params
        )
    ]
    if titles:
        update = text(f"UPDATE milestone SET done_on = :on WHERE {_OPEN_OF_KIND}").bindparams(
            bindparam("on", type_=Date)
        )
        session.execute(update, {**params, "on": on})
    return titles


def record_milestone_event(session: Session, account_id: int, milestone_kind: str, on: date) -> Optional[EventView]:
    """Completing a go-live / first-workflow milestone records its event on that date.

    Returns the recorded event, or None when the kind has no event or the
    account already has that event on that very date (one fact, not two).
    """
    event_kind = MILESTONE_EVENT_KIND.get(milestone_kind)
    if event_kind is None:
        return None
    from sqlmodel import select

    from handoff_cli.store.models import Event

    same = session.exec(
        select(Event.id).where(Event.account_id == account_id, Event.kind == event_kind, Event.occurred_on == on)
    ).first()
    if same is not None:
        return None
    session.add(Event(account_id=account_id, kind=event_kind, occurred_on=on))
    return EventView(kind=event_kind, on=on, value=None, note=None)


def recorded_fact_on(session: Session, account_id: int, milestone_kind: str) -> Optional[date]:
    """The date the fact a milestone of this kind stands for was recorded (the earliest
    go-live / workflow-live event, or completed milestone of that kind); None when it
    has not been, or the kind stands for no event."""
    event_kind = MILESTONE_EVENT_KIND.get(milestone_kind)
    if event_kind is None:
        return None
    from sqlmodel import func, select

    from handoff_cli.store.models import Event, Milestone

    dates = [
        session.exec(
            select(func.min(Event.occurred_on)).where(Event.account_id == account_id, Event.kind == event_kind)
        ).one(),
        session.exec(
            select(func.min(Milestone.done_on)).where(
                Milestone.account_id == account_id, Milestone.kind == milestone_kind
            )
        ).one(),
    ]
    found = [d for d in dates if d is not None]
    return min(found) if found else None


def log_event(
    account: str,
    kind: str,
    *,
    on: date,
    value: Optional[str] = None,
    note: Optional[str] = None,
    store: Store,
    today: date,
) -> EventLogged:
    """Append one event to the ledger; a go-live / workflow-live completes its open milestones."""
    from handoff_cli.commands.common import MAX_NOTE, clean_text, find_account
    from handoff_cli.commands.dates import check_ledger_date
    from handoff_cli.store.models import Event

    number = validate_event(kind, value)
    note = clean_text(note, "note", required=False, max_len=MAX_NOTE)
    with store.write() as s:
        acc = find_account(s, account)
        check_ledger_date(on, acc.signed_on, acc.name, f"the {kind} event")
        s.add(Event(account_id=stored_id(acc), kind=kind, occurred_on=on, value=number, note=note))
        completed = complete_open_milestones(s, stored_id(acc), kind, on)
        return EventLogged(
            account=acc.name,
            event=EventView(kind=kind, on=on, value=_number(number), note=note),
            completed_milestones=tuple(completed),
        )


_LIST_SQL = """
SELECT id, kind, occurred_on, value, note, voided_at, void_reason FROM event
WHERE account_id = :account_id AND (:kind = '' OR kind = :kind) AND (:every = 1 OR voided_at IS NULL)
  AND occurred_on <= :today
ORDER BY occurred_on, id
"""


def list_events(
    account: str, *, kind: Optional[str] = None, every: bool = False, store: Store, today: date
) -> tuple[str, list[dict[str, Any]]]:
    """The account's ledger as of ``today``, oldest first: (account name, events), each event
    with the id `event void` takes; `every` adds the voided ones, marked. Events dated after
    today have not happened yet and are left out (see them with a later --as-of)."""
    from handoff_cli.store import as_date
    from handoff_cli.store.lookup import lookup_account

    if kind is not None:
        check_kind(kind)
    with store.reader() as r:
        acc = lookup_account(r, account)
    with store.reader(every_row=True) as r:
        rows = r.all(_LIST_SQL, {"account_id": acc.id, "kind": kind or "", "every": 1 if every else 0, "today": today})
    out = []
    for i, k, on, v, n, voided, why in rows:
        row: dict[str, Any] = {"id": i, **EventView(kind=k, on=as_date(on), value=_number(v), note=n).as_dict()}
        if every:
            row["voided"] = voided is not None
            row["void_reason"] = why
        out.append(row)
    return acc.name, out
