"""Shared set-ups of the CLI tests."""

from __future__ import annotations

import pytest


def _add_acme(handoff, *account_options: str) -> None:
    """Acme as worked by hand in tests/cli/test_report.py: high-touch, signed 2026-01-01, Ivy
    implements, a plan with sponsor Sam, go-live 03-01, workflow-live 03-05, the handover to Cara
    on 03-10 and the customer's SSO milestone still open."""
    h = handoff.ok
    h("account", "add", "Acme", "--signed", "2026-01-01", "--segment", "Enterprise", *account_options)
    h("owner", "assign", "Acme", "implementation", "Ivy", "--on", "2026-01-02")
    h(
        "plan",
        "set",
        "Acme",
        "--outcome",
        "Close the books in 3 days",
        "--sponsor",
        "Sam",
        "--criterion",
        "3-day close by Q2",
        "--on",
        "2026-01-05",
    )
    h("milestone", "add", "Acme", "Go live", "--due", "2026-03-01", "--kind", "go-live", "--on", "2026-01-05")
    h(
        "milestone",
        "add",
        "Acme",
        "SSO",
        "--due",
        "2026-02-15",
        "--kind",
        "integration",
        "--side",
        "customer",
        "--on",
        "2026-01-05",
    )
    h("event", "log", "Acme", "go-live", "--on", "2026-03-01")
    h("event", "log", "Acme", "workflow-live", "--on", "2026-03-05")
    h("handover", "Acme", "--to", "Cara", "--on", "2026-03-10", "--joint-call", "--promised", "Weekly sync")


@pytest.fixture
def add_acme():
    """add_acme(handoff, *options of `account add`): Acme as worked by hand."""
    return _add_acme
