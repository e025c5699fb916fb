"""Milestones: the implementation steps of an account, their due dates and slips.

A milestone keeps the first due date it ever had (the baseline); every later
change of due date is a slip with a cause, whose length is the new due date
minus the old one (negative when pulled in). Completing a `go-live` or
`first-workflow` milestone records the matching event (commands/events.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Optional

from handoff_cli.commands.events import EventView, complete_open_milestones, record_milestone_event, recorded_fact_on
from handoff_cli.commands.rows import stored_id
from handoff_cli.errors import BadInput, Conflict, NotFound
from handoff_cli.store.lookup import close_matches, fold, lookup_account, prefix_matches
from handoff_cli.text import quoted
from handoff_cli.vocab import EVENT_OF_MILESTONE

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session

    from handoff_cli.store import Reader, Store
    from handoff_cli.store.models import Milestone

DEFAULT_KIND = "other"
DEFAULT_SIDE = "vendor"


@dataclass(frozen=True)
class MilestoneView:
    title: str
    kind: str
    side: str
    baseline_due_on: date
    due_on: date
    done_on: Optional[date]
    slip_days: int
    status: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class SlipView:
    recorded_on: date
    from_due_on: date
    to_due_on: date
    days: int
    cause: str
    note: Optional[str]

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class MilestoneChange:
    """The result of add / done / slip: the milestone as it now stands, and what came with it."""

    account: str
    milestone: MilestoneView
    slip: Optional[SlipView] = None
    # the go-live / workflow-live event recorded by completing the milestone
    event: Optional[EventView] = None
    # other open milestones of the same kind completed with it (one fact)
    completed_milestones: tuple[str, ...] = ()
    # why a milestone was added done: its fact was recorded already (notes for stderr)
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"account": self.account, "milestone": self.milestone.as_dict()}
        if self.slip is not None:
            out["slip"] = self.slip.as_dict()
        out["event"] = self.event.as_dict() if self.event is not None else None
        if self.completed_milestones:
            out["completed_milestones"] = list(self.completed_milestones)
        return out


# -- shared checks -------------------------------------------------------------
def milestone_kinds() -> tuple[str, ...]:
    """The default kinds plus any extra ones in the config file's `[milestones] kinds`."""
    from handoff_cli.config import config_path, load_config
    from handoff_cli.store.models import MILESTONE_KINDS

    extra = load_config().get("milestones", {}).get("kinds", [])
    if not isinstance(extra, list) or not all(isinstance(k, str) and k.strip() for k in extra):
        raise BadInput(f'config {config_path()}: [milestones] kinds must be a list of names, like ["training"]')
    out = list(MILESTONE_KINDS)
    for k in extra:
        if k.strip() not in out:
            out.append(k.strip())
    return tuple(out)


def check_kind(kind: str, kinds: Sequence[str]) -> str:
    if kind not in kinds:
        raise BadInput(
            f"unknown milestone kind {kind!r}: use one of {', '.join(kinds)} (add more under [milestones] kinds in the config)"
        )
    return kind


def check_side(side: str) -> str:
    from handoff_cli.store.models import SIDES

    if side not in SIDES:
        raise BadInput(f"side {side!r} is not one of {', '.join(SIDES)}")
    return side


def check_title(title: str) -> str:
    from handoff_cli.commands.common import clean_text

    return clean_text(title, "milestone title")


def title_key(title: str) -> str:
    """Titles are compared as names are: NFC, then case-folded."""
    from handoff_cli.text import fold

    return fold(title)


def status_of(due_on: date, done_on: Optional[date], today: date) -> str:
    if done_on is not None:
        return "done"
    return "overdue" if due_on < today else "open"


def _slip_days(session: Session, milestone_id: int) -> int:
    from sqlmodel import col, select

    from handoff_cli.store.models import Slip

    rows = session.exec(
        select(col(Slip.from_due_on), col(Slip.to_due_on)).where(Slip.milestone_id == milestone_id)
    ).all()
    return sum((to - frm).days for frm, to in rows)


def view_of(m: Milestone, slip_days: int, today: date) -> MilestoneView:
    return MilestoneView(
        title=m.title,
        kind=m.kind,
        side=m.side,
        baseline_due_on=m.baseline_due_on,
        due_on=m.due_on,
        done_on=m.done_on,
        slip_days=slip_days,
        status=status_of(m.due_on, m.done_on, today),
    )


