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
    created: bool = False


def init_store(*, store: Store) -> StoreInfo:
    store.announce_creation = False  # init says it itself
    store.ensure_ready(create=True)
    return StoreInfo(store.display(), store.revision(), SCHEMA_HEAD, created=store.created)


def upgrade_store(*, store: Store) -> StoreInfo:
    from handoff_cli.errors import StoreError
    from handoff_cli.store import _missing_store

    if store.is_sqlite and store.path is not None and not store.path.is_file():
        # `db upgrade` migrates a store; it never creates one (that is `init`)
        store.ensure_ready()  # one line: a folder, in-memory, or missing
        raise StoreError(_missing_store(store.path))
    before = store.revision()
    if before != SCHEMA_HEAD:
        store.upgrade()
    return StoreInfo(store.display(), store.revision(), SCHEMA_HEAD)


def backup_store(dest: Path, *, store: Store, force: bool = False) -> Path:
    store.ensure_ready()  # a backup reads: it never creates a store
    return store.backup(dest, force=force)


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # ok | failed | skipped
    detail: str

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    def as_dict(self) -> dict[str, str]:
        return {"check": self.name, "status": self.status, "detail": self.detail}


def check_store(*, store: Store) -> list[Check]:
    """Integrity, foreign keys (SQLite) and schema revision, without upgrading or repairing anything."""
    import sqlite3

    from handoff_cli.errors import StoreError

    checks: list[Check] = []
    if store.is_sqlite:
        from handoff_cli.store import NotAStore, _missing_store

        if store.path is None or not store.path.exists():
            store.ensure_ready()  # one line: in-memory, a folder
            raise StoreError(_missing_store(Path(store.display())))

        try:
            store.revision()  # a file of something else is refused here, untouched
        except NotAStore:
            raise
        except StoreError:
            pass  # a damaged store: the checks below say how
        try:
            conn = store._sqlite_read_connect()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open {store.display()}: {exc}") from None
        try:
            try:
                rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
                good = rows == ["ok"]
                detail = (
                    "no problems found"
                    if good
                    else "; ".join(rows[:5]) + (f" (and {len(rows) - 5} more)" if len(rows) > 5 else "")
                )
                checks.append(Check("integrity", "ok" if good else "failed", detail))
            except sqlite3.DatabaseError as exc:
                _not_damage(exc, store)
                checks.append(Check("integrity", "failed", f"the file is damaged or not a database ({exc})"))
            try:
                rows = conn.execute("PRAGMA foreign_key_check").fetchall()
                if rows:
                    where = ", ".join(sorted({f"{r[0]} -> {r[2]}" for r in rows}))
                    checks.append(Check("foreign keys", "failed", f"{len(rows)} rows point at missing rows ({where})"))
                else:
                    checks.append(Check("foreign keys", "ok", "every reference resolves"))
            except sqlite3.DatabaseError as exc:
                _not_damage(exc, store)
                checks.append(Check("foreign keys", "failed", f"cannot check ({exc})"))
        finally:
            conn.close()
    else:
        checks.append(Check("integrity", "skipped", "PostgreSQL: SQLite's integrity_check does not apply"))
        checks.append(Check("foreign keys", "skipped", "PostgreSQL: foreign keys are enforced by the server"))
    problem: str | None
    try:
        rev = store.revision()
    except StoreError as exc:
        rev, problem = None, str(exc)
    else:
        problem = None
    if rev == SCHEMA_HEAD:
        checks.append(Check("schema", "ok", f"at revision {rev}, the head"))
    else:
        why = problem or f"at revision {rev or 'none'}, head is {SCHEMA_HEAD}: run `handoff db upgrade`"
        checks.append(Check("schema", "failed", why))
    return checks


def _not_damage(exc: BaseException, store: Store) -> None:
    """A failure of the surroundings (read-only, full, busy) is said as such, never as damage."""
    from handoff_cli.store import sqlite_failure

    if getattr(exc, "sqlite_errorname", "").startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return
    known = sqlite_failure(exc, store.display())
    if known is not None:
        raise known from None
