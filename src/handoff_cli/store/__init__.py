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

import contextlib
import math
import os
import re
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from handoff_cli import SCHEMA_HEAD
from handoff_cli.errors import (
    BadInput,
    Conflict,
    HandoffError,
    OperationFailed,
    StoreBusy,
    StoreError,
    StoreUnreachable,
)

if TYPE_CHECKING:  # pragma: no cover
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

DEFAULT_BUSY_TIMEOUT = 10.0
MAX_BUSY_TIMEOUT = 3600.0  # an hour: longer is a hung cron job, not a busy store
_LOCKED = ("database is locked", "database is busy", "database table is locked")


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("handoff", appauthor=False)) / "handoff.db"


_PG_SCHEMES = ("postgres", "postgresql", "postgresql+psycopg", "postgresql+psycopg2", "postgres+psycopg")


def resolve_url(db: str | None = None) -> str:
    """--db, then HANDOFF_DB, then the platform's user data folder. A path becomes a SQLite URL;
    every PostgreSQL URL (postgres://, postgresql://, ...+psycopg2://) becomes postgresql+psycopg:// (psycopg 3)."""
    raw = _given_location(db)
    if "://" not in raw:
        if raw == ":memory:" or raw.lower().startswith("file:"):
            raise BadInput(_IN_MEMORY if "memory" in raw.lower() else _NO_URI.format(raw=raw))
        return "sqlite:///" + str(Path(raw).expanduser().resolve())
    scheme, rest = raw.split("://", 1)
    if scheme.lower() in _PG_SCHEMES:
        if not rest.strip("/"):
            raise BadInput(
                f"store URL {mask_url(raw)!r} names no server or database: use postgresql+psycopg://user@host/db"
            )
        _remember_password(rest)
        return "postgresql+psycopg://" + rest
    if scheme.lower() == "sqlite":
        path = rest[1:] if rest.startswith("/") else None
        uri = path is None or "?" in path or path.lower().startswith("file:")
        if not rest or path in ("", ":memory:") or (uri and "memory" in rest.lower()):
            raise BadInput(_IN_MEMORY)
        if uri or path is None:
            raise BadInput(_NO_URI.format(raw=raw))
        return "sqlite:///" + str(Path(path).expanduser().resolve())
    raise BadInput(f"unsupported store URL {mask_url(raw)!r}: use a file path or postgresql+psycopg://user@host/db")


_IN_MEMORY = "in-memory stores keep nothing once the command ends: give a file path, or a postgresql+psycopg:// URL"
_NO_URI = "store {raw!r}: handoff takes a plain file path or sqlite:///PATH, without SQLite URI options"


def _given_location(db: str | None) -> str:
    """--db, else HANDOFF_DB, else the default path. A blank value is refused: in cron it is
    an unset variable (HANDOFF_DB=$STORE), and reading the default store instead would hide it."""
    for value, what in ((db, "--db"), (os.environ.get("HANDOFF_DB"), "HANDOFF_DB")):
        if value is not None:
            if not value.strip():
                raise BadInput(f"{what} is blank: give the store's path or URL (or unset {what})")
            return value.strip()
    return str(default_db_path())


# Passwords this process has seen in store URLs (and PGPASSWORD): mask_url hides them
# wherever they turn up, including in texts from the database driver.
_SECRETS: set[str] = set()


def _remember_password(rest: str) -> None:
    from urllib.parse import unquote

    authority = rest.rsplit("@", 1)[0] if "@" in rest else ""
    if ":" in authority:
        pw = authority.split(":", 1)[1]
        for form in (pw, unquote(pw)):
            if len(form) >= 4:
                _SECRETS.add(form)


_URL_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://\S+")
_KV_PASSWORD = re.compile(r"(?i)(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&'\"]+)")


def _mask_token(token: str) -> str:
    scheme, rest = token.split("://", 1)
    at = rest.rfind("@")
    if at < 0:
        return token
    userinfo = rest[:at]
    colon = userinfo.find(":")
    if colon < 0:
        return token
    return f"{scheme}://{userinfo[:colon]}:***{rest[at:]}"


