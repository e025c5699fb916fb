"""The handover: implementation passes the account to the CSM (PRODUCT.md sections 1-3).

One ``handover`` is one transaction, so there is never a day with no owner:

1. the current implementation assignment (if any) ends on the handover date;
2. the CSM named with ``--to`` holds the `csm` role from that date, by the
   rules of ``owner assign`` (another CSM's assignment ends; nothing changes
   when they hold it already);
3. a handover record keeps the date, who handed (the implementation holder at
   that moment, or nobody), to whom, whether the value gate had passed, whether
   a joint call was held, and the context carried: what was promised, what was
   customised, open issues.

The value gate has passed on a date when a `go-live` event and a
`workflow-live` event are each dated on or before it (self-serve accounts:
`workflow-live` alone). The record keeps the answer as it was when the
handover was written.

Bad input, with nothing written: a date before the implementation holder's
start (or before any other date the role history already records), a date
before the latest earlier handover (the rules judge the latest one), and
repeating a handover that has nothing left to do (no implementation holder,
the CSM already holds the role, and the latest handover went to them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Optional

from handoff_cli.commands.rows import stored_id
from handoff_cli.errors import BadInput, Conflict
from handoff_cli.store import Store
from handoff_cli.vocab import GATE_KINDS

MAX_CONTEXT = 10_000


@dataclass(frozen=True)
class HandoverView:
    account: str
    handed_on: date
    from_person: Optional[str]
    to_person: str
    gate_passed: bool
    joint_call: bool
    promised: Optional[str]
    customised: Optional[str]
    open_issues: Optional[str]

    def as_dict(self) -> dict[str, Any]:
        """The keys the brief's handover has too: a handover's people are `from` and `to`."""
        return {
            "account": self.account,
            "handed_on": self.handed_on,
            "from": self.from_person,
            "to": self.to_person,
            "gate_passed": self.gate_passed,
            "joint_call": self.joint_call,
            "promised": self.promised,
            "customised": self.customised,
            "open_issues": self.open_issues,
        }


@dataclass(frozen=True)
class HandoverResult:
    """The record, plus what a human needs to hear about it.

    ``gate_missing`` lists the event kinds the value gate still lacked on the
    date. ``csm_replaced`` names a CSM whose assignment the handover ended.
    Which warnings the record raises is the rules' to say (queries.reports.handover_risks).
    """

    handover: HandoverView
    motion: str
    gate_missing: tuple[str, ...]
    csm_replaced: Optional[str]


def gate_missing(session, account_id: int, motion: str, on: date) -> tuple[str, ...]:
    """The value gate's facts not yet recorded on ``on`` (the gate itself: domain.facts)."""
    from sqlmodel import col, func, select

    from handoff_cli.domain.facts import gate_missing as missing_on
    from handoff_cli.store.models import Event

    first = dict(
        session.exec(
            select(Event.kind, func.min(Event.occurred_on))
            .where(Event.account_id == account_id, col(Event.kind).in_(GATE_KINDS["high-touch"]))
            .group_by(Event.kind)
        ).all()
    )
    return tuple(missing_on(motion, first.get("go-live"), first.get("workflow-live"), on))


def record_handover(
    ref: str,
    *,
    to: str,
    on: date,
    joint_call: bool = False,
    promised: Optional[str] = None,
    customised: Optional[str] = None,
    open_issues: Optional[str] = None,
    store: Store,
    today: date,
    approve: Optional[Callable[[dict[str, Any]], None]] = None,
) -> HandoverResult:
    """Hand ``ref`` from its implementation owner to the CSM ``to`` on ``on`` (see the module docstring)."""
    from sqlmodel import col, select

    from handoff_cli.commands.common import clean_text, find_account
    from handoff_cli.commands.owners import (
        apply_assign,
        apply_release,
        check_assign,
        check_not_backdated,
        check_person,
        check_release,
        open_assignment,
        same_person,
    )
    from handoff_cli.store.models import Handover

    to = check_person(to, "--to")
    promised = clean_text(promised, "--promised", required=False, max_len=MAX_CONTEXT)
    customised = clean_text(customised, "--customised", required=False, max_len=MAX_CONTEXT)
    open_issues = clean_text(open_issues, "--open-issues", required=False, max_len=MAX_CONTEXT)
    with store.write() as s:
        acc = find_account(s, ref)
        # check every step before writing anything
        latest = s.exec(
            select(Handover)
            .where(Handover.account_id == acc.id)
            .order_by(col(Handover.handed_on).desc(), col(Handover.id).desc())
        ).first()
        if latest is not None and on < latest.handed_on:
            raise BadInput(
                f"{acc.name} was handed over on {latest.handed_on.isoformat()} already: "
                f"date a new handover on or after that (--on)"
            )
        impl = open_assignment(s, stored_id(acc), "implementation")
        if impl is not None:
            release = check_release(s, acc, "implementation", on)
        else:
            release = None
            check_not_backdated(s, acc, "implementation", on, None)
        csm = check_assign(s, acc, "csm", to, on)
        if not csm.changed and csm.current is not None:
            to = csm.current.person  # the holder's spelling: one person, one name
        if release is None and not csm.changed and latest is not None and same_person(latest.to_person, to):
            raise Conflict(
                f"{acc.name} was handed over to {latest.to_person} on {latest.handed_on.isoformat()} already "
                f"and nobody holds implementation: nothing to hand over"
            )
        missing = gate_missing(s, stored_id(acc), acc.motion, on)
        if approve is not None:
            # the pre-handover hooks (commands/hooks.py): raising refuses it, before anything is written
            approve(
                {
                    "account": acc.name,
                    "handed_on": on,
                    "from": impl.person if impl is not None else None,
                    "to": to,
                    "gate_passed": not missing,
                    "joint_call": joint_call,
                    "promised": promised,
                    "customised": customised,
                    "open_issues": open_issues,
                }
            )

        # write
        if release is not None:
            apply_release(s, release)
        _assigned, replaced = apply_assign(s, csm)
        row = Handover(
            account_id=stored_id(acc),
            handed_on=on,
            from_person=impl.person if impl is not None else None,
            to_person=to,
            gate_passed=not missing,
            joint_call=joint_call,
            promised=promised,
            customised=customised,
            open_issues=open_issues,
        )
        s.add(row)
        s.flush()
        view = HandoverView(
            account=acc.name,
            handed_on=on,
            from_person=row.from_person,
            to_person=to,
            gate_passed=row.gate_passed,
            joint_call=joint_call,
            promised=promised,
            customised=customised,
            open_issues=open_issues,
        )
        return HandoverResult(
            handover=view,
            motion=acc.motion,
            gate_missing=missing,
            csm_replaced=replaced.person if replaced is not None else None,
        )
