"""`report metrics`: the section 5 metrics over the accounts in scope (see domain/metrics.py)."""

from __future__ import annotations

from datetime import date
from typing import Optional

from handoff_cli.config import Config
from handoff_cli.domain.metrics import AccountFacts, MetricsReport, Scope, compute_metrics, from_facts
from handoff_cli.queries.facts import iter_facts
from handoff_cli.store import Store


def portfolio_facts(*, scope: Scope, store: Store, today: date, config: Config) -> list[AccountFacts]:
    """What the metrics need of every account in scope at ``today`` (archived, churned and
    graduated ones too), by name."""
    with store.reader() as r:
        out = [acc for f in iter_facts(r, as_of=today, config=config) if scope.admits(acc := from_facts(f))]
    out.sort(key=lambda a: (a.name.casefold(), a.id))
    return out


def metrics_report(
    *,
    segment: Optional[str] = None,
    since: Optional[date] = None,
    owner: Optional[str] = None,
    store: Store,
    today: date,
    config: Config,
) -> MetricsReport:
    """`handoff report metrics`: the section 5 metrics over the accounts in scope at ``today``."""
    scope = Scope(segment=segment, since=since, owner=owner)
    return compute_metrics(portfolio_facts(scope=scope, store=store, today=today, config=config), today)
