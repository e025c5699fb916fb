"""The store: where it lives, the one engine factory, and the two ways in.

* ``Store.write()`` is the write path: a SQLModel session inside one
  transaction (``BEGIN IMMEDIATE`` on SQLite), committed whole or not at all.
* ``Store.reader()`` is the read path for status and reports: plain SQL with
  ``:name`` parameters, run by the standard ``sqlite3`` module on SQLite (no
  SQLAlchemy import) and by SQLAlchemy Core on PostgreSQL. The SQL text is the
  same for both.

Nothing else creates engines, tables, or connections.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from handoff_cli import SCHEMA_HEAD
from handoff_cli.errors import BadInput, Conflict, StoreBusy, StoreError

if TYPE_CHECKING:  # pragma: no cover
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

DEFAULT_BUSY_TIMEOUT = 10.0
_LOCKED = ("database is locked", "database is busy", "database table is locked")


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("handoff", appauthor=False)) / "handoff.db"


def resolve_url(db: str | None = None) -> str:
    """--db, then HANDOFF_DB, then the platform's user data folder. A path becomes a SQLite URL."""
    raw = db or os.environ.get("HANDOFF_DB") or str(default_db_path())
    if "://" not in raw:
        return "sqlite:///" + str(Path(raw).expanduser().resolve())
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    if raw.startswith(("sqlite://", "postgresql+psycopg://")):
        return raw
    raise BadInput(f"unsupported store URL {mask_url(raw)!r}: use a file path or postgresql+psycopg://user@host/db")


def mask_url(url: str) -> str:
    """The URL with any password replaced by ***."""
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)


def is_locked_error(exc: BaseException) -> bool:
    text = str(getattr(exc, "orig", None) or exc).lower()
    return any(marker in text for marker in _LOCKED)


def busy_timeout() -> float:
    raw = os.environ.get("HANDOFF_BUSY_TIMEOUT")
    if not raw:
        return DEFAULT_BUSY_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        raise BadInput(f"HANDOFF_BUSY_TIMEOUT={raw!r} is not a number of seconds") from None
    if value < 0:
        raise BadInput("HANDOFF_BUSY_TIMEOUT must be zero or more seconds")
    return value


def to_date(value: Any) -> date | None:
    """A DATE column as read by either backend (ISO text on SQLite)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def migrations_dir() -> Path:
    """Alembic scripts: inside the installed package, else the source checkout's migrations/."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_migrations", here.parent.parent / "migrations"):
        if (candidate / "env.py").exists():
            return candidate
    raise StoreError("cannot find handoff's migrations: reinstall handoff")


