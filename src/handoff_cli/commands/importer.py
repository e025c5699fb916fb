"""CSV import of accounts and events (PRODUCT.md section 2).

Reading: UTF-8 with or without a BOM (Windows-1252 as a fallback, with a
warning), `,` `;` or tab separators (sniffed from the header line), headers
matched ignoring case, spaces, `_` and `.`. Dates: ISO, ISO date-times (the
date as written), or day-first / month-first with `/`, `.` or `-`, in the day
order the file proves (a first part above 12 proves day-first, a second part
above 12 proves month-first; dotted dates are day-first) or `--date-format`.

Formats: `handoff` accounts and events, HubSpot companies, Salesforce
opportunities. An import is one transaction: all or nothing unless
`skip_invalid`, and nothing at all on a dry run.

Events stream from the file: rows are validated one at a time and written in
batches with executemany on the transaction's connection; the account lookup
is one dict loaded up front.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Optional

from handoff_cli.clock import MAX_DATE, MIN_DATE
from handoff_cli.commands.dates import before_signed
from handoff_cli.errors import BadInput, HandoffError
from handoff_cli.store import to_date
from handoff_cli.store.models import EVENT_KINDS, MOTIONS, utcnow
from handoff_cli.text import fold, quoted

ACCOUNT_FORMATS = ("auto", "hubspot", "salesforce", "handoff")
EVENT_FORMATS = ("auto", "handoff")
DATE_FORMATS = ("ISO", "US", "EU")
BATCH_ROWS = 10_000
MAX_NOTE = 10_000
MAX_TEXT = 200

Notify = Callable[[str], None]
Progress = Callable[[int, int], None]  # (bytes read, total bytes)

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


# ---------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str


@dataclass(frozen=True)
class AccountChange:
    action: str  # create | update | unchanged
    name: str
    line: int
    # field -> (old, new) for updates
    changes: tuple[tuple[str, Any, Any], ...] = ()


@dataclass(frozen=True)
class ImportResult:
    what: str  # accounts | events
    source: str  # the file format: handoff, hubspot, salesforce
    file: str
    dry_run: bool
    written: bool
    rows: int
    rejected: tuple[RowProblem, ...]
    skipped: tuple[RowProblem, ...] = ()
    accounts: tuple[AccountChange, ...] = ()
    events_added: int = 0
    event_accounts: int = 0
    milestones_completed: int = 0

    def count(self, action: str) -> int:
        return sum(1 for a in self.accounts if a.action == action)


class _RowError(Exception):
    """One row is invalid: the reason, for the line-numbered list."""


class _Rollback(Exception):
    """Leave the transaction without writing anything."""


# ---------------------------------------------------------------------------
# reading the file


def norm_header(text: str) -> str:
    return re.sub(r"[\s_.]+", " ", (text or "").replace("\ufeff", "").strip().lower()).strip()


def _detect_encoding(path: Path, notify: Optional[Notify]) -> str:
    """utf-8-sig when the whole file decodes as UTF-8, else cp1252 (with a warning)."""
    decoder: codecs.IncrementalDecoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    decoder = codecs.getincrementaldecoder("cp1252")()
    try:
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                decoder.decode(chunk)
    except UnicodeDecodeError:
        raise BadInput(f"{path} is neither UTF-8 nor Windows-1252 text: save it as 'CSV UTF-8' and try again") from None
    if notify is not None:
        notify(f"warning: {path} is not UTF-8; reading it as Windows-1252 (save it as 'CSV UTF-8' to be sure)")
    return "cp1252"


def _sniff_delimiter(header_line: str) -> str:
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


class CsvSource:
    """One CSV file: encoding, separator, header; rows as (line number, cells)."""

    def __init__(self, path: Path, notify: Optional[Notify] = None):
        self.path = Path(path)
        if self.path.is_dir():
            raise BadInput(f"cannot read {path}: it is a folder, not a CSV file")
        if not self.path.is_file():
            raise BadInput(f"cannot read {path}: no such file")
        try:
            self.size = self.path.stat().st_size
            self.encoding = _detect_encoding(self.path, notify)
            with open(self.path, encoding=self.encoding, newline="") as f:
                first = f.readline()
        except OSError as exc:
            raise BadInput(f"cannot read {path}: {exc.strerror}") from None
        if not first.strip():
            raise BadInput(f"{path} is empty: the first line must be the column headers")
        self.delimiter = _sniff_delimiter(first)
        self.header = next(csv.reader([first], delimiter=self.delimiter))
        self.keys = [norm_header(h) for h in self.header]

    def index(self, *aliases: str) -> Optional[int]:
        """The column matching the first alias present (header names normalised)."""
        for alias in aliases:
            key = norm_header(alias)
            if key in self.keys:
                return self.keys.index(key)
        return None

    def rows(self, progress: Optional[Progress] = None) -> Iterator[tuple[int, list[str]]]:
        """Data rows with the line each starts on; blank rows are left out."""
        with open(self.path, "rb") as raw:
            text = io.TextIOWrapper(raw, encoding=self.encoding, newline="")
            reader = csv.reader(text, delimiter=self.delimiter)
            next(reader, None)
            line = reader.line_num + 1
            n = 0
            for cells in reader:
                start, line = line, reader.line_num + 1
                n += 1
                if progress is not None and n % BATCH_ROWS == 0:
                    progress(raw.tell(), self.size)
                if not cells or not any(c.strip() for c in cells):
                    continue
                yield start, cells
            if progress is not None:
                progress(self.size, self.size)


def _cell(cells: list[str], idx: Optional[int]) -> str:
    if idx is None or idx >= len(cells):
        return ""
    return cells[idx].strip()


# ---------------------------------------------------------------------------
# dates and amounts

_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?)?"
)
_YMD = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?:[ T].*)?")
_PARTS = re.compile(
    r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?:[ T,]+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?)?"
)


class DateReader:
    """Parses a file's dates in one day order: given, or proven by the file's own values."""

    def __init__(self, fmt: Optional[str], values: Callable[[], Iterable[str]], where: str):
        if fmt is not None and fmt.upper() not in DATE_FORMATS:
            raise BadInput(f"--date-format {fmt!r} is not one of ISO, US, EU")
        self.fmt = fmt.upper() if fmt else None
        self._values = values
        self._where = where
        self._cache: dict[str, date] = {}

    def _detect(self) -> str:
        sample = None
        for text in self._values():
            m = _PARTS.fullmatch(text.strip())
            if m is None:
                continue
            a, sep, b = int(m.group(1)), m.group(2), int(m.group(3))
            if sep == ".":
                return "EU"
            if a > 12 and b <= 12:
                return "EU"
            if b > 12 and a <= 12:
                return "US"
            sample = sample or text.strip()
        raise BadInput(
            f"dates in {self._where} such as {sample!r} could be month-first (US) or day-first (EU), and no date "
            "in the file settles it: rerun with --date-format US or --date-format EU"
        )

    def parse(self, text: str, what: str) -> date:
        hit = self._cache.get(text)
        if hit is not None:
            return hit
        value = self._parse(text.strip(), what)
        if not MIN_DATE <= value <= MAX_DATE:
            raise _RowError(
                f"{what} {text.strip()!r} is out of range: dates lie between {MIN_DATE.isoformat()} and "
                f"{MAX_DATE.isoformat()}"
            )
        if len(self._cache) < 100_000:
            self._cache[text] = value
        return value

    def _parse(self, text: str, what: str) -> date:
        try:
            m = _ISO.fullmatch(text)
            if m:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if self.fmt == "ISO":
                raise _RowError(f"{what} {text!r} is not an ISO date (YYYY-MM-DD), as --date-format ISO requires")
            m = _YMD.fullmatch(text)
            if m:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            m = _PARTS.fullmatch(text)
            if m is None:
                raise _RowError(f"{what} {text!r} is not a date: use YYYY-MM-DD, MM/DD/YYYY or DD/MM/YYYY")
            if self.fmt is None:
                self.fmt = self._detect()
            a, b, year = int(m.group(1)), int(m.group(3)), m.group(4)
            y = int(year) + (2000 if len(year) == 2 else 0)
            month, day = (a, b) if self.fmt == "US" else (b, a)
            try:
                return date(y, month, day)
            except ValueError:
                order = "MM/DD/YYYY" if self.fmt == "US" else "DD/MM/YYYY"
                raise _RowError(f"{what} {text!r} is not a date in this file's {order} order") from None
        except ValueError:
            raise _RowError(f"{what} {text!r} is not a calendar date") from None


_CURRENCY = re.compile(r"[A-Za-z$€£¥₹₩₽¢\s\u00a0\u202f']+")


def parse_amount(text: str, what: str = "amount") -> Optional[float]:
    """`$1,200.50`, `1.200,50 €`, `EUR 1 200` -> a number; empty -> None.

    With both `.` and `,` the last one is the decimal mark; a lone separator
    followed by exactly three digits (or repeated) groups thousands."""
    raw = text.strip()
    if not raw:
        return None
    body = _CURRENCY.sub("", raw)
    negative = body.startswith("-") or (body.startswith("(") and body.endswith(")"))
    body = body.strip("-()+")
    if not body or not re.fullmatch(r"[\d.,]+", body) or not body[0].isdigit():
        raise _RowError(f"{what} {raw!r} is not a number")
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        dec = "." if body.rfind(".") > body.rfind(",") else ","
        thou = "," if dec == "." else "."
        if body.count(dec) > 1:
            raise _RowError(f"{what} {raw!r} is not a number")
        body = body.replace(thou, "").replace(dec, ".")
    elif dots or commas:
        sep = "." if dots else ","
        parts = body.split(sep)
        if len(parts) > 2 or len(parts[-1]) == 3:
            if not all(len(p) == 3 for p in parts[1:]):
                raise _RowError(f"{what} {raw!r} is not a number")
            body = "".join(parts)
        else:
            body = body.replace(sep, ".")
    try:
        value = float(body)
    except ValueError:
        raise _RowError(f"{what} {raw!r} is not a number") from None
    if not math.isfinite(value):
        raise _RowError(f"{what} {raw!r} is not a number")
    return -value if negative else value


def _text(value: str, what: str, *, required: bool = False, max_len: int = MAX_TEXT) -> Optional[str]:
    from handoff_cli.commands.common import clean_text, name_key

    try:
        text = clean_text(value, what, required=required, max_len=max_len)
        if text and what.endswith("name"):
            name_key(text)  # the case-insensitive key must fit too
        return text
    except BadInput as exc:
        raise _RowError(str(exc)) from None


# ---------------------------------------------------------------------------
# formats

# field -> header aliases (normalised on lookup)
_HANDOFF_ACCOUNTS = {
    "name": ("name", "account", "account name"),
    "signed": ("signed", "signed on", "signed_on"),
    "motion": ("motion",),
    "segment": ("segment",),
    "ttv_target": ("ttv_target", "ttv target days", "ttv_target_days"),
    "arr": ("arr",),
    "external_id": ("external_id", "externalid"),
}
_HUBSPOT = {
    "id": ("Record ID", "hs_object_id", "Company ID"),
    "name": ("Company name", "name"),
    "closed": ("Close Date", "closedate"),
    "owner": ("Company owner", "hubspot_owner_id"),
}
_SALESFORCE = {
    "account_id": ("AccountId", "Account ID", "Account.Id"),
    "name": ("Account Name", "Account.Name"),
    "closed": ("Close Date", "CloseDate"),
    "stage": ("Stage", "StageName"),
    "amount": ("Amount",),
}
_HANDOFF_EVENTS = {
    "account": ("account",),
    "kind": ("kind",),
    "on": ("on", "date", "occurred_on"),
    "value": ("value",),
    "note": ("note",),
}

# format -> (fields, required groups: each group is satisfied by any one field, label for messages)
_REQUIRED: dict[str, tuple[dict, list[tuple[tuple[str, ...], str]]]] = {
    "handoff": (_HANDOFF_ACCOUNTS, [(("name",), "name"), (("signed",), "signed")]),
    "hubspot": (
        _HUBSPOT,
        [
            (("id",), "Record ID (hs_object_id)"),
            (("name",), "Company name (name)"),
            (("closed",), "Close Date (closedate)"),
        ],
    ),
    "salesforce": (
        _SALESFORCE,
        [
            (("name", "account_id"), "Account Name or AccountId"),
            (("closed",), "Close Date (CloseDate)"),
            (("stage",), "Stage (StageName)"),
        ],
    ),
    "events": (_HANDOFF_EVENTS, [(("account",), "account"), (("kind",), "kind"), (("on",), "on")]),
}
_LABELS = {
    "handoff": "a handoff accounts file",
    "hubspot": "a HubSpot companies export",
    "salesforce": "a Salesforce opportunities export",
    "events": "a handoff events file",
}


def _columns(src: CsvSource, fields: dict) -> dict[str, Optional[int]]:
    return {f: src.index(*aliases) for f, aliases in fields.items()}


def _missing(src: CsvSource, fmt: str) -> list[str]:
    fields, groups = _REQUIRED[fmt]
    cols = _columns(src, fields)
    return [label for names, label in groups if all(cols[n] is None for n in names)]


def _require(src: CsvSource, fmt: str) -> dict[str, Optional[int]]:
    missing = _missing(src, fmt)
    if missing:
        found = ", ".join(h for h in src.header if h.strip()) or "none"
        raise BadInput(
            f"{src.path} is missing the column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"for {_LABELS[fmt]} (found: {found})"
        )
    return _columns(src, _REQUIRED[fmt][0])


def _present(cols: dict[str, Optional[int]], name: str) -> int:
    """The index of a column that _require has checked is there."""
    index = cols[name]
    assert index is not None, f"_require let a file without column {name!r} through"
    return index


def detect_account_format(src: CsvSource) -> str:
    """hubspot, salesforce or handoff, by the headers; BadInput naming what is missing."""
    if src.index("Record ID", "hs_object_id") is not None and not _missing(src, "hubspot"):
        return "hubspot"
    if src.index("Stage", "StageName") is not None and not _missing(src, "salesforce"):
        return "salesforce"
    if not _missing(src, "handoff"):
        return "handoff"
    # the closest format names what it lacks
    best = min(("handoff", "hubspot", "salesforce"), key=lambda f: len(_missing(src, f)))
    found = ", ".join(h for h in src.header if h.strip()) or "none"
    raise BadInput(
        f"cannot tell what {src.path} is from its headers: {_LABELS[best]} needs {', '.join(_missing(src, best))} "
        f"(found: {found}); see docs/import.md, or name the format with --from"
    )


# ---------------------------------------------------------------------------
# accounts


@dataclass
class _AccountRow:
    line: int
    name: Optional[str] = None
    external_id: Optional[str] = None
    signed_on: Optional[date] = None
    motion: Optional[str] = None
    segment: Optional[str] = None
    ttv_target_days: Optional[int] = None
    arr: Optional[float] = None


_FIELDS = ("name", "external_id", "signed_on", "motion", "segment", "ttv_target_days", "arr")


def _motion(text: str) -> Optional[str]:
    if not text:
        return None
    value = re.sub(r"[\s_]+", "-", text.strip().lower())
    if value not in MOTIONS:
        raise _RowError(f"motion {text!r} is not one of {', '.join(MOTIONS)}")
    return value


def _ttv(text: str) -> Optional[int]:
    if not text:
        return None
    if not re.fullmatch(r"\d{1,5}(\.0+)?", text):
        raise _RowError(f"ttv_target {text!r} must be a whole number of days from 0 to 36500")
    days = int(float(text))
    if days > 36_500:
        raise _RowError(f"ttv_target {text!r} must be a whole number of days from 0 to 36500")
    return days


def _arr(text: str, what: str = "arr") -> Optional[float]:
    value = parse_amount(text, what)
    if value is not None and value < 0:
        raise _RowError(f"{what} {text!r} must be zero or more")
    if value is not None and value > 1e15:
        raise _RowError(f"{what} {text!r} must be at most 1e15")
    return value


def _read_handoff_accounts(src, cols, dates, rejected, skipped) -> list[_AccountRow]:
    out = []
    for line, cells in src.rows():
        try:
            name = _text(_cell(cells, cols["name"]), "name", required=True)
            signed = _cell(cells, cols["signed"])
            if not signed:
                raise _RowError("signed is required (the contract signed date)")
            out.append(
                _AccountRow(
                    line=line,
                    name=name,
                    signed_on=dates.parse(signed, "signed"),
                    external_id=_text(_cell(cells, cols["external_id"]), "external_id"),
                    motion=_motion(_cell(cells, cols["motion"])),
                    segment=_text(_cell(cells, cols["segment"]), "segment"),
                    ttv_target_days=_ttv(_cell(cells, cols["ttv_target"])),
                    arr=_arr(_cell(cells, cols["arr"])),
                )
            )
        except _RowError as exc:
            rejected.append(RowProblem(line, str(exc)))
    return out


def _read_hubspot(src, cols, dates, rejected, skipped) -> list[_AccountRow]:
    out = []
    for line, cells in src.rows():
        try:
            closed = _cell(cells, cols["closed"])
            if not closed:
                skipped.append(RowProblem(line, "no close date: not a customer"))
                continue
            out.append(
                _AccountRow(
                    line=line,
                    name=_text(_cell(cells, cols["name"]), "company name", required=True),
                    external_id=_text(_cell(cells, cols["id"]), "record id"),
                    signed_on=dates.parse(closed, "close date"),
                )
            )
        except _RowError as exc:
            rejected.append(RowProblem(line, str(exc)))
    return out


def _won(stage: str) -> bool:
    return re.sub(r"[\s_\-]+", " ", stage.strip().lower()) == "closed won"


def _read_salesforce(src, cols, dates, rejected, skipped) -> list[_AccountRow]:
    """One row per account: its earliest won close date, and the amount won that day."""
    groups: dict[str, _AccountRow] = {}
    order: list[str] = []
    for line, cells in src.rows():
        try:
            stage = _cell(cells, cols["stage"])
            if not _won(stage):
                skipped.append(RowProblem(line, f"stage {stage!r} is not Closed Won" if stage else "no stage"))
                continue
            name = _text(_cell(cells, cols["name"]), "account name")
            acc_id = _text(_cell(cells, cols["account_id"]), "account id")
            if not name and not acc_id:
                raise _RowError("no Account Name and no AccountId")
            closed = _cell(cells, cols["closed"])
            if not closed:
                raise _RowError("a Closed Won opportunity needs a close date")
            on = dates.parse(closed, "close date")
            amount = _arr(_cell(cells, cols["amount"]), "amount")
        except _RowError as exc:
            rejected.append(RowProblem(line, str(exc)))
            continue
        key = f"id:{acc_id}" if acc_id else f"name:{fold(name)}"
        row = groups.get(key)
        if row is None:
            groups[key] = _AccountRow(line=line, name=name, external_id=acc_id, signed_on=on, arr=amount)
            order.append(key)
        elif on < row.signed_on:
            groups[key] = _AccountRow(line=line, name=name or row.name, external_id=acc_id, signed_on=on, arr=amount)
        elif on == row.signed_on and amount is not None:
            row.arr = (row.arr or 0.0) + amount
            row.name = row.name or name
    return [groups[k] for k in order]


def _lines(lines: list[int]) -> str:
    return f"line {lines[0]}" if len(lines) == 1 else f"lines {', '.join(map(str, lines))}"


def _drop_duplicates(rows: list[_AccountRow], rejected: list[RowProblem]) -> list[_AccountRow]:
    """Two rows for the same account (same external id, or same name ignoring case) are both bad
    rows, each naming the other's line: the file does not say which one it means."""
    by_name: dict[str, list[int]] = {}
    by_ext: dict[str, list[int]] = {}
    for row in rows:
        if row.name:
            by_name.setdefault(fold(row.name), []).append(row.line)
        if row.external_id:
            by_ext.setdefault(fold(row.external_id), []).append(row.line)
    kept = []
    for row in rows:
        same_name = [n for n in by_name.get(fold(row.name), []) if n != row.line] if row.name else []
        same_ext = [n for n in by_ext.get(fold(row.external_id), []) if n != row.line] if row.external_id else []
        if not same_name and not same_ext:
            kept.append(row)
            continue
        parts = []
        if same_ext:
            parts.append(f"external id {quoted(row.external_id)} is also on {_lines(same_ext)}")
        if same_name:
            parts.append(f"account {quoted(row.name)} is also on {_lines(same_name)}")
        rejected.append(RowProblem(row.line, " and ".join(parts) + ": a file may name each account once"))
    return kept


