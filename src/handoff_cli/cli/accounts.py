"""handoff account add | list | show | edit | archive."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from handoff_cli.cli.common import FormatOpt, LimitOpt, OnOpt, get_on, get_store, get_today, parse_opt_date

app = typer.Typer(help="Add, list, show, edit and archive accounts.", no_args_is_help=True)


def _columns():
    from handoff_cli.render import Col

    return [
        Col("name", "Account"),
        Col("external_id", "External id"),
        Col("motion", "Motion", drop=4),
        Col("segment", "Segment", drop=1),
        Col("signed_on", "Signed"),
        Col("ttv_target_days", "TTV target", "right", drop=3),
        Col("arr", "ARR", "right", drop=2),
        Col("archived_on", "Archived"),
        Col("churned_on", "Churned"),
    ]


MotionOpt = Annotated[Optional[str], typer.Option("--motion", help="high-touch (default) or self-serve.")]


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Account name (unique, ignoring case).")],
    signed: Annotated[str, typer.Option("--signed", help="Contract signed date.")],
    motion: MotionOpt = None,
    segment: Annotated[Optional[str], typer.Option("--segment", help="A segment label, e.g. enterprise.")] = None,
    ttv_target: Annotated[Optional[int], typer.Option("--ttv-target", help="Days from signing to first value.")] = None,
    arr: Annotated[Optional[float], typer.Option("--arr", help="Annual recurring revenue.")] = None,
    external_id: Annotated[Optional[str], typer.Option("--external-id", help="CRM id.")] = None,
    fmt: FormatOpt = None,
) -> None:
    """Add an account."""
    from handoff_cli.commands.accounts import add_account

    today = get_today(ctx)
    view = add_account(
        name,
        signed_on=parse_opt_date(ctx, signed, "--signed"),
        motion="high-touch" if motion is None else motion,
        segment=segment,
        ttv_target_days=ttv_target,
        arr=arr,
        external_id=external_id,
        store=get_store(ctx),
        today=today,
    )
    _emit_one(view, fmt, today, f"added {view.name}")


def _emit_one(view, fmt, today, message: str) -> None:
    from handoff_cli.render import emit_json, envelope, fmt_name, note

    if fmt_name(fmt) == "json":
        emit_json(envelope(today, account=view.as_dict()))
    else:
        note(message)


@app.command("list")
def list_(
    ctx: typer.Context,
    all_: Annotated[
        bool, typer.Option("--all", help="Every account: archived, churned and signed after today too.")
    ] = False,
    fmt: FormatOpt = None,
    limit: LimitOpt = 50,
) -> None:
    """List the accounts signed by today, neither archived nor churned (--all: every account)."""
    from handoff_cli.commands.accounts import list_accounts
    from handoff_cli.render import emit_listing

    today = get_today(ctx)
    rows = [v.as_dict() for v in list_accounts(include_all=all_, store=get_store(ctx), today=today)]
    emit_listing(
        rows,
        key="accounts",
        columns=_columns(),
        fmt=fmt,
        as_of=today,
        limit=limit,
        title="Accounts",
        empty="no accounts yet: add one with `handoff account add NAME --signed DATE`",
    )


@app.command("show")
def show(
    ctx: typer.Context, account: Annotated[str, typer.Argument(help="Name or external id.")], fmt: FormatOpt = None
) -> None:
    """Show one account's fields."""
    from handoff_cli.commands.accounts import show_account
    from handoff_cli.render import Col, emit_json, emit_listing, envelope, fmt_name

    today = get_today(ctx)
    view = show_account(account, store=get_store(ctx), today=today)
    if fmt_name(fmt) == "json":
        emit_json(envelope(today, account=view.as_dict()))
        return
    rows = [{"field": c.header, "value": getattr(view, c.key)} for c in _columns()]
    emit_listing(rows, key="fields", columns=[Col("field", "Field"), Col("value", "Value")], fmt=fmt, as_of=today)


@app.command("edit")
def edit(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Name or external id.")],
    name: Annotated[Optional[str], typer.Option("--name", help="New name.")] = None,
    signed: Annotated[Optional[str], typer.Option("--signed", help="New contract signed date.")] = None,
    motion: MotionOpt = None,
    segment: Annotated[Optional[str], typer.Option("--segment", help="Empty string clears it.")] = None,
    ttv_target: Annotated[Optional[int], typer.Option("--ttv-target", help="New TTV target in days.")] = None,
    arr: Annotated[Optional[float], typer.Option("--arr", help="New annual recurring revenue.")] = None,
    external_id: Annotated[Optional[str], typer.Option("--external-id", help="Empty string clears it.")] = None,
    fmt: FormatOpt = None,
) -> None:
    """Change an account's fields."""
    from handoff_cli.commands.accounts import _UNSET, edit_account

    today = get_today(ctx)
    view = edit_account(
        account,
        name=name,
        signed_on=parse_opt_date(ctx, signed, "--signed"),
        motion=motion,
        segment=_UNSET if segment is None else segment,
        ttv_target_days=_UNSET if ttv_target is None else ttv_target,
        arr=_UNSET if arr is None else arr,
        external_id=_UNSET if external_id is None else external_id,
        store=get_store(ctx),
        today=today,
    )
    _emit_one(view, fmt, today, f"updated {view.name}")


@app.command("archive")
def archive(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Name or external id.")],
    on: OnOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Archive an account from a date: it leaves listings and raises no findings."""
    from handoff_cli.commands.accounts import archive_account

    today = get_today(ctx)
    view = archive_account(account, on=get_on(ctx, on), store=get_store(ctx), today=today)
    _emit_one(view, fmt, today, f"archived {view.name} on {view.archived_on}")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="account")
