"""The one clock. Nothing else in handoff reads the wall clock.

``resolve_today`` turns ``--as-of`` / ``HANDOFF_TODAY`` / the real date in
``HANDOFF_TZ`` into a plain ``datetime.date`` that is passed down as a value.
``parse_date`` understands ISO 8601, ``today``, ``yesterday``, ``tomorrow`` and
offsets such as ``+3d`` or ``-2w`` relative to that date.
"""

from __future__ import annotations

import os
import re
from contextvars import ContextVar
from datetime import date, datetime, timedelta

from handoff_cli.errors import BadInput

# Every date handoff accepts lies in this range (PRODUCT.md section 6), so no input can
# push a report's date arithmetic past Python's calendar.
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2199, 12, 31)

# The instant of the write in progress (journal.recording sets it, from this clock's date):
# the rows the write creates get it as created_at (models.utcnow).
WRITE_INSTANT: ContextVar[datetime | None] = ContextVar("handoff_write_instant", default=None)

_OFFSET = re.compile(r"^([+-])(\d{1,5})([dwmy])$")
_WORDS = {"today": 0, "yesterday": -1, "tomorrow": 1}


def _real_today() -> date:
    tz = os.environ.get("HANDOFF_TZ")
    if tz:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            return datetime.now(ZoneInfo(tz)).date()
        except (ZoneInfoNotFoundError, ValueError):
            raise BadInput(f"HANDOFF_TZ={tz!r} is not a known time zone (try Europe/Berlin or UTC)") from None
    return datetime.now().astimezone().date()


def resolve_today(as_of: str | None = None) -> date:
    """The date every command treats as today: --as-of, else HANDOFF_TODAY, else the real date."""
    source = "--as-of"
    if as_of is None:
        as_of, source = os.environ.get("HANDOFF_TODAY") or None, "HANDOFF_TODAY"
    if as_of is None:
        return _real_today()
    # an offset in --as-of counts from HANDOFF_TODAY when that pins today
    pinned = os.environ.get("HANDOFF_TODAY") if source == "--as-of" else None
    base = parse_date(pinned, today=_real_today(), what="HANDOFF_TODAY") if pinned else _real_today()
    return parse_date(as_of, today=base, what=source)


def check_date_range(value: date, what: str = "date", text: str | None = None) -> date:
    """The date itself, or BadInput when it lies outside 1900-01-01 .. 2199-12-31."""
    if not MIN_DATE <= value <= MAX_DATE:
        shown = repr(text) if text is not None and text.strip() != value.isoformat() else value.isoformat()
        raise BadInput(
            f"{what} {shown} is out of range: dates lie between {MIN_DATE.isoformat()} and {MAX_DATE.isoformat()}"
        )
    return value


def parse_date(text: str, *, today: date, what: str = "date") -> date:
    """Parse a user-supplied date (between MIN_DATE and MAX_DATE). Raises BadInput with a one-line hint."""
    return check_date_range(_parse_date(text, today=today, what=what), what, text)


def _parse_date(text: str, *, today: date, what: str) -> date:
    raw = (text or "").strip()
    low = raw.lower()
    if low in _WORDS:
        return today + timedelta(days=_WORDS[low])
    m = _OFFSET.match(low)
    if m:
        sign = -1 if m.group(1) == "-" else 1
        n = int(m.group(2)) * sign
        unit = m.group(3)
        try:
            if unit == "d":
                return today + timedelta(days=n)
            if unit == "w":
                return today + timedelta(weeks=n)
            import pendulum

            d = pendulum.Date(today.year, today.month, today.day)
            d = d.add(months=n) if unit == "m" else d.add(years=n)
            return date(d.year, d.month, d.day)
        except (OverflowError, ValueError):
            raise BadInput(
                f"{what} {text!r} is out of range: dates lie between {MIN_DATE.isoformat()} and {MAX_DATE.isoformat()}"
            ) from None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        pass
    if not raw or len(raw) > 64 or not raw[:1].isdigit():
        raise BadInput(f"{what} {text!r} is not a date: use YYYY-MM-DD, today, yesterday, tomorrow, +3d or -2w")
    import pendulum

    try:
        # strict: ISO 8601 only. Day-first or month-first forms such as 12/01/2026
        # are refused rather than guessed (imports have --date-format for those).
        parsed = pendulum.parse(raw, strict=True)
    except Exception:  # noqa: BLE001 - pendulum raises ParserError, ValueError or TypeError
        raise BadInput(
            f"{what} {text!r} is not a date: use YYYY-MM-DD, today, yesterday, tomorrow, +3d or -2w"
        ) from None
    if isinstance(parsed, datetime):
        return parsed.date()
    if isinstance(parsed, date):
        return date(parsed.year, parsed.month, parsed.day)
    raise BadInput(f"{what} {text!r} is not a calendar date: use YYYY-MM-DD")
