"""Acknowledgements (PRODUCT.md section 3): `handoff ack`, `ack list`, `ack end`.

An ack says that a person has seen a finding and acts on it. The finding keeps
its deduction; `--fail-on-breach` ignores an acknowledged breach until the ack
expires (`--until DATE`: after that day; `--until-change`: when the finding's
identity changes). Acks are append-only: ending one appends an `end` row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Optional

from handoff_cli.config import Config
from handoff_cli.domain.rules import Finding
from handoff_cli.errors import BadInput
from handoff_cli.store import Store

VERDICTS = ("valid", "false-positive")


@dataclass(frozen=True)
class AckView:
    account: str
    rule: str
    milestone: Optional[str]
    by: str
    on: date
    until: str
    note: Optional[str]
    verdict: Optional[str]
    expired: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "rule": self.rule,
            "milestone": self.milestone,
            "by": self.by,
            "on": self.on,
            "until": self.until,
            "note": self.note,
            "verdict": self.verdict,
            "expired": self.expired,
        }


def _check_rule(rule: str) -> str:
    from handoff_cli.domain.rules import RULE_IDS

    if rule not in RULE_IDS:
        raise BadInput(f"unknown rule {rule!r}: use one of {', '.join(RULE_IDS)}")
    return rule


def _target(findings: Sequence[Finding], account: str, rule: str, milestone: Optional[str], on: date) -> Finding:
    """The one finding of the account an ack names, or BadInput saying why there is none."""
    hits = [f for f in findings if f.rule == rule]
    if milestone is not None:
        hits = [f for f in hits if (f.milestone or "").casefold() == milestone.casefold()]
    if not hits:
        what = f"{rule!r} finding" + (f" for milestone {milestone!r}" if milestone else "")
        raise BadInput(f"{account} has no {what} as of {on.isoformat()}: there is nothing to acknowledge")
    if len(hits) > 1:
        titles = ", ".join(repr(f.milestone) for f in hits)
        raise BadInput(f"{account} has {len(hits)} {rule!r} findings: name one with --milestone ({titles})")
    return hits[0]


def add_ack(
    ref: str,
    rule: str,
    *,
    milestone: Optional[str],
    until: Optional[date],
    until_change: bool,
    note: Optional[str],
    verdict: Optional[str],
    by: str,
    on: date,
    store: Store,
    today: date,
    config: Config,
) -> AckView:
    """Acknowledge the account's finding of that rule (as of --on)."""
    from handoff_cli.commands.common import MAX_NOTE, clean_text
    from handoff_cli.queries.reports import account_brief
    from handoff_cli.store.models import Ack

    _check_rule(rule)
    if (until is None) == (not until_change):
        raise BadInput("give --until DATE or --until-change (one of them): how long the acknowledgement lasts")
    if until is not None and until < on:
        raise BadInput(f"--until {until.isoformat()} is before {on.isoformat()}: the acknowledgement would never hold")
    if verdict is not None and verdict not in VERDICTS:
        raise BadInput(f"unknown verdict {verdict!r}: use one of {', '.join(VERDICTS)}")
    by_person = str(clean_text(by, "the person acknowledging (--by)"))
    note = clean_text(note, "--note", required=False, max_len=MAX_NOTE)
    milestone = clean_text(milestone, "--milestone", required=False)
    brief = account_brief(ref, store=store, today=on, config=config)
    f = _target(brief.findings, brief.account, rule, milestone, on)
    with store.write() as s:
        from handoff_cli.commands.common import find_account

        acc = find_account(s, ref)
        assert acc.id is not None
        row = Ack(
            account_id=acc.id,
            rule=rule,
            milestone=f.milestone,
            action="ack",
            by_person=by_person,
            acked_on=on,
            until_on=until,
            until_change=until_change,
            since_on=f.since,
            note=note,
            verdict=verdict,
        )
        s.add(row)
    return AckView(
        brief.account,
        rule,
        f.milestone,
        by_person,
        on,
        "change" if until_change else until.isoformat() if until else "",
        note,
        verdict,
        False,
    )


def end_ack(ref: str, rule: str, *, milestone: Optional[str], by: str, on: date, store: Store, today: date) -> AckView:
    """End the ack in force on the account's finding of that rule (an `end` row is appended)."""
    from handoff_cli.commands.changes import read_acks
    from handoff_cli.commands.common import clean_text, find_account
    from handoff_cli.store.models import Ack

    _check_rule(rule)
    by_person = str(clean_text(by, "the person ending the acknowledgement (--by)"))
    with store.reader() as r:
        from handoff_cli.store.lookup import lookup_account

        name = lookup_account(r, ref).name
        rows = [a for a in read_acks(r, as_of=on).get(name.casefold(), []) if a.rule == rule]
    if milestone is not None:
        rows = [a for a in rows if (a.milestone or "").casefold() == milestone.strip().casefold()]
    if not rows:
        raise BadInput(f"{name} has no acknowledgement of {rule!r} to end: see `handoff ack list`")
    if len(rows) > 1:
        titles = ", ".join(repr(a.milestone) for a in rows)
        raise BadInput(f"{name} has {len(rows)} acknowledgements of {rule!r}: name one with --milestone ({titles})")
    ended = rows[0]
    with store.write() as s:
        acc = find_account(s, ref)
        assert acc.id is not None
        s.add(
            Ack(
                account_id=acc.id,
                rule=rule,
                milestone=ended.milestone,
                action="end",
                by_person=by_person,
                acked_on=on,
                until_change=False,
            )
        )
    return AckView(name, rule, ended.milestone, ended.by, ended.acked_on, ended.until, ended.note, ended.verdict, False)


def list_acks(*, store: Store, today: date, config: Config) -> list[AckView]:
    """The acknowledgements not ended as of today, expired ones marked (an --until-change ack
    is expired once its finding's identity changed)."""
    from handoff_cli.commands.changes import read_acks
    from handoff_cli.queries.reports import Scope, breaches_report

    with store.reader() as r:
        acks = read_acks(r, as_of=today)
    if not acks:
        return []
    findings = breaches_report(scope=Scope(include_all=True), store=store, today=today, config=config).findings
    out = []
    for rows in acks.values():
        for a in rows:
            live = any(a.covers(f, today) for f in findings if f.account.casefold() == a.account.casefold())
            out.append(AckView(a.account, a.rule, a.milestone, a.by, a.acked_on, a.until, a.note, a.verdict, not live))
    out.sort(key=lambda v: (v.account.casefold(), v.rule, v.milestone or ""))
    return out
