"""The facts of every account, set-based, streamed in chunks of accounts.

``iter_facts`` yields one complete ``domain.facts.Facts`` per account that exists at
the as-of date, in account id order. It reads the accounts a chunk at a time (a range
of ids): each of the queries below runs once per chunk, filtered to that range, so
the memory a report holds stays the size of one chunk however large the portfolio.

Every query reads the tables by their plain names (``account``, ``event``,
``milestone``, ...) and sees only facts dated on or before ``:as_of``. The SQL text
is the same on SQLite and PostgreSQL except one small per-dialect expression (a day
difference). This module never imports SQLAlchemy or
SQLModel: it runs on a ``store.Reader``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, Optional

from handoff_cli.config import Config
from handoff_cli.domain.facts import (
    AssignmentFact,
    Facts,
    HandoverFact,
    MilestoneFact,
    PlanFact,
    SlipFact,
    adoption_on,
)
from handoff_cli.store import Reader, to_date
from handoff_cli.vocab import EVENT_OF_MILESTONE

CHUNK = 2_000  # accounts per chunk (a range of ids)

# -- the SQL ---------------------------------------------------------------------

# A completed go-live / first-workflow milestone is the go-live / workflow-live event:
# the one place the read path says so. DATED_FACTS gives every dated fact of those
# kinds, and of the other event kinds the facts need, as (account_id, kind, on).
_MILESTONE_KIND_AS_EVENT = "CASE m.kind " + " ".join(f"WHEN '{m}' THEN '{e}'" for m, e in EVENT_OF_MILESTONE.items())
_MILESTONE_KIND_AS_EVENT += " END"
_MILESTONE_KINDS_IN = ", ".join(f"'{m}'" for m in EVENT_OF_MILESTONE)

EVENTS_SQL = f"""
SELECT x.account_id, x.kind, MIN(x.d), MAX(x.d)
FROM (
  SELECT e.account_id, e.kind, e.occurred_on AS d
  FROM event e
  WHERE e.kind IN ('go-live', 'workflow-live', 'first-value', 'adopted', 'graduated', 'sponsor-contact')
    AND e.occurred_on <= :as_of AND e.account_id BETWEEN :lo AND :hi
  UNION ALL
  SELECT m.account_id, {_MILESTONE_KIND_AS_EVENT}, m.done_on
  FROM milestone m
  WHERE m.kind IN ({_MILESTONE_KINDS_IN}) AND m.done_on <= :as_of AND m.added_on <= :as_of
    AND m.account_id BETWEEN :lo AND :hi
) x
GROUP BY x.account_id, x.kind
"""
# which Facts field each kind fills: the earliest date, except the sponsor contact (the latest)
EVENT_FIELDS = {
    "go-live": "go_live_on",
    "workflow-live": "workflow_live_on",
    "first-value": "first_value_on",
    "adopted": "adopted_on",
    "graduated": "graduated_on",
}

# The activation-to-first-value days of the whole portfolio (the lag of ttv-at-risk),
# counted by motion and days: a few hundred rows, however large the portfolio.
# Activation is the earliest go-live (self-serve: workflow-live) event or completed
# go-live (first-workflow) milestone: one seek each, for the accounts with first value.
LAG_SQL = f"""
SELECT motion, {{days}} AS days, COUNT(*)
FROM (
  SELECT a.motion, f.fv,
         (SELECT MIN(z.d) FROM (
            SELECT g.occurred_on AS d FROM event g
             WHERE g.kind = CASE WHEN a.motion = 'self-serve' THEN 'workflow-live' ELSE 'go-live' END
               AND g.account_id = a.id AND g.occurred_on <= :as_of
            UNION ALL
            SELECT m.done_on FROM milestone m
             WHERE m.account_id = a.id
               AND {_MILESTONE_KIND_AS_EVENT} = CASE WHEN a.motion = 'self-serve' THEN 'workflow-live' ELSE 'go-live' END
               AND m.done_on <= :as_of AND m.added_on <= :as_of
          ) z) AS act
  FROM (SELECT e.account_id, MIN(e.occurred_on) AS fv FROM event e
         WHERE e.kind = 'first-value' AND e.occurred_on <= :as_of GROUP BY e.account_id) f
  JOIN account a ON a.id = f.account_id
  WHERE a.signed_on <= :as_of {{motion}}
) s
GROUP BY motion, days
"""
DAYS_EXPR = {
    "sqlite": "CAST(julianday(fv) - julianday(act) AS INTEGER)",
    "postgresql": "(fv - act)",
}

ACCOUNTS_SQL = """
SELECT a.id, a.name, a.external_id, a.signed_on, a.motion, a.segment, a.ttv_target_days, a.arr, a.archived_on
FROM account a
WHERE a.signed_on <= :as_of AND a.id BETWEEN :lo AND :hi
ORDER BY a.id
"""

# The latest of `renewed` / `churned` (latest date; same day: the later entry).
RENEWAL_SQL = """
SELECT x.account_id, x.kind, x.occurred_on
FROM (
  SELECT e.account_id, e.kind, e.occurred_on,
         ROW_NUMBER() OVER (PARTITION BY e.account_id ORDER BY e.occurred_on DESC, e.id DESC) AS rn
  FROM event e
  WHERE e.kind IN ('renewed', 'churned') AND e.occurred_on <= :as_of AND e.account_id BETWEEN :lo AND :hi
) x
WHERE x.rn = 1
"""

# CES and handover CSAT: sum and count per account.
SCORES_SQL = """
SELECT e.account_id, e.kind, SUM(e.value), COUNT(e.value)
FROM event e
WHERE e.kind IN ('ces', 'handoff-csat') AND e.occurred_on <= :as_of AND e.value IS NOT NULL
  AND e.account_id BETWEEN :lo AND :hi
