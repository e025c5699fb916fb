"""Helpers shared by the write services: finding accounts, validating text."""

from __future__ import annotations

import unicodedata

from sqlmodel import Session, or_, select

from handoff_cli.errors import BadInput
from handoff_cli.models import Account
from handoff_cli.services.lookup import account_not_found

MAX_TEXT = 200
MAX_NOTE = 10_000


def clean_text(value: str | None, what: str, *, required: bool = True, max_len: int = MAX_TEXT) -> str | None:
    """Strip a user-supplied string; reject empty (when required), too long, or control characters."""
    if value is None:
        if required:
            raise BadInput(f"{what} is required")
        return None
    text = value.strip()
    if not text:
        if required:
            raise BadInput(f"{what} must not be empty")
        return None
    if len(text) > max_len:
        raise BadInput(f"{what} is too long ({len(text)} characters; at most {max_len})")
    allowed = "\n\t" if max_len > MAX_TEXT else ""
    if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text):
        raise BadInput(f"{what} contains control characters")
    return text


def name_key(name: str) -> str:
    """The case-insensitive key of a name. Case folding can lengthen a name
    ('ß' -> 'ss'), so the key is checked against the column's length too."""
    key = name.casefold()
    if len(key) > MAX_TEXT:
        raise BadInput(f"name is too long once case is ignored ({len(key)} characters; at most {MAX_TEXT})")
    return key


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
