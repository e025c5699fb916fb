"""handoff import accounts | events, export, restore: through the real app, with files in tmp_path."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from handoff_cli import SCHEMA_HEAD

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def accounts(handoff) -> list[dict]:
    rows = handoff.json("account", "list", "--all")["accounts"]
    return [
        {k: r[k] for k in ("name", "external_id", "signed_on", "motion", "segment", "ttv_target_days", "arr")}
        for r in rows
    ]


def acc(name, signed, ext=None, motion="high-touch", segment=None, ttv=90, arr=None):
    return {
        "name": name,
        "external_id": ext,
        "signed_on": signed,
        "motion": motion,
        "segment": segment,
        "ttv_target_days": ttv,
        "arr": arr,
    }


def assert_bad(result, fragment: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("handoff: ") and fragment in lines[0], lines[0]


# ---------------------------------------------------------------------------
# handoff accounts


def test_handoff_accounts_with_bom_quoted_commas_and_unicode(handoff, tmp_path):
    handoff.ok("init")
    f = write(
        tmp_path,
        "a.csv",
        "\ufeffName,Signed,Motion,Segment,TTV_Target,ARR,External ID\n"
        '"Borealis Freight, Inc.",2026-01-19,self-serve,smb,14,"1,200.50",crm-2\n'
        "Café Lumière 東京,2026-02-02,,,,,\n",
    )
    result = handoff.ok("import", "accounts", f)
    assert result.stderr == (
        "accounts from a handoff file: create 2, update 0, leave 0 unchanged; skipped 0 rows, rejected 0\n"
    )
    assert accounts(handoff) == [
        acc("Borealis Freight, Inc.", "2026-01-19", "crm-2", "self-serve", "smb", 14, 1200.5),
        acc("Café Lumière 東京", "2026-02-02"),
    ]


def test_reimport_updates_by_external_id_then_name_and_never_duplicates(handoff, tmp_path):
    first = write(tmp_path, "1.csv", "name,signed,arr,external_id\nAcme,2026-01-05,1000,A1\nGlobex,2026-02-01,,\n")
    handoff.ok("import", "accounts", first)
    # Acme renamed (matched by A1); globex matched by name in other case, gains an id and an ARR
    again = write(
        tmp_path, "2.csv", "name,signed,arr,external_id\nAcme Corp,2026-01-06,1500,A1\nGLOBEX,2026-02-01,700,G1\n"
    )
    result = handoff.ok("import", "accounts", again)
    assert "create 0, update 2, leave 0 unchanged" in result.stderr
    # the first row's name is kept for Globex only when the file does not rename it: GLOBEX renames it
    assert accounts(handoff) == [
        acc("Acme Corp", "2026-01-06", "A1", arr=1500.0),
        acc("GLOBEX", "2026-02-01", "G1", arr=700.0),
    ]
    result = handoff.ok("import", "accounts", again)
    assert "create 0, update 0, leave 2 unchanged" in result.stderr
    assert len(accounts(handoff)) == 2


def test_invalid_row_in_the_middle_writes_nothing_and_names_the_line(handoff, tmp_path, dump):
    handoff.ok("account", "add", "Existing", "--signed", "2026-01-01")
    before = dump()
    f = write(
        tmp_path,
        "bad.csv",
        "name,signed,motion,arr\n"
        "One,2026-01-02,,\n"
        "Two,2026-02-30,,\n"  # line 3: no such day
        "Three,2026-01-04,hybrid,\n"  # line 4: bad motion
        "Four,2026-01-05,,-5\n",  # line 5: negative ARR
    )
    result = handoff("import", "accounts", f)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{f}:3: signed '2026-02-30' is not a calendar date",
        f"{f}:4: motion 'hybrid' is not one of high-touch, self-serve",
        f"{f}:5: arr '-5' must be zero or more",
        "accounts from a handoff file: would create 1, update 0, leave 0 unchanged; skipped 0 rows, rejected 3; nothing written",
        "handoff: 3 rows rejected, nothing was written: fix them, or rerun with --skip-invalid",
    ]
    assert dump() == before


def test_skip_invalid_writes_the_good_rows_and_exits_0(handoff, tmp_path):
    handoff.ok("init")
    f = write(tmp_path, "bad.csv", "name,signed\nOne,2026-01-02\n,2026-01-03\nThree,soon\n")
    result = handoff("import", "accounts", f, "--skip-invalid")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"{f}:3: name must not be empty",
        f"{f}:4: signed 'soon' is not a date: use YYYY-MM-DD, MM/DD/YYYY or DD/MM/YYYY",
        "accounts from a handoff file: create 1, update 0, leave 0 unchanged; skipped 0 rows, rejected 2",
    ]
    assert [a["name"] for a in accounts(handoff)] == ["One"]


def test_dry_run_prints_the_plan_and_writes_nothing(handoff, tmp_path, dump):
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-05", "--arr", "100")
    handoff.ok("account", "add", "Same", "--signed", "2026-01-05")
    before = dump()
    f = write(tmp_path, "a.csv", "name,signed,arr\nNew Co,2026-03-01,\nacme,2026-01-05,250\nSame,2026-01-05,\n")
    result = handoff.ok("import", "accounts", f, "--dry-run")
    assert result.stdout.splitlines() == [
        "create    New Co (line 2)",
        "update    acme (line 3): name Acme -> acme, arr 100 -> 250",
        "unchanged Same (line 4)",
    ]
    assert result.stderr == (
        "accounts from a handoff file: would create 1, update 1, leave 1 unchanged; skipped 0 rows, rejected 0\n"
    )
    assert dump() == before


def test_dry_run_with_invalid_rows_exits_1(handoff, tmp_path, dump):
    handoff.ok("account", "add", "Existing", "--signed", "2026-01-01")
    before = dump()
    f = write(tmp_path, "a.csv", "name,signed\nOk,2026-01-01\nBad,2026-13-01\n")
    result = handoff("import", "accounts", f, "--dry-run")
    assert result.exit_code == 1
    assert result.stdout == "create    Ok (line 2)\n"
    assert result.stderr.splitlines()[-1] == (
        "handoff: 1 row rejected: the import would write nothing; fix them, or use --skip-invalid"
    )
    assert dump() == before


DUPS = "name,signed,external_id\nAcme,2026-01-02,A1\nGlobex,2026-01-03,\nacme,2026-01-04,\nInitech,2026-01-05,a1\n"
ONCE = ": a file may name each account once"


def dup_lines(f) -> list[str]:
    return [
        f"{f}:2: external id 'A1' is also on line 5 and account 'Acme' is also on line 4{ONCE}",
        f"{f}:4: account 'acme' is also on line 2{ONCE}",
        f"{f}:5: external id 'a1' is also on line 2{ONCE}",
    ]


def test_two_rows_for_one_account_reject_the_file_naming_both(handoff, tmp_path, dump):
    handoff.ok("account", "add", "Existing", "--signed", "2026-01-01")
    before = dump()
    f = write(tmp_path, "dups.csv", DUPS)
    result = handoff("import", "accounts", f)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == dup_lines(f) + [
        "accounts from a handoff file: would create 1, update 0, leave 0 unchanged; skipped 0 rows, rejected 3; nothing written",
        "handoff: 3 rows rejected, nothing was written: fix them, or rerun with --skip-invalid",
    ]
    assert dump() == before


def test_two_rows_for_one_account_skip_invalid_writes_the_others(handoff, tmp_path):
    handoff.ok("init")
    f = write(tmp_path, "dups.csv", DUPS)
    result = handoff("import", "accounts", f, "--skip-invalid")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == dup_lines(f) + [
        "accounts from a handoff file: create 1, update 0, leave 0 unchanged; skipped 0 rows, rejected 3",
    ]
    assert accounts(handoff) == [acc("Globex", "2026-01-03")]


def test_two_rows_for_one_account_dry_run_shows_them_rejected(handoff, tmp_path, dump):
    handoff.ok("account", "add", "Existing", "--signed", "2026-01-01")
    before = dump()
    f = write(tmp_path, "dups.csv", DUPS)
    result = handoff("import", "accounts", f, "--dry-run")
    assert result.exit_code == 1
    assert result.stdout == "create    Globex (line 3)\n"
    assert result.stderr.splitlines() == dup_lines(f) + [
        "accounts from a handoff file: would create 1, update 0, leave 0 unchanged; skipped 0 rows, rejected 3",
        "handoff: 3 rows rejected: the import would write nothing; fix them, or use --skip-invalid",
    ]
    assert dump() == before


def test_two_hubspot_companies_with_one_record_id_are_both_rejected(handoff, tmp_path, dump):
    handoff.ok("account", "add", "Existing", "--signed", "2026-01-01")
    before = dump()
    f = write(
        tmp_path,
        "hs.csv",
        "Record ID,Company name,Close Date\n101,Acme,2026-01-02\n102,Globex,2026-01-03\n101,Acme Inc,2026-01-04\n",
    )
    result = handoff("import", "accounts", f)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        f"{f}:2: external id '101' is also on line 4{ONCE}",
        f"{f}:4: external id '101' is also on line 2{ONCE}",
    ]
    assert dump() == before


def test_salesforce_two_accounts_of_one_name_are_rejected_but_several_deals_are_fine(handoff, tmp_path, dump):
    handoff.ok("account", "add", "Existing", "--signed", "2026-01-01")
    before = dump()
    f = write(
        tmp_path,
        "sf.csv",
        "AccountId,Account Name,Stage,Close Date,Amount\n"
        "001A,Acme,Closed Won,2026-02-01,100\n"
        "001A,Acme,Closed Won,2026-01-01,50\n"
        "001B,Acme,Closed Won,2026-03-01,70\n",
    )
    result = handoff("import", "accounts", f)
    assert result.exit_code == 1
    # the earliest deal of 001A (line 3) stands for its account
    assert result.stderr.splitlines()[:2] == [
        f"{f}:3: account 'Acme' is also on line 4{ONCE}",
        f"{f}:4: account 'Acme' is also on line 3{ONCE}",
    ]
    assert dump() == before


def test_missing_required_column_is_exit_2_naming_it(handoff, tmp_path, dump):
    before = dump()
    f = write(tmp_path, "a.csv", "name,motion\nAcme,self-serve\n")
    assert_bad(
        handoff("import", "accounts", f, "--from", "handoff"), "missing the column signed for a handoff accounts file"
    )
    assert_bad(handoff("import", "accounts", f), "a handoff accounts file needs signed")
    assert dump() == before


def test_unrecognised_file_names_the_missing_columns(handoff, tmp_path):
    f = write(tmp_path, "a.csv", "Record ID,Company name\n1,Acme\n")
    assert_bad(handoff("import", "accounts", f), "a HubSpot companies export needs Close Date (closedate)")


def test_semicolons_european_dates_and_amounts(handoff, tmp_path):
    f = write(
        tmp_path,
        "eu.csv",
        "name;signed;arr\n"
        "Müller GmbH;04/03/2026;1.200,50 €\n"  # ambiguous alone; the next line proves day-first
        "Dupont SA;25/03/2026;EUR 1 200\n"
        "Rossi Srl;01.02.2026;950\n",
    )
    handoff.ok("import", "accounts", f)
    assert accounts(handoff) == [
        acc("Dupont SA", "2026-03-25", arr=1200.0),
        acc("Müller GmbH", "2026-03-04", arr=1200.5),
        acc("Rossi Srl", "2026-02-01", arr=950.0),
    ]


def test_us_dates_and_dollar_amounts(handoff, tmp_path):
    f = write(tmp_path, "us.csv", 'name,signed,arr\nAcme,04/03/2026,"$1,200.50"\nGlobex,12/31/2025,$900\n')
    handoff.ok("import", "accounts", f)
    assert accounts(handoff) == [acc("Acme", "2026-04-03", arr=1200.5), acc("Globex", "2025-12-31", arr=900.0)]


def test_ambiguous_dates_need_date_format(handoff, tmp_path, dump):
    before = dump()
    f = write(tmp_path, "a.csv", "name,signed\nAcme,04/03/2026\nGlobex,05/06/2026\n")
    assert_bad(handoff("import", "accounts", f), "rerun with --date-format US or --date-format EU")
    assert dump() == before
    handoff.ok("import", "accounts", f, "--date-format", "EU")
    assert [(a["name"], a["signed_on"]) for a in accounts(handoff)] == [
        ("Acme", "2026-03-04"),
        ("Globex", "2026-06-05"),
    ]


def test_date_format_iso_rejects_other_dates(handoff, tmp_path):
    f = write(tmp_path, "a.csv", "name,signed\nAcme,2026-03-04T10:22:00Z\nGlobex,05/06/2026\n")
    result = handoff("import", "accounts", f, "--date-format", "ISO")
    assert result.exit_code == 1
    assert f"{f}:3: signed '05/06/2026' is not an ISO date (YYYY-MM-DD), as --date-format ISO requires" in result.stderr


def test_cp1252_file_falls_back_with_a_warning(handoff, tmp_path):
    f = write(tmp_path, "win.csv", "name,signed,arr\nCafé Señor,2026-01-02,€1.000\n", encoding="cp1252")
    result = handoff.ok("import", "accounts", f)
    assert result.stderr.splitlines()[0] == (
        f"warning: {f} is not UTF-8; reading it as Windows-1252 (save it as 'CSV UTF-8' to be sure)"
    )
    assert accounts(handoff) == [acc("Café Señor", "2026-01-02", arr=1000.0)]


def test_missing_file_is_exit_2(handoff, tmp_path):
    assert_bad(handoff("import", "accounts", tmp_path / "nope.csv"), "no such file")


# ---------------------------------------------------------------------------
# HubSpot and Salesforce


def test_hubspot_example_with_labels(handoff, tmp_path):
    handoff.ok("init")
    result = handoff.ok("import", "accounts", EXAMPLES / "hubspot-companies.csv")
    # 12 rows: Ionic Labs and Lumen Retail have no close date
    assert result.stderr == (
        "accounts from a hubspot file: create 10, update 0, leave 0 unchanged; skipped 2 rows, rejected 0\n"
    )
    rows = accounts(handoff)
    assert len(rows) == 10
    assert rows[1] == acc("Borealis Freight, Inc.", "2026-01-19", "9102")
    assert rows[2] == acc("Café Lumière", "2026-02-02", "9103")
    assert "Ionic Labs" not in [r["name"] for r in rows]


def test_hubspot_internal_names(handoff, tmp_path):
    f = write(
        tmp_path,
        "hs.csv",
        "hs_object_id,name,closedate,hubspot_owner_id\n77,Acme,2026-03-04T10:22:00Z,12\n78,Prospect,,12\n",
    )
    result = handoff.ok("import", "accounts", f, "--dry-run")
    assert result.stdout.splitlines() == ["create    Acme (line 2)", "skip      line 3: no close date: not a customer"]
    handoff.ok("import", "accounts", f)
    assert accounts(handoff) == [acc("Acme", "2026-03-04", "77")]


def test_salesforce_example_earliest_won_deal(handoff):
    handoff.ok("init")
    result = handoff.ok("import", "accounts", EXAMPLES / "salesforce-opportunities.csv")
    # 12 rows: Fjord (Closed Lost) and Ionic (Negotiation) skipped; Acme's two won deals make one account
    assert result.stderr == (
        "accounts from a salesforce file: create 9, update 0, leave 0 unchanged; skipped 2 rows, rejected 0\n"
    )
    rows = {r["name"]: r for r in accounts(handoff)}
    assert sorted(rows) == [
        "Acme Robotics",
        "Borealis Freight, Inc.",
        "Café Lumière",
        "Delta Orchards",
        "Evergreen Clinics",
        "Gumtree Learning",
        "Halcyon Insurance",
        "Juniper & Sons",
        "Kestrel Aviation",
    ]
    # earliest won close date 1/12/2026 and that deal's amount, not the April expansion
    assert rows["Acme Robotics"] == acc("Acme Robotics", "2026-01-12", "0015g00000AcmeA1", arr=48000.0)


def test_salesforce_data_loader_names(handoff, tmp_path):
    f = write(
        tmp_path,
        "dl.csv",
        "ACCOUNTID,ACCOUNT.NAME,STAGENAME,CLOSEDATE,AMOUNT\n"
        "001A,Acme,Closed Won,2026-02-10,500\n"
        "001A,Acme,Closed Won,2026-02-10,250\n"  # same earliest day: amounts add up
        "001A,Acme,Closed Won,2026-01-20,100\n"
        "001A,Acme,Closed Won,2026-03-01,900\n",
    )
    handoff.ok("import", "accounts", f)
    assert accounts(handoff) == [acc("Acme", "2026-01-20", "001A", arr=100.0)]
    g = write(
        tmp_path,
        "dl2.csv",
        "AccountId,StageName,CloseDate,Amount\n001A,Closed Won,2026-01-15,300\n001A,Closed Won,2026-01-15,200\n",
    )
    # no name column: matched by external id; 300 + 200 won that first day
    handoff.ok("import", "accounts", g)
    assert accounts(handoff) == [acc("Acme", "2026-01-15", "001A", arr=500.0)]


# ---------------------------------------------------------------------------
# events


@pytest.fixture
def two(handoff):
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-05", "--external-id", "A1")
    handoff.ok("account", "add", "Globex", "--signed", "2026-02-01", "--external-id", "acme")


def events(handoff, account):
    return [(e["kind"], e["on"], e["value"], e["note"]) for e in handoff.json("event", "list", account)["events"]]


def test_import_events_name_or_external_id_name_wins(handoff, tmp_path, two):
    f = write(
        tmp_path,
        "e.csv",
        "Account,Kind,On,Value,Note\n"
        "A1,usage,2026-05-04,5,\n"
        'acme,ces,2026-03-02T09:00:00,4.5,"calm, clear"\n'  # 'acme' is Acme's name and Globex's id: the name wins
        "Globex,note,03/20/2026,,met the COO\n",
    )
    result = handoff.ok("import", "events", f)
    assert result.stderr == "events: add 3 to 2 accounts, rejected 0\n"
    assert events(handoff, "Acme") == [("ces", "2026-03-02", 4.5, "calm, clear"), ("usage", "2026-05-04", 5, None)]
    assert events(handoff, "Globex") == [("note", "2026-03-20", None, "met the COO")]


def test_import_events_complete_the_open_milestones_of_their_kind_on_the_earliest_date(handoff, tmp_path, two):
    h = handoff.ok
    h("milestone", "add", "Acme", "Go-live EU", "--due", "2026-05-20", "--kind", "go-live", "--on", "2026-01-10")
    h("milestone", "add", "Acme", "Go-live US", "--due", "2026-05-10", "--kind", "go-live", "--on", "2026-01-10")
    h("milestone", "add", "Acme", "Dropped", "--due", "2026-05-01", "--kind", "go-live", "--on", "2026-01-10")
    h("milestone", "remove", "Acme", "Dropped")
    h("milestone", "add", "Acme", "UAT", "--due", "2026-05-01", "--kind", "uat", "--on", "2026-01-10")
    f = write(
        tmp_path,
        "e.csv",
        "account,kind,on,value,note\nAcme,go-live,2026-05-12,,\nAcme,go-live,2026-05-04,,\nGlobex,workflow-live,2026-05-04,,\n",
    )
    result = h("import", "events", f)
    # the open go-live milestones (not the removed one, not UAT), on the file's earliest go-live
    assert result.stderr == "events: add 3 to 2 accounts, rejected 0; completed 2 milestones\n"
    done = {m["title"]: m["done_on"] for m in handoff.json("milestone", "list", "Acme")["milestones"]}
    assert done == {"Go-live US": "2026-05-04", "Go-live EU": "2026-05-04", "UAT": None}


def test_import_events_all_or_nothing(handoff, tmp_path, two, dump):
    before = dump()
    f = write(
        tmp_path,
        "e.csv",
        "account,kind,on,value,note\n"
        "Acme,usage,2026-05-04,5,\n"
        "Nobody,usage,2026-05-04,5,\n"
        "Acme,usage,2026-05-04,,\n"
        "Acme,ces,2026-05-04,9,\n"
        "Acme,launch,2026-05-04,,\n"
        "Acme,usage,2026-05-11,6,\n",
    )
    result = handoff("import", "events", f)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{f}:3: no account 'Nobody'",
        f"{f}:4: a usage event needs a value: active users that week, a whole number from 0 to 1000000000 (--value N)",
        f"{f}:5: ces value 9 is out of range: give the customer effort score, a number from 1 to 7",
        f"{f}:6: unknown event kind 'launch': use one of go-live, workflow-live, first-value, usage, adopted, ces, "
        "handoff-csat, sponsor-contact, renewed, churned, graduated, note",
        "events: would add 2 to 1 account, rejected 4; nothing written",
        "handoff: 4 rows rejected, nothing was written: fix them, or rerun with --skip-invalid",
    ]
    assert dump() == before
    result = handoff("import", "events", f, "--skip-invalid")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1] == "events: add 2 to 1 account, rejected 4"
    assert events(handoff, "Acme") == [("usage", "2026-05-04", 5, None), ("usage", "2026-05-11", 6, None)]


def test_import_events_rolls_back_batches_already_written(handoff, tmp_path, two, dump, monkeypatch):
    from handoff_cli.commands import importer

    monkeypatch.setattr(importer, "BATCH_ROWS", 2)
    before = dump()
    lines = (
        ["account,kind,on,value,note"]
        + [f"Acme,usage,2026-05-{d:02d},{d}," for d in range(1, 8)]
        + ["Acme,usage,bad,1,"]
    )
    f = write(tmp_path, "e.csv", "\n".join(lines) + "\n")
    result = handoff("import", "events", f)
    assert result.exit_code == 1
    assert f"{f}:9: on 'bad' is not a date" in result.stderr
    assert dump() == before


def test_import_events_dry_run_writes_nothing(handoff, tmp_path, two, dump):
    before = dump()
    f = write(tmp_path, "e.csv", "account;kind;on;value;note\nAcme;ces;2026-05-04;4,5;\nGlobex;go-live;2026-05-05;;\n")
    result = handoff.ok("import", "events", f, "--dry-run")
    assert result.stderr == "events: would add 2 to 2 accounts, rejected 0\n"
    assert dump() == before
    handoff.ok("import", "events", f)
    # a decimal comma in a semicolon file
    assert events(handoff, "Acme") == [("ces", "2026-05-04", 4.5, None)]


def test_go_live_event_completes_open_milestones(handoff, tmp_path, two):
    handoff.ok("milestone", "add", "Acme", "Go live", "--due", "2026-05-01", "--kind", "go-live")
    handoff.ok("milestone", "add", "Acme", "First workflow", "--due", "2026-05-10", "--kind", "first-workflow")
    f = write(
        tmp_path,
        "e.csv",
        "account,kind,on\nAcme,go-live,2026-05-06\nAcme,go-live,2026-05-03\nGlobex,workflow-live,2026-05-07\n",
    )
    result = handoff.ok("import", "events", f)
    assert result.stderr == "events: add 3 to 2 accounts, rejected 0; completed 1 milestone\n"
    done = {m["title"]: m["done_on"] for m in handoff.json("milestone", "list", "Acme")["milestones"]}
    # the earliest go-live in the file counts
    assert done == {"Go live": "2026-05-03", "First workflow": None}


def test_events_missing_column_and_wrong_source(handoff, tmp_path, two):
    f = write(tmp_path, "e.csv", "account,kind,value\nAcme,usage,3\n")
    assert_bad(handoff("import", "events", f), "missing the column on for a handoff events file")
    # --from offers only the formats an events file can have
    result = handoff("import", "events", f, "--from", "hubspot")
    assert result.exit_code == 2
    assert "'hubspot' is not one of 'auto', 'handoff'" in result.stderr


# ---------------------------------------------------------------------------
# export and restore


def test_export_restore_export_is_identical(handoff, tmp_path, monkeypatch):
    handoff.ok("import", "accounts", EXAMPLES / "hubspot-companies.csv")
    handoff.ok("import", "accounts", EXAMPLES / "accounts.csv")
    handoff.ok("import", "events", EXAMPLES / "events.csv")
    handoff.ok("owner", "assign", "Acme Robotics", "csm", "Dana")
    handoff.ok("milestone", "add", "Delta Orchards", "UAT", "--due", "2026-05-01", "--kind", "uat")
    first = handoff.ok("export").stdout
    out = tmp_path / "export.jsonl"
    handoff.ok("export", "--output", out)
    assert out.read_text(encoding="utf-8") == first
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    header = json.loads(first.splitlines()[0])
    assert header == {
        "format": "handoff-export",
        "schema": SCHEMA_HEAD,
        "tables": [
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
            "journal_entry",
            "journal_change",
        ],
        "version": 1,
    }
    monkeypatch.setenv("HANDOFF_DB", str(tmp_path / "fresh.db"))
    result = handoff.ok("restore", out)
    created, restored = result.stderr.splitlines()
    assert created == f"handoff: created a new store at {tmp_path / 'fresh.db'}"  # restore is a write
    assert restored.startswith(f"restored {len(first.splitlines()) - 1} rows from {out}")
    assert handoff.ok("export").stdout == first


def test_restore_refuses_a_non_empty_store(handoff, tmp_path, dump):
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-01")
    out = tmp_path / "x.jsonl"
    handoff.ok("export", "-o", out)
    before = dump()
    assert_bad(handoff("restore", out), "is not empty (it has account rows): restore needs an empty store")
    assert dump() == before


def test_restore_rejects_a_file_that_is_not_an_export(handoff, tmp_path, dump):
    f = write(tmp_path, "x.jsonl", '{"hello": 1}\n')
    assert_bad(handoff("restore", f), "is not a handoff export")
    g = write(tmp_path, "y.jsonl", "name,signed\n")
    assert_bad(handoff("restore", g), "not a JSON line")
