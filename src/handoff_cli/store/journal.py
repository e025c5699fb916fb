"""The journal of writes (PRODUCT.md section 2, "Corrections") and what the read path sees.

How a write is journaled, for every write command without any code in the command:

* ``Store.write()`` runs its body inside ``recording()``. Before the body, it notes
  the highest id of every data table and puts a row in ``journal_capture``; while
  that row is there, a trigger on every data table copies the previous values of
  each row an UPDATE changes into ``journal_change`` (op ``update``, the old row as
  JSON). After the body, the ids above the noted ones are the rows the command
  created (op ``insert``, one id range per table). Then it writes the
  ``journal_entry`` (when, the command as typed) and gives it the pending changes,
  all in the write's own transaction: a killed write leaves neither.
* A write that changed nothing records no entry.
* Rows are never deleted: undoing a creation voids the row (``voided_at``,
  ``void_reason``); undoing a change writes the previous values back.

What a read sees (``shadow_sql``): every table a report reads is shadowed by a
common table expression of the same name, so the report's SQL need not change:
rows voided are left out; with ``--known-at`` only rows recorded by then count,
each with the values it had then (the previous values of the first change made
after that instant), and a void made later is not applied.

Every row's ``created_at`` is the instant it was recorded, by the one clock
(``recorded_instant``); the entry that created it has the same instant.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Optional

from handoff_cli.clock import WRITE_INSTANT as _INSTANT

JOURNAL_TABLES = ("journal_entry", "journal_change", "journal_capture")
_SKIP = (*JOURNAL_TABLES, "alembic_version")


def current_instant() -> Optional[datetime]:
    return _INSTANT.get()


def recorded_instant(today: date, *, now: Optional[datetime] = None, tz: Any = None) -> datetime:
    """The instant a write is recorded at, by the one clock: the real time of day (in the
    configured time zone) on the clock's date, in UTC. Without HANDOFF_TODAY or --as-of the
    clock's date is the real date, so this is simply the real instant."""
    real = (now or datetime.now(UTC)).astimezone(tz) if tz is not None else (now or datetime.now(UTC)).astimezone()
    local = datetime.combine(today, real.timetz().replace(tzinfo=None), tzinfo=real.tzinfo)
    return local.astimezone(UTC)


def configured_zone() -> Any:
    """HANDOFF_TZ as a tzinfo, else None (the system's zone)."""
    import os

    name = os.environ.get("HANDOFF_TZ")
    if not name:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from handoff_cli.errors import BadInput

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput(f"HANDOFF_TZ={name!r} is not a known time zone (try Europe/Berlin or UTC)") from None


def parse_known_at(text: str, *, today: date) -> datetime:
    """--known-at TIME: ISO 8601 with or without an offset (none: the configured time zone),
    or a date (the end of that day: its last microsecond), or a word/offset the dates take."""
    from handoff_cli.clock import check_date_range, parse_date
    from handoff_cli.errors import BadInput

    raw = (text or "").strip()
    zone = configured_zone()
    if "T" in raw.upper() or ":" in raw:
        try:
            moment = datetime.fromisoformat(raw.replace("z", "Z").replace("Z", "+00:00"))
        except ValueError:
            raise BadInput(
                f"--known-at {text!r} is not a time: use 2026-06-01T17:30, 2026-06-01T17:30+02:00 or a date"
            ) from None
        check_date_range(moment.date(), "--known-at", text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone) if zone is not None else moment.astimezone()
        return moment.astimezone(UTC)
    day = parse_date(raw, today=today, what="--known-at")
    end = datetime.combine(day, time.max)
    end = end.replace(tzinfo=zone) if zone is not None else end.astimezone()
    return end.astimezone(UTC)


# -- the schema side: triggers -------------------------------------------------


def data_tables(conn: Any) -> list[str]:
    """The store's data tables (everything but the journal's own and Alembic's), with an id."""
    if conn.dialect.name == "sqlite":
        names = [r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        names = [n for n in names if not n.startswith("sqlite_")]
    else:
        names = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                "AND table_type = 'BASE TABLE' ORDER BY table_name"
            )
        ]
    return [n for n in names if n not in _SKIP and "id" in columns(conn, n)]


def columns(conn: Any, table: str) -> list[str]:
    if conn.dialect.name == "sqlite":
        return [r[1] for r in conn.exec_driver_sql(f'PRAGMA table_info("{table}")')]
    return [
        r[0]
        for r in conn.exec_driver_sql(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            f"AND table_name = '{table}' ORDER BY ordinal_position"
        )
    ]


