"""The rows of a restore, checked with the rules of the write commands (PRODUCT.md section 2).

A hand-edited or foreign export must not put into the store what no command would:
a name whose key does not match it (the account becomes unreachable), two names
that differ only in case or Unicode form, an unknown event kind, a NaN or a usage
of 2.5, a `"false"` read as true, a date in year 9999, or text holding ESC, BEL or
a bidi override. Each row is checked as it is read, and the first bad one is
refused with its line (the caller names the file), so the store stays empty.

Every table (also ones added by later revisions) gets the checks of its column
types: ids whole numbers >= 1 and unique, foreign keys naming a row already
restored, booleans JSON true/false, whole numbers JSON integers, numbers finite,
dates ISO (YYYY-MM-DD) between 1900-01-01 and 2199-12-31, instants ISO 8601, and
text with no control or format character (handoff_cli.text). The tables of
handoff's own model get the rest of the write commands' rules below; their text is
NFC-normalised and stripped as a write would store it, and name keys are rebuilt.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from typing import Any

from handoff_cli.errors import BadInput
from handoff_cli.store.models import EVENT_KINDS, MOTIONS, ROLES, SIDES, SLIP_CAUSES
from handoff_cli.text import MAX_NOTE, MAX_TEXT, clean, fold, name_key, quoted, refusal, unsafe_char

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)
MAX_TTV_TARGET = 36_500
MAX_ARR = 1e15
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MILESTONE_KIND = re.compile(r"[a-z][a-z0-9-]{0,39}")

# the text columns of handoff's own tables that may be long (the rest hold at most MAX_TEXT)
_LONG_TEXT = {
    ("slip", "note"),
    ("success_plan", "outcome"),
    ("plan_criterion", "text"),
    ("event", "note"),
    ("handover", "promised"),
    ("handover", "customised"),
    ("handover", "open_issues"),
}
OWN_TABLES = frozenset(
    {"account", "assignment", "milestone", "slip", "success_plan", "plan_criterion", "event", "handover"}
)


class RowError(BadInput):
    """One bad row: the reason, without the file and line (the caller adds them)."""


def _kind(column) -> str:
    from sqlalchemy import Boolean, Date, DateTime, Float, Integer

    ctype = column.type
    impl = getattr(ctype, "impl", ctype)
    for cls, name in ((DateTime, "datetime"), (Date, "date"), (Boolean, "bool"), (Integer, "int"), (Float, "float")):
        if isinstance(ctype, cls) or isinstance(impl, cls):
            return name
    return "text"


def _shown(value: Any) -> str:
    import json

    text = json.dumps(value, ensure_ascii=True)
    return text if len(text) <= 40 else text[:37] + "..."


def check_date(value: date, what: str) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise RowError(f"{what} {value.isoformat()} is out of range: dates lie between 1900-01-01 and 2199-12-31")
    return value


class RowChecker:
    """Checks the rows of one restore, in file order, remembering what uniqueness and foreign
    keys need (ids, name keys, titles, plan versions)."""

    def __init__(self, tables: dict[str, Any]):
        self.tables = tables
        self.ids: dict[str, set[int]] = {name: set() for name in tables}
        self.names: dict[str, int] = {}  # name key -> account id
        self.external_ids: set[str] = set()
        self.titles: set[tuple[int, str]] = set()
        self.versions: set[tuple[int, int]] = set()
        self._columns = {name: [(c.name, _kind(c), c) for c in table.columns] for name, table in tables.items()}
        self._refs = {
            name: {
                c.name: fk.column.table.name
                for c in table.columns
                for fk in c.foreign_keys
                if fk.column.name == "id" and fk.column.table.name in tables
            }
            for name, table in tables.items()
        }

    # -- one row -----------------------------------------------------------

    def check(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        """The row's values as the store takes them; RowError naming the field when one is bad."""
        values: dict[str, Any] = {}
        own = table in OWN_TABLES
        for column, kind, col in self._columns[table]:
            what = f"{table} {column}"
            if column not in row:  # an export of an older revision: the column's default applies
                if not (col.nullable or col.primary_key or col.default is not None or col.server_default is not None):
                    raise RowError(f"{what} is missing (it is required)")
                continue
            raw = row[column]
            if raw is None:
                if not col.nullable and not col.primary_key:
                    raise RowError(f"{what} is null (it is required)")
                values[column] = None
                continue
            values[column] = self._value(table, column, kind, col, raw, what, own)
        for column, parent in self._refs[table].items():
            ref = values.get(column)
            if ref is not None and ref not in self.ids[parent]:
                raise RowError(f"{table} {column} {ref} names no {parent} row before it")
        rowid = values.get("id")
        if rowid is not None:
            if rowid in self.ids[table]:
                raise RowError(f"{table} id {rowid} is given twice")
        extra = getattr(self, f"_{table}", None) if own else None
        if extra is not None:
            extra(values, row)
        if rowid is not None:
            self.ids[table].add(rowid)
        return values

    def _value(self, table: str, column: str, kind: str, col, raw: Any, what: str, own: bool) -> Any:
        if kind == "bool":
            if type(raw) is not bool:
                raise RowError(f"{what} is {_shown(raw)}: give true or false")
            return raw
        if kind == "int":
            if type(raw) is not int:
                raise RowError(f"{what} is {_shown(raw)}: give a whole number")
            if column == "id" and raw < 1:
                raise RowError(f"{what} is {raw}: ids are whole numbers from 1")
            return raw
        if kind == "float":
            if type(raw) not in (int, float) or not math.isfinite(raw):
                raise RowError(f"{what} is {_shown(raw)}: give a finite number")
            return float(raw)
        if kind == "date":
            if type(raw) is not str or not _ISO_DATE.fullmatch(raw):
                raise RowError(f"{what} is {_shown(raw)}: give a date as YYYY-MM-DD")
            try:
                day = date.fromisoformat(raw)
            except ValueError:
                raise RowError(f"{what} {raw} is not a calendar date") from None
            return check_date(day, what)
        if kind == "datetime":
            try:
                if type(raw) is not str:
                    raise ValueError
                instant = datetime.fromisoformat(raw)
            except ValueError:
                raise RowError(f"{what} is {_shown(raw)}: give an ISO 8601 instant") from None
            if instant.tzinfo is None:
                instant = instant.replace(tzinfo=UTC)
            if not FIRST_DAY.year <= instant.year <= LAST_DAY.year:
                raise RowError(f"{what} {raw} is out of range: instants lie between 1900 and 2199")
            return instant.astimezone(UTC)
        if type(raw) is not str:
            raise RowError(f"{what} is {_shown(raw)}: give a text")
        if not own:  # a table of a later revision: checked, kept exactly
            bad = unsafe_char(raw)
            if bad is not None:
                raise RowError(refusal(bad, what))
            return raw
        limit = getattr(col.type, "length", None) or (MAX_NOTE if (table, column) in _LONG_TEXT else MAX_TEXT)
        return clean(raw, what, required=not col.nullable, max_len=limit)

    # -- the write commands' rules, per table ---------------------------------

    def _account(self, v: dict[str, Any], row: dict[str, Any]) -> None:
        name = v["name"]
        key = name_key(name)
        given = row.get("name_key")
        # a key from an older handoff is the name case-folded as given, without NFC
        if given not in (key, row["name"].strip().casefold()):
            raise RowError(f"account name_key {_shown(given)} does not match the name {quoted(name)}")
        v["name_key"] = key
        if key in self.names:
            raise RowError(f"account name {quoted(name)} is taken already (names are unique, ignoring case)")
        ext = v.get("external_id")
        if ext is not None:
            if ext in self.external_ids:
                raise RowError(f"account external_id {quoted(ext)} belongs to another account")
            self.external_ids.add(ext)
        if v.get("motion", "high-touch") not in MOTIONS:
            raise RowError(f"account motion {_shown(v['motion'])} is not one of {', '.join(MOTIONS)}")
        target = v.get("ttv_target_days")
        if target is not None and not 0 <= target <= MAX_TTV_TARGET:
            raise RowError(
                f"account ttv_target_days {target} must be a whole number of days from 0 to {MAX_TTV_TARGET}"
            )
        arr = v.get("arr")
        if arr is not None and not 0 <= arr <= MAX_ARR:
            raise RowError(f"account arr {arr:g} must be a number from 0 to {MAX_ARR:g}")
        archived = v.get("archived_on")
        if archived is not None and archived < v["signed_on"]:
            raise RowError(f"account archived_on {archived.isoformat()} is before its signed date")
        self.names[key] = v.get("id") or 0

    def _assignment(self, v: dict[str, Any], row: dict[str, Any]) -> None:
        if v["role"] not in ROLES:
            raise RowError(f"assignment role {_shown(v['role'])} is not one of {', '.join(ROLES)}")
        if v.get("end_on") is not None and v["end_on"] < v["start_on"]:
            raise RowError("assignment end_on is before its start_on")

    def _milestone(self, v: dict[str, Any], row: dict[str, Any]) -> None:
        key = fold(v["title"])
        given = row.get("title_key")
        if given not in (key, row["title"].strip().casefold()):
            raise RowError(f"milestone title_key {_shown(given)} does not match the title {quoted(v['title'])}")
        v["title_key"] = key
        if (v["account_id"], key) in self.titles:
            raise RowError(f"milestone title {quoted(v['title'])} is taken already on that account (ignoring case)")
        self.titles.add((v["account_id"], key))
        if not _MILESTONE_KIND.fullmatch(v.get("kind", "other")):
            raise RowError(f"milestone kind {_shown(v['kind'])} is not a kind (lower-case letters, digits and -)")
        if v.get("side", "vendor") not in SIDES:
            raise RowError(f"milestone side {_shown(v['side'])} is not one of {', '.join(SIDES)}")

    def _slip(self, v: dict[str, Any], row: dict[str, Any]) -> None:
        if v["cause"] not in SLIP_CAUSES:
            raise RowError(f"slip cause {_shown(v['cause'])} is not one of {', '.join(SLIP_CAUSES)}")

    def _success_plan(self, v: dict[str, Any], row: dict[str, Any]) -> None:
        if v["version"] < 1:
            raise RowError(f"success_plan version {v['version']} must be 1 or more")
        if (v["account_id"], v["version"]) in self.versions:
            raise RowError(f"success_plan version {v['version']} is given twice for that account")
        self.versions.add((v["account_id"], v["version"]))

    def _plan_criterion(self, v: dict[str, Any], row: dict[str, Any]) -> None:
        if v["position"] < 0:
            raise RowError(f"plan_criterion position {v['position']} must be 0 or more")

    def _event(self, v: dict[str, Any], row: dict[str, Any]) -> None:
        from handoff_cli.commands.events import validate_event

        if v["kind"] not in EVENT_KINDS:
            raise RowError(f"event kind {_shown(v['kind'])} is not one of {', '.join(EVENT_KINDS)}")
        try:
            value = validate_event(v["kind"], v.get("value"))
        except BadInput as exc:
            raise RowError(f"event value: {exc}") from None
        if "value" in v:
            v["value"] = value

    def _handover(self, v: dict[str, Any], row: dict[str, Any]) -> None:
        pass  # its columns' checks are the write's: people and context texts, strict booleans
