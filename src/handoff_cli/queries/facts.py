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
from itertools import groupby
from operator import itemgetter
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
    week_number,
)
from handoff_cli.store import Reader, to_date
from handoff_cli.vocab import EVENT_OF_MILESTONE

CHUNK = 2_000  # accounts per chunk (a range of ids)

# -- the SQL ---------------------------------------------------------------------

# A completed go-live / first-workflow milestone is the go-live / workflow-live event
# (vocab.EVENT_OF_MILESTONE): the facts take it from the milestones they read
# (_read_chunk), and the portfolio's lag (LAG_SQL) with this expression.
_MILESTONE_KIND_AS_EVENT = "CASE m.kind " + " ".join(f"WHEN '{m}' THEN '{e}'" for m, e in EVENT_OF_MILESTONE.items())
_MILESTONE_KIND_AS_EVENT += " END"

# The dated events the facts need: per account and kind, the earliest and the latest
# date. Grouped in the order of the (kind, account_id, occurred_on) index, so each kind
# of a chunk is one index range and needs no sort. A done go-live / first-workflow
# milestone counts as its event too; the milestones are read below (MILESTONES_SQL).
EVENTS_SQL = """
SELECT e.account_id, e.kind, MIN(e.occurred_on), MAX(e.occurred_on)
FROM event e
WHERE e.kind IN ('go-live', 'workflow-live', 'first-value', 'adopted', 'graduated', 'sponsor-contact')
  AND e.occurred_on <= :as_of AND e.account_id BETWEEN :lo AND :hi
GROUP BY e.kind, e.account_id
"""
# the kinds whose earliest date is a fact (the sponsor contact's is its latest)
FIRST_OF_KINDS = ("go-live", "workflow-live", "first-value", "adopted", "graduated")

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

# Usage readings matter only to accounts with first value: they alone can raise
# champion-only (the latest reading) or reach the adoption stage (adoption by usage).
_WITH_FIRST_VALUE = """SELECT f.account_id FROM event f
   WHERE f.kind = 'first-value' AND f.occurred_on <= :as_of AND f.account_id BETWEEN :lo AND :hi"""

# The latest reading of each account with first value (latest date; same day: the later
# entry): one index seek per account.
LATEST_USAGE_SQL = f"""
SELECT fv.account_id, u.occurred_on, u.value
FROM (SELECT DISTINCT fv.account_id FROM ({_WITH_FIRST_VALUE}) fv) fv
JOIN event u ON u.id = (
  SELECT l.id FROM event l
  WHERE l.kind = 'usage' AND l.account_id = fv.account_id AND l.occurred_on <= :as_of AND l.value IS NOT NULL
  ORDER BY l.occurred_on DESC, l.id DESC
  LIMIT 1)
"""

# Adoption by usage (domain.facts.adoption_on) is worked out from the readings in date
# order (same day: entry order), and only the readings up to the run that completes it
# matter. It is read in two steps, so that an account adopted in its first weeks of
# readings does not bring every later one into Python:
#
# * ADOPTION_HEAD_SQL: for each account that can adopt by usage (first value, no
#   `adopted` event: that settles adoption on its own, and at least `weeks` readings at
#   or above the threshold: fewer can never make a run), its head: the readings dated on
#   or before its (weeks + 1)-th reading (`cut`; NULL when it has no more, and the head
#   is then every reading). Every week before the cut's week is whole in the head, so
#   a run completed in one of them is the account's adoption. (A head of `weeks`
#   readings, the fewest that can make a run, measured faster than 6, 8 or 12 on both
#   benchmark shapes: most accounts that adopt do so in their first weeks.)
# * ADOPTION_READINGS_SQL: every reading of the accounts the head did not settle.
ADOPTION_HEAD_SQL = f"""
WITH candidate AS MATERIALIZED (
  SELECT fv.account_id,
         (SELECT u.occurred_on FROM event u
           WHERE u.kind = 'usage' AND u.account_id = fv.account_id AND u.occurred_on <= :as_of
             AND u.value IS NOT NULL
           ORDER BY u.occurred_on, u.id
           LIMIT 1 OFFSET :head) AS cut
  FROM (SELECT DISTINCT fv.account_id FROM ({_WITH_FIRST_VALUE}) fv) fv
  WHERE NOT EXISTS (SELECT 1 FROM event a
                     WHERE a.kind = 'adopted' AND a.account_id = fv.account_id AND a.occurred_on <= :as_of)
    AND (SELECT COUNT(*) FROM event g
          WHERE g.kind = 'usage' AND g.account_id = fv.account_id AND g.occurred_on <= :as_of
            AND g.value >= :threshold) >= :weeks
)
SELECT c.account_id, c.cut, e.occurred_on, e.value
FROM candidate c
JOIN event e ON e.kind = 'usage' AND e.account_id = c.account_id AND e.occurred_on <= :as_of
  AND e.value IS NOT NULL AND (c.cut IS NULL OR e.occurred_on <= c.cut)
ORDER BY e.account_id, e.occurred_on, e.id
"""

