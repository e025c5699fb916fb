"""handoff owner assign | release | history."""

from __future__ import annotations

from typing import Annotated

import typer

from handoff_cli.cli.common import FormatOpt, LimitOpt, OnOpt, get_on, get_store, get_today

app = typer.Typer(help="Who holds which role on an account: assign, release, history.", no_args_is_help=True)

AccountArg = Annotated[str, typer.Argument(help="Account name or external id.")]
RoleArg = Annotated[str, typer.Argument(help="implementation, csm, sponsor or champion.")]


def _columns():
    from handoff_cli.render import Col

    return [Col("role", "Role"), Col("person", "Person"), Col("start_on", "From"), Col("end_on", "Until")]


def _emit_change(change, fmt, today, message: str) -> None:
    from handoff_cli.render import emit_json, envelope, fmt_name, note

    if fmt_name(fmt) == "json":
        emit_json(envelope(today, **change.as_dict()))
    else:
        note(message)


@app.command("assign")
def assign(
    ctx: typer.Context,
    account: AccountArg,
    role: RoleArg,
    person: Annotated[str, typer.Argument(help="Who holds the role from --on.")],
    on: OnOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """PERSON holds ROLE from --on (default today).

    If someone else holds the role, their assignment ends on that date and
    PERSON's starts on it. Assigning the current holder again (ignoring case)
    changes nothing. The date may not be earlier than the current holder's
    start: history is kept, never rewritten.
    """
    from handoff_cli.commands.owners import assign_owner
    from handoff_cli.render import emit_json, envelope, fmt_name, note

    today = get_today(ctx)
    change = assign_owner(account, role, person, on=get_on(ctx, on), store=get_store(ctx), today=today)
    a = change.assignment
    if not change.changed:
        # a message, not a failure: the wanted state holds already
        note(
            f"{a.person} already holds the {change.role} role on {change.account} (since {a.start_on}): nothing changed"
        )
        if fmt_name(fmt) == "json":
            emit_json(envelope(today, **change.as_dict()))
        return
    message = f"{a.person} holds the {change.role} role on {change.account} from {a.start_on}"
    if change.ended is not None:
        message += f" (replacing {change.ended.person}, whose assignment ended {change.ended.end_on})"
    _emit_change(change, fmt, today, message)


@app.command("release")
def release(
    ctx: typer.Context,
    account: AccountArg,
    role: RoleArg,
    on: OnOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """End the current holder's assignment of ROLE on --on (default today); the role is then vacant."""
    from handoff_cli.commands.owners import release_owner

    today = get_today(ctx)
    change = release_owner(account, role, on=get_on(ctx, on), store=get_store(ctx), today=today)
    a = change.assignment
    message = f"released {a.person} from the {change.role} role on {change.account} on {a.end_on}"
    if change.ownerless:
        message += "; nobody holds implementation or csm now: the account is ownerless (assign one with `handoff owner assign`)"
    _emit_change(change, fmt, today, message)


@app.command("history")
def history(ctx: typer.Context, account: AccountArg, fmt: FormatOpt = None, limit: LimitOpt = 50) -> None:
    """Every assignment of every role on ACCOUNT, oldest first; an empty Until means current."""
    from handoff_cli.commands.owners import owner_history
    from handoff_cli.render import emit_listing, note

    today = get_today(ctx)
    hist = owner_history(account, store=get_store(ctx), today=today)
    rows = [a.as_dict() for a in hist.assignments]
    emit_listing(
        rows,
        key="assignments",
        columns=_columns(),
        fmt=fmt,
        as_of=today,
        limit=limit,
        title=f"Owners of {hist.account}",
        extra={"account": hist.account},
        empty=f"nobody has held a role on {hist.account} yet (assign one with `handoff owner assign`)",
    )
    if hist.later:
        note(f"{hist.later} assignment(s) starting after {today} not shown (see them with --as-of)")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="owner")
