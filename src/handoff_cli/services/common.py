"""Helpers shared by the write services: finding accounts, validating text."""

from __future__ import annotations

import difflib
import unicodedata

from sqlmodel import Session, func, or_, select

from handoff_cli.errors import BadInput, NotFound
from handoff_cli.models import Account

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
    return name.casefold()


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
    names = session.exec(select(Account.name).where(func.length(Account.name) > 0)).all()
    close = difflib.get_close_matches(ref, names, n=3, cutoff=0.6) or [
        n for n in names if key and key in name_key(n)
    ][:3]
    hint = f"; did you mean {', '.join(repr(n) for n in close)}?" if close else "; see `handoff account list`"
    raise NotFound(f"no account {ref!r}{hint}")
