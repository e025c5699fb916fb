"""The reports: breaches, health, the portfolio at a glance, the pre-call brief, the timeline.

All of them read through ``store.reader()`` (plain SQL, no SQLModel) and see
only the facts dated on or before the as-of date, so yesterday's report can be
reproduced exactly today.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Optional

from handoff_cli.config import load_config
from handoff_cli.services.facts import (
    Facts,
    find_account_id,
    gc_paused,
    lag_by_motion,
    lag_samples,
    read_facts,
    read_lag_samples,
)
from handoff_cli.services.health import Health, health, stage
from handoff_cli.services.rules import Finding, evaluator, projected_first_value, sort_findings
from handoff_cli.store import Store, to_date
from handoff_cli.text import quoted

ROLES = ("implementation", "csm", "sponsor", "champion")


@dataclass(frozen=True)
class Scope:
    """Which accounts a report covers."""

    segment: Optional[str] = None
    owner: Optional[str] = None  # holds implementation or csm at the as-of date
    since: Optional[date] = None  # signed on or after
    include_all: bool = False  # archived and churned accounts too

    def admits(self, f: Facts) -> bool:
        if not self.include_all and f.inactive:
            return False
        if self.segment is not None and (f.segment or "").casefold() != self.segment.strip().casefold():
            return False
        if self.since is not None and f.signed_on < self.since:
            return False
        if self.owner is not None:
            who = self.owner.strip().casefold()
            if who not in {p.casefold() for role in ("implementation", "csm") for p in f.holders(role)}:
                return False
        return True


@dataclass(frozen=True)
class Assessed:
    facts: Facts
    findings: tuple[Finding, ...]
    health: Health
    stage: str


def _assess(facts: list[Facts], *, as_of: date, config: dict[str, Any], lag: dict[str, int]) -> list[Assessed]:
    run = evaluator(as_of=as_of, config=config, lag=lag)
    out = []
    with gc_paused():
        for f in facts:
            found = run(f)
            out.append(Assessed(f, tuple(found), health(found, config), stage(f)))
    return out


def assess_portfolio(*, store: Store, today: date, config: Optional[dict[str, Any]] = None) -> list[Assessed]:
    """Facts, findings, health and stage of every account that exists at ``today``."""
    config = config or load_config()
    with store.reader() as r:
        facts = read_facts(r, as_of=today, config=config)
    lag = lag_by_motion(lag_samples(facts), config)
    return _assess(facts, as_of=today, config=config, lag=lag)


# -- report breaches ---------------------------------------------------------


@dataclass(frozen=True)
class BreachesReport:
    as_of: date
    findings: tuple[Finding, ...]

    @property
    def has_breach(self) -> bool:
        return any(f.severity == "breach" for f in self.findings)


def breaches_report(*, scope: Scope = Scope(), store: Store, today: date) -> BreachesReport:
    """The findings of the accounts in scope. Findings do not depend on the stage, so
    adoption by usage (the one fact only the stage needs) is not read."""
    config = load_config()
    with gc_paused():
        with store.reader() as r:
            facts = read_facts(r, as_of=today, config=config, rules_only=True)
        run = evaluator(as_of=today, config=config, lag=lag_by_motion(lag_samples(facts), config))
        admits = scope.admits
        per_account = [(f.name.casefold(), f.name, found) for f in facts if admits(f) and (found := run(f))]
        # The order of sort_findings, built per account: an account's findings already come
        # in the order of the rules table (milestone-overdue by due date), and names are
        # unique, so sorting the accounts by name (ignoring case) and taking every breach
        # before every warning gives the same order without a key per finding.
        per_account.sort(key=_first_two)
        breaches: list[Finding] = []
        warnings: list[Finding] = []
        for _, _, found in per_account:
            for x in found:
                (breaches if x.severity == "breach" else warnings).append(x)
        breaches += warnings
        # Let the facts go before the collector resumes, so it never walks them.
        del facts, per_account, run, admits
        return BreachesReport(as_of=today, findings=tuple(breaches))


def _first_two(row: tuple) -> tuple:
    return row[0], row[1]


# -- report health / status (portfolio) --------------------------------------


@dataclass(frozen=True)
class AccountHealth:
    account: str
    motion: str
    stage: str
    score: int
    band: str
    owner: Optional[str]
    findings: tuple[str, ...]
    segment: Optional[str]
    signed_on: date
    ttv_day: int
    ttv_target_days: int
    first_value_on: Optional[date]
    has_breach: bool
    top: Optional[str]  # the most serious finding's detail

    def as_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "motion": self.motion,
            "stage": self.stage,
            "score": self.score,
            "band": self.band,
            "owner": self.owner,
            "findings": list(self.findings),
            "segment": self.segment,
            "signed_on": self.signed_on,
            "ttv_day": self.ttv_day,
            "ttv_target_days": self.ttv_target_days,
            "first_value_on": self.first_value_on,
        }


@dataclass(frozen=True)
class HealthReport:
    as_of: date
    accounts: tuple[AccountHealth, ...]

    @property
    def has_breach(self) -> bool:
        return any(a.has_breach for a in self.accounts)


def _account_health(a: Assessed, as_of: date) -> AccountHealth:
    f = a.facts
    ordered = sort_findings(list(a.findings))
    return AccountHealth(
        account=f.name,
        motion=f.motion,
        stage=a.stage,
        score=a.health.score,
        band=a.health.band,
        owner=f.accountable_owner,
        findings=tuple(x.rule for x in a.findings),
        segment=f.segment,
        signed_on=f.signed_on,
        ttv_day=(as_of - f.signed_on).days,
        ttv_target_days=f.ttv_target_days,
        first_value_on=f.first_value_on,
        has_breach=any(x.severity == "breach" for x in a.findings),
        top=ordered[0].detail if ordered else None,
    )


def health_report(*, scope: Scope = Scope(), store: Store, today: date) -> HealthReport:
    """Accounts in scope, lowest score first (ties by name, ignoring case)."""
    rows = [_account_health(a, today) for a in assess_portfolio(store=store, today=today) if scope.admits(a.facts)]
    rows.sort(key=lambda h: (h.score, h.account.casefold(), h.account))
    return HealthReport(as_of=today, accounts=tuple(rows))


def portfolio_status(*, scope: Scope = Scope(), store: Store, today: date) -> HealthReport:
    """The portfolio at a glance, riskiest first: the health report's rows."""
    return health_report(scope=scope, store=store, today=today)


