"""Facts: what is true of one account at an as-of date.

One complete ``Facts`` record per account, the same for every command (report
breaches, report health, status, metrics, audit). ``queries/facts.py`` builds
them from the store; nothing here reads it. Every fact is dated on or before
the as-of date:

* the earliest date of an event kind counts (a completed go-live /
  first-workflow milestone is the go-live / workflow-live event);
* an assignment is held at the as-of date when it started by then and did not
  end by then;
* a milestone's current due date is the to-date of its latest slip recorded by
  then, else its baseline; it is done only when done by then;
* the account is churned while the latest of its `churned` and `renewed` events
  is a `churned` one (a later renewal is a win-back).

The records are plain slots dataclasses, built once by the read path and never
changed after (nothing assigns to a field). They are not ``frozen``: a frozen
dataclass sets each field through ``object.__setattr__``, which made building the
facts of 100,000 accounts about 0.4 s slower, a fifth of a report's budget.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Optional

from handoff_cli.vocab import GATE_KINDS, OWNER_ROLES, SELF_SERVE

# The latest date any day count may reach: PRODUCT.md dates lie in 1900..2199, but a
# stored row or config value beyond that must not make a report overflow (date.max
# is 9999-12-31; adding days to it raises OverflowError).
_MIN_DAY, _MAX_DAY = date.min.toordinal(), date.max.toordinal()


def add_days(day: date, days: int) -> date:
    """``day + days``, clamped to the calendar's ends instead of overflowing."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.fromordinal(min(max(day.toordinal() + days, _MIN_DAY), _MAX_DAY))


@dataclass(slots=True)
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


@dataclass(slots=True)
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


@dataclass(slots=True)
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


@dataclass(slots=True)
class PlanFact:
    version: int
    outcome: str
    sponsor: Optional[str]  # carried forward from earlier versions when not restated
    criteria: tuple[str, ...]  # carried forward likewise
    agreed_on: date
    first_agreed_on: date  # the first version's date


@dataclass(slots=True)
class HandoverFact:
    handed_on: date
    from_person: Optional[str]
    to_person: str
    joint_call: bool
    promised: Optional[str]
    customised: Optional[str]
    open_issues: Optional[str]


def gate_on(motion: str, go_live_on: Optional[date], workflow_live_on: Optional[date]) -> Optional[date]:
    """When the value gate passed: go-live and workflow-live both recorded (self-serve:
    workflow-live alone); None while it has not. The one definition of the gate."""
    if motion == SELF_SERVE:  # GATE_KINDS: workflow-live alone
        return workflow_live_on
    if go_live_on is None or workflow_live_on is None:  # GATE_KINDS: go-live and workflow-live
        return None
    return max(go_live_on, workflow_live_on)


def gate_missing(motion: str, go_live_on: Optional[date], workflow_live_on: Optional[date], on: date) -> list[str]:
    """The gate's facts not yet recorded on ``on`` (event kinds, in gate order)."""
    dates = {"go-live": go_live_on, "workflow-live": workflow_live_on}
    return [k for k in GATE_KINDS.get(motion, GATE_KINDS["high-touch"]) if not _on_or_before(dates[k], on)]


def _on_or_before(day: Optional[date], on: date) -> bool:
    return day is not None and day <= on


def churned_on(latest_renewal_kind: Optional[str], latest_renewal_on: Optional[date]) -> Optional[date]:
    """The churn in effect: the latest of `churned`/`renewed` when it is a `churned` one."""
    return latest_renewal_on if latest_renewal_kind == "churned" else None


