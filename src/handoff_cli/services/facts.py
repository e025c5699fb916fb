"""Facts: what is true of every account at an as-of date, in one set-based pass.

A handful of aggregate queries over the whole portfolio (or one account) build
one frozen ``Facts`` per account. Every query sees only facts dated on or
before the as-of date:

* events ``occurred_on <= as_of`` (the earliest date of a kind counts);
* assignments ``start_on <= as_of``; one whose ``end_on > as_of`` is still held;
* milestones ``added_on <= as_of``; done only if ``done_on <= as_of``; the
  current due date is the ``to_due_on`` of the latest slip recorded on or
  before the as-of date, else the baseline due date;
* slips ``recorded_on <= as_of``; plans ``agreed_on <= as_of``; handovers
  ``handed_on <= as_of``;
* accounts exist from ``signed_on``; archived when ``archived_on <= as_of``;
  churned when a ``churned`` event is dated on or before it.

The SQL text is the same on SQLite and PostgreSQL, except the ISO week index
(one small per-dialect expression). This module never imports SQLAlchemy or
SQLModel: it runs through ``store.reader()``.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import MISSING, dataclass, field
from datetime import date, timedelta
from typing import Any, Optional

from handoff_cli.store import Store, to_date

ALL = 0  # account filter meaning "the whole portfolio"

# -- the SQL (one source of truth per query) ----------------------------------

ACCOUNTS_SQL = """
SELECT a.id, a.name, a.external_id, a.signed_on, a.motion, a.segment, a.ttv_target_days, a.arr, a.archived_on
FROM account a
WHERE a.signed_on <= :as_of {acct_a}
"""
# The same rows without what no rule reads (the external id and the ARR stay None).
ACCOUNTS_RULES_SQL = """
SELECT a.id, a.name, NULL, a.signed_on, a.motion, a.segment, a.ttv_target_days, NULL, a.archived_on
FROM account a
WHERE a.signed_on <= :as_of {acct_a}
"""

# The dated milestones of the value ledger. Usage readings are read by
# LATEST_USAGE_SQL and ADOPTION_SQL instead. Led by kind, the event index makes
# each of these rare kinds a seek, not a scan of every event, and gives the rows
# in this order without sorting: the first row of an account and kind is the
# earliest, the last the latest.
EVENT_KINDS = {
    "go-live": "go_live_on",
    "workflow-live": "workflow_live_on",
    "first-value": "first_value_on",
    "adopted": "adopted_on",
    "graduated": "graduated_on",
    "churned": "churned_on",
    "sponsor-contact": "last_sponsor_contact_on",  # the latest counts
}
EVENTS_SQL = """
SELECT e.account_id, e.kind, e.occurred_on
FROM event e
WHERE e.kind IN ('go-live', 'workflow-live', 'first-value', 'adopted', 'graduated', 'churned', 'sponsor-contact')
  AND e.occurred_on <= :as_of {acct_e}
ORDER BY e.kind, e.account_id, e.occurred_on
"""
# The kinds the rules read (`adopted` and the sponsor contact only feed the stage and the brief).
EVENTS_RULES_SQL = """
SELECT e.account_id, e.kind, e.occurred_on
FROM event e
WHERE e.kind IN ('go-live', 'workflow-live', 'first-value', 'graduated', 'churned')
  AND e.occurred_on <= :as_of {acct_e}
