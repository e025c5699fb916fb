"""Helpers shared by the write services: finding accounts, validating text."""

from __future__ import annotations

from sqlmodel import Session, or_, select

from handoff_cli import text
from handoff_cli.models import Account
from handoff_cli.services.lookup import account_not_found

MAX_TEXT = text.MAX_TEXT
MAX_NOTE = text.MAX_NOTE


def clean_text(value: str | None, what: str, *, required: bool = True, max_len: int = MAX_TEXT) -> str | None:
    """A user-supplied text as the store keeps it (handoff_cli.text.clean: NFC, stripped; refused
    when empty but required, too long, or holding control or format characters)."""
    return text.clean(value, what, required=required, max_len=max_len)


def name_key(name: str) -> str:
    """The case-insensitive key of a name: NFC, then case-folded (handoff_cli.text.name_key)."""
    return text.name_key(name)


def find_account(session: Session, ref: str) -> Account:
    """An account by name (case-insensitive) or external id; the name wins."""
    key = name_key((ref or "").strip())
    rows = session.exec(
        select(Account).where(or_(Account.name_key == key, Account.external_id == (ref or "").strip()))
    ).all()
    for acc in rows:
        if acc.name_key == key:
            return acc
    if rows:
        return rows[0]
    raise account_not_found(ref, session.exec(select(Account.name)).all())
