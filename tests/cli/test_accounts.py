"""handoff account add | list | show | edit | archive, through the real app."""

from __future__ import annotations

import json

import pytest

BASE = {"schema_version": 1, "as_of": "2026-06-01"}


def account(name, signed, motion="high-touch", target=90, **kw):
    out = {
        "name": name,
        "external_id": None,
        "signed_on": signed,
        "motion": motion,
        "segment": None,
        "ttv_target_days": target,
        "arr": None,
        "archived_on": None,
        "churned_on": None,
    }
    out.update(kw)
    return out


def assert_bad(result, message: str) -> None:
    """Exit 2, nothing on stdout, exactly one stderr line: `handoff: ` + message."""
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"handoff: {message}"], result.stderr


# -- add --------------------------------------------------------------------


def test_add_with_every_option(handoff):
    out = handoff.json(
        "account",
        "add",
        "Acme",
        "--signed",
        "2026-03-01",
        "--motion",
        "self-serve",
        "--segment",
        "mid-market",
        "--ttv-target",
        "30",
        "--arr",
        "120000",
        "--external-id",
        "hs-1001",
    )
    assert out == {
        **BASE,
        "account": account(
            "Acme", "2026-03-01", "self-serve", 30, segment="mid-market", arr=120000.0, external_id="hs-1001"
        ),
    }
    assert handoff.json("account", "show", "hs-1001") == out


def test_add_defaults_and_message(handoff):
    handoff.ok("init")
    result = handoff.ok("account", "add", "Acme", "--signed", "2026-03-01")
    assert (result.stdout, result.stderr) == ("", "added Acme\n")
    handoff.ok("account", "add", "Selfy", "--signed", "yesterday", "--motion", "self-serve")
    assert handoff.json("account", "list")["accounts"] == [
        account("Acme", "2026-03-01"),  # high-touch: 90 days
        account("Selfy", "2026-05-31", "self-serve", 14),  # self-serve: 14 days; yesterday = 2026-06-01 - 1
    ]


def test_add_takes_targets_from_the_config_file(handoff, tmp_path):
    (tmp_path / "config.toml").write_text("[ttv_target_days]\nhigh-touch = 60\nself-serve = 10\n")
    assert handoff.json("account", "add", "Acme", "--signed", "2026-03-01")["account"]["ttv_target_days"] == 60
    out = handoff.json("account", "add", "S", "--signed", "2026-03-01", "--motion", "self-serve")
    assert out["account"]["ttv_target_days"] == 10
    out = handoff.json("account", "add", "Own", "--signed", "2026-03-01", "--ttv-target", "0")
    assert out["account"]["ttv_target_days"] == 0


def test_a_bad_config_file_is_one_line(handoff, tmp_path, dump):
    (tmp_path / "config.toml").write_text("[ttv_target_days]\nhigh-touch = -3\n")
    before = dump()
    result = handoff("account", "add", "Acme", "--signed", "2026-03-01")
    assert_bad(result, f"config {tmp_path / 'config.toml'}, line 2: ttv_target_days.high-touch must be from 0 to 36500")
    assert dump() == before


def test_option_value_starting_with_dash(handoff):
    out = handoff.json("account", "add", "Acme", "--signed=-2w")
    assert out["account"]["signed_on"] == "2026-05-18"  # 2026-06-01 - 14 days
    out = handoff.json("account", "add", "Beta", "--signed", "2026-01-01", "--segment=-tier-")
    assert out["account"]["segment"] == "-tier-"