ORDER BY e.kind, e.account_id, e.occurred_on
"""

# ISO weeks start on Monday; 0001-01-01 is a Monday, so the week index is
# (ordinal - 1) // 7 where ordinal is date.toordinal().
WEEK_EXPR = {
    # julianday('0001-01-01') = 1721425.5
    "sqlite": "(CAST(julianday(e.occurred_on) - 1721425.5 AS INTEGER) / 7)",
    "postgresql": "((e.occurred_on - DATE '0001-01-01') / 7)",
}

# Usage readings matter only once first value is recorded (champion-only, and the
# adoption stage comes after first value), so only those accounts' readings are read.
#
# The latest reading (latest date, ties: the highest id): one index seek per account.
LATEST_USAGE_SQL = """
SELECT f.account_id, u.occurred_on, u.value
FROM (
  SELECT e.account_id,
         (SELECT x.id FROM event x
           WHERE x.kind = 'usage' AND x.account_id = e.account_id AND x.occurred_on <= :as_of
           ORDER BY x.occurred_on DESC, x.id DESC LIMIT 1) AS uid
  FROM event e
  WHERE e.kind = 'first-value' AND e.occurred_on <= :as_of {fv_before} {acct_e}
  GROUP BY e.account_id
) f JOIN event u ON u.id = f.uid {at_most}
"""
# For the rules alone: champion-only reads the latest reading only when first value
# (the earliest first-value event) came more than its `days` before the as-of date,
# and only when it is at most its `max_users`.
FV_BEFORE = "AND e.occurred_on < :fv_before"
AT_MOST = "WHERE u.value <= :most"

# Adoption by usage: the first run of `weeks` consecutive ISO weeks whose latest
# reading (latest date, ties: the highest id) is at or above the threshold; the
# date is that of the reading that completed the run. Read only for accounts with
# first value and no `adopted` event (the event settles adoption on its own).
# One pass in date order marks the latest reading of each week (the next reading
# falls in a later week); among those at or above the threshold, a week ends a run
# when the reading `weeks - 1` places earlier lies exactly `weeks - 1` weeks before.
ADOPTION_SQL = """
WITH u AS (
  SELECT e.account_id, e.occurred_on, e.value, {week} AS wk,
         LEAD({week}) OVER (PARTITION BY e.account_id ORDER BY e.occurred_on, e.id) AS next_wk
  FROM event e
  WHERE e.kind = 'usage' AND e.occurred_on <= :as_of AND e.account_id IN (
    SELECT f.account_id FROM event f
     WHERE f.kind = 'first-value' AND f.occurred_on <= :as_of {acct_f}
       AND NOT EXISTS (SELECT 1 FROM event g WHERE g.kind = 'adopted' AND g.account_id = f.account_id
                       AND g.occurred_on <= :as_of))
), good AS (
  SELECT account_id, occurred_on, wk - LAG(wk, :span) OVER (PARTITION BY account_id ORDER BY wk) AS spread
  FROM u
  WHERE (next_wk IS NULL OR next_wk <> wk) AND value >= :threshold
)
SELECT account_id, MIN(occurred_on) FROM good WHERE spread = :span GROUP BY account_id
"""

ASSIGNMENTS_SQL = """
SELECT s.account_id, s.id, s.role, s.person, s.start_on, s.end_on
FROM assignment s
WHERE s.start_on <= :as_of {acct_s}
ORDER BY s.account_id, s.start_on, s.id
"""

# The current due date is worked out from the slips (SLIPS_SQL): the to-date of the
# latest slip recorded on or before the as-of date, else the baseline due date.
MILESTONES_SQL = """
SELECT m.account_id, m.id, m.title, m.kind, m.side, m.baseline_due_on, m.added_on,
       CASE WHEN m.done_on <= :as_of THEN m.done_on END
FROM milestone m
WHERE m.added_on <= :as_of {acct_m}
"""
# For the rules alone, the milestones done by the as-of date are read only where a rule
# looks at them: go-live and first-workflow ones (they record the go-live / workflow-live)
# and every milestone of an account without a go-live event (scope-creep counts the
# milestones added after the first one was done, until go-live). The rest only feed the
# brief and the timeline.
MILESTONES_RULES_SQL = """
SELECT m.account_id, m.id, m.title, m.kind, m.side, m.baseline_due_on, m.added_on,
       CASE WHEN m.done_on <= :as_of THEN m.done_on END
