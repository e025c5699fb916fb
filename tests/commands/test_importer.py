"""The importer's pieces: amounts, dates and their day order, format detection, streaming."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from handoff_cli.commands import importer
from handoff_cli.commands.importer import (
    CsvSource,
    DateReader,
    _RowError,
    detect_account_format,
    norm_header,
    parse_amount,
)
from handoff_cli.errors import BadInput
from handoff_cli.store import Store, resolve_url


@pytest.mark.parametrize(
    "text, value",
    [
        ("$1,200.50", 1200.5),
        ("1.200,50 €", 1200.5),
        ("EUR 1 200", 1200.0),
        ("1\u00a0200,5", 1200.5),
        ("1,200", 1200.0),
        ("1.200", 1200.0),
        ("1,5", 1.5),
        ("12.75", 12.75),
        ("£3,000,000", 3_000_000.0),
        ("CHF 1'250.00", 1250.0),
        ("(500)", -500.0),
        ("", None),
    ],
)
def test_amounts(text, value):
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", ["abc", "1.2.3,4,5", "1,2,3", "$", "12,34.56.78"])
def test_bad_amounts(text):
    with pytest.raises(_RowError, match="is not a number"):
        parse_amount(text)


def reader(fmt, values=()):
    return DateReader(fmt, lambda: iter(values), "f.csv")


def test_iso_dates_and_datetimes_keep_the_written_date():
    r = reader(None)
    assert r.parse("2026-03-04", "on") == date(2026, 3, 4)
    assert r.parse("2026-03-04 10:22", "on") == date(2026, 3, 4)
    assert r.parse("2026-03-04T23:22:00Z", "on") == date(2026, 3, 4)
    assert r.parse("2026-03-04T10:22:00.123+02:00", "on") == date(2026, 3, 4)
    assert r.parse("2026/03/04", "on") == date(2026, 3, 4)


def test_day_order_is_proven_by_the_file():
    # 25/03 can only be day-first: the whole file reads day-first
    eu = reader(None, ["04/03/2026", "25/03/2026"])
    assert eu.parse("04/03/2026", "on") == date(2026, 3, 4)
    assert eu.fmt == "EU"
    # 03/25 can only be month-first
    us = reader(None, ["04/03/2026", "03/25/2026 10:00 AM"])
    assert us.parse("04/03/2026", "on") == date(2026, 4, 3)
    # dots are day-first
    assert reader(None, ["01.02.2026"]).parse("01.02.2026", "on") == date(2026, 2, 1)


def test_a_value_against_the_proven_order_is_a_row_error():
    r = reader(None, ["25/03/2026", "03/25/2026"])
    assert r.parse("25/03/2026", "on") == date(2026, 3, 25)
    with pytest.raises(_RowError, match="is not a date in this file's DD/MM/YYYY order"):
        r.parse("03/25/2026", "on")


def test_ambiguous_file_needs_date_format():
    with pytest.raises(BadInput, match="--date-format US or --date-format EU"):
        reader(None, ["04/03/2026", "05/06/2026"]).parse("04/03/2026", "on")
    assert reader("US").parse("04/03/2026", "on") == date(2026, 4, 3)
    assert reader("eu").parse("04/03/26", "on") == date(2026, 3, 4)
    with pytest.raises(BadInput, match="--date-format 'x' is not one of ISO, US, EU"):
        reader("x")


def test_headers_normalise_case_spaces_underscores_and_dots():
    assert norm_header("\ufeff  Close_Date ") == "close date"
    assert norm_header("Account.Name") == "account name"
    assert norm_header("TTV  target") == "ttv target"


def csv_file(tmp_path: Path, text: str, encoding="utf-8") -> Path:
    p = tmp_path / "f.csv"
    p.write_bytes(text.encode(encoding))
    return p


@pytest.mark.parametrize(
    "header, fmt",
    [
        ("Record ID,Company name,Close Date,Company owner", "hubspot"),
        ("hs_object_id,name,closedate", "hubspot"),
        ("Opportunity Name,Account Name,Stage,Close Date,Amount", "salesforce"),
        ("AccountId,StageName,CloseDate,Amount", "salesforce"),
        ("name;signed;arr", "handoff"),
        ("NAME\tSIGNED", "handoff"),
    ],
)
def test_format_detection(tmp_path, header, fmt):
    assert detect_account_format(CsvSource(csv_file(tmp_path, header + "\n"))) == fmt


def test_separator_sniffing_ignores_quoted_commas(tmp_path):
    src = CsvSource(csv_file(tmp_path, '"name, legal";signed\n"A, Inc.";2026-01-01\n'))
    assert src.delimiter == ";"
    assert list(src.rows()) == [(2, ["A, Inc.", "2026-01-01"])]


def test_rows_report_the_line_each_starts_on_and_skip_blank_rows(tmp_path):
    src = CsvSource(csv_file(tmp_path, 'a,b\n1,"two\nlines"\n\n,\n3,4\n'))
    assert list(src.rows()) == [(2, ["1", "two\nlines"]), (6, ["3", "4"])]


def test_events_stream_from_the_file(tmp_path, monkeypatch):
    """Rows are handed over one by one: the file is never read into a list."""
    store = Store(resolve_url(str(tmp_path / "s.db")))
    from handoff_cli.commands.accounts import add_account

    add_account("Acme", signed_on=date(2026, 1, 1), store=store, today=date(2026, 6, 1))
    path = csv_file(tmp_path, "account,kind,on,value\n" + "Acme,usage,2026-05-04,3\n" * 25)
    seen = []
    real_rows = CsvSource.rows

    def spying_rows(self, progress=None):
        for item in real_rows(self, progress):
            seen.append(item[0])
            yield item

    monkeypatch.setattr(CsvSource, "rows", spying_rows)
    monkeypatch.setattr(importer, "BATCH_ROWS", 10)
    progress = []
    result = importer.import_events(
        path, store=store, today=date(2026, 6, 1), progress=lambda d, t: progress.append((d, t))
    )
    assert result.events_added == 25 and result.written
    assert seen == list(range(2, 27))
    size = path.stat().st_size
    # one report per 10 rows read, then the end of the file
    assert len(progress) == 3 and progress[-1] == (size, size)
    with store.reader() as r:
        assert r.one("SELECT COUNT(*), SUM(value) FROM event") == (25, 75.0)


def test_two_rows_for_one_account_are_both_rejected_naming_each_other(tmp_path):
    """Same name after NFC + case fold, or same external id (ignoring case): both rows are bad."""
    store = Store(resolve_url(str(tmp_path / "s.db")))
    path = csv_file(
        tmp_path,
        "name,signed,external_id\n"
        "Café,2026-01-01,\n"  # line 2: NFC
        "Other,2026-01-02,X1\n"  # line 3
        "CAFE\u0301,2026-01-03,\n"  # line 4: NFD, upper case: the same name as line 2
        "Third,2026-01-04,x1\n"  # line 5: the same external id as line 3
        "Fine,2026-01-05,\n",
    )
    result = importer.import_accounts(path, store=store, today=date(2026, 6, 1), skip_invalid=True)
    once = ": a file may name each account once"
    assert result.rejected == (
        importer.RowProblem(2, "account 'Café' is also on line 4" + once),
        importer.RowProblem(3, "external id 'X1' is also on line 5" + once),
        importer.RowProblem(4, "account 'CAF\u00c9' is also on line 2" + once),  # stored NFC
        importer.RowProblem(5, "external id 'x1' is also on line 3" + once),
    )
    assert [(a.action, a.name, a.line) for a in result.accounts] == [("create", "Fine", 6)]
    with store.reader() as r:
        assert r.one("SELECT COUNT(*) FROM account") == (1,)


def test_salesforce_deals_of_one_account_are_not_duplicates_but_two_accounts_of_one_name_are(tmp_path):
    store = Store(resolve_url(str(tmp_path / "s.db")))
    path = csv_file(
        tmp_path,
        "AccountId,Account Name,Stage,Close Date,Amount\n"
        "001A,Acme,Closed Won,2026-02-01,100\n"
        "001A,Acme,Closed Won,2026-01-01,50\n"  # an earlier deal of the same account: its signed date
        "001B,ACME,Closed Won,2026-03-01,70\n"  # another Salesforce account with the same name
        "001C,Globex,Closed Won,2026-03-01,70\n",
    )
    result = importer.import_accounts(path, store=store, today=date(2026, 6, 1), skip_invalid=True)
    once = ": a file may name each account once"
    assert result.rejected == (
        importer.RowProblem(3, "account 'Acme' is also on line 4" + once),
        importer.RowProblem(4, "account 'ACME' is also on line 3" + once),
    )
    assert [(a.action, a.name) for a in result.accounts] == [("create", "Globex")]
