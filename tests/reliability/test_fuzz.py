"""Fuzzing the edges of every write command (PRODUCT.md sections 6 and 8).

Hypothesis generates names, dates, numbers and option values: empty, huge,
unicode, control characters, SQL fragments, dates that do not exist, values
starting with '-', in both `--opt value` and `--opt=value` forms. Each example
runs the real app (the `handoff` CliRunner fixture) and must end in one of two
ways:
* exit 0, and the write is correct (the row it describes is in the store, the
  store's integrity and foreign keys hold), or
* exit 2 with one stderr line starting with `handoff: `, and `dump()` unchanged.
Never a traceback, never exit 1 for bad input.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_tools import integrity

EXAMPLES = 100
# the PostgreSQL pass re-checks the same edges through the server with fewer examples
EXAMPLES_PG = 25

SQL = [
    "'; DROP TABLE account; --",
    "Robert'); DELETE FROM event;--",
    '" OR 1=1 --',
    "%_%",
    "acme' OR '1'='1",
    "NULL",
    "1; UPDATE account SET name='x'",
]
DASHY = ["-", "--", "-x", "--help", "--on", "-2w", "-1", "--=", "-- Acme"]
WEIRD = ["", " ", "\t", "\n", " acme ", "é" * 250, "x" * 10_000, "a\x07b", "a\rb", "\u202eevil", "\x1b[31mred"]
# argv cannot carry NUL bytes, so no generated text has one
_chars = st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))
_printable = st.characters(blacklist_categories=("Cc", "Cs"))


good_text = st.one_of(
    st.text(_printable, min_size=1, max_size=40).filter(str.strip),
    st.sampled_from(SQL + ["😀 Ünïcødé ✓", "O'Brien", "日本語のメモ", "\u200bzero width", "x" * 200]),
)
bad_text = st.one_of(
    st.sampled_from(WEIRD + DASHY),
    st.text(_chars, max_size=40),
    st.text(st.characters(min_codepoint=1, max_codepoint=31), min_size=1, max_size=5),
    st.text(_chars, min_size=195, max_size=230),
)
any_text = st.one_of(good_text, bad_text)
BAD_DATES = [
    "2026-02-29",
    "2026-02-30",
    "2026-04-31",
    "2026-13-01",
    "2026-00-10",
    "0000-00-00",
    "+99999d",
    "-99999w",
    "2026-06-01T25:00",
    "31/12/2026",
    "12/31/2026",
    "2026-6-1",
    "1e9",
    "2026-06-01; DROP TABLE event",
    "",
    "0001-01-01",
    "9999-12-31",  # real dates at the edges: accepted or refused, both are fine
]
GOOD_DATES = [
    "today",
    "yesterday",
    "tomorrow",
    "TODAY",
    "+3d",
    "-2w",
    "+1m",
    "-1y",
    "+0d",
    "2028-02-29",
    "20260601",
    "2026-06-01T10:00:00+02:00",
]
good_date = st.one_of(st.sampled_from(GOOD_DATES), st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)).map(str))
bad_date = st.one_of(st.sampled_from(BAD_DATES), bad_text)
BAD_NUMBERS = [
    "-1",
    "1e309",
    "-1e309",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1,5",
    "0x10",
    "99999999999999999999",
    "36501",
    "4 users",
    "",
]
bad_number = st.one_of(
    st.sampled_from(BAD_NUMBERS), st.integers(-(10**20), 10**20).map(str), st.floats().map(repr), bad_text
)
small_int = st.one_of(st.integers(0, 400).map(str), st.sampled_from(["0", "07", "36500", "+5"]))
amount = st.one_of(
    st.floats(min_value=0, max_value=1e12).map(repr), st.sampled_from(["0", "1.5", "3.0", "1e308", " 4 "])
)
score = st.integers(0, 7).map(str)
good_account = st.sampled_from(["Acme", "acme", "HS-1001", "Globex", "Self Serve Co", " ACME "])
bad_account = st.one_of(st.just("Nobody"), bad_text)


def word(*words: str):
    return (st.just(list(words)), st.just(list(words)))


def arg(good, bad):
    return (good.map(lambda v: [v]), bad.map(lambda v: [v]))


def pick(good: list[str], bad: list[str]):
    return arg(st.sampled_from(good), st.one_of(st.sampled_from(bad), bad_text))


def opt(name: str, good, bad, required: bool = False):
    """An option, written `--name value` or `--name=value`. Its bad form has a bad value
    (or is missing, when it is required)."""

    def forms(values):
        return st.one_of(values.map(lambda v: [name, v]), values.map(lambda v: [f"{name}={v}"]))

    good_forms = forms(good) if required else st.one_of(st.just([]), forms(good))
    bad_forms = st.one_of(forms(bad), st.just([])) if required else forms(bad)
    return (good_forms, bad_forms)


@st.composite
def argv(draw, slots):
    """A valid command line with none, one or two of its slots made hostile."""
    n = len(slots)
    how_many = draw(st.sampled_from([0, 0, 1, 1, 1, 2]))  # a third clean, half one bad slot, a sixth two
    spoiled = {draw(st.integers(1, n - 1)) for _ in range(how_many)}  # slot 0 is the command's words
    out: list[str] = []
    for i, (good, bad) in enumerate(slots):
        out += draw(bad if i in spoiled else good)
    return out


ROLES = (["implementation", "csm", "sponsor", "champion"], ["CSM", "owner", ""])
KINDS = (
    [
        "go-live",
        "workflow-live",
        "first-value",
        "usage",
        "adopted",
        "ces",
        "handoff-csat",
        "sponsor-contact",
        "renewed",
        "churned",
        "graduated",
        "note",
    ],
    ["Usage", "golive", ""],
)
ACCOUNT = arg(good_account, bad_account)
MILESTONE = arg(st.sampled_from(["Kickoff call", "Go live", "kickoff call"]), st.one_of(st.just("Nope"), bad_text))
PERSON = (st.one_of(st.sampled_from(["Dana", "Ivan", "Kim", "dana"]), good_text), bad_text)
ON = opt("--on", good_date, bad_date)

COMMANDS = {
    "account add": [
        word("account", "add"),
        arg(good_text, bad_text),
        opt("--signed", good_date, bad_date, True),
        opt("--motion", st.sampled_from(["high-touch", "self-serve"]), st.one_of(st.just("High-Touch"), bad_text)),
        opt("--segment", good_text, bad_text),
        opt("--ttv-target", small_int, bad_number),
        opt("--arr", amount, bad_number),
        opt("--external-id", good_text, bad_text),
    ],
    "account edit": [
        word("account", "edit"),
        ACCOUNT,
        opt("--name", good_text, bad_text),
        opt("--signed", good_date, bad_date),
        opt("--motion", st.sampled_from(["high-touch", "self-serve"]), bad_text),
        opt("--segment", any_text, bad_text),
        opt("--ttv-target", small_int, bad_number),
        opt("--arr", amount, bad_number),
        opt("--external-id", any_text, bad_text),
    ],
    "account archive": [word("account", "archive"), ACCOUNT, ON],
    "owner assign": [word("owner", "assign"), ACCOUNT, pick(*ROLES), PERSON, ON],
    "owner release": [word("owner", "release"), ACCOUNT, pick(*ROLES), ON],
    "plan set": [
        word("plan", "set"),
        ACCOUNT,
        opt("--outcome", good_text, bad_text, True),
        opt("--sponsor", *PERSON),
        opt("--criterion", good_text, bad_text),
        opt("--criterion", good_text, bad_text),
        ON,
    ],
    "milestone add": [
        word("milestone", "add"),
        ACCOUNT,
        arg(good_text, bad_text),
        opt("--due", good_date, bad_date, True),
        opt(
            "--kind",
            st.sampled_from(["go-live", "uat", "first-workflow", "other"]),
            st.one_of(st.just("bogus"), bad_text),
        ),
        opt("--side", st.sampled_from(["vendor", "customer"]), st.one_of(st.just("both"), bad_text)),
        ON,
    ],
    "milestone done": [word("milestone", "done"), ACCOUNT, MILESTONE, ON],
    "milestone slip": [
        word("milestone", "slip"),
        ACCOUNT,
        MILESTONE,
        opt("--to", good_date, bad_date, True),
        opt(
            "--cause", st.sampled_from(["customer", "internal", "scope"]), st.one_of(st.just("weather"), bad_text), True
        ),
        opt("--note", good_text, bad_text),
        ON,
    ],
    "milestone template": [
        word("milestone", "template"),
        ACCOUNT,
        opt("--name", st.just("standard"), st.one_of(st.sampled_from(["nope", "../standard"]), bad_text)),
        opt("--start", good_date, bad_date),
        ON,
    ],
    "event log": [
        word("event", "log"),
        ACCOUNT,
        pick(*KINDS),
        ON,
        opt("--value", score, bad_number),
        opt("--note", good_text, bad_text),
    ],
    "handover": [
        word("handover"),
        ACCOUNT,
        opt("--to", *PERSON, True),
        ON,
        (st.sampled_from([[], ["--joint-call"]]), st.just(["--joint-call=yes"])),
        opt("--promised", good_text, bad_text),
        opt("--customised", good_text, bad_text),
        opt("--open-issues", good_text, bad_text),
    ],
}

SETUP = [
    ("account", "add", "Acme", "--signed", "2026-01-05", "--external-id", "HS-1001"),
    ("account", "add", "Globex", "--signed", "2026-02-01"),
    ("account", "add", "Self Serve Co", "--signed", "2026-03-01", "--motion", "self-serve"),
    ("owner", "assign", "Acme", "implementation", "Ivan", "--on", "2026-01-06"),
    ("milestone", "add", "Acme", "Kickoff call", "--due", "2026-01-20", "--kind", "discovery"),
    ("milestone", "add", "Acme", "Go live", "--due", "2026-03-01", "--kind", "go-live"),
]


def _counts(dump: list) -> dict[str, int]:
    return {table: len(rows) for table, rows in dump}


def _check_write(name: str, argv: list[str], before: list, after: list) -> None:
    """What an accepted write must have done."""
    b, a = _counts(before), _counts(after)
    if name == "account add":
        assert a["account"] == b["account"] + 1, argv
    elif name == "event log":
        assert a["event"] == b["event"] + 1, argv
    elif name == "milestone add":
        assert a["milestone"] == b["milestone"] + 1, argv
    elif name == "plan set":
        assert a["success_plan"] == b["success_plan"] + 1, argv
    elif name == "milestone slip":
        assert a["slip"] == b["slip"] + 1, argv
    elif name == "handover":
        assert a["handover"] == b["handover"] + 1, argv
    elif name == "milestone template":
        assert a["milestone"] > b["milestone"], argv


@pytest.mark.slow
@pytest.mark.parametrize("name", list(COMMANDS))
def test_write_command_accepts_or_refuses_cleanly(name, handoff, dump, db_path, backend, monkeypatch, request):
    # the same app, its click command built once instead of once per example (4x faster)
    import typer.main
    import typer.testing

    from handoff_cli.cli import app

    built = typer.main.get_command(app)
    monkeypatch.setattr(typer.testing, "_get_command", lambda _app: built)
    for args in SETUP:
        handoff.ok(*args)
    tried = {"n": 0, "ok": 0, "refused": 0}
    examples = EXAMPLES if backend == "sqlite" else EXAMPLES_PG

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(args=argv(COMMANDS[name]))
    def run(args):
        argv = args
        tried["n"] += 1
        before = dump()
        result = handoff(*argv)
        where = f"handoff {' '.join(map(repr, argv))}\nexit {result.exit_code}\nstderr: {result.stderr[-3000:]}"
        assert "Traceback" not in result.stderr, where
        assert result.exit_code in (0, 2), where
        if {"--help", "-h"} & set(argv[: argv.index("--")] if "--" in argv else argv):
            assert result.exit_code in (0, 2) and dump() == before, where  # help, or a usage error
            return
        if result.exit_code == 2:
            tried["refused"] += 1
            lines = result.stderr.strip("\n").split("\n")
            assert len(lines) == 1 and lines[0].startswith("handoff: "), where
            assert dump() == before, where
        else:
            tried["ok"] += 1
            after = dump()
            _check_write(name, argv, before, after)
            if backend == "sqlite":
                assert integrity(Path(db_path)) == ("ok", []), where

    run()
    # recorded for the reliability report: .pytest_cache/v/handoff/fuzz/<command>
    if getattr(request.config, "cache", None) is not None:
        request.config.cache.set(f"handoff/fuzz/{name}", tried)
    print(f"\nfuzz {name}: {tried['n']} examples, {tried['ok']} accepted, {tried['refused']} refused")
    assert tried["n"] >= examples // 2  # hypothesis really ran them
