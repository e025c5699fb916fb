"""handoff status [ACCOUNT] and handoff timeline ACCOUNT."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from handoff_cli.cli.common import (
    AllOpt,
    AsOfOpt,
    FormatOpt,
    KnownAtOpt,
    LimitOpt,
    get_config,
    get_store,
    report_day,
)
from handoff_cli.cli.report import (
    DiffOpt,
    FailOpt,
    OwnerOpt,
    SegmentOpt,
    SinceOpt,
    StrictOpt,
    baseline_of,
    empty_scope_message,
    fail_if_breached,
    scope_of,
)


def status(
    ctx: typer.Context,
    account: Annotated[
        Optional[str], typer.Argument(help="Name or external id: the pre-call brief. None: the portfolio.")
    ] = None,
    fmt: FormatOpt = None,
    as_of: AsOfOpt = None,
    known_at: KnownAtOpt = None,
    segment: SegmentOpt = None,
    owner: OwnerOpt = None,
    since: SinceOpt = None,
    all_: AllOpt = False,
    limit: LimitOpt = 50,
    fail_on_breach: FailOpt = False,
    full: Annotated[
        bool, typer.Option("--full", help="With an account: the long brief, every section in full.")
    ] = False,
    strict: StrictOpt = False,
    diff: DiffOpt = None,
) -> None:
    """The portfolio at a glance, riskiest first; with an account, the one-screen pre-call brief."""
    today = report_day(ctx, as_of, known_at)
    baseline, _ = baseline_of(ctx, diff, None, today)
    if account is not None:
        from handoff_cli.queries.reports import account_brief
        from handoff_cli.render.reports import emit_brief

        brief = account_brief(account, store=get_store(ctx), today=today, config=get_config(ctx), baseline=baseline)
        emit_brief(brief, fmt=fmt, full=full)
        fail_if_breached(fail_on_breach, brief.breached(strict=strict))
        return
    if baseline is not None:
        from handoff_cli.errors import BadInput

        raise BadInput("--diff works on `status ACCOUNT` (the brief) and `report breaches`; name an account")
    from handoff_cli.queries.reports import portfolio_status
    from handoff_cli.render.reports import emit_portfolio

    scope = scope_of(ctx, today, segment, owner, since, all_)
    report = portfolio_status(scope=scope, store=get_store(ctx), today=today, config=get_config(ctx))
    empty = empty_scope_message(ctx, scope, since) if not report.accounts else None
    emit_portfolio(report, fmt=fmt, limit=limit, empty=empty)
    fail_if_breached(fail_on_breach, report.has_breach)


def timeline(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Name or external id.")],
    fmt: FormatOpt = None,
    as_of: AsOfOpt = None,
    known_at: KnownAtOpt = None,
    limit: LimitOpt = 50,
) -> None:
    """Every dated fact of one account in date order (the table shows the latest --limit)."""
    from handoff_cli.queries.reports import timeline as build_timeline
    from handoff_cli.render.reports import emit_timeline

    today = report_day(ctx, as_of, known_at)
    emit_timeline(
        build_timeline(account, store=get_store(ctx), today=today, config=get_config(ctx)), fmt=fmt, limit=limit
    )


def register(root: typer.Typer) -> None:
    """Attach `status` and `timeline` to the root app."""
    root.command("status")(status)
    root.command("timeline")(timeline)
