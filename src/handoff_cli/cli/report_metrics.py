"""handoff report metrics | audit (attached to the report group by cli/report.py)."""

from __future__ import annotations

from typing import Annotated, Any, Optional

import typer

from handoff_cli.cli.common import (
    AsOfOpt,
    FormatOpt,
    KnownAtOpt,
    LimitOpt,
    get_config,
    get_store,
    parse_opt_date,
    report_day,
)

SegmentOpt = Annotated[Optional[str], typer.Option("--segment", help="Only accounts of this segment.")]
OwnerOpt = Annotated[
    Optional[str],
    typer.Option("--owner", help="Only accounts where this person ever held the implementation or csm role."),
]
SinceOpt = Annotated[Optional[str], typer.Option("--since", help="Only accounts signed on or after this date.")]
AllMetricsOpt = Annotated[
    bool,
    typer.Option(
        "--all", help="Accepted like the other reports take it: archived and churned accounts always count here."
    ),
]
NoBreachOpt = Annotated[
    bool,
    typer.Option(
        "--fail-on-breach",
        help="Accepted like the other reports take it: this report has no findings, so it never exits 3.",
    ),
]


# -- presentation -------------------------------------------------------------------

_LABELS = {
    "time_to_go_live_days": "time to go-live (days)",
    "on_time_go_live_rate": "on-time go-live rate",
    "ttv_days": "time to value (days)",
    "ttv_on_target_rate": "TTV on-target rate",
    "first_value_rate": "first-value rate",
    "seam_gap_days": "seam gap (days)",
    "ces_at_go_live_avg": "CES at go-live (avg)",
    "handoff_csat_avg": "handover CSAT (avg)",
    "slip_days_by_cause": "slip days",
    "renewal_rate_by_ttv": "renewal rate, TTV",
}


def _label(metric: str) -> str:
    head, _, part = metric.partition(".")
    text = _LABELS.get(head, head)
    return f"{text}: {part.replace('_', ' ')}" if part else text


def _shown(value: Any, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "rate":
        return f"{value * 100:.1f}%"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _emit_metrics(report, fmt, limit: int) -> None:
    from handoff_cli.render import Col, emit_json, emit_listing, envelope, fmt_name

    name = fmt_name(fmt)
    if name == "json":
        emit_json(envelope(report.as_of, **report.as_json()))
        return
    if name == "csv":
        rows = [{"metric": r.metric, "value": r.value, "n": r.n, "unit": r.unit} for r in report.rows]
        cols = [Col("metric", "metric"), Col("value", "value"), Col("n", "n"), Col("unit", "unit")]
    else:
        rows = [{"metric": _label(r.metric), "value": _shown(r.value, r.unit), "n": r.n} for r in report.rows]
        cols = [Col("metric", "Metric"), Col("value", "Value", "right"), Col("n", "n", "right")]
    emit_listing(rows, key="metrics", columns=cols, fmt=fmt, as_of=report.as_of, title="Metrics", limit=limit)
    if name == "table":
        from handoff_cli.render import note

        note(f"{report.accounts_in_scope} account(s) in scope as of {report.as_of.isoformat()}")


def _audit_columns(fmt_is_csv: bool):
    from handoff_cli.render import Col

    return [
        Col("account", "account" if fmt_is_csv else "Account"),
        Col("signed_on", "signed_on" if fmt_is_csv else "Signed"),
        Col("go_live_on", "go_live_on" if fmt_is_csv else "Go-live"),
        Col("signed_to_go_live_days", "signed_to_go_live_days" if fmt_is_csv else "Days to go-live", "right"),
        Col("baseline_go_live_on", "baseline_go_live_on" if fmt_is_csv else "Baseline"),
        Col("go_live_delta_days", "go_live_delta_days" if fmt_is_csv else "vs baseline", "right"),
        Col("slip_customer", "slip_customer" if fmt_is_csv else "Slip cust.", "right"),
        Col("slip_internal", "slip_internal" if fmt_is_csv else "Slip int.", "right"),
        Col("slip_scope", "slip_scope" if fmt_is_csv else "Slip scope", "right"),
        Col("seam_gap_days", "seam_gap_days" if fmt_is_csv else "Seam gap", "right"),
        Col("ttv_days", "ttv_days" if fmt_is_csv else "TTV days", "right"),
    ]


def _emit_audit(report, fmt) -> None:
    from handoff_cli.render import emit_listing, fmt_name, note

    name = fmt_name(fmt)
    if name == "json":
        rows = [g.as_dict() for g in report.go_lives]
    else:
        rows = []
        for g in report.go_lives:
            row = g.as_dict()
            for cause, days in row.pop("slip_days_by_cause").items():
                row[f"slip_{cause}"] = days
            if name != "csv":
                row = {k: ("-" if v is None else v) for k, v in row.items()}
            rows.append(row)
    emit_listing(
        rows,
        key="go_lives",
        columns=_audit_columns(name == "csv"),
        fmt=fmt,
        as_of=report.as_of,
        title="Go-live audit",
        empty="no go-lives in scope yet",
    )
    if name == "table" and report.more:
        note(f"... and {report.more} earlier go-live(s) (raise --last)")


# -- commands ------------------------------------------------------------------------


def metrics(
    ctx: typer.Context,
    fmt: FormatOpt = None,
    as_of: AsOfOpt = None,
    known_at: KnownAtOpt = None,
    segment: SegmentOpt = None,
    owner: OwnerOpt = None,
    since: SinceOpt = None,
    all_: AllMetricsOpt = False,
    limit: LimitOpt = 50,
    fail_on_breach: NoBreachOpt = False,
) -> None:
    """Portfolio metrics: time to go-live and to value, on-time rates, seam gaps, slips, renewals."""
    from handoff_cli.queries.metrics import metrics_report

    today = report_day(ctx, as_of, known_at)
    report = metrics_report(
        segment=segment,
        since=parse_opt_date(ctx, since, "--since", today),
        owner=owner,
        store=get_store(ctx),
        today=today,
        config=get_config(ctx),
    )
    _emit_metrics(report, fmt, limit)


def audit(
    ctx: typer.Context,
    last: Annotated[
        Optional[int], typer.Option("--last", min=1, help="How many go-lives, latest first (default 10).")
    ] = None,
    limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="The same as --last.")] = None,
    fmt: FormatOpt = None,
    as_of: AsOfOpt = None,
    known_at: KnownAtOpt = None,
    segment: SegmentOpt = None,
    owner: OwnerOpt = None,
    since: SinceOpt = None,
    all_: AllMetricsOpt = False,
    fail_on_breach: NoBreachOpt = False,
) -> None:
    """The last N go-lives: signed -> go-live days, baseline vs actual, slips by cause, seam gap, TTV."""
    from handoff_cli.errors import BadInput
    from handoff_cli.queries.audit import DEFAULT_LAST, audit_report

    if last is not None and limit is not None and last != limit:
        raise BadInput(f"--last {last} and --limit {limit} disagree: give one of them")
    today = report_day(ctx, as_of, known_at)
    report = audit_report(
        last=last or limit or DEFAULT_LAST,
        segment=segment,
        since=parse_opt_date(ctx, since, "--since", today),
        owner=owner,
        store=get_store(ctx),
        today=today,
        config=get_config(ctx),
    )
    _emit_audit(report, fmt)


def register(report_app: typer.Typer) -> None:
    """Attach `metrics` and `audit` to the report group."""
    report_app.command("metrics")(metrics)
    report_app.command("audit")(audit)
