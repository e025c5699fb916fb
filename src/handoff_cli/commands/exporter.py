"""Export the whole store as JSON lines, and restore such a file into an empty store.

The export is stable: a header line (format, version, schema revision, tables),
then every table in a fixed order, rows by primary key, one JSON object per
line with sorted keys, ids and created_at preserved, dates in ISO 8601 and
instants in UTC. The same store gives the same bytes on SQLite and on
PostgreSQL, so export -> restore -> export is identical.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from handoff_cli import SCHEMA_HEAD
from handoff_cli.errors import BadInput
from handoff_cli.store import Store

# Schema revisions whose tables and columns are those of the head (0002 only
# added an index), so their exports restore as they are. A revision that changes
# columns starts a new set.
# 0003 added the journal and the void columns: older exports restore with no voids, each
# plan criterion recorded when its plan was, and the restore journaled as one change.
# 0004 only added the ack and notify_run tables, which an older export simply lacks.
SAME_ROWS_AS_HEAD = frozenset({"0001", "0002", "0003", "0004"})

FORMAT = "handoff-export"
VERSION = 1
# parents before children, so a restore meets every foreign key in order
TABLE_ORDER = (
    "account",
    "assignment",
    "milestone",
    "slip",
    "success_plan",
    "plan_criterion",
    "event",
    "handover",
    "ack",
    "notify_run",
)
BATCH_ROWS = 5_000


@dataclass(frozen=True)
class ExportInfo:
    path: str
    rows: int
    tables: dict[str, int]


def _tables():
    """The tables to export, in the fixed order (tables added later follow, parents first)."""
    from handoff_cli.store.models import metadata

    # journal_capture only ever holds a row inside a write: nothing to export
    known = {t.name: t for t in metadata.sorted_tables if t.name != "journal_capture"}
    order = [known[n] for n in TABLE_ORDER if n in known]
    order += [t for t in metadata.sorted_tables if t.name not in TABLE_ORDER and t.name in known]
    return order


def _kind(column) -> str:
    from sqlalchemy import Boolean, Date, DateTime, Float, Integer

    ctype = column.type
    impl = getattr(ctype, "impl", ctype)
    for cls, name in ((DateTime, "datetime"), (Date, "date"), (Boolean, "bool"), (Integer, "int"), (Float, "float")):
        if isinstance(ctype, cls) or isinstance(impl, cls):
            return name
    return "text"


def _instant(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


_OUT: dict[str, Callable[[Any], Any]] = {
    "datetime": lambda v: _instant(v).isoformat(timespec="microseconds"),
    "date": lambda v: (v if isinstance(v, date) else date.fromisoformat(v)).isoformat(),
    "bool": bool,
    "int": int,
    "float": float,
    "text": str,
}


def _line(obj: dict[str, Any]) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"


def _iter_rows(reader, sql: str) -> Iterator[tuple]:
    if reader.dialect == "sqlite":
        yield from reader.conn.execute(sql)
    else:
        from sqlalchemy import text

        yield from reader.conn.execution_options(stream_results=True).execute(text(sql))


def export_lines(*, store: Store, today: date, counts: dict[str, int] | None = None) -> Iterator[str]:
    """The export, line by line, from one consistent snapshot of the store."""
    tables = _tables()
    with store.reader(every_row=True) as r:  # a missing or foreign store fails before the first line
        yield _line({"format": FORMAT, "version": VERSION, "schema": SCHEMA_HEAD, "tables": [t.name for t in tables]})
        for table in tables:
            cols = list(table.columns)
            convert = [(c.name, _OUT[_kind(c)]) for c in cols]
            pk = ", ".join(c.name for c in table.primary_key.columns) or "1"
            sql = f'SELECT {", ".join(c.name for c in cols)} FROM "{table.name}" ORDER BY {pk}'
            n = 0
            for row in _iter_rows(r, sql):
                record = {name: (None if v is None else conv(v)) for (name, conv), v in zip(convert, row)}
                yield _line({"table": table.name, "row": record})
                n += 1
            if counts is not None:
                counts[table.name] = n


def write_export(path: Path, *, store: Store, today: date, force: bool = False) -> ExportInfo:
    """Write the export to a file readable by its owner only, whole or not at all (files.py):
    never over an existing file without `force`, never over the store."""
    from handoff_cli.files import check_target, store_files, written_whole

    path = check_target(Path(path), force=force, protect=store_files(store.path))
    store.ensure_ready()  # a missing store fails before any file is made
    counts: dict[str, int] = {}
    with written_whole(path, force=force) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="\n") as out:
            for line in export_lines(store=store, today=today, counts=counts):
                out.write(line)
    return ExportInfo(str(path), sum(counts.values()), counts)


# ---------------------------------------------------------------------------
# restore


def _records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        f = open(path, encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"cannot read {path}: {exc.strerror}") from None
    with f:
        for number, text in enumerate(f, start=1):
            if not text.strip():
                continue
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                raise BadInput(
                    f"{path}:{number}: not a JSON line ({exc.msg}): is this a `handoff export` file?"
                ) from None
            if not isinstance(obj, dict):
                raise BadInput(f"{path}:{number}: not a JSON object: is this a `handoff export` file?")
            yield number, obj


def restore_store(path: Path, *, store: Store, today: date) -> ExportInfo:
    """Load an export into an empty store in one transaction; refuses a store that has any rows."""
    from sqlalchemy import func, insert, select, text

    path = Path(path)
    records = _records(path)
    first = next(records, None)
    if first is None:
        raise BadInput(f"{path} is empty: give a file written by `handoff export`")
    _, header = first
    if header.get("format") != FORMAT or header.get("version") != VERSION:
        raise BadInput(
            f"{path} is not a handoff export (its first line should name format {FORMAT!r} version {VERSION})"
        )
    if header.get("schema") not in SAME_ROWS_AS_HEAD:
        raise BadInput(
            f"{path} was exported at schema {header.get('schema')!r}; this handoff restores schema "
            f"{', '.join(sorted(SAME_ROWS_AS_HEAD))}: use the handoff version that wrote it"
        )
    from handoff_cli.commands.rowcheck import RowChecker

    tables = {t.name: t for t in _tables()}
    columns_of = {name: {c.name for c in t.columns} for name, t in tables.items()}
    checker = RowChecker(tables)  # the write commands' rules, row by row (commands/rowcheck.py)
    counts = {name: 0 for name in tables}
    # an export that carries its journal is restored as it was (no entry of its own, so
    # export -> restore -> export is identical); an older one is journaled as one change
    carries_journal = "journal_entry" in (header.get("tables") or ())
    plan_recorded: dict[Any, Any] = {}
    with store.write(journal=not carries_journal) as s:
        conn = s.connection()
        busy = [
            n
            for n, t in tables.items()
            if not n.startswith("journal_") and conn.execute(select(func.count()).select_from(t)).scalar()
        ]
        if busy:
            raise BadInput(
                f"the store {store.display()} is not empty (it has {', '.join(busy)} rows): "
                "restore needs an empty store, for example a new --db path"
            )
        batch: list[dict[str, Any]] = []
        current: str | None = None

        def flush() -> None:
            if batch:
                conn.execute(insert(tables[current]), batch)
                batch.clear()

        for number, obj in records:
            name, row = obj.get("table"), obj.get("row")
            if not isinstance(name, str) or name not in tables or not isinstance(row, dict):
                raise BadInput(
                    f"{path}:{number}: unknown table {name!r}" if name not in tables else f"{path}:{number}: no row"
                )
            unknown = sorted(set(row) - columns_of[name])
            if unknown:
                raise BadInput(f"{path}:{number}: table {name} has no column {', '.join(unknown)}")
            try:
                values = checker.check(name, row)
            except BadInput as exc:  # the row's first bad value, named by the row checker
                raise BadInput(f"{path}:{number}: {exc}") from None
            if name == "success_plan":
                plan_recorded[values.get("id")] = values.get("created_at")
            elif name == "plan_criterion" and values.get("created_at") is None:
                values["created_at"] = plan_recorded.get(values.get("plan_id"))
            if name != current:
                flush()
                current = name
            batch.append(values)
            counts[name] += 1
            if len(batch) >= BATCH_ROWS:
                flush()
        flush()
        if conn.dialect.name == "postgresql":
            for name, table in tables.items():
                if "id" in table.columns and counts[name]:
                    conn.execute(
                        text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT MAX(id) FROM \"{name}\"))")
                    )
    return ExportInfo(str(path), sum(counts.values()), counts)