def _find_milestone(session: Session, account_id: int, account_name: str, title: str) -> Milestone:
    from sqlmodel import select

    from handoff_cli.store.models import Milestone

    key = title_key((title or "").strip())
    m = session.exec(select(Milestone).where(Milestone.account_id == account_id, Milestone.title_key == key)).first()
    if m is not None:
        return m
    rows = session.exec(select(Milestone.id, Milestone.title).where(Milestone.account_id == account_id)).all()
    titles = [t for _id, t in rows]
    if not titles:
        raise NotFound(
            f"{account_name} has no milestones yet: add one with `handoff milestone add` or `handoff milestone template`"
        )
    # like accounts: a unique prefix of the title or of a word of it (`sso`, `go-live`, `first close`)
    folded = fold(title)
    hits = [(mid, t) for mid, t in rows if prefix_matches(folded, fold(t), None)]
    if len(hits) == 1:
        found = session.get(Milestone, hits[0][0])
        assert found is not None
        return found
    if hits:
        names = ", ".join(quoted(t) for _mid, t in sorted(hits, key=lambda h: h[1].casefold()))
        raise BadInput(
            f"milestone {quoted(title)} of {account_name} is ambiguous: it fits {names}; type more of the title"
        )
    close = close_matches(title, titles)
    hint = (
        f"; did you mean {', '.join(quoted(t) for t in close)}?"
        if close
        else f"; see `handoff milestone list {quoted(account_name)}`"
    )
    raise NotFound(f"{account_name} has no milestone {quoted(title)}{hint}")


def existing_title_keys(session: Session, account_id: int) -> dict[str, str]:
    """title_key -> title of the account's milestones."""
    from sqlmodel import select

    from handoff_cli.store.models import Milestone

    return {
        k: t
        for k, t in session.exec(
            select(Milestone.title_key, Milestone.title).where(Milestone.account_id == account_id)
        ).all()
    }


def new_milestone(account_id: int, title: str, kind: str, side: str, due_on: date, on: date) -> Milestone:
    from handoff_cli.store.models import Milestone

    return Milestone(
        account_id=account_id,
        title=title,
        title_key=title_key(title),
        kind=kind,
        side=side,
        baseline_due_on=due_on,
        due_on=due_on,
        added_on=on,
    )


def done_by_recorded_fact(session: Session, account_id: int, account_name: str, m: Milestone) -> Optional[str]:
    """A new go-live / first-workflow milestone whose fact is recorded already is added done
    on the fact's date (one fact, not two); returns the note saying so, else None."""
    fact_on = recorded_fact_on(session, account_id, m.kind)
    if fact_on is None:
        return None
    m.done_on = fact_on
    what = MILESTONE_EVENT_KIND_NAME.get(m.kind, m.kind)
    return (
        f"milestone {quoted(m.title)} of {account_name} added done on {fact_on.isoformat()}: {what} was recorded then"
    )


MILESTONE_EVENT_KIND_NAME = {"go-live": "the go-live", "first-workflow": "the workflow-live"}


# -- writes --------------------------------------------------------------------
def add_milestone(
    account: str,
    title: str,
    *,
    due_on: date,
    kind: str = DEFAULT_KIND,
    side: str = DEFAULT_SIDE,
    on: date,
    store: Store,
    today: date,
) -> MilestoneChange:
    """Add a milestone; its baseline and current due date are both `due_on`."""
    from handoff_cli.commands.common import find_account

    title = check_title(title)
    check_kind(kind, milestone_kinds())
    check_side(side)
    with store.write() as s:
        acc = find_account(s, account)
        clash = existing_title_keys(s, stored_id(acc)).get(title_key(title))
        if clash is not None:
            raise Conflict(
                f"{acc.name} has a milestone {quoted(clash)} already (titles are unique per account, ignoring case)"
            )
        m = new_milestone(stored_id(acc), title, kind, side, due_on, on)
        note = done_by_recorded_fact(s, stored_id(acc), acc.name, m)
        s.add(m)
        s.flush()
        return MilestoneChange(account=acc.name, milestone=view_of(m, 0, today), notes=(note,) if note else ())


def complete_milestone(account: str, title: str, *, on: date, store: Store, today: date) -> MilestoneChange:
    """Mark a milestone done on a date; a go-live / first-workflow one records its event too."""
    from handoff_cli.commands.common import find_account
    from handoff_cli.commands.dates import check_ledger_date

    with store.write() as s:
        acc = find_account(s, account)
        m = _find_milestone(s, stored_id(acc), acc.name, title)
        if m.done_on is not None:
            raise BadInput(f"milestone {quoted(m.title)} of {acc.name} was done on {m.done_on.isoformat()} already")
        check_ledger_date(on, acc.signed_on, acc.name, f"milestone {quoted(m.title)} done")
        m.done_on = on
        s.add(m)
        event = record_milestone_event(s, stored_id(acc), m.kind, on)
        # one fact: every other open milestone of the kind is completed on that date too
        event_kind = EVENT_OF_MILESTONE.get(m.kind)
        others = complete_open_milestones(s, stored_id(acc), event_kind, on) if event_kind is not None else []
        return MilestoneChange(
            account=acc.name,
            milestone=view_of(m, _slip_days(s, stored_id(m)), today),
            event=event,
            completed_milestones=tuple(others),
        )


