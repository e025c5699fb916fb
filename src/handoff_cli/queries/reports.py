"""The reports: breaches, health, the portfolio at a glance, the pre-call brief, the timeline.

All of them read through ``store.reader()`` (plain SQL, no SQLModel), stream the
facts of the accounts in chunks (``queries.facts.iter_facts``), evaluate the same
rules on the same complete facts, and see only facts dated on or before the as-of
date, so yesterday's report can be reproduced exactly today.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from typing import Any, Optional, Union

from handoff_cli.commands.changes import LastRun, apply_acks, counts_as_breach, diff, read_acks, read_last_run
from handoff_cli.config import Config
from handoff_cli.domain.facts import Facts, lag_by_motion, projected_first_value
from handoff_cli.domain.health import Health, health, stage
from handoff_cli.domain.rules import Finding, evaluator, sort_findings
from handoff_cli.queries.facts import iter_facts, read_lag_samples
from handoff_cli.store import Reader, Store, as_date, to_date
from handoff_cli.store.lookup import lookup_account
from handoff_cli.text import quoted
from handoff_cli.vocab import BREACH, OWNER_ROLES, ROLES


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
            if who not in {p.casefold() for role in OWNER_ROLES for p in f.holders(role)}:
                return False
        return True


@dataclass(frozen=True)
class Assessed:
    facts: Facts
    health: Health  # score, band and the findings in the order they sort
    stage: str

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.health.findings


def findings_of(
    r: Reader, *, as_of: date, config: Config, scope: Optional[Scope] = None
) -> Iterator[tuple[Facts, list[Finding]]]:
    """Every account in scope at ``as_of`` with its findings in the order they sort,
    streamed. The lag of ttv-at-risk is read first, over the whole portfolio."""
    lag = lag_by_motion(read_lag_samples(r, as_of=as_of), config.rule("ttv-at-risk"))
    run = evaluator(as_of=as_of, rules=config.rules, lag=lag)
    for f in iter_facts(r, as_of=as_of, config=config):
        if scope is None or scope.admits(f):
            found = run(f)
            yield f, sort_findings(found) if len(found) > 1 else found


def assess(r: Reader, *, as_of: date, config: Config, scope: Optional[Scope] = None) -> Iterator[Assessed]:
    """Facts, findings, health and stage of every account in scope at ``as_of``, streamed."""
    for f, found in findings_of(r, as_of=as_of, config=config, scope=scope):
        yield Assessed(f, health(f, found, green=config.green, yellow=config.yellow), stage(f))


# -- report breaches ---------------------------------------------------------


@dataclass(frozen=True)
class BreachesReport:
    as_of: date
    findings: tuple[Finding, ...]
    accounts_in_scope: int = 0  # the accounts the rules ran over (for the report's heading)
    # with --diff: what the findings were compared with ("last-run", a date, or "nothing" before any run)
    compared_with: Optional[str] = None
    # with --diff last-run (for notify): the accounts in scope, each with the people who hold its
    # implementation or csm role now (case-folded), and the last run itself
    owners: Optional[dict[str, frozenset[str]]] = None
    last_run: Optional[LastRun] = None

    @property
    def has_breach(self) -> bool:
        """For --fail-on-breach: a breach no ack in force covers (resolved ones do not count)."""
        return self.breached(strict=False)

    def breached(self, *, strict: bool) -> bool:
        return any(counts_as_breach(f, strict=strict) for f in self.findings)


# --diff: "last-run" or the date of the report to compare with
Baseline = Union[str, date, None]


def breaches_report(
    *, scope: Scope = Scope(), store: Store, today: date, config: Config, baseline: Baseline = None
) -> BreachesReport:
    """The findings of the accounts in scope, in the order findings sort: breaches first,
    then by account (ignoring case), then in the order of the rules table. With a baseline,
    each finding carries its change since then (commands/changes.py)."""
    findings: list[Finding] = []
    n_scope = 0
    last_run = None
    scoped = scope.segment is not None or scope.owner is not None or scope.since is not None
    in_scope: Optional[set[str]] = set() if baseline is not None and scoped else None
    owners: Optional[dict[str, frozenset[str]]] = {} if baseline == "last-run" else None
    with store.reader() as r:
        acks = read_acks(r, as_of=today)
        if baseline == "last-run":
            last_run = read_last_run(r)
        for f, found in findings_of(r, as_of=today, config=config, scope=scope):
            n_scope += 1
            key = f.name.casefold()
            if in_scope is not None:
                in_scope.add(key)
            if owners is not None:
                owners[key] = frozenset(p.casefold() for role in OWNER_ROLES for p in f.holders(role))
            findings += found
    # Each account's findings come sorted already, and sorting is stable: sorting by
    # account (then by account ignoring case) and taking every breach before every warning
    # is the order of sort_findings, without a key tuple per finding held at once.
    findings.sort(key=attrgetter("account"))
    findings.sort(key=lambda x: x.account.casefold())
    breaches = [x for x in findings if x.severity == BREACH]
    warnings = [x for x in findings if x.severity != BREACH]
    del findings
    findings = apply_acks(breaches + warnings, acks, as_of=today)
    if baseline is None:
        return BreachesReport(as_of=today, findings=tuple(findings), accounts_in_scope=n_scope)
    before, compared = _baseline_findings(baseline, last_run=last_run, scope=scope, store=store, config=config)
    if in_scope is not None:
        before = [f for f in before if f.account.casefold() in in_scope]
    return BreachesReport(
        as_of=today,
        findings=tuple(diff(findings, before)),
        accounts_in_scope=n_scope,
        compared_with=compared,
        owners=owners,
        last_run=last_run,
    )


def _baseline_findings(
    baseline: Baseline, *, last_run: Optional[LastRun], scope: Scope, store: Store, config: Config
) -> tuple[list[Finding], str]:
    """What --diff compares with, and how to name it: the last notify run's findings ("nothing"
    before the first run), or the report of a date as it was KNOWN at the end of that day (in
    the configured time zone), so a fact entered today but dated earlier is new today."""
    if baseline == "last-run":
        if last_run is None:
            return [], "nothing"
        return list(last_run.findings), "last-run"
    assert isinstance(baseline, date)
    from handoff_cli.store.journal import parse_known_at

    then = Store(store.url)
    then.known_at = parse_known_at(baseline.isoformat(), today=baseline)
    if store.known_at is not None and store.known_at < then.known_at:
        then.known_at = store.known_at  # --known-at earlier still: nothing recorded later counts
    try:
        report = breaches_report(scope=scope, store=then, today=baseline, config=config)
        return list(report.findings), baseline.isoformat()
    finally:
        then.close()


# -- report health / status (portfolio) --------------------------------------


@dataclass(frozen=True)
class AccountHealth:
    account: str
    motion: str
    stage: str
    score: Optional[int]  # None for archived and churned accounts
    band: Optional[str]
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


def _account_health(a: Assessed, as_of: date, acks: Optional[dict] = None) -> AccountHealth:
    f = a.facts
    marked = apply_acks(list(a.findings), acks, as_of=as_of) if acks else a.findings
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
        has_breach=any(counts_as_breach(x, strict=False) for x in marked),
        top=a.findings[0].detail if a.findings else None,
    )


def health_report(*, scope: Scope = Scope(), store: Store, today: date, config: Config) -> HealthReport:
    """Accounts in scope, lowest score first (ties by name, ignoring case); accounts
    without a score (archived, churned) last."""
    with store.reader() as r:
        acks = read_acks(r, as_of=today)
        rows = [_account_health(a, today, acks) for a in assess(r, as_of=today, config=config, scope=scope)]
    rows.sort(key=lambda h: (h.score is None, h.score or 0, h.account.casefold(), h.account))
    return HealthReport(as_of=today, accounts=tuple(rows))


def portfolio_status(*, scope: Scope = Scope(), store: Store, today: date, config: Config) -> HealthReport:
    """The portfolio at a glance, riskiest first: the health report's rows."""
    return health_report(scope=scope, store=store, today=today, config=config)