GROUP BY e.account_id, e.kind
"""

# The usage readings of the accounts with first value (only they can raise champion-only
# or reach the adoption stage), in date order (same day: entry order): the latest is the
# account's latest reading, and adoption by usage is worked out from them
# (domain.facts.adoption_on). A join from the first-value accounts, so each account's
# readings are one index range, already in order.
USAGE_SQL = """
SELECT e.account_id, e.occurred_on, e.value
FROM (SELECT DISTINCT f.account_id FROM event f
       WHERE f.kind = 'first-value' AND f.occurred_on <= :as_of AND f.account_id BETWEEN :lo AND :hi) fv
JOIN event e ON e.kind = 'usage' AND e.account_id = fv.account_id AND e.occurred_on <= :as_of
ORDER BY e.account_id, e.occurred_on, e.id
"""

ASSIGNMENTS_SQL = """
SELECT s.account_id, s.id, s.role, s.person, s.start_on, s.end_on
FROM assignment s
WHERE s.start_on <= :as_of AND s.account_id BETWEEN :lo AND :hi
ORDER BY s.account_id, s.start_on, s.id
"""

# The current due date is worked out from the slips: the to-date of the latest slip
# recorded on or before the as-of date, else the baseline due date.
MILESTONES_SQL = """
SELECT m.account_id, m.id, m.title, m.kind, m.side, m.baseline_due_on, m.added_on,
       CASE WHEN m.done_on <= :as_of THEN m.done_on END
