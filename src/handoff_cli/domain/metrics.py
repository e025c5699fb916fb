"""Portfolio metrics (PRODUCT.md section 5): the pure math, and the per-account
values it needs (``AccountFacts``, made from an account's ``Facts``).

Numbers are computed exactly (``fractions.Fraction``) and rounded once, at the
end, half away from zero:

* percentiles and medians to one decimal, interpolating linearly between ranks
  (numpy's default ``linear`` method): the q-quantile of the sorted values
  ``x[0..n-1]`` is ``x[i] + (x[i+1] - x[i]) * f`` where ``i + f = (n - 1) * q``.
  One value is its own median, p75 and p90; no values give nulls;
* rates (fractions from 0 to 1) to four decimals, null when the denominator is 0;
* averages (CES, handover CSAT) to two decimals, null when there is nothing to average.

Only facts dated on or before the as-of date are seen: events by their date,
assignments by their start (one that ends after the as-of date is still open),
slips by the date they were recorded, milestones by the date they were added.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Optional

from handoff_cli.domain.facts import Facts
from handoff_cli.vocab import CAUSES, OWNER_ROLES

Q_MEDIAN = Fraction(1, 2)
Q_P75 = Fraction(3, 4)
Q_P90 = Fraction(9, 10)

Number = int | float | Fraction


# -- rounding, percentiles, rates ------------------------------------------------


def round_half_up(value: Number, ndigits: int) -> float:
    """``value`` rounded to ``ndigits`` decimals, halves away from zero (2.25 -> 2.3, -2.25 -> -2.3)."""
    exact = Fraction(value)
    dec = Decimal(exact.numerator) / Decimal(exact.denominator) if exact.denominator != 1 else Decimal(exact.numerator)
    # Decimal division is exact to 28 digits: far beyond any day count or score
    return float(dec.quantize(Decimal(1).scaleb(-ndigits), rounding=ROUND_HALF_UP))


def quantile(values: Sequence[Number], q: Fraction) -> Optional[Fraction]:
    """The exact q-quantile (0 <= q <= 1) by linear interpolation between ranks; None for no values."""
    if not values:
        return None
    xs = sorted(Fraction(v) for v in values)
    pos = (len(xs) - 1) * Fraction(q)
    lo = math.floor(pos)
    frac = pos - lo
    if frac == 0:
        return xs[lo]
    return xs[lo] + (xs[lo + 1] - xs[lo]) * frac


def percentile(values: Sequence[Number], q: Fraction) -> Optional[float]:
    """The q-quantile rounded to one decimal, or None for no values."""
    exact = quantile(values, q)
    return None if exact is None else round_half_up(exact, 1)


def distribution(values: Sequence[Number]) -> dict[str, Any]:
    """``{"median", "p75", "p90", "n"}``; the three are null when n is 0."""
    return {
        "median": percentile(values, Q_MEDIAN),
        "p75": percentile(values, Q_P75),
        "p90": percentile(values, Q_P90),
        "n": len(values),
    }


def rate(numerator: int, denominator: int) -> Optional[float]:
    """A share from 0 to 1, rounded to four decimals; None when the denominator is 0."""
    if denominator == 0:
        return None
    return round_half_up(Fraction(numerator, denominator), 4)


def average(total: Number, count: int, ndigits: int = 2) -> Optional[float]:
    """``total / count`` rounded to ``ndigits`` decimals; None when count is 0."""
    if count == 0:
        return None
    return round_half_up(Fraction(total) / count, ndigits)


# -- the seam between implementation and the CSM --------------------------------


@dataclass(frozen=True)
class Stint:
    """One assignment as seen at the as-of date: covers start up to, not including, end
    (end None: still held, including an end dated after the as-of date)."""

    start: date
    end: Optional[date] = None

    def holds_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


def clip(start: date, end: Optional[date], as_of: date) -> Stint:
    """An assignment as seen at ``as_of``: an end after it is not known yet."""
    return Stint(start, end if end is not None and end <= as_of else None)


def releases(implementation: Iterable[Stint]) -> list[date]:
    """The dates the implementation role was released, in order.

    An implementation assignment that ended is a release unless another
    implementation assignment starts the same day (a replacement). A handover
    ends the implementation owner's assignment, so it is a release too.
    """
    stints = list(implementation)
    return sorted(
        s.end
        for i, s in enumerate(stints)
        if s.end is not None and not any(o.start == s.end for j, o in enumerate(stints) if j != i)
    )


def seam_gap(released_on: date, csm: Iterable[Stint], as_of: date) -> int:
    """Days from a release of the implementation role until a CSM held the role.

    0 when a CSM already held it on the release day (a handover starts the CSM
    that day); otherwise the days until the next CSM assignment starts; a gap
    still open at the as-of date counts up to it.
    """
    stints = [s for s in csm if s.end is None or s.end > s.start]  # a zero-day assignment never held the role
    if any(s.holds_on(released_on) for s in stints):
        return 0
    later = [s.start for s in stints if s.start > released_on]
    until = min(later) if later else as_of
    return max((until - released_on).days, 0)


def seam_gaps(implementation: Iterable[Stint], csm: Iterable[Stint], as_of: date) -> list[int]:
    """One gap per release of the implementation role, in release order."""
    csm = list(csm)
    return [seam_gap(r, csm, as_of) for r in releases(implementation)]


def seam_summary(gaps: Sequence[int]) -> dict[str, Any]:
    """``{"median", "max", "n"}``; null median and max when there were no releases."""
    return {
        "median": percentile(gaps, Q_MEDIAN),
        "max": max(gaps) if gaps else None,
        "n": len(gaps),
    }


# -- time to value -----------------------------------------------------------------


def ttv_outcome(first_value_on: Optional[date], target_on: date, as_of: date) -> Optional[str]:
    """``"on_target"`` (first value on or before T), ``"late"`` (after T, or breached:
    no first value and the as-of date after T), else None (no first value yet, not breached)."""
    if first_value_on is not None:
        return "on_target" if first_value_on <= target_on else "late"
    return "late" if as_of > target_on else None


def renewal_split(accounts: Iterable[tuple[Optional[str], Optional[str]]]) -> dict[str, Optional[float]]:
    """``{"on_target", "late"}``: per TTV outcome, the share of accounts renewed.

    Each item is (TTV outcome, latest of `renewed`/`churned` or None). Accounts
    with neither renewed nor churned, or with no TTV outcome yet, are left out.
    """
    counts = {"on_target": [0, 0], "late": [0, 0]}
    for outcome, latest in accounts:
        if outcome not in counts or latest not in ("renewed", "churned"):
            continue
        counts[outcome][1] += 1
        if latest == "renewed":
            counts[outcome][0] += 1
    return {k: rate(num, den) for k, (num, den) in counts.items()}


@dataclass(frozen=True)
class AccountFacts:
    """What the metrics and the audit need to know about one account at the as-of date."""

    id: int
    name: str
    signed_on: date
    motion: str
    segment: Optional[str]
    target_on: date
    go_live_on: Optional[date] = None
    first_value_on: Optional[date] = None
    go_live_baseline_on: Optional[date] = None
    slip_days: Mapping[str, int] = field(default_factory=lambda: dict.fromkeys(CAUSES, 0))
    slip_counts: Mapping[str, int] = field(default_factory=lambda: dict.fromkeys(CAUSES, 0))
    seam_gaps: tuple[int, ...] = ()
    renewal: Optional[str] = None
    ces: tuple[float, int] = (0.0, 0)
    csat: tuple[float, int] = (0.0, 0)
    # everyone who ever held the implementation or csm role (case-folded)
    owners: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Scope:
    """Which accounts a report covers: `--segment`, `--since` (signed on or after),
    `--owner` (ever held the implementation or csm role by the as-of date)."""

    segment: Optional[str] = None
    since: Optional[date] = None
    owner: Optional[str] = None

    def admits(self, acc: AccountFacts) -> bool:
        if self.segment is not None and (acc.segment or "").casefold() != self.segment.strip().casefold():
            return False
        if self.since is not None and acc.signed_on < self.since:
            return False
        if self.owner is not None and self.owner.strip().casefold() not in acc.owners:
            return False
        return True


def from_facts(f: Facts) -> AccountFacts:
    """What the metrics need of one account's facts."""
    as_of = f.as_of
    implementation = [clip(a.start_on, a.end_on, as_of) for a in f.assignments if a.role == "implementation"]
    csm = [clip(a.start_on, a.end_on, as_of) for a in f.assignments if a.role == "csm"]
    go_live_milestones = f.go_live_milestones
    slip_days = dict.fromkeys(CAUSES, 0)
    slip_counts = dict.fromkeys(CAUSES, 0)
    for slip in f.slips:
        slip_days[slip.cause] += slip.days
        slip_counts[slip.cause] += 1
    return AccountFacts(
        id=f.account_id,
        name=f.name,
        signed_on=f.signed_on,
        motion=f.motion,
        segment=f.segment,
        target_on=f.target_on,
        go_live_on=f.go_live_on,
        first_value_on=f.first_value_on,
        go_live_baseline_on=go_live_milestones[0].baseline_due_on if go_live_milestones else None,
        slip_days=slip_days,
        slip_counts=slip_counts,
        seam_gaps=tuple(seam_gaps(implementation, csm, as_of)),
        renewal=f.renewal,
        ces=f.ces,
        csat=f.csat,
        owners=frozenset(a.person.casefold() for a in f.assignments if a.role in OWNER_ROLES),
    )


