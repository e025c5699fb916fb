"""handoff log | undo, and the corrections: event void, milestone edit | reopen | remove,
people rename, account unarchive (docs/corrections.md)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from handoff_cli.cli.common import FormatOpt, get_store, get_today
from handoff_cli.text import quoted

AccountArg = Annotated[str, typer.Argument(metavar="ACCOUNT", help="Account name or external id.")]
TitleArg = Annotated[str, typer.Argument(metavar="TITLE", help="Milestone title (ignoring case).")]


def _emit(today, fmt, payload: dict, message: str) -> None:
    from handoff_cli.render import emit_json, envelope, fmt_name, note

    if fmt_name(fmt) == "json":
        emit_json(envelope(today, **payload))
    else:
        note(message)


def log(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Entries shown (newest first).")] = 50,
    fmt: FormatOpt = None,
) -> None:
    """List the journal of writes, newest first: each change's id, when, the command, what it touched."""
    from handoff_cli.commands.corrections import journal_entries
    from handoff_cli.render import Col, emit_listing, fmt_name

    today = get_today(ctx)
    rows = journal_entries(limit=limit, store=get_store(ctx), today=today)
    if fmt_name(fmt) != "json":
        for e in rows:
            e["state"] = (
                f"undone by {e['undone_by']}" if e["undone_by"] else (f"undoes {e['undoes']}" if e["undoes"] else "")
            )
    emit_listing(
        rows,
        key="entries",
        columns=[
            Col("change", "Change", "right"),
            Col("recorded_at", "Recorded"),
            Col("summary", "Changes"),
            Col("state", "Undo"),
            Col("command", "Command"),
        ],
        fmt=fmt,
        as_of=today,
        limit=None,
        title="Journal",
        empty="the journal is empty: no write has been recorded yet",
    )