_READERS = {"handoff": _read_handoff_accounts, "hubspot": _read_hubspot, "salesforce": _read_salesforce}
_DATE_COLUMNS = {"handoff": ("signed",), "hubspot": ("closed",), "salesforce": ("closed",)}


def _column_values(src: CsvSource, idxs: list[Optional[int]]) -> Callable[[], Iterator[str]]:
    def values() -> Iterator[str]:
        for _line, cells in src.rows():
            for i in idxs:
                v = _cell(cells, i)
                if v:
                    yield v

    return values


def _plan_accounts(rows: list[_AccountRow], existing: list[dict], rejected: list[RowProblem]):
    """Apply rows to the accounts in memory; returns (changes, creates, updates)."""
    by_id: dict[Any, dict] = {}
    by_name: dict[str, Any] = {}
    by_ext: dict[str, Any] = {}
    original: dict[Any, dict] = {}
    for acc in existing:
        by_id[acc["id"]] = dict(acc)
        original[acc["id"]] = dict(acc)
        by_name[fold(acc["name"])] = acc["id"]
        if acc["external_id"]:
            by_ext[acc["external_id"]] = acc["id"]
    touched: dict[Any, int] = {}  # key -> first line
    new_keys: list[Any] = []
    for row in rows:
        key = by_ext.get(row.external_id) if row.external_id else None
        if key is None and row.name:
            key = by_name.get(fold(row.name))
        if key is None:
            if not row.name:
                rejected.append(
                    RowProblem(
                        row.line, f"no account with external id {quoted(row.external_id)} and no name to create one"
                    )
                )
                continue
            if row.signed_on is None:
                rejected.append(RowProblem(row.line, "a new account needs a signed date"))
                continue
            if row.external_id and row.external_id in by_ext:
                rejected.append(
                    RowProblem(row.line, f"external id {quoted(row.external_id)} belongs to another account")
                )
                continue
            key = ("new", len(new_keys))
            new_keys.append(key)
            by_id[key] = {
                "id": None,
                "name": row.name,
                "external_id": row.external_id,
                "signed_on": row.signed_on,
                "motion": row.motion or "high-touch",
                "segment": row.segment,
                "ttv_target_days": row.ttv_target_days,
                "arr": row.arr,
            }
            by_name[fold(row.name)] = key
            if row.external_id:
                by_ext[row.external_id] = key
            touched.setdefault(key, row.line)
            continue
        acc = by_id[key]
        if row.name and row.name != acc["name"]:
            other = by_name.get(fold(row.name))
            if other is not None and other != key:
                rejected.append(
                    RowProblem(
                        row.line,
                        f"cannot rename {quoted(acc['name'])} to {quoted(row.name)}: that name belongs to another account",
                    )
                )
                continue
        if row.external_id and row.external_id != acc["external_id"]:
            other = by_ext.get(row.external_id)
            if other is not None and other != key:
                rejected.append(
                    RowProblem(row.line, f"external id {quoted(row.external_id)} belongs to another account")
                )
                continue
        if row.name and row.name != acc["name"]:
            del by_name[fold(acc["name"])]
            by_name[fold(row.name)] = key
            acc["name"] = row.name
        if row.external_id and row.external_id != acc["external_id"]:
            if acc["external_id"]:
                by_ext.pop(acc["external_id"], None)
            by_ext[row.external_id] = key
            acc["external_id"] = row.external_id
        for f in ("signed_on", "motion", "segment", "ttv_target_days", "arr"):
            v = getattr(row, f)
            if v is not None:
                acc[f] = v
        touched.setdefault(key, row.line)
    changes: list[AccountChange] = []
    creates: list[dict] = []
    updates: list[dict] = []
    for key, line in sorted(touched.items(), key=lambda kv: kv[1]):
        acc = by_id[key]
        if key in original:
            diff = tuple((f, original[key][f], acc[f]) for f in _FIELDS if original[key][f] != acc[f])
            if diff:
                changes.append(AccountChange("update", acc["name"], line, diff))
                updates.append(acc)
            else:
                changes.append(AccountChange("unchanged", acc["name"], line))
        else:
            changes.append(AccountChange("create", acc["name"], line))
            creates.append(acc)
    return changes, creates, updates