@dataclass(slots=True)
class Facts:
    """Everything the rules, the stage, the health score, the brief and the metrics need about one account."""

    account_id: int
    name: str
    motion: str
    signed_on: date
    ttv_target_days: int
    as_of: date
    external_id: Optional[str] = None
    segment: Optional[str] = None
    arr: Optional[float] = None
    archived_on: Optional[date] = None  # only when on or before the as-of date
    go_live_on: Optional[date] = None  # the earliest go-live event or completed go-live milestone
    workflow_live_on: Optional[date] = None  # likewise workflow-live / first-workflow
    first_value_on: Optional[date] = None
    adopted_on: Optional[date] = None  # an `adopted` event
    usage_adopted_on: Optional[date] = None  # the counted reading that completed the first run of weeks
    graduated_on: Optional[date] = None
    last_sponsor_contact_on: Optional[date] = None
    renewal: Optional[str] = None  # the latest of `renewed` / `churned` (same day: the later entry)
    renewal_on: Optional[date] = None
    latest_usage: Optional[float] = None
    latest_usage_on: Optional[date] = None
    ces: tuple[float, int] = (0.0, 0)  # sum and count of `ces` values
    csat: tuple[float, int] = (0.0, 0)  # sum and count of `handoff-csat` values
    plan: Optional[PlanFact] = None
    assignments: tuple[AssignmentFact, ...] = ()
    milestones: tuple[MilestoneFact, ...] = ()  # by id
    slips: tuple[SlipFact, ...] = ()  # in the order they were recorded
    handover: Optional[HandoverFact] = None  # the latest one
    handover_count: int = 0

    # -- derived ------------------------------------------------------------
    @property
    def self_serve(self) -> bool:
        return self.motion == SELF_SERVE

    @property
    def target_on(self) -> date:
        """T: signed + TTV target."""
        return add_days(self.signed_on, self.ttv_target_days)

    @property
    def activation_on(self) -> Optional[date]:
        """Go-live (self-serve: workflow-live)."""
        return self.workflow_live_on if self.self_serve else self.go_live_on

    @property
    def gate_on(self) -> Optional[date]:
        return gate_on(self.motion, self.go_live_on, self.workflow_live_on)

    @property
    def churned_on(self) -> Optional[date]:
        return churned_on(self.renewal, self.renewal_on)

    @property
    def archived(self) -> bool:
        return self.archived_on is not None

    @property
    def churned(self) -> bool:
        return self.renewal == "churned"

    @property
    def inactive(self) -> bool:
        """Archived or churned: out of listings, no findings, no score."""
        return self.archived_on is not None or self.renewal == "churned"

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
    def owners_now(self) -> set[str]:
        """Everyone holding the implementation or csm role at the as-of date, case-folded."""
        return {a.person.casefold() for a in self.assignments if a.role in OWNER_ROLES and a.held_at(self.as_of)}

    @property
    def accountable_owner(self) -> Optional[str]:
        """The implementation owner until the handover, then the CSM; None when nobody."""
        impl, csm = self.holder("implementation"), self.holder("csm")
        if self.handover is not None:
            return csm or impl
        return impl or csm

    @property
    def go_live_milestones(self) -> list[MilestoneFact]:
        """The go-live milestones, first added first (the first gives the baseline)."""
        return sorted((m for m in self.milestones if m.kind == "go-live"), key=lambda m: (m.added_on, m.id))


def projected_first_value(f: Facts, as_of: date, lag: int) -> date:
    """P = max(A + lag, as-of) when activation A is recorded; otherwise
    max(latest current due date of open milestones, as-of) + lag."""
    if f.activation_on is not None:
        return max(add_days(f.activation_on, lag), as_of)
    open_due = [m.due_on for m in f.milestones if m.is_open]
    return add_days(max([*open_due, as_of]), lag)


# -- adoption by usage ----------------------------------------------------------


def week_number(day: date) -> int:
    """The ISO week a day falls in, counted from the first one (0001-01-01 is a Monday)."""
    return (day.toordinal() - 1) // 7


def adoption_on(readings: Sequence[tuple[date, float]], *, threshold: float, weeks: int) -> Optional[date]:
    """When usage readings reached adoption: the first run of ``weeks`` consecutive ISO
    weeks whose latest reading is at or above ``threshold``; the date of the reading that
    completed the run (the latest reading of the run's last week). ``readings`` are
    (date, active users) in date order (same day: in the order they were entered)."""
    run, last_good, week = 0, None, None
    latest: Optional[tuple[date, float]] = None  # (date, value) of `week` so far
    for on, value in [*readings, (None, None)]:  # a sentinel closes the last week
        w = None if on is None else week_number(on)
        if week is not None and w != week and latest is not None:
            if latest[1] >= threshold:
                run = run + 1 if last_good == week - 1 else 1
                last_good = week
                if run >= weeks:
                    return latest[0]
            else:
                run, last_good = 0, None
        if on is not None and value is not None:  # not the sentinel
            week, latest = w, (on, value)
    return None


# -- the lag of ttv-at-risk ----------------------------------------------------


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


def lag_sample(f: Facts) -> Optional[int]:
    """Activation-to-first-value days of one account, when it has both."""
    a, fv = f.activation_on, f.first_value_on
    return None if a is None or fv is None else (fv - a).days


def lag_samples(facts: Iterable[Facts]) -> dict[str, list[int]]:
    """Activation-to-first-value days by motion, over accounts having both."""
    samples: dict[str, list[int]] = {}
    for f in facts:
        days = lag_sample(f)
        if days is not None:
            samples.setdefault(f.motion, []).append(days)
    return samples


def lag_by_motion(samples: Mapping[str, list[int]], row: Optional[Mapping[str, Any]] = None) -> dict[str, int]:
    """The lag per motion: the median over accounts of the motion having both by the
    as-of date (archived and churned included), floored at 0; the default when fewer
    than ``min_accounts_for_lag`` (3) have both. ``row`` is the ttv-at-risk config row."""
    row = row or {}
    minimum = int(row.get("min_accounts_for_lag", 3))
    defaults = row.get("default_lag_days", {"high-touch": 14, "self-serve": 3})
    out = {}
    for motion in ("high-touch", "self-serve"):
        vals = samples.get(motion, [])
        median = median_rounded_up(vals)
        out[motion] = max(0, median) if median is not None and len(vals) >= minimum else int(defaults.get(motion, 14))
    return out