FROM milestone m
WHERE m.added_on <= :as_of AND m.account_id BETWEEN :lo AND :hi
ORDER BY m.account_id, m.id
"""

SLIPS_SQL = """
SELECT m.account_id, s.id, m.id, m.title, s.recorded_on, s.from_due_on, s.to_due_on, s.cause, s.note
FROM slip s JOIN milestone m ON m.id = s.milestone_id
WHERE s.recorded_on <= :as_of AND m.added_on <= :as_of AND m.account_id BETWEEN :lo AND :hi
ORDER BY m.account_id, s.recorded_on, s.id
"""

PLANS_SQL = """
SELECT p.account_id, p.id, p.version, p.outcome, p.sponsor, p.agreed_on
FROM success_plan p
WHERE p.agreed_on <= :as_of AND p.account_id BETWEEN :lo AND :hi
ORDER BY p.account_id, p.agreed_on, p.version
"""

CRITERIA_SQL = """
SELECT c.plan_id, c.text
FROM plan_criterion c JOIN success_plan p ON p.id = c.plan_id
WHERE p.agreed_on <= :as_of AND p.account_id BETWEEN :lo AND :hi
ORDER BY c.plan_id, c.position, c.id
"""

HANDOVERS_SQL = """
SELECT h.account_id, h.handed_on, h.from_person, h.to_person, h.joint_call, h.promised, h.customised, h.open_issues
FROM handover h
WHERE h.handed_on <= :as_of AND h.account_id BETWEEN :lo AND :hi
ORDER BY h.account_id, h.handed_on, h.id
"""

ID_RANGE_SQL = "SELECT MIN(a.id), MAX(a.id) FROM account a WHERE a.signed_on <= :as_of"


# -- reading -----------------------------------------------------------------------


class _Days(dict):
    """ISO text (SQLite) or date (PostgreSQL) -> date, parsed once per distinct value:
    a portfolio has a few thousand distinct dates over millions of date cells."""

    def __missing__(self, key: Any) -> Optional[date]:
        value = self[key] = to_date(key)
        return value


def _ranges(r: Reader, as_of: date, account_id: Optional[int], chunk: int) -> Iterator[tuple[int, int]]:
    if account_id is not None:
        yield account_id, account_id
        return
    row = r.one(ID_RANGE_SQL, {"as_of": as_of})
    if row is None or row[0] is None:
        return
    lo, hi = int(row[0]), int(row[1])
    for start in range(lo, hi + 1, chunk):
        yield start, min(start + chunk - 1, hi)


def iter_facts(
    r: Reader, *, as_of: date, config: Config, account_id: Optional[int] = None, chunk: int = CHUNK
) -> Iterator[Facts]:
    """The facts of every account signed by ``as_of`` (or of one account), in id order."""
    day = _Days({None: None}).__getitem__
    for lo, hi in _ranges(r, as_of, account_id, chunk):
        yield from _read_chunk(r, as_of=as_of, config=config, lo=lo, hi=hi, day=day)


def _read_chunk(r: Reader, *, as_of: date, config: Config, lo: int, hi: int, day: Any) -> list[Facts]:
    p = {"as_of": as_of, "lo": lo, "hi": hi}
    fields: dict[int, dict[str, Any]] = {}
    targets = dict(config.ttv_target_days)
    for aid, name, ext, signed, motion, segment, target, arr, archived in r.all(ACCOUNTS_SQL, p):
        archived = day(archived)
        fields[aid] = {
            "account_id": aid,
            "name": name,
            "external_id": ext,
            "signed_on": day(signed),
            "motion": motion,
            "segment": segment,
            "ttv_target_days": int(target) if target is not None else targets.get(motion, 90),
            "arr": arr,
            "archived_on": archived if archived is not None and archived <= as_of else None,
            "as_of": as_of,
        }
    if not fields:
        return []
    get = fields.get

    for aid, kind, first, last in r.all(EVENTS_SQL, p):
        if (d := get(aid)) is not None:
            if kind == "sponsor-contact":
                d["last_sponsor_contact_on"] = day(last)
            else:
                d[EVENT_FIELDS[kind]] = day(first)
    for aid, kind, on in r.all(RENEWAL_SQL, p):
        if (d := get(aid)) is not None:
            d["renewal"], d["renewal_on"] = kind, day(on)
    for aid, kind, total, count in r.all(SCORES_SQL, p):
        if (d := get(aid)) is not None:
            d["ces" if kind == "ces" else "csat"] = (float(total), int(count))
    readings: dict[int, list[tuple[date, float]]] = {}
    account, rows_of = None, None  # rows come by account: one list per account, no lookup per row
    for aid, on, value in r.all(USAGE_SQL, p):
        if aid != account:
            account, rows_of = aid, readings.setdefault(aid, [])
        if value is not None and rows_of is not None:  # a usage reading always has one; a raw row might not
            rows_of.append((day(on), value))
    for aid, rows in readings.items():
        if (d := get(aid)) is not None:
            if not rows:
                continue
            d["latest_usage_on"], d["latest_usage"] = rows[-1][0], float(rows[-1][1])
            if d.get("adopted_on") is None:  # an `adopted` event settles adoption on its own
                d["usage_adopted_on"] = adoption_on(
                    rows, threshold=config.adoption_threshold, weeks=config.adoption_weeks
                )

    assignments: dict[int, list[AssignmentFact]] = {}
    for aid, sid, role, person, start, end in r.all(ASSIGNMENTS_SQL, p):
        assignments.setdefault(aid, []).append(AssignmentFact(sid, role, person, day(start), day(end)))
    slips: dict[int, list[SlipFact]] = {}
    current_due: dict[int, date] = {}  # milestone id -> to-date of its latest slip (rows come in slip order)
    for aid, sid, mid, title, rec, frm, to, cause, note in r.all(SLIPS_SQL, p):
        to = day(to)
        slips.setdefault(aid, []).append(SlipFact(sid, mid, title, day(rec), day(frm), to, cause, note))
        current_due[mid] = to
    milestones: dict[int, list[MilestoneFact]] = {}
    for aid, mid, title, kind, side, baseline, added, done in r.all(MILESTONES_SQL, p):
        baseline = day(baseline)
        milestones.setdefault(aid, []).append(
            MilestoneFact(mid, title, kind, side, baseline, current_due.get(mid, baseline), day(done), day(added))
        )
    criteria: dict[int, list[str]] = {}
    for plan_id, text in r.all(CRITERIA_SQL, p):
        criteria.setdefault(plan_id, []).append(text)
    plans: dict[int, PlanFact] = {}
    for aid, pid, version, outcome, sponsor, agreed in r.all(PLANS_SQL, p):
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
    handovers: dict[int, tuple[HandoverFact, int]] = {}
    for aid, handed, frm, to, joint, promised, customised, issues in r.all(HANDOVERS_SQL, p):
        count = handovers[aid][1] + 1 if aid in handovers else 1
        handovers[aid] = (HandoverFact(day(handed), frm, to, bool(joint), promised, customised, issues), count)

    out = []
    for aid, d in fields.items():
        handover = handovers.get(aid)
        out.append(
            Facts(
                **d,
                plan=plans.get(aid),
                assignments=tuple(assignments.get(aid, ())),
                milestones=tuple(milestones.get(aid, ())),
                slips=tuple(slips.get(aid, ())),
                handover=handover[0] if handover else None,
                handover_count=handover[1] if handover else 0,
            )
        )
    return out


def read_lag_samples(r: Reader, *, as_of: date, motion: Optional[str] = None) -> dict[str, list[int]]:
    """Activation-to-first-value days by motion over the whole portfolio (the same
    samples as ``domain.facts.lag_samples`` over every account's facts); with ``motion``,
    only that motion's (all one account's brief needs)."""
    samples: dict[str, list[int]] = {}
    sql = LAG_SQL.format(days=DAYS_EXPR[r.dialect], motion="AND a.motion = :motion" if motion else "")
    params: dict[str, Any] = {"as_of": as_of, "motion": motion} if motion else {"as_of": as_of}
    for m, days, count in r.all(sql, params):
        if days is None:
            continue
        samples.setdefault(m, []).extend([int(days)] * int(count))
    for vals in samples.values():
        vals.sort()
    return samples


def load_facts(*, store: Any, today: date, config: Config, account_id: Optional[int] = None) -> list[Facts]:
    """Every account's facts at ``today`` as a list (for one account, or small stores and tests)."""
    with store.reader() as r:
        return list(iter_facts(r, as_of=today, config=config, account_id=account_id))