def undo(
    ctx: typer.Context,
    change: Annotated[
        Optional[int],
        typer.Argument(metavar="[CHANGE-ID]", help="The change to revert (see `handoff log`); default: the latest."),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be reverted; change nothing.")] = False,
    fmt: FormatOpt = None,
) -> None:
    """Revert a change: the latest one not yet undone, or CHANGE-ID when nothing later touched its rows."""
    from handoff_cli.commands.corrections import undo as undo_change

    today = get_today(ctx)
    result = undo_change(change, dry_run=dry_run, store=get_store(ctx), today=today)
    voids = sum(1 for r in result.rows if r["action"] == "void")
    restores = len(result.rows) - voids
    what = f"{restores} row(s) restored, {voids} voided"
    if dry_run:
        message = f"would undo change {result.change} ({result.command}): {what}"
    else:
        message = f"undid change {result.change} ({result.command}): {what}; recorded as change {result.journaled_as}"
    _emit(today, fmt, result.as_dict(), message)


# -- event void -------------------------------------------------------------------------


def void(
    ctx: typer.Context,
    account: AccountArg,
    event_id: Annotated[int, typer.Argument(metavar="EVENT-ID", help="The event's id (see `handoff event list`).")],
    reason: Annotated[str, typer.Option("--reason", metavar="TEXT", help="Why it is voided (kept with the row).")],
    fmt: FormatOpt = None,
) -> None:
    """Void an event logged by mistake: it is kept, marked, and left out of reports."""
    from handoff_cli.commands.corrections import void_event

    today = get_today(ctx)
    out = void_event(account, event_id, reason=reason, store=get_store(ctx), today=today)
    ev = out["event"]
    message = f"voided {ev['kind']} event {ev['id']} of {out['account']} ({ev['on'].isoformat()})"
    if out["reopened_milestones"]:
        message += "; reopened milestone " + ", ".join(repr(t) for t in out["reopened_milestones"])
    _emit(today, fmt, out, message)


# -- milestones --------------------------------------------------------------------------


def edit(
    ctx: typer.Context,
    account: AccountArg,
    title: TitleArg,
    new_title: Annotated[Optional[str], typer.Option("--title", metavar="TITLE", help="The right title.")] = None,
    kind: Annotated[Optional[str], typer.Option("--kind", metavar="KIND", help="The right kind.")] = None,
    side: Annotated[
        Optional[str], typer.Option("--side", metavar="vendor|customer", help="The right side: vendor or customer.")
    ] = None,
    fmt: FormatOpt = None,
) -> None:
    """Correct a milestone's title, kind or side, as if it had always been so (not a slip)."""
    from handoff_cli.commands.corrections import edit_milestone

    today = get_today(ctx)
    out = edit_milestone(account, title, new_title=new_title, kind=kind, side=side, store=get_store(ctx), today=today)
    changed = (
        ", ".join(f"{k} {quoted(v['from'])} -> {quoted(v['to'])}" for k, v in out["changed"].items())
        or "nothing changed"
    )
    message = f"milestone {quoted(out['milestone']['title'])} of {out['account']}: {changed}"
    if out["event"]:
        message += f"; recorded the {out['event']['kind']} event on {out['event']['on'].isoformat()}"
    _emit(today, fmt, out, message)


def reopen(ctx: typer.Context, account: AccountArg, title: TitleArg, fmt: FormatOpt = None) -> None:
    """Reopen a milestone marked done by mistake; the go-live or workflow-live it recorded is voided."""
    from handoff_cli.commands.corrections import reopen_milestone

    today = get_today(ctx)
    out = reopen_milestone(account, title, store=get_store(ctx), today=today)
    message = f"reopened milestone {quoted(out['milestone'])} of {out['account']} (was done on {out['was_done_on'].isoformat()})"
    if out["voided_events"]:
        message += "; voided the " + ", ".join(f"{e['kind']} event {e['id']}" for e in out["voided_events"])
    _emit(today, fmt, out, message)


def remove(
    ctx: typer.Context,
    account: AccountArg,
    title: TitleArg,
    reason: Annotated[Optional[str], typer.Option("--reason", metavar="TEXT", help="Why (kept with the row).")] = None,
    fmt: FormatOpt = None,
) -> None:
    """Remove a milestone added by mistake: it is voided (kept, marked), never deleted."""
    from handoff_cli.commands.corrections import remove_milestone

    today = get_today(ctx)
    out = remove_milestone(account, title, reason=reason, store=get_store(ctx), today=today)
    message = f"removed milestone {quoted(out['milestone'])} of {out['account']} ({out['void_reason']})"
    if out["voided_events"]:
        message += "; voided the " + ", ".join(f"{e['kind']} event {e['id']}" for e in out["voided_events"])
    _emit(today, fmt, out, message)


# -- people rename, account unarchive ------------------------------------------------------


def rename(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(metavar="PERSON", help="The name as stored (ignoring case).")],
    new_name: Annotated[str, typer.Argument(metavar="NEW-NAME", help="The right name.")],
    fmt: FormatOpt = None,
) -> None:
    """Fix a person's name everywhere it is stored: assignments, plan sponsors, handovers."""
    from handoff_cli.commands.corrections import rename_person

    today = get_today(ctx)
    out = rename_person(person, new_name, store=get_store(ctx), today=today)
    message = (
        f"renamed {quoted(out['from'])} to {quoted(out['to'])}: {out['assignments']} assignment(s), "
        f"{out['plans']} plan version(s), {out['handovers']} handover(s)"
    )
    if out["merged_assignments"]:
        message += f"; {out['merged_assignments']} back-to-back assignment(s) of the same person made one"
    _emit(today, fmt, out, message)


def unarchive(ctx: typer.Context, account: AccountArg, fmt: FormatOpt = None) -> None:
    """Bring back an account archived by mistake, as if it had never been archived."""
    from handoff_cli.commands.corrections import unarchive_account

    today = get_today(ctx)
    out = unarchive_account(account, store=get_store(ctx), today=today)
    _emit(today, fmt, out, f"unarchived {out['account']} (it was archived on {out['was_archived_on'].isoformat()})")


def register(root: typer.Typer) -> None:
    """Attach log and undo to the root, and each correction to its group."""
    from handoff_cli.cli import accounts, events, milestones, people

    root.command("log")(log)
    root.command("undo")(undo)
    events.app.command("void")(void)
    milestones.app.command("edit")(edit)
    milestones.app.command("reopen")(reopen)
    milestones.app.command("remove")(remove)
    accounts.app.command("unarchive")(unarchive)
    people.app.command("rename")(rename)
