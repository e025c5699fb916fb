"""`handoff report audit`: the last N go-lives, each with how it got there.

Per go-live (an account's earliest `go-live` event on or before the as-of date):
signed -> go-live days, the go-live milestone's baseline due date versus the
actual go-live (delta = actual - baseline, negative when early), slip days by
cause over all the account's milestones, the seam gap of the account's first
release of the implementation role (null while nobody released it), and TTV
days (null without a first value). Latest go-live first; same day: by account.
Same scope and as-of rules as `report metrics` (queries/metrics.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Optional

from handoff_cli.config import Config
from handoff_cli.domain.metrics import CAUSES, AccountFacts, Scope
from handoff_cli.errors import BadInput
from handoff_cli.queries.metrics import portfolio_facts
from handoff_cli.store import Store

DEFAULT_LAST = 10


@dataclass(frozen=True)
class GoLiveAudit:
    account: str
    signed_on: date
    go_live_on: date
    signed_to_go_live_days: int
    baseline_go_live_on: Optional[date]
    go_live_delta_days: Optional[int]
    slip_days_by_cause: dict[str, int]
    seam_gap_days: Optional[int]
    ttv_days: Optional[int]

    def as_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "signed_on": self.signed_on,
            "go_live_on": self.go_live_on,
            "signed_to_go_live_days": self.signed_to_go_live_days,
            "baseline_go_live_on": self.baseline_go_live_on,
            "go_live_delta_days": self.go_live_delta_days,
            "slip_days_by_cause": dict(self.slip_days_by_cause),
            "seam_gap_days": self.seam_gap_days,
            "ttv_days": self.ttv_days,
        }


@dataclass(frozen=True)
class AuditReport:
    as_of: date
    go_lives: tuple[GoLiveAudit, ...]
    # go-lives in scope beyond the last N
    more: int = 0


def audit_row(acc: AccountFacts) -> GoLiveAudit:
    """The audit line of an account that went live."""
    assert acc.go_live_on is not None
    baseline = acc.go_live_baseline_on
    return GoLiveAudit(
        account=acc.name,
        signed_on=acc.signed_on,
        go_live_on=acc.go_live_on,
        signed_to_go_live_days=(acc.go_live_on - acc.signed_on).days,
        baseline_go_live_on=baseline,
        go_live_delta_days=(acc.go_live_on - baseline).days if baseline else None,
        slip_days_by_cause={c: acc.slip_days[c] for c in CAUSES},
        seam_gap_days=acc.seam_gaps[0] if acc.seam_gaps else None,
        ttv_days=(acc.first_value_on - acc.signed_on).days if acc.first_value_on else None,
    )


def latest_go_lives(accounts: list[AccountFacts], last: int) -> tuple[list[GoLiveAudit], int]:
    """The ``last`` most recent go-lives (latest first, ties by account name) and how many more there are."""
    live = [(a.go_live_on, a) for a in accounts if a.go_live_on is not None]
    live.sort(key=lambda e: e[1].name.casefold())
    live.sort(key=lambda e: e[0], reverse=True)
    return [audit_row(a) for _on, a in live[:last]], max(len(live) - last, 0)


def audit_report(
    *,
    last: int = DEFAULT_LAST,
    segment: Optional[str] = None,
    since: Optional[date] = None,
    owner: Optional[str] = None,
    store: Store,
    today: date,
    config: Config,
) -> AuditReport:
    """`handoff report audit --last N` at ``today`` (the as-of date)."""
    if last < 1:
        raise BadInput(f"--last {last} must be 1 or more")
    scope = Scope(segment=segment, since=since, owner=owner)
    rows, more = latest_go_lives(portfolio_facts(scope=scope, store=store, today=today, config=config), last)
    return AuditReport(as_of=today, go_lives=tuple(rows), more=more)
