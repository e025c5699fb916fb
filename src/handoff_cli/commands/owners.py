"""Owners: who holds which role on an account, and since when.

The rules (PRODUCT.md section 1, "assignment"):

* A role (`implementation`, `csm`, `sponsor`, `champion`) has at most one
  holder at a time. Assigning a role that someone else holds ends their
  assignment on that date (``end_on`` = the date) and starts the new one on the
  same date (``start_on`` = the date): no gap, no overlap.
* Assigning the current holder again changes nothing. Holders are compared
  ignoring case ("dana lee" is "Dana Lee"); the name is stored as first typed.
* History is never overwritten. A change dated before the current holder's
  start, or before the end of the role's last finished assignment, would
  rewrite who held the role on days already recorded, so it is bad input.
  A change dated on the very day the current holder started is accepted: that
  assignment then lasts zero days, which is how a same-day correction looks in
  the history.
* Releasing ends the current holder's assignment; releasing a role nobody
  holds is bad input.

Intervals are half-open: an assignment covers ``start_on`` up to, not
including, ``end_on``; the next holder starts on ``end_on``.

``check_assign`` / ``apply_assign`` and ``check_release`` / ``apply_release``
are the same rules for other write services (success plans name the sponsor,
the handover moves the account to the CSM) inside their own transaction: check
every step first, then apply them, so a failed check writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Optional

from handoff_cli.commands.rows import stored_id
from handoff_cli.errors import BadInput
from handoff_cli.store import Store, as_date, to_date
from handoff_cli.store.lookup import AccountRef, lookup_account  # noqa: F401  (re-exported)

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session

    from handoff_cli.store.models import Account, Assignment

ROLES = ("implementation", "csm", "sponsor", "champion")


@dataclass(frozen=True)
class AssignmentView:
    """One assignment: ``end_on`` is None while the person holds the role."""

    role: str
    person: str
    start_on: date
    end_on: Optional[date]

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class OwnerChange:
    """The result of an assign or a release.

    ``assignment`` is the holder's assignment after the write (for a release,
    the one that was ended). ``ended`` is the previous holder's assignment that
    an assign ended (None when the role was free). ``changed`` is False when
    the person already held the role and nothing was written. ``ownerless`` is
    True when, after a release of `implementation` or `csm` on a high-touch
    account, nobody holds either role: the account is an ownerless seam.
    """

    account: str
    role: str
    assignment: AssignmentView
    ended: Optional[AssignmentView] = None
    changed: bool = True
    ownerless: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "role": self.role,
            "assignment": self.assignment.as_dict(),
            "ended": self.ended.as_dict() if self.ended else None,
            "changed": self.changed,
        }


@dataclass(frozen=True)
class OwnerHistory:
    """An account's assignments as of a date, and how many are dated after it."""

    account: str
    assignments: tuple[AssignmentView, ...]
    later: int = 0


# -- validation -------------------------------------------------------------


