"""Helpers shared by the write services: finding accounts, validating text."""

from __future__ import annotations

from typing import Literal, overload

from sqlmodel import Session

from handoff_cli import text
from handoff_cli.store.models import Account

MAX_TEXT = text.MAX_TEXT
MAX_NOTE = text.MAX_NOTE


@overload
def clean_text(value: str | None, what: str, *, required: Literal[True] = True, max_len: int = MAX_TEXT) -> str: ...
@overload
def clean_text(value: str | None, what: str, *, required: bool, max_len: int = MAX_TEXT) -> str | None: ...
def clean_text(value: str | None, what: str, *, required: bool = True, max_len: int = MAX_TEXT) -> str | None:
    """A user-supplied text as the store keeps it (handoff_cli.text.clean: NFC, stripped; refused
    when empty but required, too long, or holding control or format characters)."""
    return text.clean(value, what, required=required, max_len=max_len)


def name_key(name: str) -> str:
    """The case-insensitive key of a name: NFC, then case-folded (handoff_cli.text.name_key)."""
    return text.name_key(name)


def find_account(session: Session, ref: str) -> Account:
    """An account by what a user typed: the one lookup of store/lookup.py, on the write path."""
    from sqlalchemy import text as sql_text

    from handoff_cli.store.lookup import EVERY_SQL, EXACT_SQL, find

    # plain SQL through the session: the same rows the read path's lookup resolves
    def rows(sql: str, **params: str):
        return session.connection().execute(sql_text(sql), params).all()

    row, _how = find(
        ref,
        lambda key: rows(EXACT_SQL, key=key),
        lambda: rows(EVERY_SQL),
    )
    acc = session.get(Account, row[0])
    assert acc is not None
    return acc