def mask_url(url: str) -> str:
    """The text (a URL or a message holding URLs) with every password replaced by ***:
    in URLs' user:password@, in password=... settings, and any password seen in a store URL."""
    text = _URL_TOKEN.sub(lambda m: _mask_token(m.group(0)), url)
    text = _KV_PASSWORD.sub(lambda m: m.group(1) + "***", text)
    secrets = set(_SECRETS)
    env_pw = os.environ.get("PGPASSWORD")
    if env_pw and len(env_pw) >= 4:
        secrets.add(env_pw)
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


# PostgreSQL: serialization failure, deadlock, lock timeout. Another writer was in the way.
_PG_BUSY_STATES = ("40001", "40P01", "55P03")


def _sqlstate(exc: BaseException) -> str | None:
    return getattr(getattr(exc, "orig", None) or exc, "sqlstate", None)


def is_locked_error(exc: BaseException) -> bool:
    """True for 'another writer held the store' failures, on SQLite and PostgreSQL."""
    if _sqlstate(exc) in _PG_BUSY_STATES:
        return True
    text = str(getattr(exc, "orig", None) or exc).lower()
    return any(marker in text for marker in _LOCKED)


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return mask_url(text.splitlines()[0].strip() if text else type(exc).__name__)


def busy_timeout() -> float:
    raw = os.environ.get("HANDOFF_BUSY_TIMEOUT")
    if not raw:
        return DEFAULT_BUSY_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not 0 <= value <= MAX_BUSY_TIMEOUT:  # also refuses nan and inf
        raise BadInput(
            f"HANDOFF_BUSY_TIMEOUT={raw!r} is not a number of seconds from 0 to {MAX_BUSY_TIMEOUT:g}"
        ) from None
    return value


