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


def parse_days(text: str) -> int:
    """A number of days for --by: 10, 10d, 2w, -3d."""
    import re

    from handoff_cli.errors import BadInput

    m = re.fullmatch(r"([+-]?)(\d{1,6})([dw]?)", text.strip().lower())
    if m is None:
        raise BadInput(f"--by {text!r} is not a number of days: use 10d, 2w or --by=-3d")
    n = int(m.group(2)) * (7 if m.group(3) == "w" else 1)
    return -n if m.group(1) == "-" else n


def _columns():
    from handoff_cli.render import Col

    return [
        Col("title", "Milestone"),
        Col("kind", "Kind", drop=3),
        Col("side", "Side"),
        Col("baseline_due_on", "Baseline", drop=2),
        Col("due_on", "Due"),
        Col("done_on", "Done"),
        Col("slip_days", "Slip days", "right", drop=1),
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
    from handoff_cli.commands.milestones import add_milestone

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
    from handoff_cli.commands.milestones import complete_milestone

    today = get_today(ctx)
    done_on = get_on(ctx, on)
    change = complete_milestone(account, title, on=done_on, store=get_store(ctx), today=today)
    m = change.milestone
    message = f"milestone {quoted(m.title)} of {change.account} done on {done_on.isoformat()}"
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
    cause: Annotated[str, typer.Option("--cause", help="Why it moved: customer, internal or scope.")],
    to: Annotated[
        Optional[str], typer.Option("--to", help="The new due date (an offset such as +10d counts from today).")
    ] = None,
    by: Annotated[
        Optional[str],
        typer.Option("--by", help="Move the current due date by this many days: 10d, 2w, or --by=-3d to pull it in."),
    ] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="Why it moved.")] = None,
    on: OnOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Move a milestone's due date, recording the slip and its cause (the baseline stays).

    Give the new date with --to, or the move with --by (from the current due date)."""
    from handoff_cli.commands.milestones import slip_milestone
    from handoff_cli.errors import BadInput

    if (to is None) == (by is None):
        raise BadInput("give either --to DATE or --by DAYS (for example --by 10d)")
    today = get_today(ctx)
    change = slip_milestone(
        account,
        title,
        to=parse_opt_date(ctx, to, "--to"),
        by_days=None if by is None else parse_days(by),
        cause=cause,
        note=note,
        on=get_on(ctx, on),
        store=get_store(ctx),
        today=today,
    )
    sl = change.slip
    assert sl is not None, "slip_milestone returns the slip it recorded"
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
    from handoff_cli.commands.milestones import list_milestones
    from handoff_cli.render import emit_listing

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
    account: Annotated[
        Optional[str], typer.Argument(help="Account to add the template's milestones to (not with --list/--show).")
    ] = None,
    name: Annotated[
        str, typer.Option("--name", help="Template name: standard, or your own in <config folder>/templates/NAME.toml.")
    ] = "standard",
    start: Annotated[
        Optional[str], typer.Option("--start", help="Date the offsets count from (default: the --on date).")
    ] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the templates there are, and stop.")] = False,
    show: Annotated[Optional[str], typer.Option("--show", help="Show one template's milestones, and stop.")] = None,
    on: OnOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Add a template's milestones to an account (all or nothing); --list and --show NAME show the templates."""
    from handoff_cli.commands.templates import apply_template
    from handoff_cli.errors import BadInput

    today = get_today(ctx)
    if list_ or show is not None:
        if account is not None or (list_ and show is not None):
            raise BadInput("--list and --show NAME take no account and not each other: give one of them alone")
        _emit_templates(today, fmt, show)
        return
    if account is None:
        raise BadInput("give the ACCOUNT to add the template to, or --list / --show NAME to see the templates")
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


def _emit_templates(today, fmt, show: Optional[str]) -> None:
    from handoff_cli.commands.templates import load_template, template_names
    from handoff_cli.render import Col, emit_listing

    if show is None:
        rows = []
        for n in template_names():
            t = load_template(n)
            rows.append({"name": t.name, "milestones": len(t.items), "description": t.description, "source": t.source})
        columns = [Col("name", "Template"), Col("milestones", "Milestones", "right"), Col("description", "About")]
        emit_listing(rows, key="templates", columns=columns, fmt=fmt, as_of=today, title="Milestone templates")
        return
    t = load_template(show)
    rows = [
        {"title": i.title, "kind": i.kind, "side": i.side, "offset_days": i.offset_days}
        for i in sorted(t.items, key=lambda i: i.offset_days)
    ]
    columns = [Col("offset_days", "Day", "right"), Col("title", "Milestone"), Col("kind", "Kind"), Col("side", "Side")]
    emit_listing(
        rows,
        key="milestones",
        columns=columns,
        fmt=fmt,
        as_of=today,
        title=f"Template {t.name}",
        extra={"template": t.name, "description": t.description, "source": t.source},
    )


def register(root: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    root.add_typer(app, name="milestone")