# -- bad input: exit 2, one line, nothing written -------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["Beta", "--signed", "2026-13-01"],
            "--signed '2026-13-01' is not a date: use YYYY-MM-DD, today, yesterday, tomorrow, +3d or -2w",
        ),
        (
            ["Beta", "--signed", "2026-02-29"],
            "--signed '2026-02-29' is not a date: use YYYY-MM-DD, today, yesterday, tomorrow, +3d or -2w",
        ),
        (
            ["Beta", "--signed", "soon"],
            "--signed 'soon' is not a date: use YYYY-MM-DD, today, yesterday, tomorrow, +3d or -2w",
        ),
        (
            ["ACME", "--signed", "2026-01-01"],
            "an account named 'ACME' exists already (names are unique, ignoring case)",
        ),
        (
            [" acme ", "--signed", "2026-01-01"],
            "an account named 'acme' exists already (names are unique, ignoring case)",
        ),
        (
            ["Beta", "--signed", "2026-01-01", "--external-id", "crm-1"],
            "external id 'crm-1' belongs to another account",
        ),
        (["", "--signed", "2026-01-01"], "account name must not be empty"),
        (["  ", "--signed", "2026-01-01"], "account name must not be empty"),
        (["Be\x07ta", "--signed", "2026-01-01"], "account name contains control characters"),
        (["\x1b[31mred", "--signed", "2026-01-01"], "account name contains control characters"),
        (
            ["Beta", "--signed", "2026-01-01", "--ttv-target=-1"],
            "TTV target -1 must be a whole number of days from 0 to 36500",
        ),
        (
            ["Beta", "--signed", "2026-01-01", "--ttv-target", "ninety"],
            "Invalid value for '--ttv-target': 'ninety' is not a valid int. (see `handoff account add --help`)",
        ),
        (["Beta", "--signed", "2026-01-01", "--arr=-5"], "ARR -5 must be a number from 0 to 1e15"),
        (
            ["Beta", "--signed", "2026-01-01", "--arr", "lots"],
            "Invalid value for '--arr': 'lots' is not a valid float. (see `handoff account add --help`)",
        ),
        (["Beta", "--signed", "2026-01-01", "--arr", "nan"], "ARR nan must be a number from 0 to 1e15"),
        (
            ["Beta", "--signed", "2026-01-01", "--motion", "enterprise"],
            "motion 'enterprise' is not one of high-touch, self-serve",
        ),
        (["Beta", "--signed", "2026-01-01", "--motion", ""], "motion '' is not one of high-touch, self-serve"),
        (["Beta", "--signed", "2026-01-01", "--segment", "a\nb"], "segment contains control characters"),
        (["Beta"], "Missing option '--signed'. (see `handoff account add --help`)"),
        (
            ["Beta", "--signed", "-2w"],
            "option --signed is followed by '-2w', which is not taken as its value: write a value that starts with '-' "
            "as --signed=-2w (see `handoff account add --help`)",
        ),
        # without the check, the segment would silently become "--motion"
        (
            ["Beta", "--signed", "2026-01-01", "--segment", "--motion", "self-serve"],
            "option --segment is followed by '--motion', which is not taken as its value: write a value that starts "
            "with '-' as --segment=--motion (see `handoff account add --help`)",
        ),
    ],
)
def test_add_bad_input(handoff, dump, args, message):
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-01", "--external-id", "crm-1")
    before = dump()
    assert_bad(handoff("account", "add", *args), message)
    assert dump() == before


# -- list -------------------------------------------------------------------


@pytest.fixture
def portfolio(handoff):
    handoff.ok(
        "account",
        "add",
        "Acme",
        "--signed",
        "2026-01-05",
        "--external-id",
        "HS-1001",
        "--segment",
        "enterprise",
        "--arr",
        "1234567",
    )
    handoff.ok("account", "add", "beta", "--signed", "2026-03-01", "--motion", "self-serve")
    handoff.ok("account", "add", "Churned Co", "--signed", "2026-01-10")
    handoff.ok("event", "log", "Churned Co", "churned", "--on", "2026-05-01")
    handoff.ok("account", "add", "Archived Co", "--signed", "2026-01-02")
    handoff.ok("account", "archive", "Archived Co", "--on", "2026-06-01")
    handoff.ok("account", "add", "Later Co", "--signed", "tomorrow")
    handoff.ok("account", "add", "Leaving Co", "--signed", "2026-02-01", "--ttv-target", "120")
    handoff.ok("account", "archive", "Leaving Co", "--on", "+5d")
    handoff.ok("account", "add", "Churning Co", "--signed", "2026-02-01")
    handoff.ok("event", "log", "Churning Co", "churned", "--on", "tomorrow")


