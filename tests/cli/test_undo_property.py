"""The property of the journal (PRODUCT.md section 2): any sequence of writes, then `undo` of
every entry it made, newest first, gives back the reports of the store it started from,
exactly; and `--known-at` a moment before a void gives the report as it was before it."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ACCOUNTS = ["Acme", "Globex"]
person = st.sampled_from(["Dana", "Sam", "Priya", "Raj Pate"])
account = st.sampled_from(ACCOUNTS)
title = st.sampled_from(["SSO", "Go live", "UAT"])

write = st.one_of(
    st.tuples(st.just("event"), st.just("log"), account, st.sampled_from(["first-value", "go-live", "note"])).map(
        lambda t: [*t, "--on", "2026-03-01"]
    ),
    st.tuples(account, st.integers(0, 9)).map(lambda t: ["event", "log", t[0], "usage", "--value", str(t[1])]),
    st.tuples(account, title, st.sampled_from(["go-live", "other"])).map(
        lambda t: ["milestone", "add", t[0], t[1], "--due", "2026-04-01", "--kind", t[2]]
    ),
    st.tuples(account, title).map(lambda t: ["milestone", "done", t[0], t[1], "--on", "2026-03-10"]),
    st.tuples(account, title).map(lambda t: ["milestone", "slip", t[0], t[1], "--by", "9", "--cause", "scope"]),
    st.tuples(account, title).map(lambda t: ["milestone", "edit", t[0], t[1], "--kind", "go-live"]),
    st.tuples(account, title).map(lambda t: ["milestone", "reopen", t[0], t[1]]),
    st.tuples(account, title).map(lambda t: ["milestone", "remove", t[0], t[1]]),
    st.tuples(account, st.sampled_from(["implementation", "csm", "sponsor"]), person).map(
        lambda t: ["owner", "assign", *t, "--on", "2026-02-01"]
    ),
    st.tuples(account, st.sampled_from(["implementation", "sponsor"])).map(lambda t: ["owner", "release", *t]),
    account.map(lambda a: ["plan", "set", a, "--outcome", "Close in 3 days", "--sponsor", "Kim"]),
    account.map(lambda a: ["account", "archive", a, "--on", "2026-05-01"]),
    account.map(lambda a: ["account", "unarchive", a]),
    st.just(["people", "rename", "Raj Pate", "Raj Patel"]),
    st.just(["people", "rename", "Raj Patel", "Raj Pate"]),
    st.tuples(account, st.integers(1, 6)).map(lambda t: ["event", "void", t[0], str(t[1]), "--reason", "typo"]),
)

REPORTS = [
    ["report", "breaches"],
    ["report", "health", "--all"],
    ["report", "metrics"],
    ["status", "--all"],
    ["status", "Acme"],
    ["milestone", "list", "Acme"],
    ["event", "list", "Globex"],
    ["owner", "history", "Acme"],
]


def reports(handoff, *extra: str) -> list:
    out = []
    for args in REPORTS:
        known_at = list(extra) if args[0] in ("report", "status") else []
        out.append(json.loads(handoff.ok(*args, *known_at, "--format", "json").stdout))
    return out


def entries(handoff) -> list[dict]:
    return json.loads(handoff.ok("log", "--format", "json").stdout)["entries"]


def start(handoff) -> None:
    handoff.ok("init")  # a read never creates the store
    if not entries(handoff):
        handoff.ok("account", "add", "Acme", "--signed", "2026-01-05")
        handoff.ok("account", "add", "Globex", "--signed", "2026-02-01", "--motion", "self-serve")
        handoff.ok("owner", "assign", "Acme", "implementation", "Ivan", "--on", "2026-01-06")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(writes=st.lists(write, min_size=1, max_size=8))
def test_undo_of_every_entry_in_reverse_gives_back_the_starting_reports(handoff, writes):
    start(handoff)
    before = reports(handoff)
    first_new = entries(handoff)[0]["change"] + 1
    for args in writes:
        handoff(*args)  # some are refused (bad input): those record nothing
    made = [e for e in entries(handoff) if e["change"] >= first_new]
    assert all(e["undoes"] is None for e in made)
    for _ in made:
        handoff.ok("undo")
    assert reports(handoff) == before


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(writes=st.lists(write, min_size=0, max_size=6), which=st.sampled_from(ACCOUNTS))
def test_known_at_before_a_void_is_the_report_before_it(handoff, writes, which):
    start(handoff)
    for args in writes:
        handoff(*args)
    handoff.ok("event", "log", which, "first-value", "--on", "2026-03-02")
    as_it_was = reports(handoff)
    moment = entries(handoff)[0]["recorded_at"]
    event_id = max(e["id"] for e in json.loads(handoff.ok("event", "list", which, "--format", "json").stdout)["events"])
    handoff.ok("event", "void", which, str(event_id), "--reason", "meant sponsor-contact")
    assert reports(handoff, "--known-at", moment)[:5] == as_it_was[:5]
