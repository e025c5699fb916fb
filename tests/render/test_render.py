"""render.py: the generic renderers every listing goes through (PRODUCT.md section 6)."""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import date

import pytest

from handoff_cli import render
from handoff_cli.render import Col

AS_OF = date(2026, 6, 1)
COLS = [Col("name", "Name"), Col("n", "N", "right"), Col("on", "On")]
ANSI = "\x1b["


@pytest.fixture
def off_terminal(monkeypatch):
    """stdout is a pipe (cron); NO_COLOR unset, so only the missing terminal turns colour off."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(render, "is_terminal", lambda: False)


@pytest.fixture
def on_terminal(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(render, "is_terminal", lambda: True)


# -- cells ------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, text",
    [
        (None, ""),
        (True, "yes"),
        (False, "no"),
        (7, "7"),
        (-3, "-3"),
        (0.5, "0.5"),
        (5.5, "5.5"),
        (120000.0, "120000"),
        (1234567.0, "1234567"),  # not 1.23457e+06
        (1234567.5, "1234567.5"),
        (0.1, "0.1"),
        (-0.0, "0"),
        (date(2026, 2, 3), "2026-02-03"),
        (["a", 2, date(2026, 1, 1)], "a, 2, 2026-01-01"),
        ("plain", "plain"),
    ],
)
def test_cell(value, text):
    assert render.cell(value) == text


@pytest.mark.parametrize(
    "value, text",
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2w", "'-2w"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        # numbers are numbers: never escaped, never rounded
        (-5, "-5"),
        (-1.25, "-1.25"),
        (1234567.0, "1234567"),
        (98765.4321, "98765.4321"),
        (0, "0"),
    ],
)
def test_csv_cell(value, text):
    assert render.csv_cell(value) == text


def test_to_csv_quotes_and_escapes_and_reads_back():
    rows = [
        {"name": '=HYPERLINK("http://x")', "n": -5, "on": date(2026, 5, 1)},
        {"name": "Smith, Jones & Co", "n": 1234567.0, "on": None},
        {"name": "two\nlines", "n": 0.25, "on": date(2026, 1, 2)},
    ]
    text = render.to_csv(rows, COLS)
    assert text == (
        "name,n,on\n"
        '"\'=HYPERLINK(""http://x"")",-5,2026-05-01\n'
        '"Smith, Jones & Co",1234567,\n'
        '"two\nlines",0.25,2026-01-02\n'
    )
    assert list(csv.reader(io.StringIO(text))) == [
        ["name", "n", "on"],
        ['\'=HYPERLINK("http://x")', "-5", "2026-05-01"],
        ["Smith, Jones & Co", "1234567", ""],
        ["two\nlines", "0.25", "2026-01-02"],
    ]


@pytest.mark.parametrize(
    "value, text",
    [
        ("a|b", "a\\|b"),
        ("back\\slash", "back\\\\slash"),
        ("line one\nline two", "line one line two"),
        ("crlf\r\nend", "crlf end"),
        ("cr\rend", "cr end"),
        ("trailing\n", "trailing"),
        (None, ""),
        (2.5, "2.5"),
    ],
)
def test_md_cell(value, text):
    assert render.md_cell(value) == text


def test_to_markdown():
    rows = [{"name": "A|B", "n": 3, "on": date(2026, 5, 1)}, {"name": "x\ny", "n": None, "on": None}]
    assert render.to_markdown(rows, COLS) == (
        "| Name | N | On |\n| --- | ---: | --- |\n| A\\|B | 3 | 2026-05-01 |\n| x y |  |  |\n"
    )


# -- JSON -------------------------------------------------------------------


def test_envelope_and_dumps_iso_dates_and_stable_keys():
    payload = render.envelope(AS_OF, things=[{"b": 1, "a": date(2026, 1, 2), "nested": {"d": date(2026, 3, 4)}}])
    text = render.dumps(payload)
    assert list(json.loads(text)) == ["schema_version", "as_of", "things"]
    assert json.loads(text) == {
        "schema_version": 1,
        "as_of": "2026-06-01",
        "things": [{"b": 1, "a": "2026-01-02", "nested": {"d": "2026-03-04"}}],
    }
    # keys keep the order they were given in: the same data always prints the same text
    assert text == render.dumps(
        render.envelope(AS_OF, things=[{"b": 1, "a": date(2026, 1, 2), "nested": {"d": date(2026, 3, 4)}}])
    )


def test_dumps_keeps_unicode_and_writes_valid_json_for_non_finite_numbers():
    text = render.dumps({"name": "Ünïcødé ✓", "x": math.nan, "y": math.inf, "z": -math.inf})
    assert "Ünïcødé ✓" in text
    assert json.loads(text) == {"name": "Ünïcødé ✓", "x": None, "y": None, "z": None}
    assert "NaN" not in text and "Infinity" not in text


# -- emit_listing -----------------------------------------------------------

ROWS = [
    {"name": "Acme", "n": 12, "on": date(2026, 5, 1)},
    {"name": "Beta Corp", "n": 3, "on": None},
    {"name": "Cy", "n": 1234567.0, "on": date(2026, 1, 9)},
]
TABLE = "Name             N  On\nAcme            12  2026-05-01\nBeta Corp        3\nCy         1234567  2026-01-09\n"


def test_table_off_a_terminal_is_plain_fixed_width_text(off_terminal, capsys):
    render.emit_listing(ROWS, key="things", columns=COLS, fmt=None, as_of=AS_OF, title="Things")
    out, err = capsys.readouterr()
    assert out == TABLE  # no title, no box, no colour, no trailing spaces
    assert ANSI not in out
    assert err == ""


def test_no_color_on_a_terminal_gives_the_same_plain_text(monkeypatch, capsys):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr(render, "is_terminal", lambda: True)
    assert render.use_color() is False
    render.emit_listing(ROWS, key="things", columns=COLS, fmt="table", as_of=AS_OF, title="Things")
    out, _ = capsys.readouterr()
    assert out == TABLE


def test_use_color_on_a_terminal(on_terminal):
    assert render.use_color() is True


def test_limit_cuts_the_table_and_says_how_many_more(off_terminal, capsys):
    render.emit_listing(ROWS, key="things", columns=COLS, fmt=None, as_of=AS_OF, limit=2)
    out, err = capsys.readouterr()
    assert out == ("Name        N  On\nAcme       12  2026-05-01\nBeta Corp   3\n")
    assert err == "... and 1 more (raise --limit, or use --format json|csv|markdown for every row)\n"


def test_limit_at_or_above_the_row_count_says_nothing(off_terminal, capsys):
    render.emit_listing(ROWS, key="things", columns=COLS, fmt=None, as_of=AS_OF, limit=3)
    out, err = capsys.readouterr()
    assert out == TABLE
    assert err == ""


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown"])
def test_limit_does_not_cut_json_csv_markdown(fmt, off_terminal, capsys):
    render.emit_listing(ROWS, key="things", columns=COLS, fmt=fmt, as_of=AS_OF, limit=1)
    out, err = capsys.readouterr()
    assert err == ""
    if fmt == "json":
        assert json.loads(out) == {
            "schema_version": 1,
            "as_of": "2026-06-01",
            "things": [
                {"name": "Acme", "n": 12, "on": "2026-05-01"},
                {"name": "Beta Corp", "n": 3, "on": None},
                {"name": "Cy", "n": 1234567.0, "on": "2026-01-09"},
            ],
        }
    elif fmt == "csv":
        assert out == (
            "name,n,on,as_of\nAcme,12,2026-05-01,2026-06-01\nBeta Corp,3,,2026-06-01\nCy,1234567,2026-01-09,2026-06-01\n"
        )
    else:
        assert out.splitlines()[2:] == [
            "| Acme | 12 | 2026-05-01 |",
            "| Beta Corp | 3 |  |",
            "| Cy | 1234567 | 2026-01-09 |",
        ]


def test_json_listing_carries_extra_keys_before_the_rows(capsys):
    render.emit_listing([], key="things", columns=COLS, fmt="json", as_of=AS_OF, extra={"account": "Acme"})
    out = capsys.readouterr().out
    assert list(json.loads(out)) == ["schema_version", "as_of", "account", "things"]
    assert json.loads(out) == {"schema_version": 1, "as_of": "2026-06-01", "account": "Acme", "things": []}


def test_empty_listing(off_terminal, capsys):
    render.emit_listing([], key="things", columns=COLS, fmt=None, as_of=AS_OF, empty="nothing here yet")
    assert capsys.readouterr() == ("", "nothing here yet\n")
    render.emit_listing([], key="things", columns=COLS, fmt=None, as_of=AS_OF)
    assert capsys.readouterr() == ("", "no things\n")
    render.emit_listing([], key="things", columns=COLS, fmt="csv", as_of=AS_OF)
    assert capsys.readouterr() == ("name,n,on,as_of\n", "")
    render.emit_listing([], key="things", columns=COLS, fmt="markdown", as_of=AS_OF)
    assert capsys.readouterr() == ("| Name | N | On |\n| --- | ---: | --- |\n", "")


def test_format_enum_is_accepted(capsys):
    from handoff_cli.cli.common import Format

    assert render.fmt_name(Format.csv) == "csv"
    assert render.fmt_name(None) == "table"
    render.emit_listing(ROWS[:1], key="things", columns=COLS, fmt=Format.csv, as_of=AS_OF)
    assert capsys.readouterr().out == "name,n,on,as_of\nAcme,12,2026-05-01,2026-06-01\n"


def test_note_goes_to_stderr(capsys):
    render.note("added Acme")
    assert capsys.readouterr() == ("", "added Acme\n")