def slip_milestone(
    account: str,
    title: str,
    *,
    to: Optional[date] = None,
    by_days: Optional[int] = None,
    cause: str,
    note: Optional[str] = None,
    on: date,
    store: Store,
    today: date,
) -> MilestoneChange:
    """Move an open milestone's due date to `to`, or by `by_days` from its current due date (one of
    the two), recording the slip; the baseline never changes."""
    from handoff_cli.commands.common import MAX_NOTE, clean_text, find_account
    from handoff_cli.store.models import SLIP_CAUSES, Slip

    if cause not in SLIP_CAUSES:
        raise BadInput(f"slip cause {cause!r} is not one of {', '.join(SLIP_CAUSES)}")
    note = clean_text(note, "note", required=False, max_len=MAX_NOTE)
    with store.write() as s:
        acc = find_account(s, account)
        m = _find_milestone(s, stored_id(acc), acc.name, title)
        if m.done_on is not None:
            raise BadInput(
                f"milestone {quoted(m.title)} of {acc.name} was done on {m.done_on.isoformat()}: a done milestone cannot slip"
            )
        if by_days is not None:
            if by_days == 0:
                raise BadInput("--by 0 moves nothing: give a number of days other than 0 (--by 10d, --by=-3d)")
            try:
                to = m.due_on + timedelta(days=by_days)
            except OverflowError:
                raise BadInput(f"--by {by_days}d moves the due date out of range") from None
        if to is None:
            raise BadInput("give the new due date with --to DATE, or the move with --by DAYS")
        if to == m.due_on:
            raise BadInput(
                f"milestone {quoted(m.title)} of {acc.name} is due on {to.isoformat()} already: give --to a different date"
            )
        slip = Slip(
            milestone_id=stored_id(m), recorded_on=on, from_due_on=m.due_on, to_due_on=to, cause=cause, note=note
        )
        m.due_on = to
        s.add(slip)
        s.add(m)
        s.flush()
        return MilestoneChange(
            account=acc.name,
            milestone=view_of(m, _slip_days(s, stored_id(m)), today),
            slip=SlipView(
                recorded_on=on,
                from_due_on=slip.from_due_on,
                to_due_on=to,
                days=(to - slip.from_due_on).days,
                cause=cause,
                note=note,
            ),
        )


# -- reads ---------------------------------------------------------------------
def account_for_read(r: Reader, ref: str) -> tuple[int, str]:
    """(id, name) of an account by name (case-insensitive) or external id, on the read path; the name wins."""
    acc = lookup_account(r, ref)
    return acc.id, acc.name


_LIST_SQL = """
SELECT m.id, m.title, m.kind, m.side, m.baseline_due_on, m.due_on, m.done_on
FROM milestone m
WHERE m.account_id = :account_id AND m.added_on <= :today
ORDER BY m.due_on, m.id
"""

_SLIPS_SQL = """
SELECT s.milestone_id, s.from_due_on, s.to_due_on
FROM slip s JOIN milestone m ON m.id = s.milestone_id
WHERE m.account_id = :account_id AND s.recorded_on <= :today
ORDER BY s.recorded_on, s.id
"""


def list_milestones(account: str, *, store: Store, today: date) -> tuple[str, list[MilestoneView]]:
    """The account's milestones in due order: (account name, milestones)."""
    from handoff_cli.store import as_date, to_date

    with store.reader() as r:
        account_id, name = account_for_read(r, account)
        rows = r.all(_LIST_SQL, {"account_id": account_id, "today": today})
        slips = r.all(_SLIPS_SQL, {"account_id": account_id, "today": today})
    # as of today: slips recorded later are not made yet, a done date after today has not come
    slip_days: dict[int, int] = {}
    due_then: dict[int, date] = {}
    for mid, frm, to in slips:
        slip_days[mid] = slip_days.get(mid, 0) + (as_date(to) - as_date(frm)).days
        due_then[mid] = as_date(to)
    out = []
    rows = sorted(rows, key=lambda row: (due_then.get(row[0], to_date(row[4])), row[0]))
    for mid, title, kind, side, baseline, _due, done in rows:
        due = due_then.get(mid) or to_date(baseline) or date.min  # a baseline is never NULL
        done_on = to_date(done)
        done = done_on if done_on is not None and done_on <= today else None
        out.append(
            MilestoneView(
                title=title,
                kind=kind,
                side=side,
                baseline_due_on=as_date(baseline),
                due_on=due,
                done_on=done,
                slip_days=slip_days.get(mid, 0),
                status=status_of(due, done, today),
            )
        )
    return name, out