# -- status ACCOUNT: the pre-call brief --------------------------------------

RECENT_EVENTS_SQL = """
SELECT e.occurred_on, e.kind, e.value, e.note
FROM event e
WHERE e.account_id = :aid AND e.occurred_on <= :as_of
ORDER BY e.occurred_on DESC, e.id DESC
LIMIT :n
"""


@dataclass(frozen=True)
class Brief:
    as_of: date
    account: str
    external_id: Optional[str]
    motion: str
    segment: Optional[str]
    stage: str
    score: int
    band: str
    owner: Optional[str]
    owners: dict[str, Optional[str]]
    findings: tuple[Finding, ...]
    signed_on: date
    ttv_target_days: int
    target_on: date
    ttv_day: int
    go_live_planned_on: Optional[date]
    go_live_due_on: Optional[date]
    go_live_on: Optional[date]
    workflow_live_on: Optional[date]
    first_value_on: Optional[date]
    projected_first_value_on: Optional[date]
    lag_days: int
    archived_on: Optional[date]
    churned_on: Optional[date]
    graduated_on: Optional[date]
    plan: Optional[dict[str, Any]]
    handover: Optional[dict[str, Any]]
    recent_events: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    @property
    def has_breach(self) -> bool:
        return any(f.severity == "breach" for f in self.findings)

    def as_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "external_id": self.external_id,
            "motion": self.motion,
            "segment": self.segment,
            "stage": self.stage,
            "score": self.score,
            "band": self.band,
            "owner": self.owner,
            "owners": dict(self.owners),
            "findings": [f.as_dict() for f in self.findings],
            "deductions": [{"rule": f.rule, "weight": f.weight, "detail": f.detail} for f in self.findings],
            "signed_on": self.signed_on,
            "ttv_target_days": self.ttv_target_days,
            "target_on": self.target_on,
            "ttv_day": self.ttv_day,
            "go_live_planned_on": self.go_live_planned_on,
            "go_live_due_on": self.go_live_due_on,
            "go_live_on": self.go_live_on,
            "workflow_live_on": self.workflow_live_on,
            "first_value_on": self.first_value_on,
            "projected_first_value_on": self.projected_first_value_on,
            "lag_days": self.lag_days,
            "archived_on": self.archived_on,
            "churned_on": self.churned_on,
            "graduated_on": self.graduated_on,
            "plan": self.plan,
            "handover": self.handover,
            "recent_events": list(self.recent_events),
        }


