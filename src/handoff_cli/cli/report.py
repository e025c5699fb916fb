"""handoff report health | breaches (and metrics | audit, attached from cli/report_metrics.py)."""

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
    parse_opt_date,
    report_day,
)

app = typer.Typer(help="Reports: health, breaches, metrics, audit.", no_args_is_help=True)

SegmentOpt = Annotated[Optional[str], typer.Option("--segment", help="Only accounts in this segment.")]
OwnerOpt = Annotated[
    Optional[str],
    typer.Option("--owner", help="Only accounts where this person holds the implementation or csm role now."),
]
SinceOpt = Annotated[Optional[str], typer.Option("--since", help="Only accounts signed on or after this date.")]
FailOpt = Annotated[
    bool, typer.Option("--fail-on-breach", help="Exit 3 after printing when a finding of severity breach exists.")
]


StrictOpt = Annotated[bool, typer.Option("--strict", help="With --fail-on-breach: count acknowledged breaches too.")]
DiffOpt = Annotated[
    Optional[str],
    typer.Option(
        "--diff",
        metavar="DATE|last-run",
        help="Mark each finding new, open or resolved against the report as known at the end of DATE, "
        "or the last `handoff notify` run.",
    ),
]
OnlyOpt = Annotated[
    Optional[str], typer.Option("--only", metavar="new,open,resolved", help="With --diff: only these changes.")
]


def baseline_of(ctx: typer.Context, diff: Optional[str], only: Optional[str], today):
    """--diff as "last-run" or a date (offsets count from the report's as-of), and --only's changes."""
    from handoff_cli.commands.changes import parse_only
    from handoff_cli.errors import BadInput

    wanted = parse_only(only)
    if diff is None:
        if wanted is not None:
            raise BadInput("--only needs --diff DATE|last-run: without a baseline nothing is new or resolved")
        return None, None
    if diff.strip().casefold() == "last-run":
        return "last-run", wanted
    day = parse_opt_date(ctx, diff, "--diff", today)
    if day is not None and day > today:
        raise BadInput(f"--diff {diff}: {day.isoformat()} is after the report's date {today.isoformat()}")
    return day, wanted


def scope_of(ctx: typer.Context, today, segment, owner, since, all_):
    """The report scope from the shared options; a relative --since counts back from the report's as-of date."""
    from handoff_cli.queries.reports import Scope

    return Scope(segment=segment, owner=owner, since=parse_opt_date(ctx, since, "--since", today), include_all=all_)


def empty_scope_message(ctx: typer.Context, scope, since_text: Optional[str]) -> Optional[str]:
    """What an empty health or portfolio view says: which filter matched nothing, and how
    many accounts the store holds (PRODUCT.md section 6); None for the default message."""
    from handoff_cli.commands.accounts import count_accounts

    total = count_accounts(store=get_store(ctx))
    if total == 0:
        return None
    filters = []
    if scope.segment is not None:
        filters.append(f"--segment {scope.segment!r}")
    if scope.owner is not None:
        filters.append(f"--owner {scope.owner!r}")
    if since_text is not None:
        filters.append(f"--since {since_text}")
    held = f"{total} account{'' if total == 1 else 's'} in the store"
    if filters:
        return f"no account matches {' '.join(filters)} ({held})"
    return f"no active account ({held}; --all adds archived, churned and not yet signed ones)"


def fail_if_breached(fail_on_breach: bool, has_breach: bool) -> None:
    if fail_on_breach and has_breach:
        from handoff_cli.errors import BreachesFound

        raise BreachesFound("findings of severity breach exist (exit 3 because of --fail-on-breach)")


@app.command("breaches")
def breaches(
    ctx: typer.Context,
    fmt: FormatOpt = None,
    as_of: AsOfOpt = None,
    known_at: KnownAtOpt = None,
    segment: SegmentOpt = None,
    owner: OwnerOpt = None,
    since: SinceOpt = None,
    all_: AllOpt = False,
    limit: LimitOpt = 50,
    fail_on_breach: FailOpt = False,
    strict: StrictOpt = False,
    diff: DiffOpt = None,
    only: OnlyOpt = None,
) -> None:
    """Every finding of the rules, breaches first."""
    from dataclasses import replace

    from handoff_cli.commands.changes import keep_only
    from handoff_cli.queries.reports import breaches_report
    from handoff_cli.render.reports import emit_breaches

    today = report_day(ctx, as_of, known_at)
    baseline, wanted = baseline_of(ctx, diff, only, today)
    report = breaches_report(
        scope=scope_of(ctx, today, segment, owner, since, all_),
        store=get_store(ctx),
        today=today,
        config=get_config(ctx),
        baseline=baseline,
    )
    failed = report.breached(strict=strict)
    if wanted is not None:
        report = replace(report, findings=keep_only(report.findings, wanted))
    emit_breaches(report, fmt=fmt, limit=limit)
    fail_if_breached(fail_on_breach, failed)


@app.command("health")
def health(
    ctx: typer.Context,
    fmt: FormatOpt = None,
    as_of: AsOfOpt = None,
    known_at: KnownAtOpt = None,
    segment: SegmentOpt = None,
    owner: OwnerOpt = None,
    since: SinceOpt = None,
    all_: AllOpt = False,
    limit: LimitOpt = 50,
    fail_on_breach: FailOpt = False,
) -> None:
    """Health score of every account, lowest first."""
    from handoff_cli.queries.reports import health_report
    from handoff_cli.render.reports import emit_health

    today = report_day(ctx, as_of, known_at)
    scope = scope_of(ctx, today, segment, owner, since, all_)
    report = health_report(scope=scope, store=get_store(ctx), today=today, config=get_config(ctx))
    empty = empty_scope_message(ctx, scope, since) if not report.accounts else None
    emit_health(report, fmt=fmt, limit=limit, empty=empty)
    fail_if_breached(fail_on_breach, report.has_breach)


def register(root: typer.Typer) -> None:
    """Attach the report group (with metrics and audit) to the root app."""
    from handoff_cli.cli import report_metrics

    report_metrics.register(app)
    root.add_typer(app, name="report")
