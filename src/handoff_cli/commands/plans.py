"""Success plans: the customer's outcome in their words, the exec sponsor, the criteria.

Every ``plan set`` writes a new version (1, 2, ...) agreed on its ``--on``
date; older versions stay readable with ``plan show --history``.

What a new version carries forward from the previous one (PRODUCT.md section 1):

* the outcome is always restated (it is required and must not be empty);
* no ``--sponsor``: the previous version's sponsor;
* no ``--criterion``: the previous version's criteria, unchanged. Given
  ``--criterion`` options replace the whole list, in the order given: a CSM
  restating criteria restates the set agreed with the customer, so merging
  would keep criteria the customer dropped.

A sponsor named with ``--sponsor`` then holds the `sponsor` role from the
plan's date, by the rules of ``owner assign``: nothing changes when they hold
it already (the plan then spells the name as the role does); another
sponsor's assignment ends on that date. A sponsor merely
carried forward is not re-assigned: if the role was released since (the
sponsor left), the plan does not bring them back.

A version cannot be dated before the previous version: versions are the order
in which the plan was agreed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Optional

from handoff_cli.commands.owners import AssignmentView, lookup_account
from handoff_cli.commands.rows import stored_id
from handoff_cli.errors import BadInput
from handoff_cli.store import Store, as_date
from handoff_cli.text import quoted

MAX_PLAN_TEXT = 10_000


@dataclass(frozen=True)
class PlanView:
    version: int
    agreed_on: date
    outcome: str
    sponsor: Optional[str]
    criteria: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "agreed_on": self.agreed_on,
            "outcome": self.outcome,
            "sponsor": self.sponsor,
            "criteria": list(self.criteria),
        }


@dataclass(frozen=True)
class PlanSet:
    """The result of ``plan set``: the new version, and the sponsor role change it made (if any)."""

    account: str
    plan: PlanView
    sponsor_assignment: Optional[AssignmentView] = None
    sponsor_replaced: Optional[AssignmentView] = None


@dataclass(frozen=True)
class PlanList:
    """``plan show``: versions agreed on or before today, oldest first; ``later`` counts the rest."""

    account: str
    plans: tuple[PlanView, ...]
    later: int = 0


def _clean_criteria(criteria: Sequence[str]) -> tuple[str, ...]:
    from handoff_cli.commands.common import clean_text

    out: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(criteria, start=1):
        text = clean_text(raw, f"criterion {i}", max_len=MAX_PLAN_TEXT)
        if text.casefold() in seen:
            raise BadInput(f"criterion {i} {quoted(text)} is given twice: give each criterion once")
        seen.add(text.casefold())
        out.append(text)
    return tuple(out)


def set_plan(
    ref: str,
    *,
    outcome: str,
    sponsor: Optional[str] = None,
    criteria: Optional[Sequence[str]] = None,
    add_criteria: Optional[Sequence[str]] = None,
    on: date,
    store: Store,
    today: date,
) -> PlanSet:
    """Write the next version of the account's success plan (see the module docstring for what carries forward)."""
    from sqlmodel import col, select

    from handoff_cli.commands.common import clean_text, find_account
    from handoff_cli.commands.owners import apply_assign, check_assign, check_person
    from handoff_cli.store.models import PlanCriterion, SuccessPlan

    outcome = clean_text(outcome, "outcome", max_len=MAX_PLAN_TEXT)
    sponsor = check_person(sponsor, "sponsor") if sponsor is not None else None
    new_criteria = _clean_criteria(criteria) if criteria else None
    added = _clean_criteria(add_criteria) if add_criteria else ()
    with store.write() as s:
        acc = find_account(s, ref)
        prev = s.exec(
            select(SuccessPlan).where(SuccessPlan.account_id == acc.id).order_by(col(SuccessPlan.version).desc())
        ).first()
        if prev is not None and on < prev.agreed_on:
            raise BadInput(
                f"version {prev.version} of {acc.name}'s plan was agreed on {prev.agreed_on.isoformat()}: "
                f"date the new version on or after that (--on)"
            )
        step = check_assign(s, acc, "sponsor", sponsor, on) if sponsor is not None else None
        if step is not None and not step.changed and step.current is not None:
            sponsor = step.current.person  # the holder's spelling, not a second one for the same person
        if new_criteria is None and prev is not None:
            rows = s.exec(
                select(PlanCriterion.text).where(PlanCriterion.plan_id == prev.id).order_by(col(PlanCriterion.position))
            ).all()
            new_criteria = tuple(rows)
        if added:
            # --add-criterion appends to the list this version keeps (given or carried forward)
            new_criteria = _clean_criteria((*(new_criteria or ()), *added))
        plan = SuccessPlan(
            account_id=stored_id(acc),
            version=(prev.version + 1) if prev is not None else 1,
            outcome=outcome,
            sponsor=sponsor if sponsor is not None else (prev.sponsor if prev is not None else None),
            agreed_on=on,
        )
        s.add(plan)
        s.flush()
        for pos, text in enumerate(new_criteria or (), start=1):
            s.add(PlanCriterion(plan_id=stored_id(plan), position=pos, text=text))
        assigned = replaced = None
        if step is not None and step.changed:
            assigned, replaced = apply_assign(s, step)
        s.flush()
        view = PlanView(
            version=plan.version,
            agreed_on=plan.agreed_on,
            outcome=plan.outcome,
            sponsor=plan.sponsor,
            criteria=tuple(new_criteria or ()),
        )
        return PlanSet(account=acc.name, plan=view, sponsor_assignment=assigned, sponsor_replaced=replaced)


def show_plans(ref: str, *, store: Store, today: date) -> PlanList:
    """Every version agreed on or before ``today``, oldest first (the last is the plan in force).

    Versions agreed after ``today`` are counted in ``later``, not shown, so a
    view as of a past date shows the plan as it stood then.
    """
    with store.reader() as r:
        acc = lookup_account(r, ref)
        plans = r.all(
            "SELECT id, version, agreed_on, outcome, sponsor FROM success_plan WHERE account_id = :id ORDER BY version",
            {"id": acc.id},
        )
        crit = r.all(
            "SELECT c.plan_id, c.text FROM plan_criterion c JOIN success_plan p ON p.id = c.plan_id "
            "WHERE p.account_id = :id ORDER BY c.plan_id, c.position, c.id",
            {"id": acc.id},
        )
    by_plan: dict[int, list[str]] = {}
    for plan_id, text in crit:
        by_plan.setdefault(plan_id, []).append(text)
    shown: list[PlanView] = []
    later = 0
    for pid, version, agreed, outcome, sponsor in plans:
        agreed = as_date(agreed)
        if agreed > today:
            later += 1
            continue
        shown.append(PlanView(version, agreed, outcome, sponsor, tuple(by_plan.get(pid, ()))))
    return PlanList(account=acc.name, plans=tuple(shown), later=later)
