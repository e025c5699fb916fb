"""Store administration: create, upgrade, check, back up."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from handoff_cli import SCHEMA_HEAD
from handoff_cli.store import Store


@dataclass(frozen=True)
class StoreInfo:
    location: str
    revision: str | None
    head: str


def init_store(*, store: Store) -> StoreInfo:
    store.ensure_ready()
    return StoreInfo(store.display(), store.revision(), SCHEMA_HEAD)


def upgrade_store(*, store: Store) -> StoreInfo:
    before = store.revision()
    if before != SCHEMA_HEAD:
        store.upgrade()
    return StoreInfo(store.display(), store.revision(), SCHEMA_HEAD)


def backup_store(dest: Path, *, store: Store) -> Path:
    store.ensure_ready()
    return store.backup(dest)
