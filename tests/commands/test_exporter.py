"""Export and restore: stable JSON lines, an empty store only, and export -> restore -> export byte for byte."""

from __future__ import annotations

import json
import os
import stat
import uuid
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handoff_cli import SCHEMA_HEAD
from handoff_cli.commands.accounts import add_account, archive_account
from handoff_cli.commands.events import log_event
from handoff_cli.commands.exporter import export_lines, restore_store, write_export
from handoff_cli.commands.handover import record_handover
from handoff_cli.commands.milestones import add_milestone, complete_milestone, slip_milestone
from handoff_cli.commands.owners import assign_owner, release_owner
from handoff_cli.commands.plans import set_plan
from handoff_cli.errors import BadInput, HandoffError
from handoff_cli.store import Store, resolve_url

TODAY = date(2026, 6, 1)
BASE = date(2026, 1, 1)


def new_store(folder) -> Store:
    """A new, empty store (created as `handoff init` does: a read never creates one)."""
    store = Store(resolve_url(str(folder / f"{uuid.uuid4().hex}.db")))
    store.ensure_ready(create=True)
    return store


def export_text(store: Store) -> str:
    return "".join(export_lines(store=store, today=TODAY))


def test_export_layout_is_stable(tmp_path):
    store = new_store(tmp_path)
    add_account("Zeta", signed_on=date(2026, 2, 1), arr=12.5, store=store, today=TODAY)
    add_account("Alpha", signed_on=date(2026, 1, 1), external_id="A1", store=store, today=TODAY)
    log_event("Alpha", "usage", on=date(2026, 3, 2), value="4", note="ü", store=store, today=TODAY)
    lines = export_text(store).splitlines()
    assert len(lines) == 10
    tables = [json.loads(line).get("table") for line in lines[1:]]
    # every table in the fixed order, rows by primary key (Zeta was added first); the journal
    # last: three entries, each with the rows it created
    assert tables == ["account", "account", "event", *["journal_entry"] * 3, *["journal_change"] * 3]
    assert [json.loads(line)["row"]["table_name"] for line in lines[7:]] == ["account", "account", "event"]
    first = json.loads(lines[1])["row"]
    assert (first["id"], first["name"], first["signed_on"], first["arr"]) == (1, "Zeta", "2026-02-01", 12.5)
    assert first["created_at"].endswith("+00:00")
    event = json.loads(lines[3])
    assert event["row"]["note"] == "ü" and event["row"]["occurred_on"] == "2026-03-02" and event["row"]["value"] == 4.0
    # keys sorted, no spaces, non-ASCII kept
    assert lines[3] == json.dumps(event, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def test_write_export_creates_the_file_owner_only(tmp_path):
    store = new_store(tmp_path)
    add_account("Alpha", signed_on=date(2026, 1, 1), store=store, today=TODAY)
    out = tmp_path / "out.jsonl"
    out.write_text("old")
    os.chmod(out, 0o644)
    info = write_export(out, store=store, today=TODAY, force=True)
    assert info.rows == 3 and info.tables["account"] == 1 and info.tables["journal_entry"] == 1
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_text(encoding="utf-8") == export_text(store)


def test_restore_into_a_non_empty_store_is_refused(tmp_path):
    store = new_store(tmp_path)
    add_account("Alpha", signed_on=date(2026, 1, 1), store=store, today=TODAY)
    out = tmp_path / "out.jsonl"
    write_export(out, store=store, today=TODAY)
    with pytest.raises(BadInput, match="is not empty"):
        restore_store(out, store=store, today=TODAY)


def test_restore_of_a_newer_schema_is_refused(tmp_path):
    f = tmp_path / "x.jsonl"
    f.write_text('{"format":"handoff-export","schema":"9999","tables":[],"version":1}\n')
    with pytest.raises(BadInput, match="exported at schema '9999'"):
        restore_store(f, store=new_store(tmp_path), today=TODAY)


def test_an_export_from_schema_0001_restores(tmp_path):
    # 0002 only added an index: a file written by a 0001 handoff has the same rows
    src = new_store(tmp_path)
    add_account("Alpha", signed_on=date(2026, 1, 1), store=src, today=TODAY)
    text = export_text(src)
    header, rest = text.split("\n", 1)
    old = tmp_path / "old.jsonl"
    old.write_text(header.replace(f'"schema":"{SCHEMA_HEAD}"', '"schema":"0001"') + "\n" + rest)
    assert '"schema":"0001"' in old.read_text()
    dst = new_store(tmp_path)
    restore_store(old, store=dst, today=TODAY)
    assert export_text(dst) == text


def test_a_bad_line_restores_nothing(tmp_path):
    src = new_store(tmp_path)
    add_account("Alpha", signed_on=date(2026, 1, 1), store=src, today=TODAY)
    text = export_text(src) + '{"table":"event","row":{"nope":1}}\n'
    f = tmp_path / "x.jsonl"
    f.write_text(text)
    dst = new_store(tmp_path)
    with pytest.raises(BadInput, match=r"x.jsonl:5: table event has no column nope"):  # after the journal
        restore_store(f, store=dst, today=TODAY)
    assert export_text(dst) == export_text(new_store(tmp_path))


# ---------------------------------------------------------------------------
# the property: any store built by random operations round-trips byte for byte

day = st.integers(min_value=0, max_value=150).map(lambda n: BASE + timedelta(days=n))
text = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=12).filter(str.strip)
person = st.sampled_from(["Dana", "Sam", "Priya", "Zoë"])
value_for = {
    "usage": st.integers(0, 50).map(str),
    "ces": st.integers(1, 7).map(str),
    "handoff-csat": st.floats(1, 5, allow_nan=False).map(lambda v: repr(round(v, 3))),
}
event_kind = st.sampled_from(
    ["go-live", "workflow-live", "first-value", "usage", "ces", "handoff-csat", "note", "renewed"]
)