# -- status ACCOUNT: the pre-call brief --------------------------------------

RECENT_EVENTS_SQL = """
SELECT e.occurred_on, e.kind, e.value, e.note
FROM event e
WHERE e.account_id = :aid AND e.occurred_on <= :as_of AND e.kind <> 'usage'
ORDER BY e.occurred_on DESC, e.id DESC
LIMIT :n
"""

# the brief's usage trend: the latest readings (oldest first once reversed)
USAGE_SQL = """
SELECT e.occurred_on, e.value
FROM event e
WHERE e.account_id = :aid AND e.occurred_on <= :as_of AND e.kind = 'usage'
ORDER BY e.occurred_on DESC, e.id DESC
LIMIT :n
"""

SPONSOR_CONTACT_SQL = """
SELECT MAX(e.occurred_on) FROM event e
WHERE e.account_id = :aid AND e.occurred_on <= :as_of AND e.kind = 'sponsor-contact'
"""

# open milestones as of the date: added by then, not done by then, due as the slips made by then say
OPEN_MILESTONES_SQL = """
SELECT m.title, m.kind, m.side,
       COALESCE((SELECT s.to_due_on FROM slip s
                 WHERE s.milestone_id = m.id AND s.recorded_on <= :as_of
                 ORDER BY s.recorded_on DESC, s.id DESC LIMIT 1), m.baseline_due_on) AS due
FROM milestone m
WHERE m.account_id = :aid AND m.added_on <= :as_of AND (m.done_on IS NULL OR m.done_on > :as_of)
ORDER BY due, m.id
"""

