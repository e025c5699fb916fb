"""commands/templates.py: the shipped standard plan, user templates, all-or-nothing apply."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from handoff_cli.commands.accounts import add_account
from handoff_cli.commands.milestones import add_milestone, list_milestones
from handoff_cli.commands.templates import (
    TemplateItem,
    apply_template,
    load_template,
    template_names,
    user_templates_dir,
)
from handoff_cli.errors import BadInput, Conflict, NotFound
from handoff_cli.store import Store, resolve_url

TODAY = date(2026, 6, 1)

STANDARD = [
    ("Discovery and scoping", "discovery", "vendor"),
    ("Provision instance", "provision", "vendor"),
    ("Connect data sources", "data-source", "customer"),
    ("SSO", "integration", "customer"),
    ("CRM sync", "integration", "vendor"),
    ("Webhooks", "integration", "vendor"),
    ("Data migration", "migration", "vendor"),
    ("Workspace configuration", "configuration", "vendor"),
    ("UAT", "uat", "customer"),
    ("First workflow with customer data", "first-workflow", "customer"),
    ("Go-live", "go-live", "vendor"),
]


@pytest.fixture
def store():
    s = Store(resolve_url(None))
    add_account("Acme", signed_on=date(2026, 3, 1), store=s, today=TODAY)
    return s


@pytest.fixture
def user_dir(tmp_path):
    folder = tmp_path / "templates"  # HANDOFF_CONFIG is tmp_path/config.toml
    folder.mkdir()
    return folder


def test_user_templates_live_next_to_the_config(tmp_path):
    assert user_templates_dir() == tmp_path / "templates"


def test_standard_template_content():
    t = load_template("standard")
    assert [(i.title, i.kind, i.side) for i in t.items] == STANDARD
    offsets = [i.offset_days for i in t.items]
    assert offsets == sorted(offsets)  # in order
    assert offsets[0] > 0 and offsets[-1] == 70  # ten weeks to go-live
    assert template_names() == ["standard"]


def test_apply_standard_dates_from_start(store):
    applied = apply_template("acme", start=date(2026, 4, 6), on=date(2026, 4, 1), store=store, today=TODAY)
    assert applied.account == "Acme" and applied.template == "standard" and applied.start_on == date(2026, 4, 6)
    offsets = {i.title: i.offset_days for i in load_template("standard").items}
    got = [(m.title, m.kind, m.side, m.due_on, m.baseline_due_on) for m in applied.milestones]
    assert got == [
        (
            title,
            kind,
            side,
            date(2026, 4, 6) + timedelta(days=offsets[title]),
            date(2026, 4, 6) + timedelta(days=offsets[title]),
        )
        for title, kind, side in STANDARD
    ]
    # go-live: 2026-04-06 + 70 days = 2026-06-15
    assert applied.milestones[-1].due_on == date(2026, 6, 15)
    assert [m.title for m in list_milestones("Acme", store=store, today=TODAY)[1]] == [t for t, _, _ in STANDARD]


def test_apply_without_start_counts_from_the_on_date(store):
    from handoff_cli.store import to_date

    applied = apply_template("Acme", on=date(2026, 5, 1), store=store, today=TODAY)
    assert applied.start_on == date(2026, 5, 1)
    # discovery: 2026-05-01 + 7 = 2026-05-08
    assert applied.milestones[0].due_on == date(2026, 5, 8)
    with store.reader() as r:
        added = [to_date(v) for (v,) in r.all("SELECT DISTINCT added_on FROM milestone")]
    assert added == [date(2026, 5, 1)]


def test_user_template_with_the_same_name_wins(store, user_dir):
    (user_dir / "standard.toml").write_text(
        '[[milestones]]\ntitle = "Kickoff"\nkind = "discovery"\noffset_days = 2\n'
        '[[milestones]]\ntitle = "Launch"\nkind = "go-live"\nside = "customer"\noffset_days = 30\n'
    )
    t = load_template("standard")
    assert t.items == (
        TemplateItem("Kickoff", "discovery", "vendor", 2),
        TemplateItem("Launch", "go-live", "customer", 30),
    )
    assert t.source == str(user_dir / "standard.toml")
    applied = apply_template("Acme", start=date(2026, 5, 1), on=TODAY, store=store, today=TODAY)
    assert [(m.title, m.due_on) for m in applied.milestones] == [
        ("Kickoff", date(2026, 5, 3)),
        ("Launch", date(2026, 5, 31)),
    ]


def test_user_template_new_name_and_config_kinds(store, user_dir, tmp_path):
    (tmp_path / "config.toml").write_text('[milestones]\nkinds = ["training"]\n')
    (user_dir / "light.toml").write_text(
        'description = "Self-serve assist"\n[[milestones]]\ntitle = "Admin training"\nkind = "training"\noffset_days = 5\n'
    )
    (user_dir / "notes.txt").write_text("not a template")
    assert template_names() == ["light", "standard"]
    applied = apply_template("Acme", name="light", on=TODAY, store=store, today=TODAY)
    assert [(m.title, m.kind, m.due_on) for m in applied.milestones] == [
        ("Admin training", "training", date(2026, 6, 6))
    ]


@pytest.mark.parametrize("name", ["nope", "../standard", "", "standard.toml"])
def test_unknown_template_lists_the_available_ones(store, user_dir, name):
    (user_dir / "mine.toml").write_text('[[milestones]]\ntitle = "A"\noffset_days = 1\n')
    with pytest.raises(NotFound) as err:
        load_template(name)
    assert str(err.value).startswith(f"no milestone template {name!r}: available: mine, standard")


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("[[milestones]\ntitle = 1", "not valid TOML: "),
        ('title = "x"\n', "unknown key(s) title"),
        ('description = "x"\n', "no milestones"),
        ('[[milestones]]\ntitle = "A"\n', "milestone 1 ('A') needs offset_days"),
        ('[[milestones]]\ntitle = "A"\noffset_days = 1.5\n', "needs offset_days"),
        ('[[milestones]]\ntitle = "A"\noffset_days = true\n', "needs offset_days"),
        ('[[milestones]]\ntitle = "A"\noffset_days = 99999\n', "needs offset_days"),
        ("[[milestones]]\noffset_days = 1\n", "milestone 1 needs a title"),
        ('[[milestones]]\ntitle = ""\noffset_days = 1\n', "milestone 1 title must not be empty"),
        ('[[milestones]]\ntitle = "A"\nkind = "party"\noffset_days = 1\n', "unknown kind 'party'"),
        ('[[milestones]]\ntitle = "A"\nside = "both"\noffset_days = 1\n', "side 'both'"),
        ('[[milestones]]\ntitle = "A"\ndue = 3\noffset_days = 1\n', "unknown key(s) due"),
        (
            '[[milestones]]\ntitle = "A"\noffset_days = 1\n[[milestones]]\ntitle = "a"\noffset_days = 2\n',
            "milestone 2 repeats the title 'a' of milestone 1",
        ),
    ],
)
def test_malformed_template_names_the_file(store, user_dir, dump, text, fragment):
    path = user_dir / "broken.toml"
    path.write_text(text)
    before = dump()
    with pytest.raises(BadInput) as err:
        apply_template("Acme", name="broken", on=TODAY, store=store, today=TODAY)
    message = str(err.value)
    assert message.startswith(f"template file {path}: ")
    assert fragment in message
    assert "\n" not in message
    assert dump() == before


def test_a_clash_adds_nothing_and_names_the_clashing_titles(store, dump):
    add_milestone("Acme", "sso", due_on=date(2026, 5, 1), on=TODAY, store=store, today=TODAY)
    add_milestone("Acme", "GO-LIVE", due_on=date(2026, 7, 1), on=TODAY, store=store, today=TODAY)
    before = dump()
    with pytest.raises(Conflict) as err:
        apply_template("Acme", on=TODAY, store=store, today=TODAY)
    assert str(err.value) == (
        "Acme has milestone(s) 'sso', 'GO-LIVE' already: template 'standard' added nothing "
        "(titles are unique per account, ignoring case)"
    )
    assert dump() == before


def test_unknown_account(store, dump):
    before = dump()
    with pytest.raises(NotFound, match="no account 'Zeta'"):
        apply_template("Zeta", on=TODAY, store=store, today=TODAY)
    assert dump() == before