def check_role(role: str) -> str:
    """A role name, ignoring case and surrounding spaces."""
    key = (role or "").strip().lower()
    if key not in ROLES:
        raise BadInput(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    return key


def check_person(person: Optional[str], what: str = "person") -> str:
    from handoff_cli.commands.common import clean_text

    return clean_text(person, what)


def same_person(a: Optional[str], b: Optional[str]) -> bool:
    return a is not None and b is not None and a.casefold() == b.casefold()


def _view(a: Assignment) -> AssignmentView:
    return AssignmentView(role=a.role, person=a.person, start_on=a.start_on, end_on=a.end_on)


# -- steps inside a write transaction ----------------------------------------


@dataclass
class AssignStep:
    """A checked assignment, ready to apply. ``current`` is the open assignment it ends."""

    account: Account
    role: str
    person: str
    on: date
    current: Optional[Assignment]
    changed: bool


@dataclass
class ReleaseStep:
    account: Account
    role: str
    on: date
    current: Assignment


def open_assignment(session: Session, account_id: int, role: str) -> Optional[Assignment]:
    from sqlmodel import col, select

    from handoff_cli.store.models import Assignment

    return session.exec(
        select(Assignment)
        .where(Assignment.account_id == account_id, Assignment.role == role, col(Assignment.end_on).is_(None))
        .order_by(col(Assignment.start_on).desc(), col(Assignment.id).desc())
    ).first()


def _last_ended(session: Session, account_id: int, role: str) -> Optional[Assignment]:
    from sqlmodel import col, select

    from handoff_cli.store.models import Assignment

    return session.exec(
        select(Assignment)
        .where(Assignment.account_id == account_id, Assignment.role == role, col(Assignment.end_on).is_not(None))
        .order_by(col(Assignment.end_on).desc(), col(Assignment.id).desc())
    ).first()


def check_not_backdated(session: Session, acc: Account, role: str, on: date, current: Optional[Assignment]) -> None:
    """A change of ``role`` on ``on`` must not reach back before its current holder's start
    or before the end of its last finished assignment."""
    if current is not None and on < current.start_on:
        raise BadInput(
            f"{current.person} has held the {role} role on {acc.name} since {current.start_on.isoformat()}: "
            f"date the change on or after that (--on)"
        )
    last = _last_ended(session, stored_id(acc), role)
    if last is not None and last.end_on is not None and on < last.end_on:
        raise BadInput(
            f"{last.person} held the {role} role on {acc.name} until {last.end_on.isoformat()}: "
            f"date the change on or after that (--on); history is not rewritten"
        )


def check_assign(session: Session, acc: Account, role: str, person: str, on: date) -> AssignStep:
    """Check that ``person`` may take ``role`` on ``on``; nothing is written."""
    current = open_assignment(session, stored_id(acc), role)
    check_not_backdated(session, acc, role, on, current)
    changed = not (current is not None and same_person(current.person, person))
    return AssignStep(account=acc, role=role, person=person, on=on, current=current, changed=changed)


def apply_assign(session: Session, step: AssignStep) -> tuple[AssignmentView, Optional[AssignmentView]]:
    """Write a checked assignment: (the holder's assignment, the one it ended or None)."""
    from handoff_cli.store.models import Assignment

    if not step.changed:
        assert step.current is not None
        return _view(step.current), None
    ended = None
    if step.current is not None:
        step.current.end_on = step.on
        session.add(step.current)
        ended = _view(step.current)
    new = Assignment(account_id=stored_id(step.account), role=step.role, person=step.person, start_on=step.on)
    session.add(new)
    session.flush()
    return _view(new), ended


def check_release(session: Session, acc: Account, role: str, on: date) -> ReleaseStep:
    current = open_assignment(session, stored_id(acc), role)
    if current is None:
        raise BadInput(f"nobody holds the {role} role on {acc.name}: nothing to release (see `handoff owner history`)")
    check_not_backdated(session, acc, role, on, current)
    return ReleaseStep(account=acc, role=role, on=on, current=current)


def apply_release(session: Session, step: ReleaseStep) -> AssignmentView:
    step.current.end_on = step.on
    session.add(step.current)
    session.flush()
    return _view(step.current)


# -- commands -----------------------------------------------------------------


def assign_owner(ref: str, role: str, person: str, *, on: date, store: Store, today: date) -> OwnerChange:
    """``owner assign``: ``person`` holds ``role`` from ``on``, ending the previous holder's assignment."""
    from handoff_cli.commands.common import find_account

    role = check_role(role)
    person = check_person(person)
    with store.write() as s:
        acc = find_account(s, ref)
        step = check_assign(s, acc, role, person, on)
        assignment, ended = apply_assign(s, step)
        return OwnerChange(account=acc.name, role=role, assignment=assignment, ended=ended, changed=step.changed)


def release_owner(ref: str, role: str, *, on: date, store: Store, today: date) -> OwnerChange:
    """``owner release``: end the current holder's assignment on ``on``; the role is then vacant."""
    from handoff_cli.commands.common import find_account

    role = check_role(role)
    with store.write() as s:
        acc = find_account(s, ref)
        step = check_release(s, acc, role, on)
        ended = apply_release(s, step)
        ownerless = False
        if acc.motion == "high-touch" and role in ("implementation", "csm"):
            other = "csm" if role == "implementation" else "implementation"
            ownerless = open_assignment(s, stored_id(acc), other) is None
        return OwnerChange(account=acc.name, role=role, assignment=ended, ended=None, changed=True, ownerless=ownerless)


# -- reads ----------------------------------------------------------------------


def owner_history(ref: str, *, store: Store, today: date) -> OwnerHistory:
    """``owner history``: every assignment as of ``today``, ordered by start date then entry order.

    Like every view, it sees the facts dated on or before ``today``: an
    assignment that starts later is left out (and counted in ``later``), and an
    end dated later shows as still open, so a view as of a past date is
    reproducible.
    """
    with store.reader() as r:
        acc = lookup_account(r, ref)
        rows = r.all(
            "SELECT role, person, start_on, end_on FROM assignment WHERE account_id = :id ORDER BY start_on, id",
            {"id": acc.id},
        )
    shown: list[AssignmentView] = []
    later = 0
    for role, person, start, end in rows:
        start, end = as_date(start), to_date(end)
        if start > today:
            later += 1
            continue
        shown.append(
            AssignmentView(role=role, person=person, start_on=start, end_on=end if end and end <= today else None)
        )
    return OwnerHistory(account=acc.name, assignments=tuple(shown), later=later)
