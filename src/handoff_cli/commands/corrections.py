"""Corrections (PRODUCT.md section 2): the journal listing, undo, and the commands that fix a
mistake and say what they are: void an event, edit / reopen / remove a milestone, rename a
person, unarchive an account. None deletes a row: a voided row keeps its data plus when and
why it was voided, and every one of them is journaled like any write (journal.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Optional

from handoff_cli.errors import BadInput, NotFound
from handoff_cli.text import quoted

if TYPE_CHECKING:  # pragma: no cover
    from handoff_cli.store import Store

_NOUNS = {
    "account": ("account", "accounts"),
    "assignment": ("assignment", "assignments"),
    "milestone": ("milestone", "milestones"),
    "slip": ("slip", "slips"),
    "success_plan": ("plan version", "plan versions"),
    "plan_criterion": ("criterion", "criteria"),
    "event": ("event", "events"),
    "handover": ("handover", "handovers"),
}


def _noun(table: str, n: int) -> str:
    one, many = _NOUNS.get(table, (table, table))
    return f"{n} {one if n == 1 else many}"


def _instant(value: Any) -> Optional[str]:
    """An instant as ISO 8601 in UTC, from either backend."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


# -- handoff log ---------------------------------------------------------------------

_LOG_SQL = """
SELECT e.id, e.recorded_at, e.command, e.undoes_id, e.undone_by_id
FROM journal_entry e ORDER BY e.id DESC
"""
_CHANGES_SQL = """
SELECT c.entry_id, c.table_name, c.op, SUM(c.last_id - c.row_id + 1)
FROM journal_change c WHERE c.entry_id >= :low AND c.entry_id <= :high
GROUP BY c.entry_id, c.table_name, c.op ORDER BY c.entry_id, MIN(c.id)
"""


def summary(changes: list[dict[str, Any]]) -> str:
    parts = []
    for c in changes:
        verb = "created" if c["op"] == "insert" else "changed"
        parts.append(f"{verb} {_noun(c['table'], c['rows'])}")
    return ", ".join(parts)


def journal_entries(*, limit: Optional[int] = None, store: Store, today: date) -> list[dict[str, Any]]:
    """The journal, newest first: each entry with when, the command, its undo links and what it touched."""
    with store.reader(every_row=True) as r:
        if not r.all("SELECT 1 FROM journal_entry LIMIT 1"):
            return []
        sql = _LOG_SQL + (f" LIMIT {int(limit)}" if limit else "")
        entries = r.all(sql)
        if not entries:
            return []
        low, high = min(e[0] for e in entries), max(e[0] for e in entries)
        changes: dict[int, list[dict[str, Any]]] = {}
        for entry_id, table, op, n in r.all(_CHANGES_SQL, {"low": low, "high": high}):
            changes.setdefault(entry_id, []).append({"table": table, "op": op, "rows": int(n)})
    out = []
    for entry_id, at, command, undoes, undone_by in entries:
        touched = changes.get(entry_id, [])
        out.append(
            {
                "change": entry_id,
                "recorded_at": _instant(at),
                "command": command,
                "undoes": undoes,
                "undone_by": undone_by,
                "changes": touched,
                "summary": summary(touched),
            }
        )
    return out


# -- handoff undo ---------------------------------------------------------------------