def alembic_config(url: str, connection: Any = None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


class Store:
    """A handle on one store. Cheap to create; connects lazily."""

    def __init__(self, url: str):
        self.url = url
        self._engine: Engine | None = None
        self._ready = False

    # -- where -------------------------------------------------------------
    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def dialect(self) -> str:
        return "sqlite" if self.is_sqlite else "postgresql"

    @property
    def path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        rest = self.url.split(":///", 1)[1] if ":///" in self.url else ""
        return Path(rest) if rest and rest != ":memory:" else None

    def display(self) -> str:
        return str(self.path) if self.path else mask_url(self.url)

    # -- schema revision ---------------------------------------------------
    def _sqlite_connect(self) -> sqlite3.Connection:
        assert self.path is not None
        conn = sqlite3.connect(str(self.path), timeout=busy_timeout(), isolation_level=None)
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    def revision(self) -> str | None:
        """The store's Alembic revision, or None for an empty store."""
        if self.is_sqlite:
            if self.path is None or not self.path.exists():
                return None
            conn = self._sqlite_connect()
            try:
                row = conn.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'"
                ).fetchone()
                if row is None:
                    return None
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                return row[0] if row else None
            except sqlite3.DatabaseError as exc:
                if is_locked_error(exc):
                    raise StoreBusy(f"store {self.display()} is locked by another process writing; try again") from None
                raise StoreError(f"{self.display()} is not a handoff store ({exc})") from None
            finally:
                conn.close()
        from sqlalchemy import text

        with self.engine_raw().connect() as conn:
            try:
                return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            except Exception:
                return None

    def ensure_ready(self) -> None:
        """Create or upgrade a SQLite store on first use; check a PostgreSQL one."""
        if self._ready:
            return
        if self.is_sqlite:
            if self.path is not None and not self.path.exists():
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600)
                os.close(fd)
            rev = self.revision()
            if rev != SCHEMA_HEAD:
                if rev is not None and not self._known_revision(rev):
                    raise StoreError(
                        f"store {self.display()} is at schema {rev}, newer than this handoff knows: upgrade handoff"
                    )
                if rev is not None:
                    self.backup(self.path.with_name(f"{self.path.name}.bak-{rev}-{int(time.time())}"))
                self.upgrade()
        else:
            rev = self.revision()
            if rev != SCHEMA_HEAD:
                raise StoreError(
                    f"store {self.display()} is at schema {rev or 'none'}, not {SCHEMA_HEAD}: run `handoff db upgrade`"
                )
        self._ready = True

    def _known_revision(self, rev: str) -> bool:
        from alembic.script import ScriptDirectory

        script = ScriptDirectory.from_config(alembic_config(self.url))
        try:
            return script.get_revision(rev) is not None
        except Exception:
            return False

    def upgrade(self, target: str = "head") -> None:
        """Apply migrations in one transaction (PostgreSQL: under an advisory lock)."""
        from alembic import command
        from sqlalchemy import text

        engine = self.engine_raw()
        try:
            with engine.begin() as conn:
                if not self.is_sqlite:
                    conn.execute(text("SELECT pg_advisory_xact_lock(815051)"))
                command.upgrade(alembic_config(self.url, conn), target)
        except Exception as exc:
            if is_locked_error(exc):
                raise StoreBusy(f"store {self.display()} is locked by another process writing; try again") from None
            raise

    def backup(self, dest: Path) -> Path:
        """A consistent copy of a SQLite store through the online backup API, mode 0600."""
        if not self.is_sqlite or self.path is None:
            raise BadInput("db backup works on SQLite stores; use pg_dump or `handoff export` for PostgreSQL")
        dest = Path(dest)
        if dest.exists():
            raise BadInput(f"{dest} exists already: choose a new file name")
        fd = os.open(dest, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        os.close(fd)
        src = self._sqlite_connect()
        dst = sqlite3.connect(str(dest))
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return dest

    # -- engines -----------------------------------------------------------
    def engine_raw(self) -> "Engine":
        """The engine, without the readiness check. Only store code and migrations use it."""
        if self._engine is None:
            self._engine = make_engine(self.url)
        return self._engine

    @property
    def engine(self) -> "Engine":
        self.ensure_ready()
        return self.engine_raw()

    @contextmanager
    def write(self) -> Iterator["Session"]:
        """One write transaction. Commits whole, or rolls back and re-raises."""
        from sqlalchemy import exc as sa_exc
        from sqlmodel import Session

        engine = self.engine
        try:
            with Session(engine, expire_on_commit=False) as session:
                with session.begin():
                    yield session
        except sa_exc.OperationalError as exc:
            if is_locked_error(exc):
                raise StoreBusy(f"store {self.display()} is locked by another process writing; try again") from None
            raise
        except sa_exc.IntegrityError as exc:
            raise Conflict(f"that would conflict with data already in the store ({exc.orig})") from None

    @contextmanager
    def reader(self) -> Iterator["Reader"]:
        """A consistent read-only snapshot for reports."""
        self.ensure_ready()
        if self.is_sqlite:
            conn = self._sqlite_connect()
            try:
                conn.execute("BEGIN")
                yield SqliteReader(conn, self)
            except sqlite3.OperationalError as exc:
                if is_locked_error(exc):
                    raise StoreBusy(f"store {self.display()} is locked by another process writing; try again") from None
                raise
            finally:
                conn.execute("ROLLBACK") if conn.in_transaction else None
                conn.close()
        else:
            from sqlalchemy import text

            with self.engine.connect() as conn:
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
                with conn.begin():
                    yield CoreReader(conn, text)


class Reader:
    dialect: str

    def all(self, sql: str, params: dict[str, Any] | None = None) -> Sequence[Sequence[Any]]:  # pragma: no cover
        raise NotImplementedError

    def one(self, sql: str, params: dict[str, Any] | None = None) -> Sequence[Any] | None:
        rows = self.all(sql, params)
        return rows[0] if rows else None


class SqliteReader(Reader):
    dialect = "sqlite"

    def __init__(self, conn: sqlite3.Connection, store: Store):
        self.conn = conn
        self.store = store

    def all(self, sql, params=None):
        # DATE columns are ISO text in SQLite: bind dates the same way
        bound = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in (params or {}).items()}
        return self.conn.execute(sql, bound).fetchall()


class CoreReader(Reader):
    dialect = "postgresql"

    def __init__(self, conn, text):
        self.conn = conn
        self._text = text

    def all(self, sql, params=None):
        return [tuple(r) for r in self.conn.execute(self._text(sql), params or {}).all()]


def make_engine(url: str) -> "Engine":
    """The one engine factory. SQLite: WAL, busy timeout, foreign keys, synchronous=FULL,
    and every transaction opened with BEGIN IMMEDIATE so a write never deadlocks on upgrade."""
    from sqlalchemy import create_engine, event

    if url.startswith("sqlite"):
        timeout = busy_timeout()
        engine = create_engine(url, connect_args={"timeout": timeout, "isolation_level": None})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every test
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):  # pragma: no cover - exercised by every test
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except ModuleNotFoundError:
        raise StoreError("team mode needs psycopg: pip install 'handoff-cli[postgres]'") from None
