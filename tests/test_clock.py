from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handoff_cli.clock import parse_date, resolve_today
from handoff_cli.errors import BadInput

T = date(2026, 6, 1)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-03-04", date(2026, 3, 4)),
        ("today", T),
        ("Yesterday", date(2026, 5, 31)),
        ("tomorrow", date(2026, 6, 2)),
        ("+3d", date(2026, 6, 4)),
        ("-2w", date(2026, 5, 18)),
        ("+1m", date(2026, 7, 1)),
        ("-1y", date(2025, 6, 1)),
        ("2026-03-04T10:22:00", date(2026, 3, 4)),
        ("20260304", date(2026, 3, 4)),
    ],
)
def test_parse_date_accepts(text, expected):
    assert parse_date(text, today=T) == expected


@pytest.mark.parametrize(
    "text",
    ["", "12/01/2026", "31/12/2026", "2026-13-01", "2026-02-30", "soon", "+3x", "'; DROP TABLE account;--", "9" * 80],
)
def test_parse_date_rejects_with_one_line(text):
    with pytest.raises(BadInput) as info:
        parse_date(text, today=T, what="--on")
    assert "\n" not in str(info.value)
    assert "--on" in str(info.value)


def test_resolve_today_prefers_as_of_over_env(monkeypatch):
    monkeypatch.setenv("HANDOFF_TODAY", "2026-01-01")
    assert resolve_today(None) == date(2026, 1, 1)
    assert resolve_today("2026-02-02") == date(2026, 2, 2)


def test_resolve_today_rejects_bad_timezone(monkeypatch):
    monkeypatch.delenv("HANDOFF_TODAY")
    monkeypatch.setenv("HANDOFF_TZ", "Mars/Olympus")
    with pytest.raises(BadInput, match="HANDOFF_TZ"):
        resolve_today(None)


def test_resolve_today_in_a_timezone(monkeypatch):
    monkeypatch.delenv("HANDOFF_TODAY")
    monkeypatch.setenv("HANDOFF_TZ", "Pacific/Kiritimati")
    a = resolve_today(None)
    monkeypatch.setenv("HANDOFF_TZ", "Pacific/Pago_Pago")
    b = resolve_today(None)
    # UTC+14 and UTC-11 are 25 hours apart: always one or two calendar days apart
    assert (a - b).days in (1, 2)


@given(st.integers(min_value=-3000, max_value=3000))
def test_day_offsets_are_plain_date_arithmetic(n):
    text = f"{'+' if n >= 0 else '-'}{abs(n)}d"
    assert (parse_date(text, today=T) - T).days == n


def test_as_of_offsets_count_from_a_pinned_today(monkeypatch):
    monkeypatch.setenv("HANDOFF_TODAY", "2026-06-01")
    assert resolve_today("-1d") == date(2026, 5, 31)
    assert resolve_today("yesterday") == date(2026, 5, 31)
