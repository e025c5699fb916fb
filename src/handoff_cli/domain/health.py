"""The onboarding stage and the health score (PRODUCT.md sections 1 and 4).

Score = 100 - the sum of the weights of the account's findings, floored at 0;
the band comes from the config (green >= 75, yellow >= 50, else red), and an
account with a breach is at best yellow. Archived and churned accounts have no
score and no band (None). The deductions are the findings with their weights, in
the order findings sort, so the score reads term by term.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Optional

from handoff_cli.domain.facts import Facts
from handoff_cli.domain.rules import Finding, sort_findings
from handoff_cli.vocab import BREACH, STAGES  # noqa: F401 (STAGES: the order stage() walks)


def stage(f: Facts) -> str:
    """The first stage whose exit is not met; `adopted` once all are met."""
    plan_ok = f.plan is not None and bool(f.plan.outcome.strip()) and bool(f.plan.sponsor)
    if not f.self_serve and not plan_ok:
        return "kickoff"
    if f.gate_on is None:
        return "setup"
    if f.first_value_on is None:
        return "first-value"
    if f.adopted_on is None and f.usage_adopted_on is None:
        return "adoption"
    return "adopted"


@dataclass(frozen=True, slots=True)
class Deduction:
    rule: str
    weight: int
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "weight": self.weight, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class Health:
    score: Optional[int]  # None for archived and churned accounts
    band: Optional[str]
    findings: tuple[Finding, ...]  # in the order findings sort

    @property
    def deductions(self) -> tuple[Deduction, ...]:
        return tuple(Deduction(f.rule, f.weight, f.detail) for f in self.findings)

    @property
    def has_breach(self) -> bool:
        return any(f.severity == BREACH for f in self.findings)


def score(findings: Iterable[Finding]) -> int:
    return min(100, max(0, 100 - sum(f.weight for f in findings)))


def band(value: int, *, green: int = 75, yellow: int = 50, breached: bool = False) -> str:
    """The band of a score; an account with a breach is at best yellow."""
    if value >= green and not breached:
        return "green"
    if value >= yellow:
        return "yellow"
    return "red"


def health(f: Facts, findings: Sequence[Finding], *, green: int = 75, yellow: int = 50) -> Health:
    """The account's score and band from its findings (none for archived and churned accounts)."""
    ordered = tuple(sort_findings(list(findings)))
    if f.inactive:
        return Health(score=None, band=None, findings=ordered)
    s = score(ordered)
    breached = any(x.severity == BREACH for x in ordered)
    return Health(score=s, band=band(s, green=green, yellow=yellow, breached=breached), findings=ordered)
