"""The id of a model row, typed. Light: no SQLModel import, so read-path modules may use it."""

from __future__ import annotations

from typing import Optional, Protocol


class StoredRow(Protocol):
    id: Optional[int]


def stored_id(row: StoredRow) -> int:
    """The primary key of a row read from the store or flushed to it (the models declare
    ``id: Optional[int]`` because a new row has none until it is flushed). No service hands
    on a row it has not flushed, so a None here is a bug, not bad input."""
    if row.id is None:
        raise RuntimeError(f"{type(row).__name__} row has no id: it was never flushed to the store")
    return row.id
