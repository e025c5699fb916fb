"""Dates that cannot be right (PRODUCT.md section 1): facts of the value ledger
(events, completed milestones) dated before the account was signed."""

from __future__ import annotations

from datetime import date

from handoff_cli.errors import BadInput


def before_signed(on: date, signed_on: date, what: str = "the date") -> str:
    return (
        f"{what} {on.isoformat()} is before the account was signed ({signed_on.isoformat()}): "
        "events and completed milestones start at signing"
    )


def check_ledger_date(on: date, signed_on: date, account: str, what: str) -> None:
    """Refuse a value-ledger fact dated before the account's signed date."""
    if on < signed_on:
        raise BadInput(
            f"{what} on {on.isoformat()} is before {account} was signed ({signed_on.isoformat()}): "
            "events and completed milestones start at signing (check --on, or the signed date)"
        )