# -- the metrics ---------------------------------------------------------------------


@dataclass(frozen=True)
class MetricRow:
    """One line of the table / CSV / markdown view: a metric (dotted for a part), its value, and n."""

    metric: str
    value: Optional[float | int]
    n: int
    unit: str  # "days", "rate" or "score"


@dataclass(frozen=True)
class MetricsReport:
    as_of: date
    accounts_in_scope: int
    metrics: Mapping[str, Any]
    rows: tuple[MetricRow, ...]

    def as_json(self) -> dict[str, Any]:
        return {"accounts_in_scope": self.accounts_in_scope, "metrics": dict(self.metrics)}


def compute_metrics(accounts: Sequence[AccountFacts], as_of: date) -> MetricsReport:
    """The section 5 metrics over ``accounts`` (already in scope) at ``as_of``."""
    go_live_days = [(a.go_live_on - a.signed_on).days for a in accounts if a.go_live_on]
    ttv_days = [(a.first_value_on - a.signed_on).days for a in accounts if a.first_value_on]

    with_baseline = [(a.go_live_on, a.go_live_baseline_on) for a in accounts if a.go_live_on and a.go_live_baseline_on]
    on_time = sum(1 for live_on, baseline_on in with_baseline if live_on <= baseline_on)

    outcomes = {a.id: ttv_outcome(a.first_value_on, a.target_on, as_of) for a in accounts}
    judged = [o for o in outcomes.values() if o is not None]
    on_target = sum(1 for o in judged if o == "on_target")
    with_fv = len(ttv_days)

    gaps = [g for a in accounts for g in a.seam_gaps]
    ces_total, ces_n = sum(a.ces[0] for a in accounts), sum(a.ces[1] for a in accounts)
    csat_total, csat_n = sum(a.csat[0] for a in accounts), sum(a.csat[1] for a in accounts)
    slip_days = {c: sum(a.slip_days[c] for a in accounts) for c in CAUSES}
    slip_counts = {c: sum(a.slip_counts[c] for a in accounts) for c in CAUSES}

    renew_pairs = [(outcomes[a.id], a.renewal) for a in accounts]
    renewal = renewal_split(renew_pairs)
    renew_n = {k: sum(1 for o, latest in renew_pairs if o == k and latest is not None) for k in ("on_target", "late")}

    ttgl = distribution(go_live_days)
    ttv = distribution(ttv_days)
    seam = seam_summary(gaps)
    metrics: dict[str, Any] = {
        "time_to_go_live_days": ttgl,
        "on_time_go_live_rate": rate(on_time, len(with_baseline)),
        "ttv_days": ttv,
        "ttv_on_target_rate": rate(on_target, len(judged)),
        "first_value_rate": rate(with_fv, len(accounts)),
        "seam_gap_days": seam,
        "ces_at_go_live_avg": average(ces_total, ces_n),
        "handoff_csat_avg": average(csat_total, csat_n),
        "slip_days_by_cause": slip_days,
        "renewal_rate_by_ttv": renewal,
    }
    rows: list[MetricRow] = []
    for key in ("median", "p75", "p90"):
        rows.append(MetricRow(f"time_to_go_live_days.{key}", ttgl[key], ttgl["n"], "days"))
    rows.append(MetricRow("on_time_go_live_rate", metrics["on_time_go_live_rate"], len(with_baseline), "rate"))
    for key in ("median", "p75", "p90"):
        rows.append(MetricRow(f"ttv_days.{key}", ttv[key], ttv["n"], "days"))
    rows.append(MetricRow("ttv_on_target_rate", metrics["ttv_on_target_rate"], len(judged), "rate"))
    rows.append(MetricRow("first_value_rate", metrics["first_value_rate"], len(accounts), "rate"))
    for key in ("median", "max"):
        rows.append(MetricRow(f"seam_gap_days.{key}", seam[key], seam["n"], "days"))
    rows.append(MetricRow("ces_at_go_live_avg", metrics["ces_at_go_live_avg"], ces_n, "score"))
    rows.append(MetricRow("handoff_csat_avg", metrics["handoff_csat_avg"], csat_n, "score"))
    for cause in CAUSES:
        rows.append(MetricRow(f"slip_days_by_cause.{cause}", slip_days[cause], slip_counts[cause], "days"))
    for key in ("on_target", "late"):
        rows.append(MetricRow(f"renewal_rate_by_ttv.{key}", renewal[key], renew_n[key], "rate"))
    return MetricsReport(as_of=as_of, accounts_in_scope=len(accounts), metrics=metrics, rows=tuple(rows))
