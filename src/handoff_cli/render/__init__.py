"""Renderers: plain results in, table / JSON / CSV / markdown out on stdout.

Tables use rich on a terminal; off a terminal (cron, pipes) or with NO_COLOR they
are plain fixed-width text with no colour codes. JSON carries ``schema_version``
and ``as_of`` with ISO dates and stable keys. CSV cells that start with
``= + - @``, tab or carriage return are prefixed with ``'`` so spreadsheets do not
run them as formulas.

Stored text is data, never markup (PRODUCT.md section 6): rich never parses a
cell, a title or a message for markup or emoji codes (every cell is a ``Text``,
and the console has markup and emoji off), and every way to the terminal (tables,
plain text, markdown, notes and error lines) shows control and format characters
escaped (``\x1b``, ``\u202e``) through :func:`safe`. CSV and JSON keep the text exact.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, Literal

from handoff_cli.text import UNSAFE_CATEGORIES

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    justify: Literal["left", "center", "right"] = "left"
    # On a terminal (PRODUCT.md section 6): the one free-text column takes the width left
    # and is cut with an ellipsis; columns with a drop rank give way first (highest first)
    # when the rest would not fit; every other cell (names, ids, dates, rule ids) stays whole.
    free: bool = False
    drop: int = 0


def is_terminal() -> bool:
    return sys.stdout.isatty()


def use_color() -> bool:
    return is_terminal() and not os.environ.get("NO_COLOR")


# Characters that must never reach a terminal raw, the same that no stored text may hold
# (handoff_cli.text): controls (Cc: ESC, BEL, CR...), format characters (Cf: bidi overrides,
# zero-width), line/paragraph separators and lone surrogates. Everything else (accents,
# CJK, emoji, no-break spaces) prints as is.
_UNSAFE_CATEGORIES = UNSAFE_CATEGORIES
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(ch: str) -> str:
    if unicodedata.category(ch) not in _UNSAFE_CATEGORIES:
        return ch
    if ch in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[ch]
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def safe(text: str) -> str:
    """Text for a terminal: control and format characters shown escaped (ESC -> \\x1b,
    a newline -> \\n, a right-to-left override -> \\u202e); all else exactly as given."""
    if text.isprintable():  # the common case, in C: nothing to escape (a space is printable)
        return text
    return "".join(_escape_char(ch) for ch in text)


def safe_lines(message: str) -> str:
    """A message that may span lines on purpose: each line made safe, the newlines kept."""
    return "\n".join(safe(line) for line in message.split("\n"))


def fmt_name(fmt: Any) -> str:
    if fmt is None:
        return "table"
    return fmt.value if isinstance(fmt, Enum) else str(fmt)


def jsonable(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no NaN or infinity
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def dumps(payload: Mapping[str, Any]) -> str:
    return json.dumps(jsonable(payload), ensure_ascii=False, indent=2)


def envelope(as_of: date, **body: Any) -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, "as_of": as_of, **body}


def number(value: float) -> str:
    """A float as text without losing digits: 1234567.0 -> 1234567, 0.5 -> 0.5, -0.0 -> 0."""
    if math.isfinite(value) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return number(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(v) for v in value)
    return str(value)


# What a spreadsheet may read as the start of a formula (OWASP: CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """A CSV cell; text that a spreadsheet would run as a formula gets a leading '.
    Numbers are written as numbers, so -5 stays -5."""
    text = cell(value)
    if text[:1] in _FORMULA_START and not isinstance(value, (int, float)):
        return "'" + text
    return text


def to_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[Col]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([c.key for c in columns])
    for row in rows:
        writer.writerow([csv_cell(row.get(c.key)) for c in columns])
    return buf.getvalue()


_LINE_BREAK = re.compile(r"\r\n|[\r\n]")


def md_cell(value: Any) -> str:
    """A markdown table cell: one row per row whatever the line breaks (they become spaces),
    other control characters escaped (safe), then backslash and | escaped for markdown."""
    text = safe(_LINE_BREAK.sub(" ", cell(value).strip("\r\n")))
    return text.replace("\\", "\\\\").replace("|", "\\|")


def to_markdown(rows: Iterable[Mapping[str, Any]], columns: Sequence[Col]) -> str:
    lines = ["| " + " | ".join(c.header for c in columns) + " |"]
    lines.append("| " + " | ".join("---:" if c.justify == "right" else "---" for c in columns) + " |")
    for row in rows:
        lines.append("| " + " | ".join(md_cell(row.get(c.key)) for c in columns) + " |")
    return "\n".join(lines) + "\n"


def console(stderr: bool = False):
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # markup and emoji off: no string printed through rich is ever read as [markup] or :emoji:.
    if use_color() and not stderr:
        return Console(file=stream, highlight=False, markup=False, emoji=False)
    return Console(
        file=stream,
        highlight=False,
        markup=False,
        emoji=False,
        no_color=True,
        color_system=None,
        width=10_000,
        soft_wrap=True,
    )


def text(value: Any, style: str | None = None):
    """A rich Text of a value as data: never parsed for markup or emoji, control characters escaped
    (line breaks kept: a cell may list items one per line)."""
    from rich.text import Text

    return Text(safe_lines(value if isinstance(value, str) else cell(value)), style=style or "")


def print_renderable(renderable: Any) -> None:
    """Print a rich renderable: styled on a terminal, plain trimmed text elsewhere."""
    con = console()
    if use_color():
        con.print(renderable)
        return
    if is_terminal():  # a terminal with NO_COLOR: plain, at the terminal's width
        from rich.console import Console

        con = Console(file=sys.stdout, highlight=False, markup=False, emoji=False, no_color=True, color_system=None)
        con.width = terminal_width()
    with con.capture() as cap:
        con.print(renderable)
    text = "\n".join(line.rstrip() for line in cap.get().splitlines())
    sys.stdout.write(text + "\n")


def terminal_width() -> int:
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


GAP = 2  # between two columns of a terminal table
MIN_FREE = 16  # the free-text column gets at least this much, or lower-ranked columns go


def fit_columns(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[Col], width: int
) -> tuple[list[Col], dict[str, int]]:
    """The columns a terminal table of `width` shows, and their widths: columns empty in
    every row left out; every cell whole but the free-text one's, which takes the width
    left; columns with a drop rank left out (highest first) while the others do not fit."""

    def natural(c: Col) -> int:
        cells = [safe_lines(cell(r.get(c.key))) for r in rows]  # as printed: control characters escaped
        return max([len(c.header)] + [len(line) for text in cells for line in (text.split("\n") or [""])])

    cols = [c for c in columns if any(cell(r.get(c.key)) for r in rows)] or list(columns[:1])
    widths = {c.key: natural(c) for c in cols}

    def needed(cs: list[Col]) -> int:
        fixed = sum(widths[c.key] for c in cs if not c.free)
        free = min(MIN_FREE, max(widths[c.key] for c in cs if c.free)) if any(c.free for c in cs) else 0
        return fixed + free + GAP * (len(cs) - 1)

    for c in sorted((c for c in cols if c.drop), key=lambda c: -c.drop):
        if needed(cols) <= width:
            break
        cols.remove(c)
    free = [c for c in cols if c.free]
    if free:
        left = width - sum(widths[c.key] for c in cols if not c.free) - GAP * (len(cols) - 1)
        widths[free[0].key] = max(1, min(widths[free[0].key], left))
    return cols, widths


def table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[Col],
    *,
    title: str | None = None,
    styles: Mapping[str, str] | None = None,
    width: int | None = None,
):
    """A rich table of rows. On a terminal (`width` given) it fits that width, one line per
    row (fit_columns); elsewhere every column is shown whole, at any width."""
    from rich import box
    from rich.table import Table

    fancy = use_color()
    t = Table(
        title=text(title) if fancy and title else None,
        box=box.SIMPLE_HEAD if fancy else None,
        show_edge=False,
        pad_edge=False,
        # on a terminal: a box column separator and one space, or (plain) two spaces, between columns
        padding=((0, 1, 0, 0) if fancy else (0, 2, 0, 0)) if width is not None else (0, 1),
        header_style="bold" if fancy else "",
    )
    if width is not None:
        # plain: the last column's padding counts too
        shown, widths = fit_columns(rows, columns, width if fancy else width - GAP)
        for c in shown:
            t.add_column(text(c.header), justify=c.justify, no_wrap=True, overflow="ellipsis", width=widths[c.key])
    else:
        shown = list(columns)
        for c in shown:
            t.add_column(text(c.header), justify=c.justify, overflow="fold")
    for row in rows:
        t.add_row(*[text(cell(row.get(c.key))) for c in shown], style=(styles or {}).get(str(row.get("_style", ""))))
    return t


def note(message: str) -> None:
    """A message for the human (stderr), never data; any stored text in it shows escaped."""
    sys.stderr.write(safe_lines(message) + "\n")


def emit_listing(
    rows: Sequence[Mapping[str, Any]],
    *,
    key: str,
    columns: Sequence[Col],
    fmt: Any,
    as_of: date,
    limit: int | None = None,
    title: str | None = None,
    extra: Mapping[str, Any] | None = None,
    empty: str | None = None,
) -> None:
    """A listing in the requested format. JSON/CSV/markdown give every row; the table stops at limit."""
    name = fmt_name(fmt)
    if name == "json":
        emit_json(envelope(as_of, **(dict(extra) if extra else {}), **{key: list(rows)}))
    elif name == "csv":
        # every CSV row carries the date it is as of (PRODUCT.md section 6)
        sys.stdout.write(to_csv(({**r, "as_of": as_of} for r in rows), [*columns, Col("as_of", "as_of")]))
    elif name == "markdown":
        sys.stdout.write(to_markdown(rows, columns))
    else:
        if not rows:
            note(empty or f"no {key}")
            return
        shown = rows if limit is None else rows[:limit]
        print_renderable(table(shown, columns, title=title, width=terminal_width() if is_terminal() else None))
        if len(rows) > len(shown):
            note(
                f"... and {len(rows) - len(shown)} more (raise --limit, or use --format json|csv|markdown for every row)"
            )


def json_default(value: Any) -> Any:
    """What the JSON encoder cannot write by itself, as jsonable writes it."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def emit_json(payload: Mapping[str, Any]) -> None:
    """The one JSON writer of every command (PRODUCT.md section 6): one document on stdout,
    indented on a terminal for a human; elsewhere (files, pipes, cron) one compact line
    written by the C encoder, since a report may hold a hundred thousand rows. The same
    values either way (non-finite numbers become null)."""
    if is_terminal():
        sys.stdout.write(dumps(payload) + "\n")
        return
    try:
        text = json.dumps(payload, ensure_ascii=False, allow_nan=False, default=json_default)
    except ValueError:  # NaN or infinity somewhere: jsonable writes them as null
        text = json.dumps(jsonable(payload), ensure_ascii=False)
    sys.stdout.write(text + "\n")
