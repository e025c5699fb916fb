"""handoff milestone add | done | slip | list | template."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from handoff_cli.cli.common import FormatOpt, LimitOpt, OnOpt, get_on, get_store, get_today, parse_opt_date
from handoff_cli.text import quoted

app = typer.Typer(
    help="Implementation milestones: add, complete, slip, list, and start from a template.", no_args_is_help=True
)

AccountArg = Annotated[str, typer.Argument(help="Account name or external id.")]
TitleArg = Annotated[str, typer.Argument(help="Milestone title (ignoring case).")]


def _columns():
    from handoff_cli.render import Col

    return [
        Col("title", "Milestone"),
        Col("kind", "Kind"),
        Col("side", "Side"),
        Col("baseline_due_on", "Baseline"),
        Col("due_on", "Due"),
        Col("done_on", "Done"),
        Col("slip_days", "Slip days", "right"),
        Col("status", "Status"),
    ]


def _emit_change(change, fmt, today, message: str) -> None:
    from handoff_cli.render import emit_json, envelope, fmt_name, note

    for why in change.notes:
        note(why)  # a milestone added done: its fact was recorded already
    if fmt_name(fmt) == "json":
        emit_json(envelope(today, **change.as_dict()))
    else:
        note(message)


@app.command("add")
def add(
    ctx: typer.Context,
    account: AccountArg,
    title: Annotated[str, typer.Argument(help="Milestone title (unique per account, ignoring case).")],
    due: Annotated[str, typer.Option("--due", help="Due date: the baseline it is measured against.")],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="discovery, provision, data-source, integration, migration, configuration, uat, first-workflow, go-live or other (plus [milestones] kinds from the config).",
        ),
    ] = "other",
    side: Annotated[str, typer.Option("--side", help="Who must act: vendor or customer.")] = "vendor",
    on: OnOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Add a milestone to an account's implementation plan."""
    from handoff_cli.services.milestones import add_milestone

    today = get_today(ctx)
    change = add_milestone(
        account,
        title,
        due_on=parse_opt_date(ctx, due, "--due"),
        kind=kind,
        side=side,
        on=get_on(ctx, on),
        store=get_store(ctx),
        today=today,
    )
    m = change.milestone
    _emit_change(
        change, fmt, today, f"added milestone {quoted(m.title)} to {change.account}, due {m.due_on.isoformat()}"
    )


@app.command("done")
def done(ctx: typer.Context, account: AccountArg, title: TitleArg, on: OnOpt = None, fmt: FormatOpt = None) -> None:
    """Mark a milestone done (go-live and first-workflow ones record their event too)."""
    from handoff_cli.services.milestones import complete_milestone

    today = get_today(ctx)
    change = complete_milestone(account, title, on=get_on(ctx, on), store=get_store(ctx), today=today)
    m = change.milestone
    message = f"milestone {quoted(m.title)} of {change.account} done on {m.done_on.isoformat()}"
    if change.event is not None:
        message += f"; recorded the {change.event.kind} event"
    if change.completed_milestones:
        message += "; also completed " + ", ".join(repr(t) for t in change.completed_milestones)
    _emit_change(change, fmt, today, message)


@app.command("slip")
def slip(
    ctx: typer.Context,
    account: AccountArg,
    title: TitleArg,
    to: Annotated[str, typer.Option("--to", help="The new due date.")],
    cause: Annotated[str, typer.Option("--cause", help="customer, internal or scope.")],
    note: Annotated[Optional[str], typer.Option("--note", help="Why it moved.")] = None,
    on: OnOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Move a milestone's due date, recording the slip and its cause (the baseline stays)."""
    from handoff_cli.services.milestones import slip_milestone

    today = get_today(ctx)
    change = slip_milestone(
        account,
        title,
        to=parse_opt_date(ctx, to, "--to"),
        cause=cause,
        note=note,
        on=get_on(ctx, on),
        store=get_store(ctx),
        today=today,
    )
    sl = change.slip
    _emit_change(
        change,
        fmt,
        today,
        f"milestone {quoted(change.milestone.title)} of {change.account} moved from {sl.from_due_on.isoformat()} "
        f"to {sl.to_due_on.isoformat()} ({sl.days:+d} days, cause {sl.cause})",
    )


@app.command("list")
def list_(ctx: typer.Context, account: AccountArg, fmt: FormatOpt = None, limit: LimitOpt = 50) -> None:
    """List an account's milestones in due order, with slips and status."""
    from handoff_cli.render import emit_listing
    from handoff_cli.services.milestones import list_milestones

    today = get_today(ctx)
    name, views = list_milestones(account, store=get_store(ctx), today=today)
    emit_listing(
        [v.as_dict() for v in views],
        key="milestones",
        columns=_columns(),
        fmt=fmt,
        as_of=today,
        limit=limit,
        title=f"Milestones of {name}",
        extra={"account": name},
        empty=f"{name} has no milestones yet: add one with `handoff milestone add` or `handoff milestone template`",
    )


@app.command("template")
def template(
    ctx: typer.Context,
    account: AccountArg,
    name: Annotated[
        str, typer.Option("--name", help="Template name: standard, or your own in <config folder>/templates/NAME.toml.")
    ] = "standard",
    start: Annotated[
        Optional[str], typer.Option("--start", help="Date the offsets count from (default: the --on date).")
    ] = None,
    on: OnOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Add a template's milestones to an account (all or nothing)."""
    from handoff_cli.services.templates import apply_template

    today = get_today(ctx)
    applied = apply_template(
        account,
        name=name,
        start=parse_opt_date(ctx, start, "--start"),
        on=get_on(ctx, on),
        store=get_store(ctx),
        today=today,
    )
    _emit_change(
        applied,
        fmt,
        today,
        f"added {len(applied.milestones)} milestones from template {quoted(applied.template)} to {applied.account}, "
        f"starting {applied.start_on.isoformat()}",
    )


def register(root: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    root.add_typer(app, name="milestone")
