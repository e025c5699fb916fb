"""handoff plan set | show."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from handoff_cli.cli.common import FormatOpt, LimitOpt, OnOpt, get_on, get_store, get_today

app = typer.Typer(help="The mutual success plan: outcome, exec sponsor, criteria, in versions.", no_args_is_help=True)

AccountArg = Annotated[str, typer.Argument(help="Account name or external id.")]


def _columns():
    from handoff_cli.render import Col

    return [
        Col("version", "Version", "right"),
        Col("agreed_on", "Agreed"),
        Col("outcome", "Outcome"),
        Col("sponsor", "Sponsor"),
        Col("criteria", "Criteria"),
    ]


def _rows(plans, fmt) -> list[dict]:
    """JSON keeps criteria as a list; a table shows one per line, CSV and markdown join them with '; '."""
    from handoff_cli.render import fmt_name

    name = fmt_name(fmt)
    rows = []
    for p in plans:
        row = p.as_dict()
        if name == "table":
            row["criteria"] = "\n".join(f"- {c}" for c in p.criteria)
        elif name != "json":
            row["criteria"] = "; ".join(p.criteria)
        rows.append(row)
    return rows


@app.command("set")
def set_(
    ctx: typer.Context,
    account: AccountArg,
    outcome: Annotated[
        str, typer.Option("--outcome", help="The outcome the customer bought, in their words (required).")
    ],
    sponsor: Annotated[
        Optional[str], typer.Option("--sponsor", help="The customer's exec sponsor (default: the previous version's).")
    ] = None,
    criterion: Annotated[
        Optional[list[str]],
        typer.Option(
            "--criterion",
            help="A measurable success criterion; repeat for several. Given criteria replace the previous "
            "version's list; none given keeps it.",
        ),
    ] = None,
    add_criterion: Annotated[
        Optional[list[str]],
        typer.Option(
            "--add-criterion", help="A criterion appended to the list (the previous version's, or the given one)."
        ),
    ] = None,
    on: OnOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Agree a new version of ACCOUNT's success plan.

    Each call makes a new version; older ones stay readable (`plan show
    --history`). The outcome is always restated. Without --sponsor the
    previous version's sponsor carries forward; without --criterion its
    criteria do, and given --criterion options replace the whole list;
    --add-criterion appends to it.
    A sponsor named with --sponsor then holds the sponsor role from --on,
    ending another sponsor's assignment.
    """
    from handoff_cli.commands.plans import set_plan
    from handoff_cli.render import emit_json, envelope, fmt_name, note

    today = get_today(ctx)
    result = set_plan(
        account,
        outcome=outcome,
        sponsor=sponsor,
        criteria=criterion or None,
        add_criteria=add_criterion or None,
        on=get_on(ctx, on),
        store=get_store(ctx),
        today=today,
    )
    if fmt_name(fmt) == "json":
        emit_json(envelope(today, account=result.account, plan=result.plan.as_dict()))
        return
    p = result.plan
    n = len(p.criteria)
    message = (
        f"{result.account} success plan v{p.version} agreed {p.agreed_on}: "
        f"sponsor {p.sponsor or 'none named'}, {n} criteri{'on' if n == 1 else 'a'}"
    )
    if result.sponsor_assignment is not None:
        message += (
            f"; {result.sponsor_assignment.person} holds the sponsor role from {result.sponsor_assignment.start_on}"
        )
        if result.sponsor_replaced is not None:
            message += f" (replacing {result.sponsor_replaced.person})"
    note(message)


@app.command("show")
def show(
    ctx: typer.Context,
    account: AccountArg,
    history: Annotated[
        bool, typer.Option("--history", help="Every version, oldest first, not only the latest.")
    ] = False,
    fmt: FormatOpt = None,
    limit: LimitOpt = 50,
) -> None:
    """ACCOUNT's success plan: the latest version (every version with --history)."""
    from handoff_cli.commands.plans import show_plans
    from handoff_cli.render import emit_listing, fmt_name, note

    today = get_today(ctx)
    listing = show_plans(account, store=get_store(ctx), today=today)
    plans = listing.plans if history else listing.plans[-1:]
    emit_listing(
        _rows(plans, fmt),
        key="plans",
        columns=_columns(),
        fmt=fmt,
        as_of=today,
        limit=limit,
        title=f"Success plan of {listing.account}",
        empty=f"{listing.account} has no success plan yet (agree one with `handoff plan set`)",
    )
    if not plans and fmt_name(fmt) != "table":
        note(f"{listing.account} has no success plan yet (agree one with `handoff plan set`)")
    if listing.later:
        note(f"{listing.later} version(s) agreed after {today} not shown (see them with --as-of)")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="plan")