# {ids}: account ids (integers) of one chunk
ADOPTION_READINGS_SQL = """
SELECT e.account_id, e.occurred_on, e.value
FROM event e
WHERE e.kind = 'usage' AND e.account_id IN ({ids}) AND e.occurred_on <= :as_of AND e.value IS NOT NULL
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
    accounts = r.all(ACCOUNTS_SQL, p)
    if not accounts:
        return []

    first_on: dict[str, dict[int, date]] = {kind: {} for kind in FIRST_OF_KINDS}  # kind -> account -> earliest
    sponsor_contact: dict[int, date] = {}
    for aid, kind, first, last in r.all(EVENTS_SQL, p):
        if kind == "sponsor-contact":
            sponsor_contact[aid] = day(last)
        else:
            first_on[kind][aid] = day(first)
    renewals = {aid: (kind, day(on)) for aid, kind, on in r.all(RENEWAL_SQL, p)}
    scores: dict[str, dict[int, tuple[float, int]]] = {"ces": {}, "handoff-csat": {}}
    for aid, kind, total, count in r.all(SCORES_SQL, p):
        scores[kind][aid] = (float(total), int(count))
    latest_usage = {aid: (day(on), float(value)) for aid, on, value in r.all(LATEST_USAGE_SQL, p)}
    usage_adopted = _usage_adoption(r, p, config=config, day=day)

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
        baseline, done = day(baseline), day(done)
        milestones.setdefault(aid, []).append(
            MilestoneFact(mid, title, kind, side, baseline, current_due.get(mid, baseline), done, day(added))
        )
        event = EVENT_OF_MILESTONE.get(kind)
        if event is not None and done is not None:  # a done go-live / first-workflow milestone is the event
            earliest = first_on[event]
            if aid not in earliest or done < earliest[aid]:
                earliest[aid] = done
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

    targets = config.ttv_target_days
    go_live, workflow_live, first_value = first_on["go-live"], first_on["workflow-live"], first_on["first-value"]
    adopted, graduated = first_on["adopted"], first_on["graduated"]
    ces, csat = scores["ces"], scores["handoff-csat"]
    out = []
    for aid, name, ext, signed, motion, segment, target, arr, archived in accounts:
        archived = day(archived)
        renewal, renewal_on = renewals.get(aid, (None, None))
        usage_on, usage = latest_usage.get(aid, (None, None))
        handover, handover_count = handovers.get(aid, (None, 0))
        out.append(
            Facts(
                account_id=aid,
                name=name,
                motion=motion,
                signed_on=day(signed),
                ttv_target_days=int(target) if target is not None else targets.get(motion, 90),
                as_of=as_of,
                external_id=ext,
                segment=segment,
                arr=arr,
                archived_on=archived if archived is not None and archived <= as_of else None,
                go_live_on=go_live.get(aid),
                workflow_live_on=workflow_live.get(aid),
                first_value_on=first_value.get(aid),
                adopted_on=adopted.get(aid),
                usage_adopted_on=usage_adopted.get(aid),
                graduated_on=graduated.get(aid),
                last_sponsor_contact_on=sponsor_contact.get(aid),
                renewal=renewal,
                renewal_on=renewal_on,
                latest_usage=usage,
                latest_usage_on=usage_on,
                ces=ces.get(aid, (0.0, 0)),
                csat=csat.get(aid, (0.0, 0)),
                plan=plans.get(aid),
                assignments=tuple(assignments.get(aid, ())),
                milestones=tuple(milestones.get(aid, ())),
                slips=tuple(slips.get(aid, ())),
                handover=handover,
                handover_count=handover_count,
            )
        )
    return out


def _usage_adoption(r: Reader, p: dict[str, Any], *, config: Config, day: Any) -> dict[int, Optional[date]]:
    """Adoption by usage of the chunk's accounts that can adopt by usage (see ADOPTION_HEAD_SQL)."""
    threshold, weeks = config.adoption_threshold, config.adoption_weeks
    adopted: dict[int, Optional[date]] = {}
    unsettled: list[int] = []
    head = {**p, "head": weeks, "threshold": threshold, "weeks": weeks}
    for aid, group in groupby(r.all(ADOPTION_HEAD_SQL, head), key=itemgetter(0)):
        rows = list(group)
        cut: Optional[date] = day(rows[0][1])  # the same on every row of the account
        found = adoption_on([(day(on), value) for _, _, on, value in rows], threshold=threshold, weeks=weeks)
        if cut is None or (found is not None and week_number(found) < week_number(cut)):
            adopted[aid] = found
        else:
            unsettled.append(aid)
    if unsettled:
        sql = ADOPTION_READINGS_SQL.format(ids=", ".join(str(int(aid)) for aid in unsettled))
        for aid, group in groupby(r.all(sql, p), key=itemgetter(0)):
            readings = [(day(on), value) for _, on, value in group]
            adopted[aid] = adoption_on(readings, threshold=threshold, weeks=weeks)
    return adopted


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
