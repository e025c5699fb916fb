"""Finding an account (or a milestone) by what a user typed, and the "did you mean"
hint when nothing matches. Light: no SQLModel import, usable on the read path."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from handoff_cli.errors import NotFound
from handoff_cli.store import Reader
from handoff_cli.text import fold, quoted


@dataclass(frozen=True)
class AccountRef:
    id: int
    name: str
    motion: str


def close_matches(text: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Up to n candidates that look like text, ignoring case; else those containing it."""
    by_key: dict[str, str] = {}
    for c in candidates:
        by_key.setdefault(c.casefold(), c)
    key = (text or "").strip().casefold()
    close = difflib.get_close_matches(key, list(by_key), n=n, cutoff=0.6)
    if not close and key:
        close = [k for k in by_key if key in k][:n]
    return [by_key[k] for k in close]


def account_not_found(ref: str, names: Iterable[str]) -> NotFound:
    close = close_matches(ref, names)
    hint = f"; did you mean {', '.join(quoted(n) for n in close)}?" if close else "; see `handoff account list`"
    return NotFound(f"no account {ref!r}{hint}")


_ACCOUNT_SQL = "SELECT id, name, name_key, motion FROM account WHERE name_key = :key OR external_id = :ext ORDER BY id"


def lookup_account(r: Reader, ref: str) -> AccountRef:
    """An account by name (ignoring case) or external id, on the read path; the name wins."""
    raw = (ref or "").strip()
    key = fold(raw)  # NFC, then case-folded, as names are keyed
    rows = r.all(_ACCOUNT_SQL, {"key": key, "ext": raw})
    for rid, name, nkey, motion in rows:
        if nkey == key:
            return AccountRef(rid, name, motion)
    if rows:
        rid, name, _nkey, motion = rows[0]
        return AccountRef(rid, name, motion)
    raise account_not_found(ref, (n for (n,) in r.all("SELECT name FROM account ORDER BY name_key")))