_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION journal_record_update() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM journal_capture) THEN
        INSERT INTO journal_change (entry_id, table_name, op, row_id, last_id, before)
        VALUES (NULL, TG_TABLE_NAME, 'update', OLD.id, OLD.id, CAST(to_jsonb(OLD) AS text));
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def drop_triggers(conn: Any) -> None:
    sqlite = conn.dialect.name == "sqlite"
    for table in data_tables(conn):
        if sqlite:
            conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS "journal_update_{table}"')
        else:
            conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS "journal_update_{table}" ON "{table}"')


def install_triggers(conn: Any) -> None:
    """(Re)create the trigger that records previous values on every data table, from the
    columns the tables have now. Run after every upgrade (migrations/env.py), so a later
    migration that rebuilds a table or adds one is journaled too."""
    if "journal_change" not in _all_tables(conn):
        return
    drop_triggers(conn)
    if conn.dialect.name == "sqlite":
        for table in data_tables(conn):
            pairs = ", ".join(f"'{c}', OLD.\"{c}\"" for c in columns(conn, table))
            conn.exec_driver_sql(
                f'CREATE TRIGGER "journal_update_{table}" AFTER UPDATE ON "{table}" '
                "WHEN EXISTS (SELECT 1 FROM journal_capture) BEGIN "
                "INSERT INTO journal_change (entry_id, table_name, op, row_id, last_id, before) "
                f"VALUES (NULL, '{table}', 'update', OLD.id, OLD.id, json_object({pairs})); END"
            )
        return
    conn.exec_driver_sql(_PG_FUNCTION)
    for table in data_tables(conn):
        conn.exec_driver_sql(
            f'CREATE TRIGGER "journal_update_{table}" AFTER UPDATE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION journal_record_update()"
        )