_ACCOUNT_SQL = "SELECT id, name, external_id, signed_on, motion, segment, ttv_target_days, arr FROM account WHERE voided_at IS NULL ORDER BY id"


def _account_dicts(rows: Iterable[Iterable[Any]]) -> list[dict]:
    from handoff_cli.store import to_date

    out = []
    for r in rows:
        d = dict(zip(("id", "name", "external_id", "signed_on", "motion", "segment", "ttv_target_days", "arr"), r))
        d["signed_on"] = to_date(d["signed_on"])
        out.append(d)
    return out


def import_accounts(
    path: Path,
    *,
    fmt: str = "auto",
    dry_run: bool = False,
    skip_invalid: bool = False,
    date_format: Optional[str] = None,
    notify: Optional[Notify] = None,
    store,
    today: date,
) -> ImportResult:
    """Create or update accounts from a CSV export; by external id, else by name; never duplicates."""
    if fmt not in ACCOUNT_FORMATS:
        raise BadInput(f"--from {fmt!r} is not one of {', '.join(ACCOUNT_FORMATS)}")
    src = CsvSource(path, notify)
    source = detect_account_format(src) if fmt == "auto" else fmt
    cols = _require(src, source)
    dates = DateReader(date_format, _column_values(src, [cols[c] for c in _DATE_COLUMNS[source]]), str(src.path))
    rejected: list[RowProblem] = []
    skipped: list[RowProblem] = []
    rows = _drop_duplicates(_READERS[source](src, cols, dates, rejected, skipped), rejected)
    n_rows = len(rows) + len(rejected) + len(skipped)

    from sqlalchemy import insert, update

    from handoff_cli.store.models import metadata, utcnow

    account = metadata.tables["account"]
    with store.write() as s:
        conn = s.connection()
        existing = _account_dicts(conn.exec_driver_sql(_ACCOUNT_SQL).all())
        changes, creates, updates = _plan_accounts(rows, existing, rejected)
        rejected.sort(key=lambda p: p.line)
        write = not dry_run and (skip_invalid or not rejected)
        if write:
            now = utcnow()
            if creates:
                conn.execute(
                    insert(account),
                    [
                        {**{f: a[f] for f in _FIELDS}, "name_key": a["name"].casefold(), "created_at": now}
                        for a in creates
                    ],
                )
            for a in updates:
                conn.execute(
                    update(account)
                    .where(account.c.id == a["id"])
                    .values(**{f: a[f] for f in _FIELDS}, name_key=a["name"].casefold())
                )
    return ImportResult(
        what="accounts",
        source=source,
        file=str(src.path),
        dry_run=dry_run,
        written=write and bool(creates or updates),
        rows=n_rows,
        rejected=tuple(rejected),
        skipped=tuple(skipped),
        accounts=tuple(changes),
    )