def to_date(value: Any) -> date | None:
    """A DATE column as read by either backend (ISO text on SQLite)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def as_date(value: Any) -> date:
    """A NOT NULL DATE column as read by either backend (ISO text on SQLite)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def migrations_dir() -> Path:
    """Alembic scripts: inside the installed package, else the source checkout's migrations/."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "_migrations", package.parent.parent / "migrations"):
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
        # set by the CLI edge: the command as typed, the one clock's instant for a write, and
        # --known-at for reads (see journal.py)
        self.command: str | None = None
        self.clock: Callable[[], datetime] | None = None
        self.known_at: datetime | None = None
        self._reader_cache: dict[str, Any] = {}
        self.created = False  # this handle created the store (init, or a write on a missing path)
        self._made_for_write = False  # ... for a write, which has not committed yet
        self.announce_creation = True  # say so on stderr; `init` says it its own way

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

    def _sqlite_read_connect(self) -> sqlite3.Connection:
        """The reader's connection. In a folder this process may not write (a read-only mount, a
        colleague's folder) SQLite cannot make the -shm file WAL readers need: when no writer has
        the store open (no -wal beside it), it is read as a file nobody changes."""
        assert self.path is not None
        folder_writable = os.access(self.path.parent, os.W_OK)
        if folder_writable or self.path.with_name(self.path.name + "-wal").exists():
            return self._sqlite_connect()
        return _read_only_connect(self.path, self.display())

    def revision(self) -> str | None:
        """The store's Alembic revision, or None for an empty store (no file, an empty file, or a
        SQLite database without tables). A SQLite file that holds something else is refused,
        read through a read-only connection that changes nothing in it."""
        if self.is_sqlite:
            if self.path is None or not self.path.exists():
                return None
            if self.path not in _VERIFIED_STORES:
                rev = probe_sqlite_store(self.path, self.display())
                if rev is not None:
                    _VERIFIED_STORES.add(self.path)
                return rev
            # known to be a handoff store: read it as every other command does. (Not through
            # a read-only connection: beside this process's own read-write connections to
            # the file, one would share their WAL index read-only and fail their writes.)
            db = self._sqlite_read_connect()
            try:
                row = db.execute("SELECT version_num FROM alembic_version").fetchone()
                return row[0] if row else None
            except sqlite3.Error as exc:
                raise (
                    sqlite_failure(exc, self.display()) or StoreError(f"cannot read store {self.display()}")
                ) from None
            finally:
                db.close()
        from sqlalchemy import text

        with self._pg_errors(), self.engine_raw().connect() as pg:
            if pg.execute(text("SELECT to_regclass('alembic_version')")).scalar() is None:
                return None
            return pg.execute(text("SELECT version_num FROM alembic_version")).scalar()

    @contextmanager
    def _pg_errors(self) -> Iterator[None]:
        """PostgreSQL failures that are not bugs become one clear line (password masked)."""
        from sqlalchemy import exc as sa_exc

        try:
            yield
        except sa_exc.DBAPIError as exc:
            if is_locked_error(exc):
                raise StoreBusy(
                    f"store {self.display()} is busy: another process was writing at the same time; try again"
                ) from None
            if exc.connection_invalidated or _is_connect_error(exc):
                if _server_did_not_answer(exc):
                    raise StoreUnreachable(
                        f"cannot reach store {self.display()}: the server did not answer ({_first_line(exc)}); try again"
                    ) from None
                raise StoreError(f"cannot reach store {self.display()}: {_first_line(exc)}") from None
            raise

    def ensure_ready(self, create: bool = False) -> None:
        """Create (only when `create`: init and write commands) or upgrade a SQLite store on
        first use; check a PostgreSQL one (never migrated implicitly). A read of a store that
        does not exist fails naming the path, and creates nothing."""
        if self._ready:
            return
        busy_timeout()  # a bad HANDOFF_BUSY_TIMEOUT is one line on every backend, for reads too
        if self.is_sqlite:
            path = self.path
            if path is None:
                raise BadInput(_IN_MEMORY)
            if path.is_dir():
                raise BadInput(f"store path {path} is a folder: name a file, for example {path / 'handoff.db'}")
            exists = path.exists()
            rev = self.revision() if exists else None
            if rev is None:
                if not create:
                    raise StoreError(_missing_store(path, empty=exists))
                self._create_sqlite_file()
            if rev != SCHEMA_HEAD:
                if rev is not None and not self._known_revision(rev):
                    raise StoreError(
                        f"store {self.display()} is at schema {rev}, newer than this handoff knows: upgrade handoff"
                    )
                if rev is not None and path is not None:
                    # a unique name: a retry in the same second must not clash with the last backup
                    stamp, n = f"{path.name}.bak-{rev}-{int(time.time())}", 1
                    dest = path.with_name(stamp)
                    while dest.exists():
                        dest, n = path.with_name(f"{stamp}-{n}"), n + 1
                    self.backup(dest)
                self.upgrade()
        else:
            rev = self.revision()
            if rev != SCHEMA_HEAD:
                if rev is not None and not self._known_revision(rev):
                    raise StoreError(
                        f"store {self.display()} is at schema {rev}, newer than this handoff knows: upgrade handoff"
                    )
                raise StoreError(
                    f"store {self.display()} is at schema {rev or 'none'}, not {SCHEMA_HEAD}: run `handoff db upgrade`"
                )
        self._ready = True

    def _create_sqlite_file(self) -> None:
        """The store file, created readable by its owner only (its folder too, when missing)."""
        assert self.path is not None
        existed = self.path.exists()
        if not existed:
            for folder in self.path.parents:
                if folder.exists():
                    if not folder.is_dir():
                        raise BadInput(f"cannot create the store {self.path}: {folder} is a file, not a folder")
                    break
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        self.created = True

    def _known_revision(self, rev: str) -> bool:
        from alembic.script import ScriptDirectory

        script = ScriptDirectory.from_config(alembic_config(self.url))
        try:
            return script.get_revision(rev) is not None
        except Exception:  # noqa: BLE001 - alembic raises several unrelated types for an unknown id
            return False

    def upgrade(self, target: str = "head") -> None:
        """Apply migrations in one transaction. On PostgreSQL under an advisory lock, so two
        upgrades at once run one after the other (the second finds nothing to do)."""
        from alembic import command
        from sqlalchemy import text

        engine = self.engine_raw()
        if self.is_sqlite:
            try:
                with engine.connect() as conn:
                    # A migration that rebuilds a table (SQLite's way to alter one) drops the
                    # old table, and with foreign keys on that DROP cascade-deletes every child
                    # row. So keys are off while migrating (the pragma only takes effect outside
                    # a transaction) and checked before the migration commits.
                    raw = conn.connection.driver_connection
                    assert raw is not None, "a connection just opened has its sqlite3 connection"
                    raw.execute("PRAGMA foreign_keys=OFF")
                    try:
                        with conn.begin():
                            command.upgrade(alembic_config(self.url, conn), target)
                            if conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                                raise StoreError(
                                    f"upgrading store {self.display()} would leave rows pointing at missing rows;"
                                    " nothing was changed: report this to handoff's maintainers"
                                )
                    finally:
                        raw.execute("PRAGMA foreign_keys=ON")
            except Exception as exc:
                if is_locked_error(exc):
                    raise StoreBusy(f"store {self.display()} is locked by another process writing; try again") from None
                raise
            return
        with self._pg_errors(), engine.begin() as conn:
            conn.execute(text("SET LOCAL lock_timeout = '300s'"))
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": UPGRADE_LOCK_KEY})
            collation = conn.execute(
                text("SELECT datcollate FROM pg_database WHERE datname = current_database()")
            ).scalar()
            if not _byte_order_collation(collation):
                raise StoreError(
                    f"database of store {self.display()} sorts text by the locale {collation!r}, so lists and "
                    "reports would not match SQLite's: create it with "
                    "CREATE DATABASE ... TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' (see docs/team-mode.md)"
                )
            if conn.execute(text("SELECT to_regclass('alembic_version')")).scalar() is not None:
                rev = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                if rev is not None and not self._known_revision(rev):
                    raise StoreError(
                        f"store {self.display()} is at schema {rev}, newer than this handoff knows: upgrade handoff"
                    )
            command.upgrade(alembic_config(self.url, conn), target)

    def backup(self, dest: Path, force: bool = False) -> Path:
        """A consistent copy of a SQLite store through the online backup API, mode 0600, written
        under a temporary name and renamed into place when complete (files.py): a backup that is
        killed midway leaves no file under `dest`. Never over the store, nor over a file without `force`."""
        from handoff_cli.files import check_target, store_files, written_whole

        if not self.is_sqlite or self.path is None:
            raise BadInput("db backup works on SQLite stores; use pg_dump or `handoff export` for PostgreSQL")
        dest = check_target(Path(dest), force=force, protect=store_files(self.path), suggest=self.path.name)
        with written_whole(dest, force=force) as tmp:
            src = self._sqlite_read_connect()
            try:
                dst = sqlite3.connect(str(tmp), isolation_level=None)
                try:
                    # in steps, so writers are not held off by a large store; a write meanwhile restarts it
                    src.backup(dst, pages=4096)
                    dst.execute("PRAGMA journal_mode=DELETE")  # a file that stands alone: no -wal needed
                finally:
                    dst.close()
            except sqlite3.Error as exc:
                known = sqlite_failure(exc, str(dest), what="backup")
                if known is None or isinstance(known, StoreBusy):
                    raise
                raise OperationFailed(f"{known}; nothing was written") from None
            finally:
                src.close()
        return dest

    # -- engines -----------------------------------------------------------
    def engine_raw(self) -> Engine:
        """The engine, without the readiness check. Only store code and migrations use it."""
        if self._engine is None:
            self._engine = make_engine(self.url)
        return self._engine

    @property
    def engine(self) -> Engine:
        """The engine of a write: creates the store when it is missing (said, or removed again,
        once the write is over: _settle_new_store)."""
        if not self._ready:
            self.ensure_ready(create=True)
            self._made_for_write = self.created
        return self.engine_raw()

    def close(self) -> None:
        """Close pooled connections (a store handle can be used again afterwards)."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    @contextmanager
    def write(self, *, journal: bool = True) -> Iterator[Session]:
        """One write transaction. Commits whole, or rolls back and re-raises.

        Writers queue one at a time on both backends: SQLite by BEGIN IMMEDIATE, PostgreSQL by a
        transaction-level advisory lock taken first. Waiting longer than the busy timeout, a
        deadlock or a serialization failure is StoreBusy (exit 75: try again); a uniqueness
        rule broken by a write is Conflict (exit 2). The write is journaled as one entry, in
        its own transaction (journal.py); ORM reads in it leave voided rows out."""
        from sqlalchemy import text
        from sqlmodel import Session

        from handoff_cli.store.journal import live_rows_only, recording

        engine = self.engine
        committed = False
        try:
            with self._write_errors():
                with self._pg_errors() if not self.is_sqlite else _nothing():
                    with Session(engine, expire_on_commit=False) as session:
                        with session.begin():
                            if not self.is_sqlite:
                                session.execute(
                                    text(f"SET LOCAL lock_timeout = '{max(1, int(busy_timeout() * 1000))}ms'")
                                )
                                session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
                            live_rows_only(session)
                            session.info["journal_off"] = not journal
                            with recording(session, command=self.command, clock=self.clock):
                                yield session
            committed = True
        finally:
            if self._made_for_write:
                self._settle_new_store(committed)

    def _settle_new_store(self, committed: bool) -> None:
        """A store this handle created for a write: said once the write is in it; removed again
        when the write failed and the store holds nothing (bad input changes nothing, not even
        the folder's files). `init` creates a store on purpose: that one stays."""
        self._made_for_write = False
        if committed:
            if self.announce_creation:
                print(f"handoff: created a new store at {self.display()}", file=sys.stderr)
            return
        path = self.path
        if path is None:
            return
        self.close()
        try:
            conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
            try:
                held = conn.execute("SELECT count(*) FROM journal_entry").fetchone()[0]
            finally:
                conn.close()
        except sqlite3.Error:
            return
        if held:
            return  # another process wrote to it meanwhile: it is theirs
        for name in (path.name, f"{path.name}-wal", f"{path.name}-shm", f"{path.name}-journal"):
            with contextlib.suppress(OSError):
                path.with_name(name).unlink()
        self._ready = False

    @contextmanager
    def _write_errors(self) -> Iterator[None]:
        """The database errors of a write, as the error classes of errors.py."""
        from sqlalchemy import exc as sa_exc

        try:
            yield
        except sa_exc.OperationalError as exc:
            if is_locked_error(exc):
                raise StoreBusy(f"store {self.display()} is locked by another process writing; try again") from None
            raise
        except sa_exc.IntegrityError as exc:
            raise Conflict(_conflict_message(exc)) from None
        except sa_exc.DataError as exc:
            if _sqlstate(exc) == "22001":
                raise BadInput(f"a value is too long for the store ({_first_line(exc)}): shorten it") from None
            raise

    @contextmanager
    def reader(self, *, every_row: bool = False) -> Iterator[Reader]:
        """A consistent read-only snapshot for reports. It sees the store as reports should:
        voided rows left out, and with `known_at` set, as it stood then (journal.py);
        `every_row` (export, `event list --all`) sees every row as stored."""
        self.ensure_ready()
        if self.is_sqlite:
            conn = self._sqlite_read_connect()
            try:
                conn.execute("BEGIN")
                reader = SqliteReader(conn, self)
                reader.cache = self._reader_cache
                reader.visible(None if every_row else self.known_at, every_row)
                yield reader
            except sqlite3.OperationalError as exc:
                if is_locked_error(exc):
                    raise StoreBusy(f"store {self.display()} is locked by another process writing; try again") from None
                raise
            finally:
                conn.execute("ROLLBACK") if conn.in_transaction else None
                conn.close()
        else:
            from sqlalchemy import text

            with self._pg_errors(), self.engine.connect() as pg:
                pg = pg.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
                with pg.begin():
                    core = CoreReader(pg, text)
                    core.cache = self._reader_cache
                    core.visible(None if every_row else self.known_at, every_row)
                    yield core


