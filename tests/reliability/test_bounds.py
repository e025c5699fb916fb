"""Dates and numbers have bounds at every way in (PRODUCT.md section 6): dates between
1900-01-01 and 2199-12-31, config values bounded and finite, --ttv-target, --arr and
--value bounded, HANDOFF_BUSY_TIMEOUT a finite number of seconds. Each refusal is one
line, exit 2, and changes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from handoff_cli.clock import MAX_DATE, MIN_DATE, parse_date
from handoff_cli.errors import BadInput

TODAY = date(2026, 6, 1)
RANGE = "dates lie between 1900-01-01 and 2199-12-31"


def one_line(result, code: int) -> str:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "internal error" not in lines[0] and "Traceback" not in result.stderr
    return lines[0]


@pytest.fixture
def acme(handoff):
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-05")
    return "Acme"


# -- the clock --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, shown",
    [
        ("9999-12-31", "9999-12-31"),
        ("2200-01-01", "2200-01-01"),
        ("1899-12-31", "1899-12-31"),
        ("0001-01-01", "0001-01-01"),
        ("+99999d", "'+99999d'"),
        ("-99999w", "'-99999w'"),
        ("+500y", "'+500y'"),
        ("-2000m", "'-2000m'"),
        ("9999-12-31T23:59:59", "'9999-12-31T23:59:59'"),
    ],
)
def test_dates_outside_the_range_are_refused(text, shown):
    with pytest.raises(BadInput) as err:
        parse_date(text, today=TODAY, what="--due")
    assert str(err.value) == f"--due {shown} is out of range: {RANGE}"


def test_the_edges_of_the_range_are_accepted():
    assert parse_date("1900-01-01", today=TODAY) == MIN_DATE
    assert parse_date("2199-12-31", today=TODAY) == MAX_DATE
    assert parse_date("+1d", today=date(2199, 12, 30)) == MAX_DATE
    assert parse_date("tomorrow", today=date(2199, 12, 30)) == MAX_DATE


@pytest.mark.parametrize(
    "args, what",
    [
        (["milestone", "add", "Acme", "Go live", "--due", "9999-12-31"], "--due 9999-12-31"),
        (["milestone", "add", "Acme", "Go live", "--due", "+99999d"], "--due '+99999d'"),
        (["event", "log", "Acme", "note", "--on", "2200-01-01"], "--on 2200-01-01"),
        (["event", "log", "Acme", "note", "--on=-200y"], "--on '-200y'"),
        (["account", "add", "Beta", "--signed", "1800-01-01"], "--signed 1800-01-01"),
        (["--as-of", "9999-12-31", "report", "breaches"], "--as-of 9999-12-31"),
        (["report", "health", "--as-of", "3000-01-01"], "--as-of 3000-01-01"),
        (["report", "metrics", "--since", "1000-01-01"], "--since 1000-01-01"),
        (["status", "Acme", "--known-at", "3000-01-01"], "--known-at 3000-01-01"),
        (["report", "breaches", "--known-at", "3000-01-01T08:00"], "--known-at '3000-01-01T08:00'"),
    ],
)
def test_every_date_option_is_bounded(handoff, acme, dump, args, what):
    before = dump()
    assert one_line(handoff(*args), 2) == f"handoff: {what} is out of range: {RANGE}"
    assert dump() == before


def test_milestone_slip_to_is_bounded(handoff, acme, dump):
    handoff.ok("milestone", "add", "Acme", "Go live", "--due", "2026-07-01", "--kind", "go-live")
    before = dump()
    line = one_line(handoff("milestone", "slip", "Acme", "Go live", "--to", "+9999w", "--cause", "scope"), 2)
    assert line == f"handoff: --to '+9999w' is out of range: {RANGE}"
    assert dump() == before


def test_handoff_today_is_bounded(handoff, acme, monkeypatch):
    monkeypatch.setenv("HANDOFF_TODAY", "9999-12-31")
    assert one_line(handoff("report", "breaches"), 2) == f"handoff: HANDOFF_TODAY 9999-12-31 is out of range: {RANGE}"


def test_a_template_start_that_pushes_due_dates_out_of_range(handoff, acme, dump):
    before = dump()
    line = one_line(handoff("milestone", "template", "Acme", "--start", "2199-12-01"), 2)
    assert line == (
        "handoff: start date 2199-12-01 puts due dates out of range (dates lie between 1900-01-01 and 2199-12-31):"
        " choose another --start"
    )
    assert dump() == before


def test_import_dates_are_bounded(handoff, tmp_path, dump):
    handoff.ok("init")
    f = tmp_path / "accounts.csv"
    f.write_text("name,signed\nAcme,2026-01-05\nFar,9999-12-31\nOld,1066-10-14\n")
    before = dump()
    result = handoff("import", "accounts", f)
    assert result.exit_code == 1
    assert f"{f}:3: signed '9999-12-31' is out of range: {RANGE}" in result.stderr
    assert f"{f}:4: signed '1066-10-14' is out of range: {RANGE}" in result.stderr
    assert dump() == before


def test_imported_event_dates_are_bounded(handoff, acme, tmp_path, dump):
    f = tmp_path / "events.csv"
    f.write_text("account,kind,on,value\nAcme,usage,2026-05-04,4\nAcme,usage,2999-01-01,5\n")
    before = dump()
    result = handoff("import", "events", f)
    assert result.exit_code == 1
    assert f"{f}:3: on '2999-01-01' is out of range: {RANGE}" in result.stderr
    assert dump() == before


# -- numbers on the command line ------------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (["--ttv-target", "36501"], "TTV target 36501 must be a whole number of days from 0 to 36500"),
        (["--ttv-target", "3000000"], "TTV target 3000000 must be a whole number of days from 0 to 36500"),
        (["--arr", "1e16"], "ARR 1e+16 must be a number from 0 to 1e15"),
        (["--arr", "inf"], "ARR inf must be a number from 0 to 1e15"),
        (["--arr", "nan"], "ARR nan must be a number from 0 to 1e15"),
    ],
)
def test_account_numbers_are_bounded(handoff, dump, args, message):
    before = dump()
    assert one_line(handoff("account", "add", "Beta", "--signed", "2026-01-01", *args), 2) == f"handoff: {message}"
    assert dump() == before


def test_the_largest_arr_and_target_are_accepted(handoff):
    out = handoff.json("account", "add", "Beta", "--signed", "2026-01-01", "--arr", "1e15", "--ttv-target", "36500")
    assert (out["account"]["arr"], out["account"]["ttv_target_days"]) == (1e15, 36500)
    assert [f["rule"] for f in handoff.json("report", "breaches")["findings"]] == [
        "ownerless",
        "no-success-plan",
        "no-exec-sponsor",
    ]


@pytest.mark.parametrize(
    "kind, value, message",
    [
        (
            "usage",
            "1e10",
            "usage value 1e10 is out of range: give active users that week, a whole number from 0 to 1000000000",
        ),
        (
            "usage",
            "inf",
            "usage value 'inf' is not a number: give active users that week, a whole number from 0 to 1000000000",
        ),
        ("note", "1e300", "note value 1e300 is out of range: give a number from -1e15 to 1e15"),
        ("note", "nan", "note value 'nan' is not a number"),
    ],
)
def test_event_values_are_bounded(handoff, acme, dump, kind, value, message):
    before = dump()
    assert one_line(handoff("event", "log", "Acme", kind, "--value", value), 2) == f"handoff: {message}"
    assert dump() == before


# -- the config file ------------------------------------------------------------------


def config_refused(handoff, tmp_path, text: str) -> str:
    (tmp_path / "config.toml").write_bytes(text.encode() if isinstance(text, str) else text)
    return one_line(handoff("account", "add", "Beta", "--signed", "2026-01-01"), 2)


@pytest.mark.parametrize(
    "text, line, key, why",
    [
        ("[ttv_target_days]\nhigh-touch = 3000000\n", 2, "ttv_target_days.high-touch", "must be from 0 to 36500"),
        ("[ttv_target_days]\nself-serve = nan\n", 2, "ttv_target_days.self-serve", "must be a whole number"),
        ("[adoption]\nthreshold = nan\n", 2, "adoption.threshold", "must be a number, not nan"),
        ("[adoption]\nthreshold = inf\n", 2, "adoption.threshold", "must be a number, not inf"),
        ("[adoption]\nthreshold = -inf\n", 2, "adoption.threshold", "must be a number, not -inf"),
        ("[adoption]\nweeks = 100000\n", 2, "adoption.weeks", "must be from 1 to 520"),
        ("[bands]\ngreen = 1000\n", 2, "bands.green", "must be from 0 to 100"),
        ("[rules.ttv-breach]\nweight = 1000000\n", 2, "rules.ttv-breach.weight", "must be from 0 to 100"),
        ("[rules.stalled]\ndays = 99999999\n", 2, "rules.stalled.days", "must be from 0 to 36500"),
        ("[rules.champion-only]\nmax_users = inf\n", 2, "rules.champion-only.max_users", "must be a number, not inf"),
        (
            "[rules.ttv-at-risk]\ndefault_lag_days = { high-touch = 99999999 }\n",
            2,
            "rules.ttv-at-risk.default_lag_days",
            "high-touch must be from 0 to 36500",
        ),
        (
            "[rules.milestone-overdue]\nmax_weight = 101\n",
            2,
            "rules.milestone-overdue.max_weight",
            "must be from 0 to 100",
        ),
        (
            '[notify]\nrepeat_open_breaches = "5300w"\n',
            2,
            "notify.repeat_open_breaches",
            "must be from 0 to 36500 days (5300w is 37100 days)",
        ),
    ],
)
def test_config_values_are_bounded_and_finite(handoff, tmp_path, dump, text, line, key, why):
    before = dump()
    got = config_refused(handoff, tmp_path, text)
    assert got == f"handoff: config {tmp_path / 'config.toml'}, line {line}: {key} {why}"
    assert dump() == before


def test_a_config_at_the_bounds_keeps_every_report_working(handoff, tmp_path):
    (tmp_path / "config.toml").write_text(
        "[ttv_target_days]\nhigh-touch = 36500\nself-serve = 0\n[adoption]\nweeks = 520\nthreshold = 1000000000\n"
        "[rules.stalled]\ndays = 36500\n[rules.ttv-at-risk]\ndefault_lag_days = { high-touch = 36500 }\n"
        '[notify]\nrepeat_open_breaches = "36500d"\n'
    )
    handoff.ok("account", "add", "Acme", "--signed", "2199-01-01")
    handoff.ok("milestone", "add", "Acme", "Go live", "--due", "2199-12-31", "--kind", "go-live")
    for report in ("breaches", "health", "metrics"):
        handoff.ok("--as-of", "2199-12-31", "report", report, "--format", "json")
    handoff.ok("--as-of", "2199-12-31", "status", "Acme", "--format", "json")
    handoff.ok("--as-of", "2199-12-31", "notify", "--dry-run")  # the longest repeat interval


def test_a_config_that_is_not_utf8_is_one_line(handoff, tmp_path):
    got = config_refused(handoff, tmp_path, b"[bands]\n# caf\xe9\ngreen = 80\n")
    assert got == f"handoff: config {tmp_path / 'config.toml'} is not UTF-8 text (byte 14 is 0xe9): save it as UTF-8"


def test_a_config_that_is_not_toml_is_one_line(handoff, tmp_path):
    got = config_refused(handoff, tmp_path, "this is = = not toml\n")
    assert got.startswith(f"handoff: config {tmp_path / 'config.toml'} is not valid TOML: ")


def test_a_config_that_is_a_folder_is_one_line(handoff, tmp_path, monkeypatch):
    monkeypatch.setenv("HANDOFF_CONFIG", str(tmp_path))
    got = one_line(handoff("account", "add", "Beta", "--signed", "2026-01-01"), 2)
    assert got == f"handoff: cannot read config {tmp_path}: Is a directory"


# -- HANDOFF_BUSY_TIMEOUT ------------------------------------------------------------


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "1e9", "ten", "3601"])
def test_busy_timeout_must_be_finite_seconds(handoff, acme, dump, monkeypatch, value):
    before = dump()
    monkeypatch.setenv("HANDOFF_BUSY_TIMEOUT", value)
    for args in (("account", "add", "Beta", "--signed", "2026-01-01"), ("report", "breaches")):
        got = one_line(handoff(*args), 2)
        assert got == f"handoff: HANDOFF_BUSY_TIMEOUT={value!r} is not a number of seconds from 0 to 3600"
    assert dump() == before