@dataclass(frozen=True)
class UndoResult:
    change: int
    command: str
    dry_run: bool
    # the entry the undo itself was journaled as (None for a dry run)
    journaled_as: Optional[int]
    rows: tuple[dict[str, Any], ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "undone": self.change,
            "command": self.command,
            "dry_run": self.dry_run,
            "change": self.journaled_as,
            "rows": list(self.rows),
        }


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return _instant(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def _same(a: Any, b: Any) -> bool:
    a, b = _plain(a), _plain(b)
    if isinstance(a, str) and isinstance(b, str) and len(a) >= 19 and len(b) >= 19 and a[4] == "-" and b[4] == "-":
        try:
            return _instant(a) == _instant(b)
        except ValueError:
            return a == b
    return a == b


def _describe(conn: Any, changes: list[Any]) -> list[dict[str, Any]]:
    """What reverting the changes does, row by row: previous values written back, rows voided."""
    from sqlalchemy import text

    out: list[dict[str, Any]] = []
    for c in reversed(changes):
        if c.op != "update" or c.before is None:
            continue
        current = conn.execute(text(f'SELECT * FROM "{c.table}" WHERE id = :id'), {"id": c.row_id}).mappings().first()
        fields = {
            k: {"from": _plain(current[k]), "to": _plain(v)}
            for k, v in c.before.items()
            if current is not None and k in current and not _same(current[k], v)
        }
        if fields:
            out.append({"table": c.table, "id": c.row_id, "action": "restore", "fields": fields})
    for c in changes:
        if c.op == "insert":
            live = conn.execute(
                text(f'SELECT id FROM "{c.table}" WHERE id BETWEEN :a AND :b AND voided_at IS NULL ORDER BY id'),
                {"a": c.row_id, "b": c.last_id},
            ).all()
            for (row_id,) in live:
                out.append({"table": c.table, "id": row_id, "action": "void", "fields": {}})
    return out


def undo(change: Optional[int], *, dry_run: bool = False, store: Store, today: date) -> UndoResult:
    """Revert one journal entry in one transaction (journaled itself): the latest entry not yet
    undone (undos themselves are skipped), or the one named when no later entry touched its rows.
    Naming an undo entry redoes what it undid."""
    from sqlalchemy import text

    from handoff_cli.store.journal import current_instant, entry_changes, overlaps, revert, touched

    with store.write() as s:
        conn = s.connection()
        if change is None:
            row = conn.execute(
                text(
                    "SELECT id, command, undoes_id, undone_by_id FROM journal_entry "
                    "WHERE undone_by_id IS NULL AND undoes_id IS NULL ORDER BY id DESC LIMIT 1"
                )
            ).first()
            if row is None:
                raise BadInput("nothing to undo: the journal has no change that is not undone (see `handoff log`)")
        else:
            row = conn.execute(
                text("SELECT id, command, undoes_id, undone_by_id FROM journal_entry WHERE id = :id"), {"id": change}
            ).first()
            if row is None:
                raise NotFound(f"there is no change {change}: see `handoff log` for the change ids")
            if row[3] is not None:
                raise BadInput(f"change {change} was undone already, by change {row[3]}")
        target, command, undoes = int(row[0]), row[1], row[2]
        changes = entry_changes(conn, target)
        mine = touched(changes)
        later = conn.execute(
            text("SELECT id, undoes_id, undone_by_id FROM journal_entry WHERE id > :id ORDER BY id"), {"id": target}
        ).all()
        for other, other_undoes, other_undone in later:
            if other_undone is not None or (other_undoes is not None and other_undoes > target):
                continue  # undone, or the undo of an entry after this one: the pair cancels out
            if overlaps(mine, touched(entry_changes(conn, other))):
                raise BadInput(
                    f"change {other}, made later, changed the same rows as change {target}: "
                    f"undo it first (`handoff undo {other}`), or fix the mistake with a correction command"
                )
        rows = tuple(_describe(conn, changes))
        if dry_run:
            return UndoResult(target, command, True, None, rows)
        s.info["journal_undoes"] = target
        if undoes is not None:
            s.info["journal_redoes"] = [int(undoes)]
        instant = current_instant() or datetime.now(UTC)
        revert(conn, changes, entry_id=target, instant=instant)
    return UndoResult(target, command, False, s.info.get("journal_entry_id"), rows)


# -- event void ------------------------------------------------------------------------


def _void(obj: Any, reason: str) -> None:
    from handoff_cli.store.journal import current_instant

    obj.voided_at = current_instant() or datetime.now(UTC)
    obj.void_reason = reason


def _reason(reason: Optional[str]) -> str:
    from handoff_cli.commands.common import MAX_NOTE, clean_text

    text = clean_text(reason, "reason", required=True, max_len=MAX_NOTE)
    assert text is not None
    return text


def void_event(account: str, event_id: int, *, reason: str, store: Store, today: date) -> dict[str, Any]:
    """Void one event of an account's ledger (kept, left out of reports). A voided go-live or
    workflow-live reopens the milestones it completed when no other such event is left on that date."""
    from sqlmodel import select

    from handoff_cli.commands.common import find_account
    from handoff_cli.commands.events import EVENT_MILESTONE_KIND
    from handoff_cli.store.models import Event, Milestone

    why = _reason(reason)
    with store.write() as s:
        acc: Any = find_account(s, account)
        ev = s.exec(
            select(Event).where(Event.id == event_id, Event.account_id == acc.id).execution_options(include_voided=True)
        ).first()
        if ev is None:
            raise NotFound(
                f"{acc.name} has no event {event_id}: see `handoff event list {quoted(acc.name)}` for the ids"
            )
        if ev.voided_at is not None:
            raise BadInput(f"event {event_id} of {acc.name} was voided already ({ev.void_reason})")
        _void(ev, why)
        s.add(ev)
        s.flush()
        reopened: list[str] = []
        kind = EVENT_MILESTONE_KIND.get(ev.kind)
        if kind is not None:
            still = s.exec(
                select(Event.id).where(
                    Event.account_id == acc.id, Event.kind == ev.kind, Event.occurred_on == ev.occurred_on
                )
            ).first()
            if still is None:
                for m in s.exec(
                    select(Milestone).where(
                        Milestone.account_id == acc.id, Milestone.kind == kind, Milestone.done_on == ev.occurred_on
                    )
                ).all():
                    m.done_on = None
                    s.add(m)
                    reopened.append(m.title)
        return {
            "account": acc.name,
            "event": {
                "id": ev.id,
                "kind": ev.kind,
                "on": ev.occurred_on,
                "voided_at": _instant(ev.voided_at),
                "void_reason": why,
            },
            "reopened_milestones": reopened,
        }


# -- milestones ------------------------------------------------------------------------


def edit_milestone(
    account: str,
    title: str,
    *,
    new_title: Optional[str] = None,
    kind: Optional[str] = None,
    side: Optional[str] = None,
    store: Store,
    today: date,
) -> dict[str, Any]:
    """Correct a milestone's title, kind or side, as if it had always been so (not a slip). A done
    milestone given the kind go-live or first-workflow records its event on its done date."""
    from handoff_cli.commands.common import find_account
    from handoff_cli.commands.events import record_milestone_event
    from handoff_cli.commands.milestones import (
        _find_milestone,
        check_kind,
        check_side,
        check_title,
        existing_title_keys,
        milestone_kinds,
        title_key,
    )
    from handoff_cli.errors import Conflict

    if new_title is None and kind is None and side is None:
        raise BadInput("nothing to change: give --title, --kind or --side")
    if new_title is not None:
        new_title = check_title(new_title)
    if kind is not None:
        check_kind(kind, milestone_kinds())
    if side is not None:
        check_side(side)
    with store.write() as s:
        acc: Any = find_account(s, account)
        m: Any = _find_milestone(s, acc.id, acc.name, title)
        before = {"title": m.title, "kind": m.kind, "side": m.side}
        if new_title is not None and title_key(new_title) != m.title_key:
            clash = existing_title_keys(s, acc.id).get(title_key(new_title))
            if clash is not None:
                raise Conflict(
                    f"{acc.name} has a milestone {quoted(clash)} already (titles are unique per account, ignoring case)"
                )
        if new_title is not None:
            m.title, m.title_key = new_title, title_key(new_title)
        if kind is not None:
            m.kind = kind
        if side is not None:
            m.side = side
        s.add(m)
        s.flush()
        event = None
        if kind is not None and kind != before["kind"] and m.done_on is not None:
            event = record_milestone_event(s, acc.id, m.kind, m.done_on)
        after = {"title": m.title, "kind": m.kind, "side": m.side}
        return {
            "account": acc.name,
            "milestone": after,
            "changed": {k: {"from": before[k], "to": after[k]} for k in after if after[k] != before[k]},
            "event": event.as_dict() if event is not None else None,
        }


def _milestone_events_to_void(s: Any, acc_id: int, kind: str, done_on: date, milestone_id: int) -> list[Any]:
    """The go-live / workflow-live events a done milestone recorded: of its kind's event, on its
    done date, when no other done milestone of that kind shares the date."""
    from sqlmodel import select

    from handoff_cli.commands.events import MILESTONE_EVENT_KIND
    from handoff_cli.store.models import Event, Milestone

    event_kind = MILESTONE_EVENT_KIND.get(kind)
    if event_kind is None:
        return []
    other = s.exec(
        select(Milestone.id).where(
            Milestone.account_id == acc_id,
            Milestone.kind == kind,
            Milestone.done_on == done_on,
            Milestone.id != milestone_id,
        )
    ).first()
    if other is not None:
        return []
    return list(
        s.exec(
            select(Event).where(Event.account_id == acc_id, Event.kind == event_kind, Event.occurred_on == done_on)
        ).all()
    )


def reopen_milestone(account: str, title: str, *, store: Store, today: date) -> dict[str, Any]:
    """Clear a milestone's done date; the go-live / workflow-live it recorded is voided (one fact)."""
    from handoff_cli.commands.common import find_account
    from handoff_cli.commands.milestones import _find_milestone

    with store.write() as s:
        acc: Any = find_account(s, account)
        m: Any = _find_milestone(s, acc.id, acc.name, title)
        if m.done_on is None:
            raise BadInput(f"milestone {quoted(m.title)} of {acc.name} is not done: nothing to reopen")
        was = m.done_on
        voided = _milestone_events_to_void(s, acc.id, m.kind, was, m.id)
        for ev in voided:
            _void(ev, f"milestone {quoted(m.title)} reopened")
            s.add(ev)
        m.done_on = None
        s.add(m)
        return {
            "account": acc.name,
            "milestone": m.title,
            "was_done_on": was,
            "voided_events": [{"id": e.id, "kind": e.kind, "on": e.occurred_on} for e in voided],
        }


def remove_milestone(account: str, title: str, *, reason: Optional[str], store: Store, today: date) -> dict[str, Any]:
    """Void a milestone added by mistake (kept, left out of plans and reports), with its slips;
    a done one's go-live / workflow-live is voided too."""
    from sqlmodel import select

    from handoff_cli.commands.common import find_account
    from handoff_cli.commands.milestones import _find_milestone
    from handoff_cli.store.models import Slip

    why = _reason(reason) if reason is not None else "removed"
    with store.write() as s:
        acc: Any = find_account(s, account)
        m: Any = _find_milestone(s, acc.id, acc.name, title)
        voided = _milestone_events_to_void(s, acc.id, m.kind, m.done_on, m.id) if m.done_on is not None else []
        for ev in voided:
            _void(ev, f"milestone {quoted(m.title)} removed")
            s.add(ev)
        for slip in s.exec(select(Slip).where(Slip.milestone_id == m.id)).all():
            _void(slip, f"milestone {quoted(m.title)} removed")
            s.add(slip)
        _void(m, why)
        s.add(m)
        return {
            "account": acc.name,
            "milestone": m.title,
            "void_reason": why,
            "voided_events": [{"id": e.id, "kind": e.kind, "on": e.occurred_on} for e in voided],
        }


# -- people rename ---------------------------------------------------------------------


def rename_person(person: str, new_name: str, *, store: Store, today: date) -> dict[str, Any]:
    """Fix a person's name everywhere it is stored (assignments, plan sponsors, handovers) in one
    transaction. Where the fix makes two back-to-back assignments of one role the same person (a
    typo, then the right name assigned), they become one: it was never a change of holder."""
    from sqlmodel import select

    from handoff_cli.commands.common import clean_text
    from handoff_cli.store.models import Assignment, Handover, SuccessPlan

    old = clean_text(person, "person")
    new = clean_text(new_name, "new name")
    assert old is not None and new is not None
    if old == new:
        raise BadInput(f"{new!r} is the name already: give a different NEW-NAME")
    key = old.casefold()
    counts = {"assignments": 0, "plans": 0, "handovers": 0}
    merged = 0
    with store.write() as s:
        assignments = [a for a in s.exec(select(Assignment)).all() if a.person.casefold() == key]
        plans = [p for p in s.exec(select(SuccessPlan)).all() if p.sponsor and p.sponsor.casefold() == key]
        handovers = [
            h
            for h in s.exec(select(Handover)).all()
            if h.to_person.casefold() == key or (h.from_person or "").casefold() == key
        ]
        if not (assignments or plans or handovers):
            raise NotFound(f"nobody named {old!r} is in the store: see `handoff people` for the names")
        for a in assignments:
            a.person = new
            s.add(a)
        for p in plans:
            p.sponsor = new
            s.add(p)
        for h in handovers:
            if h.to_person.casefold() == key:
                h.to_person = new
            if (h.from_person or "").casefold() == key:
                h.from_person = new
            s.add(h)
        counts = {"assignments": len(assignments), "plans": len(plans), "handovers": len(handovers)}
        s.flush()
        touched = {(a.account_id, a.role) for a in assignments}
        for account_id, role in sorted(touched):
            merged += _merge_back_to_back(s, account_id, role, new)
        return {"from": old, "to": new, **counts, "merged_assignments": merged}


def _merge_back_to_back(s: Any, account_id: int, role: str, person: str) -> int:
    from sqlmodel import select

    from handoff_cli.store.models import Assignment

    rows = s.exec(
        select(Assignment)
        .where(Assignment.account_id == account_id, Assignment.role == role)
        .order_by(Assignment.start_on, Assignment.id)  # type: ignore[arg-type]
    ).all()
    merged = 0
    keep = None
    for a in rows:
        if (
            keep is not None
            and keep.person == person
            and a.person == person
            and keep.end_on is not None
            and keep.end_on == a.start_on
        ):
            keep.end_on = a.end_on
            s.add(keep)
            _void(a, f"merged into the assignment from {keep.start_on.isoformat()} (people rename)")
            s.add(a)
            merged += 1
            continue
        keep = a
    return merged


# -- account unarchive -------------------------------------------------------------------


def unarchive_account(ref: str, *, store: Store, today: date) -> dict[str, Any]:
    """Bring back an account archived by mistake: it was never archived."""
    from handoff_cli.commands.common import find_account

    with store.write() as s:
        acc: Any = find_account(s, ref)
        if acc.archived_on is None:
            raise BadInput(f"account {quoted(acc.name)} is not archived")
        was = acc.archived_on
        acc.archived_on = None
        s.add(acc)
        return {"account": acc.name, "was_archived_on": was}