FROM milestone m
WHERE m.added_on <= :as_of {acct_m}
  AND (m.done_on IS NULL OR m.done_on > :as_of OR m.kind IN ('go-live', 'first-workflow')
       OR m.account_id NOT IN (SELECT g.account_id FROM event g WHERE g.kind = 'go-live' AND g.occurred_on <= :as_of))
"""

SLIPS_SQL = """
SELECT m.account_id, s.id, m.id, m.title, s.recorded_on, s.from_due_on, s.to_due_on, s.cause, s.note
FROM slip s JOIN milestone m ON m.id = s.milestone_id
WHERE s.recorded_on <= :as_of AND m.added_on <= :as_of {acct_m}
ORDER BY m.account_id, s.recorded_on, s.id
"""

PLANS_SQL = """
SELECT p.account_id, p.id, p.version, p.outcome, p.sponsor, p.agreed_on
FROM success_plan p
WHERE p.agreed_on <= :as_of {acct_p}
ORDER BY p.account_id, p.agreed_on, p.version
"""

CRITERIA_SQL = """
SELECT c.plan_id, c.text
FROM plan_criterion c JOIN success_plan p ON p.id = c.plan_id
WHERE p.agreed_on <= :as_of {acct_p}
ORDER BY c.plan_id, c.position, c.id
"""

# The activation-to-first-value days of the whole portfolio (for the lag of
# ttv-at-risk when only one account's facts are read), counted by motion and days:
# a few hundred rows, however large the portfolio. Activation is the earliest
# go-live (self-serve: workflow-live) event or completed go-live (first-workflow)
# milestone; one seek each, for the accounts with first value. Without an
# activation the days are NULL, and that row is left out.
LAG_SQL = """
SELECT motion, {days} AS days, COUNT(*)
FROM (
  SELECT a.motion, f.fv,
         (SELECT MIN(z.d) FROM (
            SELECT g.occurred_on AS d FROM event g
             WHERE g.kind = CASE WHEN a.motion = 'self-serve' THEN 'workflow-live' ELSE 'go-live' END
               AND g.account_id = a.id AND g.occurred_on <= :as_of
            UNION ALL
            SELECT m.done_on FROM milestone m
             WHERE m.account_id = a.id
               AND m.kind = CASE WHEN a.motion = 'self-serve' THEN 'first-workflow' ELSE 'go-live' END
               AND m.done_on <= :as_of AND m.added_on <= :as_of
          ) z) AS act
  FROM (SELECT e.account_id, MIN(e.occurred_on) AS fv FROM event e
         WHERE e.kind = 'first-value' AND e.occurred_on <= :as_of GROUP BY e.account_id) f
  JOIN account a ON a.id = f.account_id
  WHERE a.signed_on <= :as_of {motion}
) s
GROUP BY motion, days
"""

# Whole days from activation to first value (both are dates).
DAYS_EXPR = {
    "sqlite": "CAST(julianday(fv) - julianday(act) AS INTEGER)",
    "postgresql": "(fv - act)",
}

HANDOVERS_SQL = """
SELECT h.account_id, h.id, h.handed_on, h.from_person, h.to_person, h.gate_passed, h.joint_call,
       {context}