def _missing_store(path: Path, empty: bool = False) -> str:
    what = f"the store {path} is empty (no handoff tables yet)" if empty else f"no store at {path}"
    return f"{what}: create one with `handoff init`, or check --db / HANDOFF_DB"


SQLITE_HEADER = b"SQLite format 3\x00"


# SQLite files this process has found to be handoff stores (probed once, read-only)
_VERIFIED_STORES: set[Path] = set()


class NotAStore(StoreError):
    """The file holds something else than a handoff store; it is refused and left untouched."""


def _read_only_connect(path: Path, display: str) -> sqlite3.Connection:
    """A connection that cannot change the file (read-only). In a folder this process may not
    write, a WAL-mode file that nobody has open (no -wal beside it) is opened `immutable`, as
    SQLite could not make the -shm file readers need. Only there: an immutable connection takes
    no locks, and closing it would drop this process's other locks on the file."""
    from urllib.parse import quote

    with open(path, "rb") as f:
        header = f.read(20)
    wal_mode = len(header) == 20 and header[18] == 2
    idle = not path.with_name(path.name + "-wal").exists()
    stuck = not os.access(path.parent, os.W_OK)
    options = "mode=ro&immutable=1" if wal_mode and idle and stuck else "mode=ro"
    try:
        return sqlite3.connect(f"file:{quote(str(path))}?{options}", uri=True, timeout=busy_timeout())
    except sqlite3.Error as exc:
        raise (sqlite_failure(exc, display) or StoreError(f"cannot open store {display}")) from None