ARR_SQL = "SELECT arr FROM account WHERE id = :aid"
USAGE_READINGS = 12


@dataclass(frozen=True)
class Brief:
    as_of: date
    account: str
    external_id: Optional[str]
    motion: str
    segment: Optional[str]
    stage: str
    score: Optional[int]  # None for archived and churned accounts
    band: Optional[str]
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
    arr: Optional[float] = None
    last_sponsor_contact_on: Optional[date] = None
    # open milestones in due order: {"title", "kind", "side", "due_on", "overdue_days"}
    open_milestones: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    # the latest usage readings, oldest first: {"on", "value"}
    usage: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    # with --diff: the findings gone since the baseline (with their old values), and what it was
    resolved: tuple[Finding, ...] = ()
    compared_with: Optional[str] = None

    @property
    def has_breach(self) -> bool:
        return self.breached(strict=False)

    def breached(self, *, strict: bool) -> bool:
        return any(counts_as_breach(f, strict=strict) for f in self.findings)

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
            "findings": [f.as_dict() for f in (*self.findings, *self.resolved)],
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
            "arr": self.arr,
            "last_sponsor_contact_on": self.last_sponsor_contact_on,
            "open_milestones": list(self.open_milestones),
            "usage": list(self.usage),
            **({"compared_with": self.compared_with} if self.compared_with is not None else {}),
        }


def _event_value(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def account_brief(ref: str, *, store: Store, today: date, config: Config, baseline: Baseline = None) -> Brief:
    """Everything a CSM needs one minute before a call with the account; with a baseline
    (--diff), what changed in its findings since then."""
    last_run = None
    with store.reader() as r:
        acc = lookup_account(r, ref)
        acks = read_acks(r, as_of=today)
        if baseline == "last-run":
            last_run = read_last_run(r)
        facts = list(iter_facts(r, as_of=today, config=config, account_id=acc.id))
        if not facts:
            row = r.one("SELECT signed_on FROM account WHERE id = :aid", {"aid": acc.id})
            signed = to_date(row[0] if row else None)
            from handoff_cli.errors import BadInput

            raise BadInput(
                f"account {ref!r} was signed on {signed}, after {today.isoformat()}: "
                "it does not exist yet at that date (try --as-of)"
            )
        f = facts[0]
        lag = lag_by_motion(read_lag_samples(r, as_of=today, motion=f.motion), config.rule("ttv-at-risk"))
        recent = r.all(RECENT_EVENTS_SQL, {"aid": acc.id, "as_of": today, "n": 5})
        extra = _brief_extras(r, acc.id, today)
    run = evaluator(as_of=today, rules=config.rules, lag=lag)
    a = Assessed(f, health(f, run(f), green=config.green, yellow=config.yellow), stage(f))
    go = f.go_live_milestones
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
    findings = apply_acks(list(a.findings), acks, as_of=today)
    resolved: list[Finding] = []
    compared: Optional[str] = None
    if baseline is not None:
        before, compared = _baseline_findings(
            baseline, last_run=last_run, scope=Scope(include_all=True), store=store, config=config
        )
        key = f.name.casefold()
        changed = diff(findings, [x for x in before if x.account.casefold() == key])
        findings = [x for x in changed if x.change != "resolved"]
        resolved = [x for x in changed if x.change == "resolved"]
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
        findings=tuple(findings),
        resolved=tuple(resolved),
        compared_with=compared,
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
        **extra,
    )


