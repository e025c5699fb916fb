"""The vocabulary of PRODUCT.md, once: roles, event kinds, milestone kinds, motions,
slip causes, sides, severities, stages, and which milestone kind is which event.

Pure constants; every other module (the tables, the write commands, the rules, the
renderers) imports them from here.
"""

from __future__ import annotations

MOTIONS = ("high-touch", "self-serve")
HIGH_TOUCH, SELF_SERVE = MOTIONS
ROLES = ("implementation", "csm", "sponsor", "champion")
OWNER_ROLES = ("implementation", "csm")  # the roles that own the account (ownerless, --owner)
SIDES = ("vendor", "customer")
SLIP_CAUSES = ("customer", "internal", "scope")
CAUSES = SLIP_CAUSES
SEVERITIES = ("breach", "warning")
BREACH = "breach"
MILESTONE_KINDS = (
    "discovery",
    "provision",
    "data-source",
    "integration",
    "migration",
    "configuration",
    "uat",
    "first-workflow",
    "go-live",
    "other",
)
EVENT_KINDS = (
    "go-live",
    "workflow-live",
    "first-value",
    "usage",
    "adopted",
    "ces",
    "handoff-csat",
    "sponsor-contact",
    "renewed",
    "churned",
    "graduated",
    "note",
)
VALUED_KINDS = ("usage", "ces", "handoff-csat")  # the kinds that require a value (the others take none)
STAGES = ("kickoff", "setup", "first-value", "adoption", "adopted")

# One fact, two ways to record it: completing a milestone of this kind is the event.
EVENT_OF_MILESTONE: dict[str, str] = {"go-live": "go-live", "first-workflow": "workflow-live"}
MILESTONE_OF_EVENT: dict[str, str] = {e: m for m, e in EVENT_OF_MILESTONE.items()}
# The value gate: the facts it needs, by motion (PRODUCT.md §1, stage `setup`).
GATE_KINDS: dict[str, tuple[str, ...]] = {"high-touch": ("go-live", "workflow-live"), "self-serve": ("workflow-live",)}
# Activation: go-live (self-serve: workflow-live).
ACTIVATION_KIND: dict[str, str] = {"high-touch": "go-live", "self-serve": "workflow-live"}