def probe_sqlite_store(path: Path, display: str) -> str | None:
    """The Alembic revision of the handoff store at `path`; None when the file is empty or a
    database without tables. Anything else is refused. Only reads: the file's first bytes, then
    a read-only connection (no journal mode switch, no table created, nothing written)."""
    try:
        with open(path, "rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"cannot read store {display}: {exc.strerror}") from None
    if not head:
        return None
    if head != SQLITE_HEADER:
        raise NotAStore(f"{display} is not a handoff store (not a SQLite database); it was left untouched")
    companions = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    absent = [p for p in companions if not p.exists()]
    conn = _read_only_connect(path, display)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            return None
        if "alembic_version" not in tables or "account" not in tables:
            conn.close()
            # a read-only look at a WAL-mode file may have made its -wal and -shm: take them away
            for made in absent:
                made.unlink(missing_ok=True)
            raise NotAStore(
                f"{display} is not a handoff store (a SQLite database of something else); it was left untouched"
            )
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    except sqlite3.Error as exc:
        if getattr(exc, "sqlite_errorname", "").startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
            # a SQLite header over pages that do not read: a damaged store, or a file of something else
            raise StoreError(
                f"{display} cannot be read as a SQLite database (damaged, or not a handoff store); it was left"
                " untouched: run `handoff db check`"
            ) from None
        raise (sqlite_failure(exc, display) or StoreError(f"cannot read store {display}")) from None
    finally:
        conn.close()


# SQLite result codes (sqlite_errorname) -> what a user can act on. None of these texts holds
# SQL or data: the driver's message is never passed on.
_SQLITE_CAUSES = {
    "SQLITE_FULL": "the disk is full (or a file size limit was reached): free some space and run it again",
    "SQLITE_READONLY": "the store is read-only here: check the permissions of the file and of its folder",
    "SQLITE_CANTOPEN": "cannot open the store file: check that its folder exists and that you may read and write it",
    "SQLITE_PERM": "permission denied: check the permissions of the file and of its folder",
    "SQLITE_AUTH": "permission denied: check the permissions of the file and of its folder",
    "SQLITE_IOERR": "a disk I/O error (a full disk, a file size limit, or a failing disk): check the disk",
    "SQLITE_NOTADB": "the file is not a SQLite database, so not a handoff store; it was left untouched",
    "SQLITE_CORRUPT": "the store file is damaged: run `handoff db check`, and restore a backup if it fails",
}


def sqlite_failure(exc: BaseException, display: str, what: str = "store") -> HandoffError | None:
    """The one line for a SQLite failure that is not a bug (busy, full, read-only, ...), or None."""
    orig = getattr(exc, "orig", None) or exc
    if not isinstance(orig, sqlite3.Error):
        return None
    name = getattr(orig, "sqlite_errorname", None) or ""
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or is_locked_error(orig):
        return StoreBusy(f"store {display} is locked by another process writing; try again")
    for prefix, cause in _SQLITE_CAUSES.items():
        if name.startswith(prefix):
            return StoreError(f"{what} {display}: {cause}")
    text = str(orig).lower()
    if "disk is full" in text:
        return StoreError(f"{what} {display}: {_SQLITE_CAUSES['SQLITE_FULL']}")
    if "readonly" in text or "read-only" in text:
        return StoreError(f"{what} {display}: {_SQLITE_CAUSES['SQLITE_READONLY']}")
    return None


@contextmanager
def _nothing() -> Iterator[None]:
    yield


# Advisory lock keys (any fixed bigint; they only need to differ from each other).
UPGRADE_LOCK_KEY = 815051
WRITE_LOCK_KEY = 815052

_CONFLICTS = {
    "uq_account_name_key": "an account with that name exists already (names are unique, ignoring case)",
    "account.name_key": "an account with that name exists already (names are unique, ignoring case)",
    "uq_account_external_id": "that external id belongs to another account",
    "account.external_id": "that external id belongs to another account",
    "uq_milestone_account_title": "that account has a milestone with that title already",
    "milestone.account_id, milestone.title_key": "that account has a milestone with that title already",
    "uq_success_plan_account_version": "another plan version was saved at the same time; try again",
    "success_plan.account_id, success_plan.version": "another plan version was saved at the same time; try again",
}


def _conflict_message(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    diag = getattr(orig, "diag", None)
    constraint = getattr(diag, "constraint_name", None) if diag is not None else None
    text = str(orig)
    for key, message in _CONFLICTS.items():
        if key == constraint or key in text:
            return message
    if _sqlstate(exc) == "23503" or "FOREIGN KEY" in text:
        return "that refers to something no longer in the store (changed by someone else meanwhile?); try again"
    return f"that would conflict with data already in the store ({_first_line(exc)})"


def _is_connect_error(exc: BaseException) -> bool:
    state = _sqlstate(exc)
    if state is not None:
        # 08: connection exception, 28: invalid authorization, 3D000: no such database, 57P0x: server shutting down
        return state.startswith(("08", "28", "57P")) or state == "3D000"
    return "connection" in str(getattr(exc, "orig", None) or exc).lower()


def _server_did_not_answer(exc: BaseException) -> bool:
    """A connection refused, timed out or dropped (a retry can help), as opposed to a refused
    login or a missing database (a retry cannot)."""
    if exc is not None and getattr(exc, "connection_invalidated", False):
        return True
    state = _sqlstate(exc)
    if state is not None:
        return state.startswith(("08", "57P"))
    text = str(getattr(exc, "orig", None) or exc).lower()
    return any(
        m in text
        for m in (
            "connection refused",
            "timeout expired",
            "timed out",
            "server closed",
            "could not connect",
            "no route",
        )
    )


def _byte_order_collation(collation: str | None) -> bool:
    return (collation or "").lower().replace("-", "") in ("c", "posix", "c.utf8")


class Reader:
    dialect: str
    visibility: Any = None
    # what the reader learnt about the store's tables, kept on the store handle
    cache: dict[str, Any] | None = None

    def all(self, sql: str, params: dict[str, Any] | None = None) -> Sequence[Sequence[Any]]:  # pragma: no cover
        raise NotImplementedError

    def visible(self, known_at: datetime | None, every_row: bool) -> None:
        """From now on, every query sees the visible rows only (see journal.shadow_sql)."""
        if every_row:
            return
        from handoff_cli.store.journal import plan_visibility

        self.visibility = plan_visibility(self.all, self.dialect, known_at, self.cache)

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
        if self.visibility is not None:
            from handoff_cli.store.journal import shadow_sql

            sql = shadow_sql(self.visibility, sql)
        return self.conn.execute(sql, bound).fetchall()


class CoreReader(Reader):
    """PostgreSQL rows, with values in the same Python types the SQLite reader gives:
    booleans as 0/1, NUMERIC results (SUM, AVG) as int when whole-typed, else float."""

    dialect = "postgresql"

    def __init__(self, conn, text):
        self.conn = conn
        self._text = text

    def all(self, sql, params=None):
        if self.visibility is not None:
            from handoff_cli.store.journal import shadow_sql

            sql = shadow_sql(self.visibility, sql)
        return [tuple(_like_sqlite(v) for v in r) for r in self.conn.execute(self._text(sql), params or {}).all()]


def _like_sqlite(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return int(value) if isinstance(exponent, int) and exponent >= 0 else float(value)
    return value


def make_engine(url: str) -> Engine:
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
        connect_args = {
            k: v for k, v in (("connect_timeout", 10), ("application_name", "handoff")) if f"{k}=" not in url
        }
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    except ModuleNotFoundError:
        raise StoreError("team mode needs psycopg: pip install 'handoff-cli[postgres]'") from None