ACME = account("Acme", "2026-01-05", external_id="HS-1001", segment="enterprise", arr=1234567.0)
BETA = account("beta", "2026-03-01", "self-serve", 14)
CHURNING = account("Churning Co", "2026-02-01")
LEAVING = account("Leaving Co", "2026-02-01", target=120, archived_on="2026-06-06")  # 2026-06-01 + 5 days


def test_list_default_hides_archived_churned_and_future(handoff, portfolio):
    assert handoff.json("account", "list") == {**BASE, "accounts": [ACME, BETA, CHURNING, LEAVING]}


def test_list_all(handoff, portfolio):
    assert handoff.json("account", "list", "--all") == {
        **BASE,
        "accounts": [
            ACME,
            account("Archived Co", "2026-01-02", archived_on="2026-06-01"),
            BETA,
            account("Churned Co", "2026-01-10", churned_on="2026-05-01"),
            CHURNING,  # churns tomorrow: not churned today
            account("Later Co", "2026-06-02"),  # signed tomorrow: only with --all
            LEAVING,
        ],
    }


def test_list_as_of_a_later_date_sees_the_future_writes(handoff, portfolio):
    out = handoff.json("--as-of", "2026-06-06", "account", "list")
    assert out == {
        "schema_version": 1,
        "as_of": "2026-06-06",
        "accounts": [ACME, BETA, account("Later Co", "2026-06-02")],
    }


TABLE = (
    "Account      External id  Motion      Segment     Signed      TTV target      ARR  Archived    Churned\n"
    "Acme         HS-1001      high-touch  enterprise  2026-01-05          90  1234567\n"
    "beta                      self-serve              2026-03-01          14\n"
    "Churning Co               high-touch              2026-02-01          90\n"
    "Leaving Co                high-touch              2026-02-01         120           2026-06-06\n"
)


def test_list_table_is_plain_text(handoff, portfolio):
    result = handoff.ok("account", "list")
    assert result.stdout == TABLE
    assert "\x1b[" not in result.stdout
    assert result.stderr == ""


def test_list_table_all_shows_churn(handoff, portfolio):
    lines = handoff.ok("account", "list", "--all", "--format", "table").stdout.splitlines()
    # after TTV target: 2 + ARR (7 wide, empty) + 2 + Archived (10 wide, empty) + 2 = 23 spaces
    assert (
        lines[4] == "Churned Co                high-touch              2026-01-10          90" + " " * 23 + "2026-05-01"
    )


def test_list_limit(handoff, portfolio):
    result = handoff.ok("account", "list", "--limit", "2")
    # the columns are as wide as the rows shown
    assert result.stdout == (
        "Account  External id  Motion      Segment     Signed      TTV target      ARR  Archived  Churned\n"
        "Acme     HS-1001      high-touch  enterprise  2026-01-05          90  1234567\n"
        "beta                  self-serve              2026-03-01          14\n"
    )
    # 4 listed accounts, 2 shown
    assert result.stderr == "... and 2 more (raise --limit, or use --format json|csv|markdown for every row)\n"
    assert handoff.ok("account", "list", "--limit", "4").stderr == ""
    assert len(handoff.json("account", "list", "--limit", "1")["accounts"]) == 4
    assert handoff.ok("account", "list", "--limit", "1", "--format", "csv").stdout.count("\n") == 5  # header + 4


def test_list_limit_must_be_positive(handoff, portfolio):
    assert_bad(
        handoff("account", "list", "--limit", "0"),
        "Invalid value for '--limit': 0 is not in the range x>=1. (see `handoff account list --help`)",
    )


def test_list_csv(handoff, portfolio):
    handoff.ok("account", "edit", "beta", "--segment", "=1+1", "--external-id", "@ext")
    assert handoff.ok("account", "list", "--format", "csv").stdout == (
        "name,external_id,motion,segment,signed_on,ttv_target_days,arr,archived_on,churned_on,as_of\n"
        "Acme,HS-1001,high-touch,enterprise,2026-01-05,90,1234567,,,2026-06-01\n"
        "beta,'@ext,self-serve,'=1+1,2026-03-01,14,,,,2026-06-01\n"
        "Churning Co,,high-touch,,2026-02-01,90,,,,2026-06-01\n"
        "Leaving Co,,high-touch,,2026-02-01,120,,2026-06-06,,2026-06-01\n"
    )