def _event_value(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def account_brief(ref: str, *, store: Store, today: date) -> Brief:
    """Everything a CSM needs one minute before a call with the account."""
    config = load_config()
    with store.reader() as r:
        aid = find_account_id(r, ref)
        facts = read_facts(r, as_of=today, config=config, account_id=aid)
        lag = lag_by_motion(read_lag_samples(r, as_of=today, motion=facts[0].motion if facts else None), config)
        recent = r.all(RECENT_EVENTS_SQL, {"aid": aid, "as_of": today, "n": 5})
        if not facts:
            signed = to_date(r.one("SELECT signed_on FROM account WHERE id = :aid", {"aid": aid})[0])
    if not facts:
        from handoff_cli.errors import BadInput

        raise BadInput(
            f"account {ref!r} was signed on {signed.isoformat()}, after {today.isoformat()}: "
            "it does not exist yet at that date (try --as-of)"
        )
    f = facts[0]
    a = _assess([f], as_of=today, config=config, lag=lag)[0]
    go = sorted((m for m in f.milestones if m.kind == "go-live"), key=lambda m: m.id)
    h = f.handover
    plan = None
    if f.plan is not None:
        plan = {
            "version": f.plan.version,
            "outcome": f.plan.outcome,
            "sponsor": f.plan.sponsor,
            "criteria": list(f.plan.criteria),
            "agreed_on": f.plan.agreed_on,
        }
    handover = None
    if h is not None:
        gate = f.gate_on
        handover = {
            "handed_on": h.handed_on,
            "from": h.from_person,
            "to": h.to_person,
            "gate_passed": gate is not None and gate <= h.handed_on,
            "joint_call": h.joint_call,
            "promised": h.promised,
            "customised": h.customised,
            "open_issues": h.open_issues,
        }
    lag_days = int(lag.get(f.motion, 14))
    return Brief(
        as_of=today,
        account=f.name,
        external_id=f.external_id,
        motion=f.motion,
        segment=f.segment,
        stage=a.stage,
        score=a.health.score,
        band=a.health.band,
        owner=f.accountable_owner,
        owners={role: f.holder(role) for role in ROLES},
        findings=tuple(sort_findings(list(a.findings))),
        signed_on=f.signed_on,
        ttv_target_days=f.ttv_target_days,
        target_on=f.target_on,
        ttv_day=(today - f.signed_on).days,
        go_live_planned_on=go[0].baseline_due_on if go else None,
        go_live_due_on=go[0].due_on if go else None,
        go_live_on=f.go_live_on,
        workflow_live_on=f.workflow_live_on,
        first_value_on=f.first_value_on,
        projected_first_value_on=None if f.first_value_on else projected_first_value(f, today, lag_days),
        lag_days=lag_days,
        archived_on=f.archived_on,
        churned_on=f.churned_on,
        graduated_on=f.graduated_on,
        plan=plan,
        handover=handover,
        recent_events=tuple(
            {"on": to_date(on), "kind": kind, "value": _event_value(value), "note": note}
            for on, kind, value, note in recent
        ),
    )


# -- timeline ----------------------------------------------------------------

TIMELINE_EVENTS_SQL = """
SELECT e.id, e.occurred_on, e.kind, e.value, e.note
FROM event e
WHERE e.account_id = :aid AND e.occurred_on <= :as_of
ORDER BY e.occurred_on, e.id
"""

TIMELINE_PLANS_SQL = """
SELECT p.id, p.version, p.agreed_on, p.outcome, p.sponsor,
       (SELECT COUNT(*) FROM plan_criterion c WHERE c.plan_id = p.id)
FROM success_plan p
WHERE p.account_id = :aid AND p.agreed_on <= :as_of
ORDER BY p.agreed_on, p.version
"""

TIMELINE_HANDOVERS_SQL = """
SELECT h.id, h.handed_on, h.from_person, h.to_person, h.joint_call
FROM handover h
WHERE h.account_id = :aid AND h.handed_on <= :as_of
ORDER BY h.handed_on, h.id
"""

# Same-day facts list in this order.
_FACT_ORDER = {
    "signed": 0,
    "assignment-end": 1,
    "handover": 2,
    "assignment-start": 3,
    "plan": 4,
    "milestone-added": 5,
    "milestone-slipped": 6,
    "milestone-due": 7,
    "milestone-done": 8,
    "event": 9,
    "archived": 10,
}


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    fact: str
    detail: str
    sort: tuple = ()

    def as_dict(self) -> dict[str, Any]:
        return {"on": self.on, "fact": self.fact, "detail": self.detail}


@dataclass(frozen=True)
class Timeline:
    as_of: date
    account: str
    entries: tuple[TimelineEntry, ...]


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def timeline(ref: str, *, store: Store, today: date) -> Timeline:
    """Every dated fact of the account on or before ``today``, in date order."""
    config = load_config()
    with store.reader() as r:
        aid = find_account_id(r, ref)
        name = r.one("SELECT name FROM account WHERE id = :aid", {"aid": aid})[0]
        facts = read_facts(r, as_of=today, config=config, account_id=aid)
        events = r.all(TIMELINE_EVENTS_SQL, {"aid": aid, "as_of": today})
        plans = r.all(TIMELINE_PLANS_SQL, {"aid": aid, "as_of": today})
        handovers = r.all(TIMELINE_HANDOVERS_SQL, {"aid": aid, "as_of": today})
    entries: list[TimelineEntry] = []

    def add(on: date, fact: str, detail: str, ident: int = 0) -> None:
        entries.append(TimelineEntry(on, fact, detail, (on, _FACT_ORDER[fact], ident)))

    if facts:
        f = facts[0]
        target = f"TTV target {f.ttv_target_days} days, due {f.target_on.isoformat()}"
        add(f.signed_on, "signed", f"contract signed ({f.motion}; {target})")
        for a in f.assignments:
            add(a.start_on, "assignment-start", f"{a.person} became {a.role}", a.id)
            if a.ended_by(today):
                add(a.end_on, "assignment-end", f"{a.person} stopped being {a.role}", a.id)
        for m in f.milestones:
            add(
                m.added_on,
                "milestone-added",
                f"milestone {quoted(m.title)} added ({m.kind}, {m.side} side), due {m.baseline_due_on.isoformat()}",
                m.id,
            )
            if m.due_on <= today and (m.done_on is None or m.done_on > m.due_on):
                state = "still open" if m.done_on is None else f"done {m.done_on.isoformat()}"
                add(m.due_on, "milestone-due", f"milestone {quoted(m.title)} due ({state})", m.id)
            if m.done_on is not None:
                add(m.done_on, "milestone-done", f"milestone {quoted(m.title)} done", m.id)
        for s in f.slips:
            note = f": {s.note}" if s.note else ""
            add(
                s.recorded_on,
                "milestone-slipped",
                f"milestone {quoted(s.title)} moved from {s.from_due_on.isoformat()} to {s.to_due_on.isoformat()} "
                f"({s.days:+d} days, cause {s.cause}){note}",
                s.id,
            )
        if f.archived_on is not None:
            add(f.archived_on, "archived", "account archived")
    for pid, version, agreed, outcome, sponsor, n_criteria in plans:
        sponsor_text = f"; sponsor {sponsor}" if sponsor else ""
        add(to_date(agreed), "plan", f"success plan v{version}: {outcome}{sponsor_text}; {n_criteria} criteria", pid)
    for eid, on, kind, value, note in events:
        detail = kind + (f" {_num(value)}" if value is not None else "") + (f": {note}" if note else "")
        add(to_date(on), "event", detail, eid)
    for hid, handed, frm, to, joint in handovers:
        source = f" from {frm}" if frm else ""
        call = "with a joint call" if joint else "without a joint call"
        add(to_date(handed), "handover", f"handed over{source} to {to}, {call}", hid)
    entries.sort(key=lambda e: e.sort)
    return Timeline(as_of=today, account=name, entries=tuple(entries))