HANDOVER_RULES = ("config-gate-handover", "cold-handover")


def handover_risks(ref: str, *, store: Store, today: date, config: Config) -> tuple[str, ...]:
    """The ids of the handover rules the account's latest handover raises as of ``today``:
    what `handoff handover` warns about right after recording one (the rules decide, so a
    rule disabled in the config warns of nothing, and a self-serve account has no seam)."""
    with store.reader() as r:
        acc = lookup_account(r, ref)
        facts = list(iter_facts(r, as_of=today, config=config, account_id=acc.id))
    if not facts:
        return ()
    found = evaluator(as_of=today, rules=config.rules, lag={})(facts[0])
    return tuple(x.rule for x in found if x.rule in HANDOVER_RULES)


def _brief_extras(r: Reader, aid: int, today: date) -> dict[str, Any]:
    """What the brief shows beyond the facts the rules use: ARR, the last sponsor contact,
    the open milestones and who must act, the usage trend."""
    row = r.one(ARR_SQL, {"aid": aid})
    contact = r.one(SPONSOR_CONTACT_SQL, {"aid": aid, "as_of": today})
    opened = []
    for title, kind, side, due in r.all(OPEN_MILESTONES_SQL, {"aid": aid, "as_of": today}):
        due_on = to_date(due) or today  # a due date is never NULL
        opened.append(
            {
                "title": title,
                "kind": kind,
                "side": side,
                "due_on": due_on,
                "overdue_days": max(0, (today - due_on).days),
            }
        )
    usage = r.all(USAGE_SQL, {"aid": aid, "as_of": today, "n": USAGE_READINGS})
    return {
        "arr": _event_value(row[0]) if row else None,
        "last_sponsor_contact_on": to_date(contact[0]) if contact else None,
        "open_milestones": tuple(opened),
        "usage": tuple({"on": to_date(on), "value": _event_value(v)} for on, v in reversed(usage)),
    }


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


def timeline(ref: str, *, store: Store, today: date, config: Config) -> Timeline:
    """Every dated fact of the account on or before ``today``, in date order."""
    with store.reader() as r:
        acc = lookup_account(r, ref)
        aid, name = acc.id, acc.name
        facts = list(iter_facts(r, as_of=today, config=config, account_id=aid))
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
            if a.end_on is not None and a.ended_by(today):
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
        add(as_date(agreed), "plan", f"success plan v{version}: {outcome}{sponsor_text}; {n_criteria} criteria", pid)
    for eid, on, kind, value, note in events:
        detail = kind + (f" {_num(value)}" if value is not None else "") + (f": {note}" if note else "")
        add(as_date(on), "event", detail, eid)
    for hid, handed, frm, to, joint in handovers:
        source = f" from {frm}" if frm else ""
        call = "with a joint call" if joint else "without a joint call"
        add(as_date(handed), "handover", f"handed over{source} to {to}, {call}", hid)
    entries.sort(key=lambda e: e.sort)
    return Timeline(as_of=today, account=name, entries=tuple(entries))
