"""commands/accounts.py: add, edit, archive, list and show, called directly."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from handoff_cli.commands.accounts import (
    AccountView,
    add_account,
    archive_account,
    edit_account,
    list_accounts,
    show_account,
)
from handoff_cli.commands.events import log_event
from handoff_cli.errors import BadInput, Conflict, NotFound
from handoff_cli.store import Store, resolve_url

TODAY = date(2026, 6, 1)


@pytest.fixture
def store():
    return Store(resolve_url(None))


def view(name, signed, motion="high-touch", target=90, **kw):
    fields = dict(external_id=None, segment=None, arr=None, archived_on=None, churned_on=None)
    fields.update(kw)
    return AccountView(name=name, signed_on=signed, motion=motion, ttv_target_days=target, **fields)


def names(views):
    return [v.name for v in views]


def test_add_returns_the_view_with_config_defaults(store):
    assert add_account("Acme", signed_on=date(2026, 3, 1), store=store, today=TODAY) == view("Acme", date(2026, 3, 1))
    assert add_account("Selfy", signed_on=date(2026, 3, 2), motion="self-serve", store=store, today=TODAY) == view(
        "Selfy", date(2026, 3, 2), "self-serve", 14
    )
    full = add_account(
        "  Globex  ",
        signed_on=date(2026, 4, 1),
        motion="self-serve",
        segment=" smb ",
        ttv_target_days=30,
        arr=1234567.5,
        external_id=" hs-9 ",
        store=store,
        today=TODAY,
    )
    assert full == view("Globex", date(2026, 4, 1), "self-serve", 30, segment="smb", arr=1234567.5, external_id="hs-9")
    assert show_account("HS-9".lower(), store=store, today=TODAY) == full


def test_defaults_follow_the_config_file(store, tmp_path):
    (tmp_path / "config.toml").write_text("[ttv_target_days]\nhigh-touch = 60\n")
    assert add_account("Acme", signed_on=date(2026, 3, 1), store=store, today=TODAY).ttv_target_days == 60
    assert (
        add_account("S", signed_on=date(2026, 3, 1), motion="self-serve", store=store, today=TODAY).ttv_target_days
        == 14
    )
    # an account without its own target follows the config; one with its own keeps it
    add_account("Own", signed_on=date(2026, 3, 1), ttv_target_days=45, store=store, today=TODAY)
    (tmp_path / "config.toml").write_text("[ttv_target_days]\nhigh-touch = 75\nself-serve = 7\n")
    assert [(v.name, v.ttv_target_days) for v in list_accounts(store=store, today=TODAY)] == [
        ("Acme", 75),
        ("Own", 45),
        ("S", 7),
    ]


def test_minus_zero_arr_is_stored_as_zero(store):
    v = add_account("Acme", signed_on=date(2026, 3, 1), arr=-0.0, store=store, today=TODAY)
    assert str(v.arr) == "0.0"
    assert str(show_account("Acme", store=store, today=TODAY).arr) == "0.0"


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(name=""), BadInput, "account name must not be empty"),
        (dict(name="   "), BadInput, "account name must not be empty"),
        (dict(name="a\x00b"), BadInput, "account name contains control characters"),
        (dict(name="x" * 201), BadInput, "account name is too long (201 characters; at most 200)"),
        (dict(motion="High-Touch"), BadInput, "motion 'High-Touch' is not one of high-touch, self-serve"),
        (dict(motion=""), BadInput, "motion '' is not one of high-touch, self-serve"),
        (dict(ttv_target_days=-1), BadInput, "TTV target -1 must be a whole number of days from 0 to 36500"),
        (dict(ttv_target_days=36501), BadInput, "TTV target 36501 must be a whole number of days from 0 to 36500"),
        (dict(arr=-1.0), BadInput, "ARR -1 must be a number from 0 to 1e15"),
        (dict(arr=float("nan")), BadInput, "ARR nan must be a number from 0 to 1e15"),
        (dict(arr=float("inf")), BadInput, "ARR inf must be a number from 0 to 1e15"),
        (dict(segment="a\x1bb"), BadInput, "segment contains control characters"),
        (dict(external_id="a\nb"), BadInput, "external id contains control characters"),
        (dict(name="ACME"), Conflict, "an account named 'ACME' exists already (names are unique, ignoring case)"),
        (dict(external_id="crm-1"), Conflict, "external id 'crm-1' belongs to another account"),
    ],
)
def test_add_refuses_bad_input_and_writes_nothing(store, dump, kwargs, error, message):
    add_account("Acme", signed_on=date(2026, 3, 1), external_id="crm-1", store=store, today=TODAY)
    before = dump()
    args = dict(name="New", signed_on=date(2026, 3, 1), store=store, today=TODAY) | kwargs
    with pytest.raises(error) as exc:
        add_account(args.pop("name"), **args)
    assert str(exc.value) == message
    assert dump() == before


def test_list_hides_archived_churned_and_not_yet_signed(store):
    for name, signed in [
        ("Acme", "2026-01-05"),
        ("Beta", "2026-02-01"),
        ("Churny", "2026-02-02"),
        ("Later", "2026-06-02"),
        ("Today", "2026-06-01"),
        ("Gone", "2026-01-01"),
        ("Leaving", "2026-01-01"),
        ("Churning", "2026-01-01"),
    ]:
        add_account(name, signed_on=date.fromisoformat(signed), store=store, today=TODAY)
    archive_account("Gone", on=date(2026, 6, 1), store=store, today=TODAY)  # archived today: gone today
    archive_account("Leaving", on=date(2026, 6, 2), store=store, today=TODAY)  # archived tomorrow: still here
    log_event("Churny", "churned", on=date(2026, 5, 1), store=store, today=TODAY)
    log_event("Churning", "churned", on=date(2026, 6, 2), store=store, today=TODAY)  # churns tomorrow
    assert names(list_accounts(store=store, today=TODAY)) == ["Acme", "Beta", "Churning", "Leaving", "Today"]
    everything = list_accounts(include_all=True, store=store, today=TODAY)
    assert names(everything) == ["Acme", "Beta", "Churning", "Churny", "Gone", "Later", "Leaving", "Today"]
    by_name = {v.name: v for v in everything}
    assert by_name["Churny"].churned_on == date(2026, 5, 1)
    assert by_name["Churning"].churned_on is None  # not churned by today
    assert by_name["Gone"].archived_on == date(2026, 6, 1)
    # a day later, the future writes take effect
    tomorrow = date(2026, 6, 2)
    assert names(list_accounts(store=store, today=tomorrow)) == ["Acme", "Beta", "Later", "Today"]
    # and as of an earlier date, neither the churn nor the later signings are seen
    assert names(list_accounts(store=store, today=date(2026, 2, 1))) == ["Acme", "Beta", "Churning", "Gone", "Leaving"]


def test_list_orders_by_name_ignoring_case(store):
    for name in ["beta", "Alpha", "ALPHA 2", "gamma"]:
        add_account(name, signed_on=date(2026, 1, 1), store=store, today=TODAY)
    assert names(list_accounts(store=store, today=TODAY)) == ["Alpha", "ALPHA 2", "beta", "gamma"]


def test_show_by_name_or_external_id_and_the_name_wins(store):
    add_account("Acme", signed_on=date(2026, 1, 1), external_id="Globex", store=store, today=TODAY)
    add_account("Globex", signed_on=date(2026, 2, 1), external_id="gx-1", store=store, today=TODAY)
    assert show_account("globex", store=store, today=TODAY).name == "Globex"  # a name, not Acme's external id
    assert show_account("Globex", store=store, today=TODAY).name == "Globex"
    assert show_account(" gx-1 ", store=store, today=TODAY).name == "Globex"
    assert show_account("ACME", store=store, today=TODAY).name == "Acme"


def test_show_reports_churn_by_today(store):
    add_account("Acme", signed_on=date(2026, 1, 1), store=store, today=TODAY)
    log_event("Acme", "churned", on=date(2026, 5, 20), store=store, today=TODAY)
    log_event("Acme", "churned", on=date(2026, 5, 10), store=store, today=TODAY)
    assert show_account("Acme", store=store, today=TODAY).churned_on == date(2026, 5, 10)  # the earliest counts
    assert show_account("Acme", store=store, today=date(2026, 5, 9)).churned_on is None


def test_show_unknown_account_suggests_close_names(store):
    add_account("Acme Corp", signed_on=date(2026, 1, 1), store=store, today=TODAY)
    with pytest.raises(NotFound) as exc:
        show_account("Acme Crop", store=store, today=TODAY)
    assert str(exc.value) == "no account 'Acme Crop'; did you mean 'Acme Corp'?"
    with pytest.raises(NotFound) as exc:
        show_account("Zebra", store=store, today=TODAY)
    assert str(exc.value) == "no account 'Zebra'; see `handoff account list`"


def test_edit_each_field(store):
    add_account(
        "Acme", signed_on=date(2026, 1, 1), segment="mid", external_id="crm-1", arr=10.0, store=store, today=TODAY
    )
    assert edit_account("acme", name="ACME Inc", store=store, today=TODAY).name == "ACME Inc"
    assert edit_account("crm-1", signed_on=date(2026, 1, 15), store=store, today=TODAY).signed_on == date(2026, 1, 15)
    v = edit_account("acme inc", motion="self-serve", store=store, today=TODAY)
    assert (v.motion, v.ttv_target_days) == ("self-serve", 14)  # the default target follows the motion
    assert edit_account("ACME INC", ttv_target_days=21, store=store, today=TODAY).ttv_target_days == 21
    assert edit_account("ACME INC", arr=99.5, store=store, today=TODAY).arr == 99.5
    assert edit_account("ACME INC", arr=None, store=store, today=TODAY).arr is None
    assert edit_account("ACME INC", segment="enterprise", store=store, today=TODAY).segment == "enterprise"
    assert edit_account("ACME INC", segment="", store=store, today=TODAY).segment is None
    assert edit_account("ACME INC", external_id="crm-2", store=store, today=TODAY).external_id == "crm-2"
    final = edit_account("crm-2", external_id="", store=store, today=TODAY)
    assert final == view("ACME Inc", date(2026, 1, 15), "self-serve", 21)
    assert show_account("acme inc", store=store, today=TODAY) == final


def test_edit_rename_to_own_name_in_other_case(store):
    add_account("Acme", signed_on=date(2026, 1, 1), store=store, today=TODAY)
    assert edit_account("Acme", name="ACME", store=store, today=TODAY).name == "ACME"
    assert names(list_accounts(store=store, today=TODAY)) == ["ACME"]


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(name="beta"), Conflict, "an account named 'beta' exists already (names are unique, ignoring case)"),
        (dict(name=""), BadInput, "account name must not be empty"),
        (dict(name="a\tb"), BadInput, "account name contains control characters"),
        (dict(external_id="crm-b"), Conflict, "external id 'crm-b' belongs to another account"),
        (dict(motion="enterprise"), BadInput, "motion 'enterprise' is not one of high-touch, self-serve"),
        (dict(ttv_target_days=-5), BadInput, "TTV target -5 must be a whole number of days from 0 to 36500"),
        (dict(arr=-0.5), BadInput, "ARR -0.5 must be a number from 0 to 1e15"),
        # a valid change given with a bad one is not written either
        (dict(segment="new", arr=-2.0), BadInput, "ARR -2 must be a number from 0 to 1e15"),
    ],
)
def test_edit_refuses_bad_input_and_writes_nothing(store, dump, kwargs, error, message):
    add_account("Acme", signed_on=date(2026, 1, 1), external_id="crm-a", store=store, today=TODAY)
    add_account("Beta", signed_on=date(2026, 1, 1), external_id="crm-b", store=store, today=TODAY)
    before = dump()
    with pytest.raises(error) as exc:
        edit_account("Acme", store=store, today=TODAY, **kwargs)
    assert str(exc.value) == message
    assert dump() == before


def test_edit_and_archive_unknown_account(store, dump):
    add_account("Acme", signed_on=date(2026, 1, 1), store=store, today=TODAY)
    before = dump()
    with pytest.raises(NotFound, match=r"^no account 'Acne'; did you mean 'Acme'\?$"):
        edit_account("Acne", segment="x", store=store, today=TODAY)
    with pytest.raises(NotFound, match=r"^no account 'Acne'; did you mean 'Acme'\?$"):
        archive_account("Acne", on=TODAY, store=store, today=TODAY)
    assert dump() == before


def test_archive(store, dump):
    add_account("Acme", signed_on=date(2026, 3, 1), store=store, today=TODAY)
    before = dump()
    with pytest.raises(BadInput) as exc:
        archive_account("Acme", on=date(2026, 2, 28), store=store, today=TODAY)
    assert str(exc.value) == (
        "archive date 2026-02-28 is before 'Acme' was signed (2026-03-01): give --on a date on or after it"
    )
    assert dump() == before
    assert archive_account("acme", on=date(2026, 3, 1), store=store, today=TODAY).archived_on == date(2026, 3, 1)
    after = dump()
    with pytest.raises(BadInput) as exc:
        archive_account("Acme", on=TODAY, store=store, today=TODAY)
    assert str(exc.value) == "account 'Acme' was archived on 2026-03-01 already"
    assert dump() == after


@pytest.mark.sqlite_only
def test_reads_load_no_orm_on_sqlite(tmp_path):
    """list and show are the read path: plain SQL, no SQLModel or SQLAlchemy on SQLite."""
    store = Store(resolve_url(str(tmp_path / "reads.db")))
    add_account("Acme", signed_on=date(2026, 1, 1), store=store, today=TODAY)
    store.close()
    code = (
        "import sys\n"
        "from datetime import date\n"
        "from handoff_cli.store import Store\n"
        "from handoff_cli.commands.accounts import list_accounts, show_account\n"
        f"s = Store({resolve_url(str(tmp_path / 'reads.db'))!r})\n"
        "print([v.name for v in list_accounts(store=s, today=date(2026, 6, 1))], show_account('acme', store=s, today=date(2026, 6, 1)).name)\n"
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'alembic', 'pendulum') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out == "['Acme'] Acme\n[]\n"


def test_a_name_whose_case_folded_key_is_too_long_is_refused_on_every_backend(handoff, dump):
    # 150 x 'ß' is 150 characters, but its case-insensitive key 'ss' x 150 is 300: the
    # key column holds 200, so the name is refused up front (PostgreSQL would refuse the row).
    handoff.ok("init")
    before = dump()
    result = handoff("account", "add", "ß" * 150, "--signed", "2026-01-01")
    assert result.exit_code == 2
    assert result.stderr.strip() == "handoff: name is too long once case is ignored (300 characters; at most 200)"
    assert dump() == before
