"""The onboarding stage and the health score (PRODUCT.md sections 1 and 4).

Score = 100 - the sum of the weights of the account's findings, floored at 0;
the band comes from the config (green >= 75, yellow >= 50, else red). The
deductions are the findings with their weights, so the score reads term by term.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from handoff_cli.services.facts import Facts
from handoff_cli.services.rules import Finding

STAGES = ("kickoff", "setup", "first-value", "adoption", "adopted")


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


@dataclass(frozen=True)
class Deduction:
    rule: str
    weight: int
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "weight": self.weight, "detail": self.detail}


@dataclass(frozen=True)
class Health:
    score: int
    band: str
    deductions: tuple[Deduction, ...]


def score(findings: Iterable[Finding]) -> int:
    return max(0, 100 - sum(f.weight for f in findings))


def band(value: int, bands: Mapping[str, Any]) -> str:
    if value >= int(bands.get("green", 75)):
        return "green"
    if value >= int(bands.get("yellow", 50)):
        return "yellow"
    return "red"


def health(findings: Iterable[Finding], config: Mapping[str, Any]) -> Health:
    items = list(findings)
    s = score(items)
    return Health(
        score=s,
        band=band(s, config.get("bands", {})),
        deductions=tuple(Deduction(f.rule, f.weight, f.detail) for f in items),
    )