# ---------------------------------------------------------------------------
# events

_KINDS = frozenset(EVENT_KINDS)
_NEEDS_VALUE = frozenset({"usage", "ces", "handoff-csat"})


def import_events(
    path: Path,
    *,
    fmt: str = "auto",
    dry_run: bool = False,
    skip_invalid: bool = False,
    date_format: Optional[str] = None,
    notify: Optional[Notify] = None,
    progress: Optional[Progress] = None,
    store,
    today: date,
) -> ImportResult:
    """Append events from a CSV file, streamed and written in batches in one transaction.

    A go-live / workflow-live event completes the account's open go-live /
    first-workflow milestones, on the earliest such date in the file."""
    if fmt in ("hubspot", "salesforce"):
        raise BadInput(f"a {fmt} export holds accounts, not events: use `handoff import accounts`")
    if fmt not in EVENT_FORMATS:
        raise BadInput(f"--from {fmt!r} is not one of {', '.join(EVENT_FORMATS)}")
    src = CsvSource(path, notify)
    cols = _require(src, "events")
    dates = DateReader(date_format, _column_values(src, [cols["on"]]), str(src.path))

    from handoff_cli.commands.events import EVENT_MILESTONE_KIND, complete_open_milestones, validate_event

    i_acc, i_kind, i_on = (_present(cols, c) for c in ("account", "kind", "on"))
    i_val, i_note = cols["value"], cols["note"]
    width = 1 + max(i for i in (i_acc, i_kind, i_on, i_val, i_note) if i is not None)
    decimal_comma = src.delimiter == ";"

    rejected: list[RowProblem] = []
    added = 0
    n_rows = 0
    accounts_seen: set[int] = set()
    firsts: dict[tuple[int, str], date] = {}  # (account id, event kind) -> its earliest date in the file
    completed = 0

    try:
        with store.write() as s:
            conn = s.connection()
            sqlite = conn.dialect.name == "sqlite"
            by_name: dict[str, int] = {}
            by_ext: dict[str, int] = {}
            signed: dict[int, date] = {}
            for acc_id, name, ext, signed_on in conn.exec_driver_sql(
                "SELECT id, name, external_id, signed_on FROM account WHERE voided_at IS NULL"
            ):
                by_name[fold(name)] = acc_id
                signed[acc_id] = to_date(signed_on) or date.min
                if ext:
                    by_ext[ext.casefold()] = acc_id
            mark = "?" if sqlite else "%s"
            sql = f"INSERT INTO event (account_id, kind, occurred_on, value, note, created_at) VALUES ({', '.join([mark] * 6)})"
            now = utcnow()  # the write's recorded instant (journal.py)
            created_at: Any = now.replace(tzinfo=None).isoformat(" ", "microseconds") if sqlite else now
            date_text: dict[date, Any] = {}
            checked: dict[tuple[str, str], Any] = {}  # (kind, value text) -> validated value
            batch: list[tuple] = []
            inserting = not dry_run

            def flush() -> None:
                if batch:
                    conn.exec_driver_sql(sql, batch)
                    batch.clear()

            for line, cells in src.rows(progress):
                n_rows += 1
                if len(cells) < width:
                    cells = cells + [""] * (width - len(cells))
                try:
                    ref = cells[i_acc].strip()
                    acc_id = by_name.get(fold(ref))
                    if acc_id is None:
                        acc_id = by_ext.get(ref.casefold())
                        if acc_id is None:
                            raise _RowError(f"no account {ref!r}" if ref else "account is empty")
                    kind = cells[i_kind].strip().lower()
                    raw_value = cells[i_val].strip() if i_val is not None else ""
                    if kind in _KINDS and not raw_value and kind not in _NEEDS_VALUE:
                        value = None
                    else:
                        if decimal_comma and "," in raw_value and "." not in raw_value:
                            raw_value = raw_value.replace(",", ".")
                        ck = (kind, raw_value)
                        value = checked.get(ck, checked)
                        if value is checked:
                            try:
                                value = validate_event(kind, raw_value)
                            except HandoffError as exc:
                                raise _RowError(str(exc)) from None
                            if len(checked) < 100_000:
                                checked[ck] = value
                    on_text = cells[i_on]
                    if not on_text.strip():
                        raise _RowError("on is required (the date of the event)")
                    on = dates.parse(on_text, "on")
                    if on < signed[acc_id]:
                        raise _RowError(before_signed(on, signed[acc_id]))
                    note_cell = cells[i_note] if i_note is not None else ""
                    note = _text(note_cell, "note", max_len=MAX_NOTE) if note_cell else None
                except _RowError as exc:
                    rejected.append(RowProblem(line, str(exc)))
                    if not skip_invalid:
                        inserting = False
                        batch.clear()
                    continue
                added += 1
                accounts_seen.add(acc_id)
                if kind in EVENT_MILESTONE_KIND:
                    prev = firsts.get((acc_id, kind))
                    if prev is None or on < prev:
                        firsts[(acc_id, kind)] = on
                if inserting:
                    stored = date_text.get(on)
                    if stored is None:
                        stored = date_text[on] = on.isoformat() if sqlite else on
                    batch.append((acc_id, kind, stored, value, note, created_at))
                    if len(batch) >= BATCH_ROWS:
                        flush()
            write = inserting
            if write:
                flush()
                for (acc_id, event_kind), on in firsts.items():
                    completed += len(complete_open_milestones(s, acc_id, event_kind, on))
            elif not dry_run and rejected:
                # all or nothing: undo the batches already written
                raise _Rollback()
    except _Rollback:
        pass
    return ImportResult(
        what="events",
        source="handoff",
        file=str(src.path),
        dry_run=dry_run,
        written=write and added > 0,
        rows=n_rows,
        rejected=tuple(rejected),
        events_added=added,
        event_accounts=len(accounts_seen),
        milestones_completed=completed,
    )
