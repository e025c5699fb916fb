"""Finding an account (or a milestone) by what a user typed, and the "did you mean"
hint when nothing matches. Light: no SQLModel import, usable on the read path.

One rule for every command (PRODUCT.md section 2): an exact name (ignoring case),
then an exact external id (ignoring case), then a unique prefix of the name, of the
external id or of a word of the name (`cobalt` finds "Cobalt Freight"). A prefix that
fits several accounts is bad input that lists them."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from handoff_cli.errors import BadInput, NotFound
from handoff_cli.store import Reader
from handoff_cli.text import quoted


@dataclass(frozen=True)
class AccountRef:
    id: int
    name: str
    motion: str
    # how the account was found: "name", "external_id" or "prefix"
    matched: str = "name"


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


_WORD = re.compile(r"[\w]+")
AMBIGUOUS_SHOWN = 8


def fold(text: str | None) -> str:
    """What a typed name is compared by: NFC-normalised, stripped, case-folded."""
    return unicodedata.normalize("NFC", (text or "").strip()).casefold()


def words(name_key: str) -> list[str]:
    """The words of a (case-folded) name: runs of letters and digits."""
    return _WORD.findall(name_key)


def prefix_matches(key: str, name_key: str, external_id: str | None) -> bool:
    """Does `key` (case-folded) start the name, the external id or a word of the name?"""
    if not key:
        return False
    if name_key.startswith(key) or (external_id is not None and fold(external_id).startswith(key)):
        return True
    return any(w.startswith(key) for w in words(name_key))


def resolve(ref: str, rows: Sequence[Sequence[Any]]) -> tuple[int, str]:
    """Pick one of rows (id, name, name_key, external_id, motion) for what was typed, by the
    order of PRODUCT.md section 2. Returns (index into rows, how it matched); raises when none
    or several fit."""
    raw = (ref or "").strip()
    key = fold(raw)
    # stored keys compared in NFC too: a store may hold a name typed in decomposed form
    keys = [unicodedata.normalize("NFC", row[2]) for row in rows]
    for i, nkey in enumerate(keys):
        if nkey == key:
            return i, "name"
    for i, row in enumerate(rows):
        if row[3] is not None and fold(row[3]) == key:
            return i, "external_id"
    hits = [i for i, row in enumerate(rows) if prefix_matches(key, keys[i], row[3])]
    if len(hits) == 1:
        return hits[0], "prefix"
    if hits:
        names = sorted((rows[i][1] for i in hits), key=str.casefold)
        shown = ", ".join(quoted(n) for n in names[:AMBIGUOUS_SHOWN])
        more = f" and {len(names) - AMBIGUOUS_SHOWN} more" if len(names) > AMBIGUOUS_SHOWN else ""
        raise BadInput(
            f"account {quoted(raw)} is ambiguous: it fits {shown}{more}; type more of the name or the external id"
        )
    raise account_not_found(ref, (row[1] for row in rows))


def find(ref: str, exact: Callable[[str], Sequence[Sequence[Any]]], every: Callable[[], Sequence[Sequence[Any]]]):
    """resolve() against the exact-name row when there is one (one indexed query), else every row."""
    raw = (ref or "").strip()
    rows = exact(fold(raw)) or exact(raw.casefold())  # the key as typed, if it was stored unnormalised
    if rows:
        return rows[0], "name"
    rows = every()
    i, how = resolve(ref, rows)
    return rows[i], how


EXACT_SQL = "SELECT id, name, name_key, external_id, motion FROM account WHERE name_key = :key"
EVERY_SQL = "SELECT id, name, name_key, external_id, motion FROM account ORDER BY name_key"


def lookup_account(r: Reader, ref: str) -> AccountRef:
    """An account by what a user typed, on the read path (see the module's doc)."""
    row, how = find(ref, lambda key: r.all(EXACT_SQL, {"key": key}), lambda: r.all(EVERY_SQL))
    return AccountRef(row[0], row[1], row[4], how)
