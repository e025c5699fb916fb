"""handoff event log | list."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from handoff_cli.cli.common import FormatOpt, LimitOpt, OnOpt, get_on, get_store, get_today
from handoff_cli.text import quoted

app = typer.Typer(help="The value ledger: log events and list them.", no_args_is_help=True)

AccountArg = Annotated[str, typer.Argument(help="Account name or external id.")]
KINDS_HELP = (
    "go-live, workflow-live, first-value, usage, adopted, ces, handoff-csat, "
    "sponsor-contact, renewed, churned, graduated or note."
)


def _columns():
    from handoff_cli.render import Col

    return [
        Col("id", "Id", "right"),
        Col("on", "Date"),
        Col("kind", "Kind"),
        Col("value", "Value", "right"),
        Col("note", "Note", free=True),
    ]


@app.command("log")
def log(
    ctx: typer.Context,
    account: AccountArg,
    kind: Annotated[str, typer.Argument(help=f"Event kind: {KINDS_HELP}")],
    on: OnOpt = None,
    value: Annotated[
        Optional[str],
        typer.Option("--value", help="usage: active users that week (whole number); ces: 1-7; handoff-csat: 1-5."),
    ] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="Free text.")] = None,
    fmt: FormatOpt = None,
) -> None:
    """Append an event to the account's value ledger."""
    from handoff_cli.commands.events import log_event
    from handoff_cli.render import emit_json, envelope, fmt_name
    from handoff_cli.render import note as say

    today = get_today(ctx)
    logged = log_event(account, kind, on=get_on(ctx, on), value=value, note=note, store=get_store(ctx), today=today)
    if fmt_name(fmt) == "json":
        emit_json(envelope(today, **logged.as_dict()))
        return
    message = f"logged {logged.event.kind} for {logged.account} on {logged.event.on.isoformat()}"
    if logged.completed_milestones:
        message += "; completed milestone " + ", ".join(quoted(t) for t in logged.completed_milestones)
    say(message)


@app.command("list")
def list_(
    ctx: typer.Context,
    account: AccountArg,
    kind: Annotated[Optional[str], typer.Option("--kind", help="Only events of this kind.")] = None,
    every: Annotated[bool, typer.Option("--all", help="Include voided events, marked (see `event void`).")] = False,
    fmt: FormatOpt = None,
    limit: LimitOpt = 50,
) -> None:
    """List an account's events, oldest first, with the ids `event void` takes."""
    from handoff_cli.commands.events import list_events
    from handoff_cli.render import Col, emit_listing, fmt_name

    today = get_today(ctx)
    name, events = list_events(account, kind=kind, every=every, store=get_store(ctx), today=today)
    columns = _columns()
    if every and fmt_name(fmt) != "json":
        for e in events:
            e["status"] = f"voided: {e['void_reason']}" if e["voided"] else ""
        columns = [*columns[:-1], Col("status", "Voided"), columns[-1]]
    emit_listing(
        events,
        key="events",
        columns=columns,
        fmt=fmt,
        as_of=today,
        limit=limit,
        title=f"Events of {name}",
        extra={"account": name},
        empty=f"{name} has no events{' of kind ' + kind if kind else ''} yet: log one with `handoff event log`",
    )


def register(root: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    root.add_typer(app, name="event")