def _all_tables(conn: Any) -> set[str]:
    if conn.dialect.name == "sqlite":
        return {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
    return {
        r[0]
        for r in conn.exec_driver_sql(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        )
    }


# -- the write side: recording one entry -----------------------------------------


def _max_ids(conn: Any, tables: Sequence[str]) -> dict[str, int]:
    sql = " UNION ALL ".join(f"SELECT '{t}', COALESCE(MAX(id), 0) FROM \"{t}\"" for t in tables)
    return {t: int(n) for t, n in conn.exec_driver_sql(sql)} if tables else {}


@contextmanager
def recording(session: Any, *, command: Optional[str], clock: Optional[Callable[[], datetime]]) -> Iterator[None]:
    """Journal what the body writes as one entry (see the module's text). `session.info` may
    carry "journal_undoes" (the entry an undo reverts) or "journal_off" (restore of a journal)."""
    from sqlalchemy import text

    conn = session.connection()
    tables = data_tables(conn)
    before = _max_ids(conn, tables)
    conn.exec_driver_sql("INSERT INTO journal_capture (id) VALUES (1)")
    instant = clock() if clock is not None else datetime.now(UTC)
    token = _INSTANT.set(instant)
    try:
        yield
        session.flush()
    finally:
        _INSTANT.reset(token)
    conn.exec_driver_sql("DELETE FROM journal_capture")
    if session.info.get("journal_off"):
        conn.exec_driver_sql("DELETE FROM journal_change WHERE entry_id IS NULL")
        return
    after = _max_ids(conn, tables)
    for table in tables:
        if after[table] > before[table]:
            conn.execute(
                text(
                    "INSERT INTO journal_change (entry_id, table_name, op, row_id, last_id, before) "
                    "VALUES (NULL, :t, 'insert', :a, :b, NULL)"
                ),
                {"t": table, "a": before[table] + 1, "b": after[table]},
            )
    pending = conn.exec_driver_sql("SELECT COUNT(*) FROM journal_change WHERE entry_id IS NULL").scalar()
    if not pending:
        return
    undoes = session.info.get("journal_undoes")
    stamp = instant if conn.dialect.name != "sqlite" else _sqlite_instant(instant)
    entry_id = conn.execute(
        text(
            "INSERT INTO journal_entry (recorded_at, command, undoes_id, undone_by_id) "
            "VALUES (:at, :command, :undoes, NULL) RETURNING id"
        ),
        {"at": stamp, "command": command or "", "undoes": undoes},
    ).scalar()
    conn.execute(text("UPDATE journal_change SET entry_id = :e WHERE entry_id IS NULL"), {"e": entry_id})
    if undoes is not None:
        conn.execute(text("UPDATE journal_entry SET undone_by_id = :e WHERE id = :u"), {"e": entry_id, "u": undoes})
    for redone in session.info.get("journal_redoes", ()):
        conn.execute(text("UPDATE journal_entry SET undone_by_id = NULL WHERE id = :u"), {"u": redone})
    session.info["journal_entry_id"] = entry_id


def _sqlite_instant(moment: datetime) -> str:
    """An instant as SQLite stores UTCDateTime columns: naive UTC text."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def live_rows_only(session: Any) -> None:
    """ORM reads in a write session leave voided rows out (every model with voided_at)."""
    from sqlalchemy import event
    from sqlalchemy.orm import with_loader_criteria

    from handoff_cli.store.models import metadata

    models = [m for m in _models() if "voided_at" in m.__table__.columns]
    del metadata

    @event.listens_for(session, "do_orm_execute")
    def _live(state):  # pragma: no cover - exercised by every write
        if state.is_select and not state.execution_options.get("include_voided", False):
            state.statement = state.statement.options(
                *(with_loader_criteria(m, lambda cls: cls.voided_at.is_(None), include_aliases=True) for m in models)
            )


def _models() -> list[Any]:
    from sqlmodel import SQLModel

    return [m.class_ for m in SQLModel._sa_registry.mappers]


# -- the read side: what a report sees -------------------------------------------


@dataclass
class Visibility:
    """What the read path leaves out: voided rows, and with `known_at` rows recorded later."""

    known_at: Optional[datetime] = None
    # table -> its columns, for the tables that need a shadow
    shadows: dict[str, list[str]] = field(default_factory=dict)
    schema: str = "main"
    dialect: str = "sqlite"
    prefix: str = ""


def plan_visibility(
    run: Callable[[str], Sequence[Sequence[Any]]],
    dialect: str,
    known_at: Optional[datetime],
    cache: Optional[dict[str, Any]] = None,
) -> Visibility:
    """The shadows a reader needs; `run(sql)` answers plain SQL on the reader's connection.
    The tables and their columns are read once per store handle (`cache`); then one query
    per reader asks which tables hold voided rows (a seek in each table's partial index)."""
    cache = {} if cache is None else cache
    if "columns" not in cache:
        cache["schema"], cache["columns"] = _schema_columns(run, dialect)
    schema: str = cache["schema"]
    cols: dict[str, list[str]] = cache["columns"]
    vis = Visibility(known_at=known_at, schema=schema, dialect=dialect)
    if not cols:
        return vis
    if known_at is not None:
        vis.shadows = dict(cols)
    else:
        probe = " UNION ALL ".join(
            f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM {schema}.\"{t}\" WHERE voided_at IS NOT NULL)" for t in cols
        )
        vis.shadows = {r[0]: cols[r[0]] for r in run(probe)}
    vis.prefix = _prefix(vis)
    return vis


def _schema_columns(run: Callable[[str], Sequence[Sequence[Any]]], dialect: str) -> tuple[str, dict[str, list[str]]]:
    """(schema, {table: columns}) of the data tables that can hold voided rows; none before 0003."""
    if dialect == "sqlite":
        schema = "main"
        rows = run(
            "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p "
            "WHERE m.type = 'table' ORDER BY m.name, p.cid"
        )
    else:
        schema = run("SELECT current_schema()")[0][0]
        rows = run(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "ORDER BY table_name, ordinal_position"
        )
    found: dict[str, list[str]] = {}
    for table, column in rows:
        found.setdefault(table, []).append(column)
    if "journal_change" not in found:
        return schema, {}
    keep = {
        t: c
        for t, c in found.items()
        if t not in _SKIP and not t.startswith("sqlite_") and "voided_at" in c and "id" in c
    }
    return schema, keep


def _instant_literal(vis: Visibility) -> str:
    assert vis.known_at is not None
    if vis.dialect == "sqlite":
        return f"'{_sqlite_instant(vis.known_at)}'"
    return f"CAST('{vis.known_at.astimezone(UTC).isoformat()}' AS timestamptz)"


def _shadow(vis: Visibility, table: str, cols: list[str]) -> str:
    real = f'{vis.schema}."{table}"'
    if vis.known_at is None:
        return f'"{table}" AS NOT MATERIALIZED (SELECT * FROM {real} WHERE voided_at IS NULL)'
    k = _instant_literal(vis)
    j = f'{vis.schema}."journal_change"'
    e = f'{vis.schema}."journal_entry"'
    first_later = (
        f"SELECT c.row_id, c.before FROM {j} c WHERE c.id IN (SELECT MIN(c2.id) FROM {j} c2 JOIN {e} e2 "
        f"ON e2.id = c2.entry_id WHERE c2.table_name = '{table}' AND c2.op = 'update' AND e2.recorded_at > {k} "
        "GROUP BY c2.row_id)"
    )
    recorded = f"t0.created_at <= {k}" if "created_at" in cols else "1 = 1"
    if vis.dialect == "sqlite":
        picked = ", ".join(
            f'CASE WHEN p.before IS NULL THEN t0."{c}" ELSE json_extract(p.before, \'$."{c}"\') END AS "{c}"'
            for c in cols
        )
        body = f"SELECT {picked} FROM {real} t0 LEFT JOIN ({first_later}) p ON p.row_id = t0.id WHERE {recorded}"
    else:
        picked = ", ".join(f'r."{c}"' for c in cols)
        body = (
            f"SELECT {picked} FROM {real} t0 LEFT JOIN ({first_later}) p ON p.row_id = t0.id "
            "CROSS JOIN LATERAL jsonb_populate_record(t0, COALESCE(CAST(p.before AS jsonb), CAST('{}' AS jsonb))) r "
            f"WHERE {recorded}"
        )
    return f'"{table}" AS NOT MATERIALIZED (SELECT * FROM ({body}) v WHERE v.voided_at IS NULL)'


def _prefix(vis: Visibility) -> str:
    return ", ".join(_shadow(vis, t, c) for t, c in vis.shadows.items())


def shadow_sql(vis: Optional[Visibility], sql: str) -> str:
    """The report's SQL with every shadowed table replaced by its visible rows."""
    if vis is None or not vis.prefix:
        return sql
    stripped = sql.lstrip()
    head = stripped[:15].upper()
    if head.startswith("WITH RECURSIVE"):
        return f"WITH RECURSIVE {vis.prefix}, {stripped[len('WITH RECURSIVE') :]}"
    if head.startswith("WITH"):
        return f"WITH {vis.prefix}, {stripped[4:]}"
    return f"WITH {vis.prefix} {stripped}"


# -- undo --------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    table: str
    op: str
    row_id: int
    last_id: int
    before: Optional[dict[str, Any]]


def entry_changes(conn: Any, entry_id: int) -> list[Change]:
    from sqlalchemy import text

    rows = conn.execute(
        text("SELECT table_name, op, row_id, last_id, before FROM journal_change WHERE entry_id = :e ORDER BY id"),
        {"e": entry_id},
    ).all()
    return [Change(t, o, int(a), int(b), json.loads(x) if x else None) for t, o, a, b, x in rows]


def touched(changes: Sequence[Change]) -> dict[str, list[tuple[int, int]]]:
    out: dict[str, list[tuple[int, int]]] = {}
    for c in changes:
        out.setdefault(c.table, []).append((c.row_id, c.last_id))
    return out


def overlaps(a: dict[str, list[tuple[int, int]]], b: dict[str, list[tuple[int, int]]]) -> bool:
    for table, ranges in a.items():
        for lo, hi in ranges:
            for lo2, hi2 in b.get(table, ()):
                if lo <= hi2 and lo2 <= hi:
                    return True
    return False


def revert(conn: Any, changes: Sequence[Change], *, entry_id: int, instant: datetime) -> None:
    """Write back the previous values of every row the entry changed (newest change first),
    then void the rows it created."""
    from sqlalchemy import text

    pg = conn.dialect.name != "sqlite"
    for c in reversed(changes):
        if c.op != "update" or c.before is None:
            continue
        cols = [k for k in c.before if k != "id"]
        if pg:
            names = ", ".join(f'"{k}"' for k in cols)
            conn.execute(
                text(
                    f'UPDATE "{c.table}" SET ({names}) = (SELECT {names} FROM '
                    f'jsonb_populate_record(NULL::"{c.table}", CAST(:j AS jsonb))) WHERE id = :id'
                ),
                {"j": json.dumps(c.before), "id": c.row_id},
            )
        else:
            sets = ", ".join(f'"{k}" = :v{i}' for i, k in enumerate(cols))
            conn.execute(
                text(f'UPDATE "{c.table}" SET {sets} WHERE id = :id'),
                {**{f"v{i}": c.before[k] for i, k in enumerate(cols)}, "id": c.row_id},
            )
    stamp = instant if pg else _sqlite_instant(instant)
    for c in changes:
        if c.op == "insert":
            conn.execute(
                text(
                    f'UPDATE "{c.table}" SET voided_at = :at, void_reason = :why '
                    "WHERE id BETWEEN :a AND :b AND voided_at IS NULL"
                ),
                {"at": stamp, "why": f"undone (change {entry_id})", "a": c.row_id, "b": c.last_id},
            )


def later_instant(moment: datetime) -> datetime:
    return moment + timedelta(microseconds=1)