def test_list_markdown(handoff, portfolio):
    handoff.ok("account", "edit", "beta", "--segment", "a|b")
    assert handoff.ok("account", "list", "-f", "markdown").stdout == (
        "| Account | External id | Motion | Segment | Signed | TTV target | ARR | Archived | Churned |\n"
        "| --- | --- | --- | --- | --- | ---: | ---: | --- | --- |\n"
        "| Acme | HS-1001 | high-touch | enterprise | 2026-01-05 | 90 | 1234567 |  |  |\n"
        "| beta |  | self-serve | a\\|b | 2026-03-01 | 14 |  |  |  |\n"
        "| Churning Co |  | high-touch |  | 2026-02-01 | 90 |  |  |  |\n"
        "| Leaving Co |  | high-touch |  | 2026-02-01 | 120 |  | 2026-06-06 |  |\n"
    )


def test_list_empty(handoff):
    handoff.ok("init")
    result = handoff.ok("account", "list")
    assert (result.stdout, result.stderr) == (
        "",
        "no accounts yet: add one with `handoff account add NAME --signed DATE`\n",
    )
    assert handoff.json("account", "list") == {**BASE, "accounts": []}


def test_list_bad_format(handoff):
    assert_bad(
        handoff("account", "list", "--format", "xml"),
        "Invalid value for '--format' / '-f': 'xml' is not one of 'table', 'json', 'csv', 'markdown'. "
        "(see `handoff account list --help`)",
    )


# -- show -------------------------------------------------------------------


def test_show_by_name_any_case_and_by_external_id(handoff, portfolio):
    for ref in ("Acme", "ACME", " acme ", "HS-1001"):
        assert handoff.json("account", "show", ref) == {**BASE, "account": ACME}


def test_show_the_name_wins_over_an_external_id(handoff):
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-01", "--external-id", "globex")
    handoff.ok("account", "add", "Globex", "--signed", "2026-02-01")
    assert handoff.json("account", "show", "GLOBEX")["account"]["name"] == "Globex"
    assert handoff.json("account", "show", "acme")["account"]["name"] == "Acme"


def test_show_churned_account(handoff, portfolio):
    assert handoff.json("account", "show", "churned co")["account"] == account(
        "Churned Co", "2026-01-10", churned_on="2026-05-01"
    )


def test_show_table(handoff, portfolio):
    assert handoff.ok("account", "show", "Leaving Co").stdout == (
        "Field        Value\n"
        "Account      Leaving Co\n"
        "External id\n"
        "Motion       high-touch\n"
        "Segment\n"
        "Signed       2026-02-01\n"
        "TTV target   120\n"
        "ARR\n"
        "Archived     2026-06-06\n"
        "Churned\n"
    )


def test_show_unknown_account(handoff, dump, portfolio):
    before = dump()
    assert_bad(handoff("account", "show", "Acne"), "no account 'Acne'; did you mean 'Acme'?")
    assert_bad(handoff("account", "show", "Zzz"), "no account 'Zzz'; see `handoff account list`")
    assert dump() == before


# -- edit -------------------------------------------------------------------


def test_edit_each_field(handoff, portfolio):
    assert handoff.ok("account", "edit", "acme", "--name", "Acme Inc").stderr == "updated Acme Inc\n"
    handoff.ok("account", "edit", "HS-1001", "--signed", "2026-01-06")
    handoff.ok("account", "edit", "acme inc", "--motion", "self-serve")
    handoff.ok("account", "edit", "acme inc", "--ttv-target", "21")
    handoff.ok("account", "edit", "acme inc", "--arr", "0.5")
    handoff.ok("account", "edit", "acme inc", "--external-id", "crm-9")
    out = handoff.json("account", "edit", "crm-9", "--segment", "smb")
    assert out == {
        **BASE,
        "account": account("Acme Inc", "2026-01-06", "self-serve", 21, external_id="crm-9", segment="smb", arr=0.5),
    }
    out = handoff.json("account", "edit", "Acme Inc", "--segment", "", "--external-id", "")
    assert out["account"] == account("Acme Inc", "2026-01-06", "self-serve", 21, arr=0.5)
    assert handoff.json("account", "show", "acme inc") == out