op = st.one_of(
    st.tuples(
        st.just("account"),
        text,
        day,
        st.sampled_from(["high-touch", "self-serve"]),
        st.none() | st.floats(0, 1e7, allow_nan=False),
        st.none() | text,
    ),
    st.tuples(st.just("event"), st.integers(0, 5), event_kind, day, st.data(), st.none() | text),
    st.tuples(
        st.just("assign"),
        st.integers(0, 5),
        st.sampled_from(["implementation", "csm", "sponsor", "champion"]),
        person,
        day,
    ),
    st.tuples(st.just("release"), st.integers(0, 5), st.sampled_from(["implementation", "sponsor"]), day),
    st.tuples(
        st.just("milestone"),
        st.integers(0, 5),
        text,
        st.sampled_from(["go-live", "first-workflow", "uat", "other"]),
        day,
    ),
    st.tuples(
        st.just("slip"), st.integers(0, 5), st.integers(0, 3), day, st.sampled_from(["customer", "internal", "scope"])
    ),
    st.tuples(st.just("done"), st.integers(0, 5), st.integers(0, 3), day),
    st.tuples(st.just("plan"), st.integers(0, 5), text, st.none() | person, st.lists(text, max_size=3), day),
    st.tuples(st.just("handover"), st.integers(0, 5), person, day, st.booleans(), st.none() | text),
    st.tuples(st.just("archive"), st.integers(0, 5), day),
)


def apply(store: Store, names: list[str], titles: dict[str, list[str]], step) -> None:
    kind = step[0]
    if kind == "account":
        _, name, signed, motion, arr, ext = step
        add_account(name, signed_on=signed, motion=motion, arr=arr, external_id=ext, store=store, today=TODAY)
        names.append(name)
        return
    if not names:
        return
    name = names[step[1] % len(names)]
    if kind == "event":
        _, _, ekind, on, data, note = step
        value = data.draw(value_for[ekind]) if ekind in value_for else None
        log_event(name, ekind, on=on, value=value, note=note, store=store, today=TODAY)
    elif kind == "assign":
        assign_owner(name, step[2], step[3], on=step[4], store=store, today=TODAY)
    elif kind == "release":
        release_owner(name, step[2], on=step[3], store=store, today=TODAY)
    elif kind == "milestone":
        add_milestone(name, step[2], due_on=step[4], kind=step[3], on=BASE, store=store, today=TODAY)
        titles.setdefault(name, []).append(step[2])
    elif kind in ("slip", "done") and titles.get(name):
        title = titles[name][step[2] % len(titles[name])]
        if kind == "slip":
            slip_milestone(name, title, to=step[3], cause=step[4], note="moved", on=step[3], store=store, today=TODAY)
        else:
            complete_milestone(name, title, on=step[3], store=store, today=TODAY)
    elif kind == "plan":
        set_plan(name, outcome=step[2], sponsor=step[3], criteria=step[4], on=step[5], store=store, today=TODAY)
    elif kind == "handover":
        record_handover(name, to=step[2], on=step[3], joint_call=step[4], promised=step[5], store=store, today=TODAY)
    elif kind == "archive":
        archive_account(name, on=step[2], store=store, today=TODAY)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(steps=st.lists(op, min_size=1, max_size=25))
def test_export_restore_export_is_identical(tmp_path, steps):
    store = new_store(tmp_path)
    names: list[str] = []
    titles: dict[str, list[str]] = {}
    for step in steps:
        try:
            apply(store, names, titles, step)
        except HandoffError:
            pass  # a refused operation changes nothing; the store is still a store
    first = export_text(store)
    out = tmp_path / f"{uuid.uuid4().hex}.jsonl"
    write_export(out, store=store, today=TODAY)
    fresh = new_store(tmp_path)
    info = restore_store(out, store=fresh, today=TODAY)
    assert info.rows == len(first.splitlines()) - 1
    assert export_text(fresh) == first