FROM handover h
WHERE h.handed_on <= :as_of {acct_h}
ORDER BY h.account_id, h.handed_on, h.id
"""
HANDOVER_CONTEXT = "h.promised, h.customised, h.open_issues"
NO_HANDOVER_CONTEXT = "NULL, NULL, NULL"  # the rules never read the context texts


# -- the facts ---------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentFact:
    id: int
    role: str
    person: str
    start_on: date
    end_on: Optional[date]  # as stored; may lie after the as-of date

    def held_at(self, as_of: date) -> bool:
        return self.start_on <= as_of and (self.end_on is None or self.end_on > as_of)

    def ended_by(self, as_of: date) -> bool:
        return self.end_on is not None and self.end_on <= as_of


@dataclass(frozen=True)
class MilestoneFact:
    id: int
    title: str
    kind: str
    side: str
    baseline_due_on: date
    due_on: date  # current due date at the as-of date
    done_on: Optional[date]  # only when done on or before the as-of date
    added_on: date

    @property
    def is_open(self) -> bool:
        return self.done_on is None


@dataclass(frozen=True)
class SlipFact:
    id: int
    milestone_id: int
    title: str
    recorded_on: date
    from_due_on: date
    to_due_on: date
    cause: str
    note: Optional[str]

    @property
    def days(self) -> int:
        return (self.to_due_on - self.from_due_on).days


@dataclass(frozen=True)
class PlanFact:
    version: int
    outcome: str
    sponsor: Optional[str]  # carried forward from earlier versions when not restated
    criteria: tuple[str, ...]  # carried forward likewise
    agreed_on: date
    first_agreed_on: date  # the first version's date


@dataclass(frozen=True)
class HandoverFact:
    handed_on: date
    from_person: Optional[str]
    to_person: str
    gate_passed_recorded: bool
    joint_call: bool
    promised: Optional[str]
    customised: Optional[str]
    open_issues: Optional[str]


@dataclass(frozen=True)
class Facts:
    """Everything the rules, the stage and the health score need about one account."""

    account_id: int
    name: str
    motion: str
    signed_on: date
    ttv_target_days: int
    external_id: Optional[str] = None
    segment: Optional[str] = None
    arr: Optional[float] = None
    archived_on: Optional[date] = None  # only when on or before the as-of date
    churned_on: Optional[date] = None
    go_live_on: Optional[date] = None
    workflow_live_on: Optional[date] = None
    first_value_on: Optional[date] = None
    adopted_on: Optional[date] = None  # an `adopted` event
    usage_adopted_on: Optional[date] = None  # the counted reading that completed the first run of weeks
    graduated_on: Optional[date] = None
    last_sponsor_contact_on: Optional[date] = None
    latest_usage: Optional[float] = None
    latest_usage_on: Optional[date] = None
    plan: Optional[PlanFact] = None
    assignments: tuple[AssignmentFact, ...] = ()
    milestones: tuple[MilestoneFact, ...] = ()
    slips: tuple[SlipFact, ...] = ()
    handover: Optional[HandoverFact] = None  # the latest one
    handover_count: int = 0
    as_of: date = field(default=date(2000, 1, 1))

    # -- derived ------------------------------------------------------------
    @property
    def self_serve(self) -> bool:
        return self.motion == "self-serve"

    @property
    def target_on(self) -> date:
        """T: signed + TTV target."""
        return self.signed_on + timedelta(days=self.ttv_target_days)

    @property
    def activation_on(self) -> Optional[date]:
        """Go-live (self-serve: workflow-live)."""
        return self.workflow_live_on if self.self_serve else self.go_live_on

    @property
    def gate_on(self) -> Optional[date]:
        """When the value gate passed: go-live and workflow-live both recorded (self-serve: workflow-live)."""
        if self.self_serve:
            return self.workflow_live_on
        if self.go_live_on is None or self.workflow_live_on is None:
            return None
        return max(self.go_live_on, self.workflow_live_on)

    @property
    def archived(self) -> bool:
        return self.archived_on is not None

    @property
    def churned(self) -> bool:
        return self.churned_on is not None

    @property
    def inactive(self) -> bool:
        """Archived or churned: out of listings, no findings."""
        return self.archived or self.churned

    def holder(self, role: str) -> Optional[str]:
        """Who holds the role at the as-of date (the latest start wins)."""
        as_of, best = self.as_of, None
        for a in self.assignments:
            if a.role == role and a.start_on <= as_of and (a.end_on is None or a.end_on > as_of):
                if best is None or (a.start_on, a.id) > (best.start_on, best.id):
                    best = a
        return None if best is None else best.person

    def holders(self, role: str) -> list[str]:
        return [a.person for a in self.assignments if a.role == role and a.held_at(self.as_of)]

    @property
    def accountable_owner(self) -> Optional[str]:
        """The implementation owner until the handover (or the implementation owner's
        release), then the CSM; None when nobody."""
        impl, csm = self.holder("implementation"), self.holder("csm")
        if self.handover is not None:
            return csm or impl
        return impl or csm


# -- building ----------------------------------------------------------------


def _adoption_params(config: dict[str, Any]) -> dict[str, Any]:
    adoption = config.get("adoption", {})
    weeks = int(adoption.get("weeks", 4))
    return {"threshold": adoption.get("threshold", 3), "span": max(0, weeks - 1)}


def load_facts(
    *, store: Store, today: date, config: dict[str, Any], account_id: int = ALL, adoption: bool = True
) -> list[Facts]:
    """Facts of every account that exists at ``today`` (or of one account)."""
    with store.reader() as r:
        return read_facts(r, as_of=today, config=config, account_id=account_id, adoption=adoption)


_FILTERS = ("acct_a", "acct_e", "acct_f", "acct_s", "acct_m", "acct_p", "acct_h")


def _sql(template: str, account_id: int, **extra: str) -> str:
    """The query for the whole portfolio, or filtered to one account (so it can use the indexes)."""
    filters = {
        alias: (f"AND {alias[-1]}.{'id' if alias == 'acct_a' else 'account_id'} = :aid" if account_id else "")
        for alias in _FILTERS
    }
    return template.format(**filters, **extra)


def _by_id(row: Any) -> int:
    return row.id


class _Days(dict):
    """ISO text (SQLite) or date (PostgreSQL) -> date, parsed once per distinct value:
    a portfolio has a few thousand distinct dates over millions of date cells."""

    def __missing__(self, key: Any) -> Optional[date]:
        value = self[key] = to_date(key)
        return value


# Facts are built by the hundred thousand: each one's instance dict is filled
# directly, which skips the frozen dataclass's per-field __setattr__ (same values).
_FIELD_DEFAULTS = {name: f.default for name, f in Facts.__dataclass_fields__.items() if f.default is not MISSING}


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a report builds its hundreds of thousands of
    objects (none of which form cycles): the collector would walk them again and again."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def read_facts(
    r, *, as_of: date, config: dict[str, Any], account_id: int = ALL, adoption: bool = True, rules_only: bool = False
) -> list[Facts]:
    """The set-based pass over an open reader.

    ``adoption=False`` skips adoption by usage (``usage_adopted_on`` stays None): only
    the stage needs it, and reading it means reading the weekly usage readings.
    ``rules_only=True`` reads only the facts the rules use, for the findings alone: no
    adoption, no ``adopted`` event, sponsor contact, external id, ARR, plan criteria or
    handover context texts (they stay at their empty defaults), the latest usage
    reading only where champion-only could fire (first value old enough, few users), and
    done milestones only where a rule looks at them (MILESTONES_RULES_SQL)."""
    with gc_paused():
        return _read_facts(
            r,
            as_of=as_of,
            config=config,
            account_id=account_id,
            adoption=adoption and not rules_only,
            rules_only=rules_only,
        )


def _read_facts(
    r, *, as_of: date, config: dict[str, Any], account_id: int, adoption: bool, rules_only: bool = False
) -> list[Facts]:
    p = {"as_of": as_of, "aid": account_id}
    q = lambda template, **extra: _sql(template, account_id, **extra)  # noqa: E731
    targets = config["ttv_target_days"]
    day = _Days({None: None}).__getitem__
    new = object.__new__
    defaults = _FIELD_DEFAULTS

    out: list[Facts] = []
    by_id: dict[int, dict[str, Any]] = {}  # account id -> the instance dict of its Facts
    set_dict = object.__setattr__
    append = out.append
    for aid, name, ext, signed, motion, segment, target, arr, archived in r.all(
        q(ACCOUNTS_RULES_SQL if rules_only else ACCOUNTS_SQL), p
    ):
        archived = day(archived)
        d = by_id[aid] = {
            **defaults,
            "account_id": aid,
            "name": name,
            "external_id": ext,
            "signed_on": day(signed),
            "motion": motion,
            "segment": segment,
            "ttv_target_days": int(target if target is not None else targets.get(motion, 90)),
            "arr": arr,
            "archived_on": archived if archived is not None and archived <= as_of else None,
            "as_of": as_of,
        }
        f = new(Facts)
        set_dict(f, "__dict__", d)
        append(f)
    if not out:
        return []

    get = by_id.get
    kinds = EVENT_KINDS
    for aid, kind, on in r.all(q(EVENTS_RULES_SQL if rules_only else EVENTS_SQL), p):
        d = get(aid)
        if d is None:
            continue
        key = kinds[kind]
        if d[key] is None or kind == "sponsor-contact":  # earliest first; the latest contact last
            d[key] = day(on)

    if not rules_only:
        usage = r.all(q(LATEST_USAGE_SQL, fv_before="", at_most=""), p)
    else:
        champion = config.get("rules", {}).get("champion-only", {})
        usage = (
            ()
            if champion.get("enabled", True) is False
            else r.all(
                q(LATEST_USAGE_SQL, fv_before=FV_BEFORE, at_most=AT_MOST),
                {
                    **p,
                    "fv_before": as_of - timedelta(days=int(champion.get("days", 30))),
                    "most": float(champion.get("max_users", 1)),
                },
            )
        )
    for aid, on, value in usage:
        d = get(aid)
        if d is not None:
            d["latest_usage"], d["latest_usage_on"] = value, day(on)

    if adoption:
        adoption_sql = q(ADOPTION_SQL, week=WEEK_EXPR[r.dialect])
        for aid, on in r.all(adoption_sql, {**p, **_adoption_params(config)}):
            d = get(aid)
            if d is not None:
                d["usage_adopted_on"] = day(on)

    assignments: dict[int, list[AssignmentFact]] = {}
    for aid, sid, role, person, start, end in r.all(q(ASSIGNMENTS_SQL), p):
        assignments.setdefault(aid, []).append(AssignmentFact(sid, role, person, day(start), day(end)))
    for aid, rows in assignments.items():
        d = get(aid)
        if d is not None:
            d["assignments"] = tuple(rows)

    slips: dict[int, list[SlipFact]] = {}
    current_due: dict[int, date] = {}  # milestone id -> to-date of its latest slip (rows come in slip order)
    for aid, sid, mid, title, rec, frm, to, cause, note in r.all(q(SLIPS_SQL), p):
        to = day(to)
        slips.setdefault(aid, []).append(SlipFact(sid, mid, title, day(rec), day(frm), to, cause, note))
        current_due[mid] = to
    for aid, rows in slips.items():
        d = get(aid)
        if d is not None:
            d["slips"] = tuple(rows)

    milestones: dict[int, list[MilestoneFact]] = {}
    due_of = current_due.get
    for (
        aid,
        mid,
        title,
        kind,
        side,
        baseline,
        added,
        done,
    ) in r.all(q(MILESTONES_RULES_SQL if rules_only else MILESTONES_SQL), p):
        baseline = day(baseline)
        m = new(MilestoneFact)  # as MilestoneFact(...) would, without the per-field __setattr__
        set_dict(
            m,
            "__dict__",
            {
                "id": mid,
                "title": title,
                "kind": kind,
                "side": side,
                "baseline_due_on": baseline,
                "due_on": due_of(mid, baseline),
                "done_on": day(done),
                "added_on": day(added),
            },
        )
        milestones.setdefault(aid, []).append(m)
    for aid, ms in milestones.items():
        d = get(aid)
        if d is None:
            continue
        ms.sort(key=_by_id)
        d["milestones"] = tuple(ms)
        # Completing a go-live / first-workflow milestone records the go-live / workflow-live.
        for kind, key in (("go-live", "go_live_on"), ("first-workflow", "workflow_live_on")):
            done = [m.done_on for m in ms if m.kind == kind and m.done_on is not None]
            if done:
                d[key] = min([x for x in (d[key], *done) if x is not None])

    criteria: dict[int, list[str]] = {}
    for plan_id, text in () if rules_only else r.all(q(CRITERIA_SQL), p):
        criteria.setdefault(plan_id, []).append(text)
    plans: dict[int, PlanFact] = {}
    for aid, pid, version, outcome, sponsor, agreed in r.all(q(PLANS_SQL), p):
        prev = plans.get(aid)
        crit = tuple(criteria.get(pid, ()))
        plans[aid] = PlanFact(
            version=version,
            outcome=outcome,
            sponsor=sponsor or (prev.sponsor if prev else None),
            criteria=crit or (prev.criteria if prev else ()),
            agreed_on=day(agreed),
            first_agreed_on=prev.first_agreed_on if prev else day(agreed),
        )
    for aid, plan in plans.items():
        d = get(aid)
        if d is not None:
            d["plan"] = plan

    handovers: dict[int, tuple[HandoverFact, int]] = {}
    for aid, _hid, handed, frm, to, gate, joint, promised, customised, issues in r.all(
        q(HANDOVERS_SQL, context=NO_HANDOVER_CONTEXT if rules_only else HANDOVER_CONTEXT), p
    ):
        count = handovers[aid][1] + 1 if aid in handovers else 1
        handovers[aid] = (
            HandoverFact(day(handed), frm, to, bool(gate), bool(joint), promised, customised, issues),
            count,
        )
    for aid, (ho, count) in handovers.items():
        d = get(aid)
        if d is not None:
            d["handover"], d["handover_count"] = ho, count
    return out


def find_account_id(r, ref: str) -> int:
    """An account id by name (case-insensitive) or external id; the name wins. Raises NotFound."""
    from handoff_cli.services.lookup import lookup_account

    return lookup_account(r, ref).id


def median_rounded_up(values: Iterable[int]) -> Optional[int]:
    """The median of whole numbers; an even count takes the mean of the middle two, rounded up."""
    vals = sorted(values)
    n = len(vals)
    if n == 0:
        return None
    if n % 2:
        return vals[n // 2]
    total = vals[n // 2 - 1] + vals[n // 2]
    return -((-total) // 2)  # ceiling of total / 2


def lag_samples(facts: Iterable[Facts]) -> dict[str, list[int]]:
    """Activation-to-first-value days by motion, over accounts having both."""
    samples: dict[str, list[int]] = {}
    for f in facts:
        a, fv = f.activation_on, f.first_value_on
        if a is not None and fv is not None:
            samples.setdefault(f.motion, []).append((fv - a).days)
    return samples


def read_lag_samples(r, *, as_of: date, motion: Optional[str] = None) -> dict[str, list[int]]:
    """The same samples as ``lag_samples`` over the whole portfolio, without reading every
    fact; with ``motion``, only that motion's (all one account's brief needs)."""
    samples: dict[str, list[int]] = {}
    sql = LAG_SQL.format(days=DAYS_EXPR[r.dialect], motion="AND a.motion = :motion" if motion else "")
    params = {"as_of": as_of, "motion": motion} if motion else {"as_of": as_of}
    for motion, days, count in r.all(sql, params):
        if days is None:
            continue
        samples.setdefault(motion, []).extend([int(days)] * int(count))
    for vals in samples.values():
        vals.sort()
    return samples


def lag_by_motion(samples: dict[str, list[int]], config: dict[str, Any]) -> dict[str, int]:
    """The activation-to-first-value lag per motion: the median over accounts of the motion
    having both by the as-of date (archived and churned included), else the default."""
    row = config["rules"].get("ttv-at-risk", {})
    minimum = int(row.get("min_accounts_for_lag", 3))
    defaults = row.get("default_lag_days", {"high-touch": 14, "self-serve": 3})
    out = {}
    for motion in ("high-touch", "self-serve"):
        vals = samples.get(motion, [])
        out[motion] = median_rounded_up(vals) if len(vals) >= minimum else int(defaults.get(motion, 14))
    return out
