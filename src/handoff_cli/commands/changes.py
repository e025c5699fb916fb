"""What changed (PRODUCT.md section 3): a finding's identity, the diff of two reports,
acknowledgements in force, and the findings of the last `handoff notify` run.

Plain SQL through ``store.reader()`` only: the read path stays free of SQLModel.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any, Optional

from handoff_cli.domain.rules import Finding, sort_key

if TYPE_CHECKING:
    from handoff_cli.store import Reader

CHANGES = ("new", "open", "resolved")

Identity = tuple[str, str, date, Optional[str]]


def identity(f: Finding) -> Identity:
    """(account, rule, since, and for milestone-overdue the milestone): what makes a finding the same one."""
    return (f.account.casefold(), f.rule, f.since, f.milestone.casefold() if f.milestone else None)


def diff(current: Iterable[Finding], baseline: Iterable[Finding]) -> list[Finding]:
    """Every current finding marked `new` or `open`, and every baseline finding that is gone
    marked `resolved` (once, with its old values), in the order findings sort."""
    before: dict[Identity, Finding] = {}
    for f in baseline:
        before.setdefault(identity(f), f)
    out: list[Finding] = []
    seen: set[Identity] = set()
    for f in current:
        key = identity(f)
        seen.add(key)
        out.append(replace(f, change="open" if key in before else "new"))
    out += [replace(f, change="resolved", acknowledged=None) for key, f in before.items() if key not in seen]
    out.sort(key=lambda f: (*sort_key(f), f.change != "resolved"))
    return out


def parse_only(text: Optional[str]) -> Optional[frozenset[str]]:
    """--only new,open,resolved: the changes to keep (None: all)."""
    if text is None:
        return None
    from handoff_cli.errors import BadInput

    wanted = frozenset(part.strip() for part in text.split(",") if part.strip())
    unknown = sorted(wanted - set(CHANGES))
    if not wanted or unknown:
        shown = ", ".join(repr(u) for u in unknown) if unknown else "nothing"
        raise BadInput(f"--only {shown}: give one or more of {', '.join(CHANGES)}, separated by commas")
    return wanted


def keep_only(findings: Sequence[Finding], only: Optional[frozenset[str]]) -> tuple[Finding, ...]:
    return tuple(findings if only is None else (f for f in findings if f.change in only))


# -- acknowledgements ------------------------------------------------------------

ACKS_SQL = """
SELECT a.name, k.rule, k.milestone, k.action, k.by_person, k.acked_on, k.until_on, k.until_change,
       k.since_on, k.note, k.verdict, k.id
FROM ack k JOIN account a ON a.id = k.account_id
WHERE k.acked_on <= :as_of
ORDER BY k.id
"""


@dataclass(frozen=True)
class AckRow:
    account: str
    rule: str
    milestone: Optional[str]
    action: str
    by: str
    acked_on: date
    until_on: Optional[date]
    until_change: bool
    since_on: Optional[date]
    note: Optional[str]
    verdict: Optional[str]
    id: int

    @property
    def until(self) -> str:
        """The ack's end as shown: its last day, or "change" for --until-change."""
        return "change" if self.until_change else (self.until_on.isoformat() if self.until_on else "")

    def marker(self) -> dict[str, Any]:
        return {"by": self.by, "until": self.until, "note": self.note}

    def covers(self, f: Finding, as_of: date) -> bool:
        """In force for this finding at the as-of date: same account, rule and milestone, and not
        expired (--until: the as-of date is on or before its day; --until-change: same since)."""
        if self.action != "ack" or f.rule != self.rule:
            return False
        if self.milestone is not None and (f.milestone or "").casefold() != self.milestone.casefold():
            return False
        if self.until_change:
            return f.since == self.since_on
        return self.until_on is not None and as_of <= self.until_on


def read_acks(r: Reader, *, as_of: date) -> dict[str, list[AckRow]]:
    """The acks in force (the latest row per account, rule and milestone, recorded for a date on or
    before the as-of date), by account name case-folded. Usually a handful: one small query."""
    from handoff_cli.store import to_date

    latest: dict[tuple[str, str, Optional[str]], AckRow] = {}
    for name, rule, milestone, action, by, on, until, change, since, note, verdict, kid in r.all(
        ACKS_SQL, {"as_of": as_of}
    ):
        acked_on = to_date(on)
        assert acked_on is not None  # a NOT NULL column
        row = AckRow(
            name,
            rule,
            milestone,
            action,
            by,
            acked_on,
            to_date(until),
            bool(change),
            to_date(since),
            note,
            verdict,
            kid,
        )
        latest[(name.casefold(), rule, milestone.casefold() if milestone else None)] = row
    out: dict[str, list[AckRow]] = {}
    for (account, _, _), row in latest.items():
        if row.action == "ack":
            out.setdefault(account, []).append(row)
    return out


def apply_acks(findings: Sequence[Finding], acks: Mapping[str, list[AckRow]], *, as_of: date) -> list[Finding]:
    """The findings, each one an ack in force covers marked `acknowledged` (its deduction stays)."""
    if not acks:
        return list(findings)
    out = []
    for f in findings:
        rows = acks.get(f.account.casefold())
        hit = next((a for a in reversed(rows) if a.covers(f, as_of)), None) if rows else None
        out.append(f if hit is None else replace(f, acknowledged=hit.marker()))
    return out


def counts_as_breach(f: Finding, *, strict: bool) -> bool:
    """A breach for --fail-on-breach: acknowledged (and not expired) breaches only with --strict."""
    return f.severity == "breach" and f.change != "resolved" and (strict or f.acknowledged is None)


# -- the last notify run ---------------------------------------------------------

LAST_RUN_SQL = "SELECT id, as_of, findings, created_at FROM notify_run ORDER BY id DESC LIMIT 1"


@dataclass(frozen=True)
class LastRun:
    id: int
    as_of: date
    findings: tuple[Finding, ...]
    # identity -> the as-of date the finding was last delivered
    sent_on: dict[Identity, date]


def finding_record(f: Finding, sent_on: Optional[date]) -> dict[str, Any]:
    """One finding as a notify run stores it."""
    return {
        "account": f.account,
        "rule": f.rule,
        "severity": f.severity,
        "since": f.since.isoformat(),
        "days": f.days,
        "detail": f.detail,
        "weight": f.weight,
        "milestone": f.milestone,
        "sent_on": sent_on.isoformat() if sent_on else None,
    }


def read_last_run(r: Reader) -> Optional[LastRun]:
    row = r.one(LAST_RUN_SQL)
    if row is None:
        return None
    from handoff_cli.store import to_date

    rid, as_of, text, _ = row
    findings, sent = [], {}
    for rec in json.loads(text):
        f = Finding(
            account=rec["account"],
            rule=rec["rule"],
            severity=rec["severity"],
            since=date.fromisoformat(rec["since"]),
            days=int(rec["days"]),
            detail=rec["detail"],
            weight=int(rec["weight"]),
            milestone=rec.get("milestone"),
        )
        findings.append(f)
        if rec.get("sent_on"):
            sent[identity(f)] = date.fromisoformat(rec["sent_on"])
    run_on = to_date(as_of)
    assert run_on is not None  # a NOT NULL column
    return LastRun(int(rid), run_on, tuple(findings), sent)