def test_edit_rename_to_its_own_name_in_another_case(handoff, portfolio):
    handoff.ok("account", "edit", "beta", "--name", "Beta")
    assert [a["name"] for a in handoff.json("account", "list")["accounts"]] == [
        "Acme",
        "Beta",
        "Churning Co",
        "Leaving Co",
    ]


def test_edit_churned_account_reports_its_churn(handoff, portfolio):
    out = handoff.json("account", "edit", "Churned Co", "--segment", "lost")
    assert out["account"] == account("Churned Co", "2026-01-10", segment="lost", churned_on="2026-05-01")


@pytest.mark.parametrize(
    "args, message",
    [
        (["Acme", "--name", "BETA"], "an account named 'BETA' exists already (names are unique, ignoring case)"),
        (["Acme", "--name", ""], "account name must not be empty"),
        (["Acme", "--name", "a\x7fb"], "account name contains control characters"),
        (["Acme", "--external-id", "HS-2"], "external id 'HS-2' belongs to another account"),
        (
            ["Acme", "--signed", "2026-04-31"],
            "--signed '2026-04-31' is not a date: use YYYY-MM-DD, today, yesterday, tomorrow, +3d or -2w",
        ),
        (["Acme", "--motion", "Self-Serve"], "motion 'Self-Serve' is not one of high-touch, self-serve"),
        (["Acme", "--ttv-target=-30"], "TTV target -30 must be a whole number of days from 0 to 36500"),
        (["Acme", "--arr=-1", "--segment", "x"], "ARR -1 must be a number from 0 to 1e15"),
        (
            ["Acme", "--arr", "1,000"],
            "Invalid value for '--arr': '1,000' is not a valid float. (see `handoff account edit --help`)",
        ),
        (["Acne", "--segment", "x"], "no account 'Acne'; did you mean 'Acme'?"),
        (
            ["Acme", "--signed", "-1d"],
            "option --signed is followed by '-1d', which is not taken as its value: write a value that starts with '-' "
            "as --signed=-1d (see `handoff account edit --help`)",
        ),
    ],
)
def test_edit_bad_input(handoff, dump, args, message):
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-01", "--external-id", "HS-1")
    handoff.ok("account", "add", "Beta", "--signed", "2026-01-01", "--external-id", "HS-2")
    before = dump()
    assert_bad(handoff("account", "edit", *args), message)
    assert dump() == before


# -- archive ----------------------------------------------------------------


def test_archive(handoff, dump):
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-01")
    result = handoff.ok("account", "archive", "ACME", "--on=-1w")
    assert (result.stdout, result.stderr) == ("", "archived Acme on 2026-05-25\n")  # 2026-06-01 - 7 days
    assert handoff.json("account", "list") == {**BASE, "accounts": []}
    before = dump()
    assert_bad(handoff("account", "archive", "Acme"), "account 'Acme' was archived on 2026-05-25 already")
    assert dump() == before


def test_archive_json_and_bad_dates(handoff, dump):
    handoff.ok("account", "add", "Acme", "--signed", "2026-03-01")
    before = dump()
    assert_bad(
        handoff("account", "archive", "Acme", "--on", "2026-02-28"),
        "archive date 2026-02-28 is before 'Acme' was signed (2026-03-01): give --on a date on or after it",
    )
    assert_bad(
        handoff("account", "archive", "Acme", "--on", "2026-02-30"),
        "--on '2026-02-30' is not a date: use YYYY-MM-DD, today, yesterday, tomorrow, +3d or -2w",
    )
    assert_bad(handoff("account", "archive", "Nobody"), "no account 'Nobody'; see `handoff account list`")
    assert dump() == before
    out = handoff.json("account", "archive", "Acme", "--on", "2026-03-01")
    assert out == {**BASE, "account": account("Acme", "2026-03-01", archived_on="2026-03-01")}


def test_json_is_parseable_and_keys_are_stable(handoff, portfolio):
    text = handoff.ok("account", "list", "--format", "json").stdout
    data = json.loads(text)
    assert list(data) == ["schema_version", "as_of", "accounts"]
    assert [list(a) for a in data["accounts"]] == [list(ACME)] * 4
