"""handoff ack ACCOUNT RULE | ack list | ack end ACCOUNT RULE."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from handoff_cli.cli.common import FormatOpt, LimitOpt, OnOpt, get_config, get_on, get_today, parse_opt_date


class AckGroup(TyperGroup):
    """`ack ACCOUNT RULE ...` acknowledges; `ack list` and `ack end` are subcommands. A first word
    that is not a subcommand is an account: the hidden `add` command takes it."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["add", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=AckGroup,
    help="Acknowledge a finding: it keeps its deduction, and --fail-on-breach ignores it until the ack expires.",
    no_args_is_help=True,
)

AccountArg = Annotated[str, typer.Argument(metavar="ACCOUNT", help="Account name or external id.")]
RuleArg = Annotated[str, typer.Argument(metavar="RULE", help="The finding's rule id, e.g. ttv-breach.")]
MilestoneOpt = Annotated[
    Optional[str],
    typer.Option("--milestone", metavar="TITLE", help="For milestone-overdue: which milestone's finding."),
]
ByOpt = Annotated[
    Optional[str],
    typer.Option(
        "--by", metavar="PERSON", help="Who acknowledges (default: [ack] by in the config, else the login name)."
    ),
]


def _by(ctx: typer.Context, by: Optional[str]) -> str:
    """--by, else the config's [ack] by, else the login name (getpass.getuser: $LOGNAME, $USER,
    $LNAME, $USERNAME, then the user database, so a cron job without $USER still has one)."""
    if by is not None:
        return by
    configured = get_config(ctx).ack_by
    if configured:
        return str(configured)
    import getpass

    try:
        who = getpass.getuser().strip()
    except (OSError, KeyError):  # no login variable and no entry in the user database
        who = ""
    if not who:
        from handoff_cli.errors import BadInput

        raise BadInput("who acknowledges? give --by PERSON (or set [ack] by in the config)")
    return who


def _say(message: str) -> None:
    from handoff_cli.render import note

    note(message)


@app.command("add", hidden=True)
def add(
    ctx: typer.Context,
    account: AccountArg,
    rule: RuleArg,
    milestone: MilestoneOpt = None,
    until: Annotated[Optional[str], typer.Option("--until", metavar="DATE", help="The last day the ack holds.")] = None,
    until_change: Annotated[
        bool, typer.Option("--until-change", help="Hold until the finding's identity (rule, since) changes.")
    ] = False,
    note: Annotated[Optional[str], typer.Option("--note", metavar="TEXT", help="What is being done.")] = None,
    verdict: Annotated[
        Optional[str],
        typer.Option("--verdict", metavar="valid|false-positive", help="Kept for tuning the rules."),
    ] = None,
    by: ByOpt = None,
    on: OnOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Acknowledge an account's finding."""
    from handoff_cli.cli.common import get_store
    from handoff_cli.commands.acks import add_ack
    from handoff_cli.render import emit_json, envelope, fmt_name

    today = get_today(ctx)
    day = get_on(ctx, on)
    view = add_ack(
        account,
        rule,
        milestone=milestone,
        until=parse_opt_date(ctx, until, "--until", day),
        until_change=until_change,
        note=note,
        verdict=verdict,
        by=_by(ctx, by),
        on=day,
        store=get_store(ctx),
        today=today,
        config=get_config(ctx),
    )
    if fmt_name(fmt) == "json":
        emit_json(envelope(today, ack=view.as_dict()))
        return
    what = f"{view.rule}" + (f" ({view.milestone})" if view.milestone else "")
    until_text = "its finding changes" if view.until == "change" else view.until
    _say(f"{view.by} acknowledged {what} on {view.account} until {until_text}")


@app.command("list")
def list_(ctx: typer.Context, fmt: FormatOpt = None, limit: LimitOpt = 50) -> None:
    """The acknowledgements not ended, expired ones marked."""
    from handoff_cli.cli.common import get_store
    from handoff_cli.commands.acks import list_acks
    from handoff_cli.render import Col, emit_listing

    today = get_today(ctx)
    rows = [v.as_dict() for v in list_acks(store=get_store(ctx), today=today, config=get_config(ctx))]
    columns = [
        Col("account", "Account"),
        Col("rule", "Rule"),
        Col("milestone", "Milestone"),
        Col("by", "By"),
        Col("on", "On"),
        Col("until", "Until"),
        Col("expired", "Expired"),
        Col("note", "Note"),
    ]
    emit_listing(rows, key="acks", columns=columns, fmt=fmt, as_of=today, limit=limit, empty="no acknowledgements")


@app.command("end")
def end(
    ctx: typer.Context,
    account: AccountArg,
    rule: RuleArg,
    milestone: MilestoneOpt = None,
    by: ByOpt = None,
    on: OnOpt = None,
) -> None:
    """End an acknowledgement before it expires (the finding fails --fail-on-breach again)."""
    from handoff_cli.cli.common import get_store
    from handoff_cli.commands.acks import end_ack

    view = end_ack(
        account,
        rule,
        milestone=milestone,
        by=_by(ctx, by),
        on=get_on(ctx, on),
        store=get_store(ctx),
        today=get_today(ctx),
    )
    _say(f"ended the acknowledgement of {view.rule} on {view.account} (by {view.by})")


def register(root: typer.Typer) -> None:
    """Attach `ack` to the root app."""
    root.add_typer(app, name="ack")
