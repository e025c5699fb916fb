"""handoff report metrics | audit (attached to the report group by cli/report.py)."""

from __future__ import annotations

import typer


def register(report_app: typer.Typer) -> None:
    """Attach `metrics` and `audit` to the report group."""
