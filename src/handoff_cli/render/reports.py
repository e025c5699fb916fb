"""Renderers for the reports: breaches, health, the portfolio, the pre-call brief, the timeline.

Each takes a plain result from ``queries/reports.py`` and prints it as a table
(rich on a terminal, plain text elsewhere), JSON, CSV or markdown. Colour only
on a terminal without NO_COLOR.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Optional

from handoff_cli import render
from handoff_cli.render import Col
from handoff_cli.render.brief import ack_text, compared_text

BAND_STYLE = {"green": "green", "yellow": "yellow", "red": "red"}
SEVERITY_STYLE = {"breach": "bold red", "warning": "yellow"}


def _emit(
    rows: Sequence[Mapping[str, Any]],
    *,
    key: str,
    columns: Sequence[Col],
    fmt: Any,
    as_of: date,
    limit: Optional[int],
    json_rows: Optional[Sequence[Mapping[str, Any]]] = None,
    extra: Optional[Mapping[str, Any]] = None,
    styles: Optional[Mapping[str, str]] = None,
    title: Optional[str] = None,
    empty: Optional[str] = None,
    heading: Optional[str] = None,
) -> None:
    """A listing: JSON/CSV/markdown give every row; the table stops at limit and styles rows by `_style`.
    A report's markdown and plain text start with its heading line (the as-of date and the counts),
    and an empty report says so on stdout (PRODUCT.md section 6)."""
    name = render.fmt_name(fmt)
    if name == "json":
        body = {**(dict(extra) if extra else {}), key: list(json_rows if json_rows is not None else rows)}
        emit_json(render.envelope(as_of, **body))
        return
    if name == "csv":
        render.emit_listing(rows, key=key, columns=columns, fmt=name, as_of=as_of)
        return
    if heading is not None:
        title = None  # the heading names the date already
        sys.stdout.write(render.safe(heading) + "\n\n")
        if not rows:
            sys.stdout.write(render.safe(empty or f"no {key}") + "\n")
            return
    if name == "markdown":
        render.emit_listing(rows, key=key, columns=columns, fmt=name, as_of=as_of)
        return
    if not rows:
        render.note(empty or f"no {key}")
        return
    shown = rows if limit is None else rows[:limit]
    width = render.terminal_width() if render.is_terminal() else None
    render.print_renderable(
        render.table(shown, columns, title=title, styles=styles if render.use_color() else None, width=width)
    )
    if len(rows) > len(shown):
        render.note(
            f"... and {len(rows) - len(shown)} more (raise --limit, or use --format json|csv|markdown for every row)"
        )


# the one JSON writer (render.emit_json), under the name this module has always used
emit_json = render.emit_json


def _iso(value: Optional[date]) -> Optional[str]:
    return value.isoformat() if value is not None else None


# -- report breaches ---------------------------------------------------------

FINDING_COLUMNS = [
    Col("account", "Account"),
    Col("rule", "Rule"),
    Col("severity", "Severity"),
    Col("since", "Since"),
    Col("days", "Days", "right"),
    Col("detail", "Detail", free=True),
]


def _finding_json(f, iso: Optional[Mapping[date, str]] = None) -> dict[str, Any]:
    since = f.since.isoformat() if iso is None else iso[f.since]
    return {
        "account": f.account,
        "rule": f.rule,
        "severity": f.severity,
        "since": since,
        "days": f.days,
        "detail": f.detail,
        "weight": f.weight,
        **(f.marks() if f.acknowledged is not None or f.change is not None else {}),
    }


class _IsoDates(dict):
    """date -> ISO text, written once per distinct date (a few thousand over tens of thousands of rows)."""

    def __missing__(self, key: date) -> str:
        value = self[key] = key.isoformat()
        return value


_JSON_BATCH = 1000  # findings encoded at once off a terminal


def emit_breaches(report, *, fmt: Any, limit: Optional[int]) -> None:
    if render.fmt_name(fmt) == "json":
        iso = _IsoDates()
        if render.is_terminal():
            emit_json(render.envelope(report.as_of, findings=[_finding_json(f, iso) for f in report.findings]))
            return
        # Off a terminal, one compact line written a thousand findings at a time (the same
        # bytes as json.dumps of the whole document), so a report of a hundred thousand
        # findings never holds them all as dicts and text at once.
        head = json.dumps(render.envelope(report.as_of, findings=[]), default=render.json_default)
        encode = json.JSONEncoder(ensure_ascii=False).encode
        write = sys.stdout.write
        write(head[:-2])  # up to and including the opening bracket of the findings
        findings = report.findings
        for start in range(0, len(findings), _JSON_BATCH):
            batch = [_finding_json(f, iso) for f in findings[start : start + _JSON_BATCH]]
            write((", " if start else "") + encode(batch)[1:-1])  # the items, without the list's brackets
        write("]}\n")
        return
    rows = [
        {**f.as_dict(), "_style": f.severity, "ack": ack_text(f.acknowledged) if f.acknowledged else None}
        for f in report.findings
    ]
    columns = list(FINDING_COLUMNS)
    if getattr(report, "compared_with", None) is not None:
        columns.insert(0, Col("change", "Change"))
    if any(f.acknowledged for f in report.findings):
        columns.append(Col("ack", "Acknowledged"))
    _emit(
        rows,
        key="findings",
        columns=columns,
        fmt=fmt,
        as_of=report.as_of,
        limit=limit,
        json_rows=[f.as_dict() for f in report.findings],
        styles=SEVERITY_STYLE,
        title=f"Findings as of {report.as_of.isoformat()}",
        empty=f"no findings as of {report.as_of.isoformat()}",
        heading=breaches_heading(report),
    )


def _plural(n: int, word: str, many: str = "") -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def breaches_heading(report) -> str:
    """'3 breaches, 5 warnings in 6 of 17 accounts as of 2026-12-01'."""
    nb = sum(1 for f in report.findings if f.severity == "breach")
    nw = len(report.findings) - nb
    na = len({f.account for f in report.findings})
    n = report.accounts_in_scope
    return (
        f"{_plural(nb, 'breach', 'breaches')}, {_plural(nw, 'warning')} in {na} of {_plural(n, 'account')}"
        f" as of {report.as_of.isoformat()}"
    )


def health_heading(report) -> str:
    """'17 accounts as of 2026-12-01: 3 red, 5 yellow, 9 green; 4 with breaches'."""
    bands = {"red": 0, "yellow": 0, "green": 0}
    unscored = 0
    for a in report.accounts:
        if a.band in bands:
            bands[a.band] += 1
        else:
            unscored += 1
    breached = sum(1 for a in report.accounts if a.has_breach)
    text = f"{_plural(len(report.accounts), 'account')} as of {report.as_of.isoformat()}: "
    text += ", ".join(f"{n} {band}" for band, n in bands.items())
    if unscored:
        text += f", {unscored} not scored"
    return text + f"; {breached} with breaches"


# -- report health / status --------------------------------------------------

HEALTH_COLUMNS = [
    Col("account", "Account"),
    Col("motion", "Motion", drop=1),
    Col("stage", "Stage"),
    Col("score", "Score", "right"),
    Col("band", "Band", drop=2),
    Col("owner", "Owner"),
    Col("findings", "Findings", free=True),
]


def _health_json(a) -> dict[str, Any]:
    return {
        "account": a.account,
        "motion": a.motion,
        "stage": a.stage,
        "score": a.score,
        "band": a.band,
        "owner": a.owner,
        "findings": list(a.findings),
        "segment": a.segment,
        "signed_on": a.signed_on,
        "ttv_day": a.ttv_day,
        "ttv_target_days": a.ttv_target_days,
        "first_value_on": a.first_value_on,
    }


def _health_plain(a) -> dict[str, Any]:
    """_health_json with the dates as ISO text already."""
    row = _health_json(a)
    row["signed_on"] = a.signed_on.isoformat()
    row["first_value_on"] = _iso(a.first_value_on)
    return row


def _no_score(row: dict[str, Any], fmt: Any) -> dict[str, Any]:
    """An account without a score (archived, churned) shows `-` in tables (CSV: an empty cell)."""
    if row["score"] is None and render.fmt_name(fmt) != "csv":
        row["score"] = row["band"] = "-"
    return row


def emit_health(report, *, fmt: Any, limit: Optional[int], empty: Optional[str] = None) -> None:
    if render.fmt_name(fmt) == "json":
        emit_json(render.envelope(report.as_of, accounts=[_health_plain(a) for a in report.accounts]))
        return
    shown_fmt = render.fmt_name(fmt)
    rows = [
        _no_score({**_health_json(a), "owner": _owner_cell(a, shown_fmt), "_style": a.band}, fmt)
        for a in report.accounts
    ]
    _emit(
        rows,
        key="accounts",
        columns=HEALTH_COLUMNS,
        fmt=fmt,
        as_of=report.as_of,
        limit=limit,
        json_rows=[_health_json(a) for a in report.accounts],
        styles=BAND_STYLE,
        title=f"Health as of {report.as_of.isoformat()}",
        empty=empty or "no accounts in scope: add one with `handoff account add NAME --signed DATE`",
        heading=health_heading(report),
    )


PORTFOLIO_COLUMNS = [
    Col("account", "Account"),
    Col("stage", "Stage"),
    Col("score", "Score", "right"),
    Col("band", "Band", drop=2),
    Col("owner", "Owner"),
    Col("ttv", "TTV", drop=1),
    Col("top", "Top issue", free=True),
]


def _owner_cell(a, fmt: str) -> Optional[str]:
    """The owner as a table shows it: a self-serve account has no owner by design, a
    high-touch one with none is ownerless; CSV keeps the empty cell (the data)."""
    if a.owner or fmt == "csv":
        return a.owner
    return "(self-serve)" if a.motion == "self-serve" else "nobody"


def _ttv_cell(a) -> str:
    if a.first_value_on is not None:
        return f"value {a.first_value_on.isoformat()}"
    return f"day {a.ttv_day}/{a.ttv_target_days}"


def emit_portfolio(report, *, fmt: Any, limit: Optional[int], empty: Optional[str] = None) -> None:
    if render.fmt_name(fmt) == "json":
        emit_json(render.envelope(report.as_of, accounts=[{**_health_plain(a), "top": a.top} for a in report.accounts]))
        return
    shown_fmt = render.fmt_name(fmt)
    rows = [
        _no_score(
            {
                **_health_json(a),
                "owner": _owner_cell(a, shown_fmt),
                "ttv": _ttv_cell(a),
                "top": a.top,
                "_style": a.band,
            },
            fmt,
        )
        for a in report.accounts
    ]
    _emit(
        rows,
        key="accounts",
        columns=PORTFOLIO_COLUMNS,
        fmt=fmt,
        as_of=report.as_of,
        limit=limit,
        json_rows=[{**_health_json(a), "top": a.top} for a in report.accounts],
        styles=BAND_STYLE,
        title=f"Portfolio as of {report.as_of.isoformat()}, riskiest first",
        empty=empty or "no accounts in scope: add one with `handoff account add NAME --signed DATE`",
        heading=health_heading(report),
    )


# -- status ACCOUNT: the brief ----------------------------------------------

Segment = tuple[str, str]  # (text, rich style)


def _d(value: Optional[date]) -> str:
    return value.isoformat() if value else "-"


def _bar(start: date, fill_to: date, marker: Optional[date], end: date, *, fancy: bool, width: int = 30) -> str:
    """A text bar from start to end, filled up to fill_to, with '|' at marker."""
    span = max(1, (end - start).days)

    def pos(d: date) -> int:
        return max(0, min(width, round((d - start).days * width / span)))

    filled = pos(fill_to)
    on, off = ("█", "░") if fancy else ("#", "-")
    chars = [on if i < filled else off for i in range(width)]
    if marker is not None:
        m = min(width - 1, pos(marker))
        chars[m] = "┃" if fancy else "|"
    return "[" + "".join(chars) + "]"


def _signed_days(n: int) -> str:
    return f"{n:+d} day" + ("" if abs(n) == 1 else "s")


def _health_text(b) -> str:
    """`72/100 yellow`, or `-` for an account without a score (archived, churned)."""
    return "-" if b.score is None else f"{b.score}/100 {b.band}"


def brief_lines(b, *, fancy: bool) -> list[list[Segment]]:
    """The brief as lines of styled segments (plain text joins the texts)."""
    band_style = BAND_STYLE.get(b.band, "")
    L: list[list[Segment]] = []
    head = (
        f"{b.account}  ({b.motion}"
        + (f", {b.segment}" if b.segment else "")
        + (f", {b.external_id}" if b.external_id else "")
        + ")"
    )
    L.append([(head, "bold"), (f"   as of {b.as_of.isoformat()}", "dim")])
    status = []
    if b.archived_on:
        status.append(f"archived {b.archived_on.isoformat()}")
    if b.churned_on:
        status.append(f"churned {b.churned_on.isoformat()}")
    if b.graduated_on:
        status.append(f"graduated {b.graduated_on.isoformat()}")
    L.append(
        [
            ("Stage ", "dim"),
            (b.stage, "bold"),
            ("   Health ", "dim"),
            (_health_text(b), f"bold {band_style}"),
            ("   Owner ", "dim"),
            (b.owner or "nobody", "bold" if b.owner else "bold red"),
        ]
        + ([("   " + ", ".join(status), "magenta")] if status else [])
    )
    L.append([])
    L.append([("Owners", "bold")])
    for role, person in b.owners.items():
        L.append([(f"  {role:<15}", "dim"), (person or "-", "" if person else "red")])
    L.append([])
    if b.plan:
        p = b.plan
        L.append([("Success plan", "bold"), (f"  v{p['version']}, agreed {_d(p['agreed_on'])}", "dim")])
        L.append([("  Outcome  ", "dim"), (p["outcome"], "")])
        L.append([("  Sponsor  ", "dim"), (p["sponsor"] or "-", "")])
        for c in p["criteria"]:
            L.append([("  - ", "dim"), (c, "")])
    else:
        L.append([("Success plan", "bold"), ("  none yet", "red")])
    L.append([])
    L.append([("Clocks", "bold")])
    # go-live: planned vs actual
    live = b.go_live_on
    planned = b.go_live_planned_on
    due = b.go_live_due_on
    end_candidates = [d for d in (planned, due, live, b.as_of) if d]
    go_end = max(end_candidates)
    go_text = []
    if planned:
        go_text.append(f"planned {planned.isoformat()}")
    if due and due != planned and not live:
        go_text.append(f"now due {due.isoformat()}")
    if live:
        go_text.append(f"live {live.isoformat()}")
        if planned:
            go_text.append(_signed_days((live - planned).days))
    else:
        go_text.append("not live yet")
    L.append(
        [
            ("  Go-live  ", "dim"),
            (_bar(b.signed_on, live or b.as_of, planned, go_end, fancy=fancy), "green" if live else "cyan"),
            ("  " + ", ".join(go_text), ""),
        ]
    )
    # TTV: day N of the target, with the projection
    t = b.target_on
    fv = b.first_value_on
    proj = b.projected_first_value_on
    ttv_end = max(d for d in (t, fv, proj, b.as_of) if d)
    if fv:
        ttv_text = f"first value {fv.isoformat()} (day {(fv - b.signed_on).days} of {b.ttv_target_days})"
        style = "green" if fv <= t else "yellow"
    else:
        ttv_text = f"day {b.ttv_day} of {b.ttv_target_days} (target {t.isoformat()})"
        if proj:
            late = (proj - t).days
            ttv_text += f"; projected first value {proj.isoformat()}" + (
                f", {late} days late" if late > 0 else ", on target"
            )
        style = "red" if b.as_of > t else ("yellow" if proj and proj > t else "green")
    L.append(
        [
            ("  TTV      ", "dim"),
            (_bar(b.signed_on, fv or b.as_of, t, ttv_end, fancy=fancy), style),
            ("  " + ttv_text, ""),
        ]
    )
    L.append([])
    L.append([("Health ", "bold"), (_health_text(b), f"bold {band_style}")])
    L.append([("    100  ", "dim"), ("start", "dim")])
    width = max([len(f.rule) for f in b.findings] + [4])
    for f in b.findings:
        L.append(
            [
                (f"  - {f.weight:>3}  ", SEVERITY_STYLE.get(f.severity, "")),
                (f"{f.rule:<{width}}  ", SEVERITY_STYLE.get(f.severity, "")),
                (f.detail, ""),
            ]
            + ([(f"  [{f.change}]", "bold")] if f.change else [])
            + ([("  " + ack_text(f.acknowledged), "dim")] if f.acknowledged else [])
        )
    total = sum(f.weight for f in b.findings)
    floor = " (floored at 0)" if 100 - total < 0 else ""
    if b.score is None:
        L.append([("  =   -  ", "bold"), ("no score: the account is archived or churned", "dim")])
    else:
        L.append([(f"  = {b.score:>3}  ", f"bold {band_style}"), (f"{b.band}{floor}", band_style)])
    if b.compared_with is not None:
        L.append([(f"  resolved since {compared_text(b.compared_with)}: ", "dim"), (str(len(b.resolved)), "")])
        for f in b.resolved:
            L.append([(f"  - {f.rule:<{width}}  ", "dim"), (f.detail, "")])
    L.append([])
    L.append([("Recent events", "bold")])
    if not b.recent_events:
        L.append([("  none", "dim")])
    for e in b.recent_events:
        value = f" {e['value']}" if e["value"] is not None else ""
        note = f"  {e['note']}" if e["note"] else ""
        L.append([(f"  {e['on'].isoformat()}  ", "dim"), (f"{e['kind']}{value}", ""), (note, "dim")])
    L.append([])
    h = b.handover
    if h:
        L.append([("Handover", "bold"), (f"  {h['handed_on'].isoformat()}  {h['from'] or '?'} -> {h['to']}", "")])
        L.append(
            [
                ("  value gate passed  ", "dim"),
                ("yes" if h["gate_passed"] else "no", "" if h["gate_passed"] else "yellow"),
                ("   joint call  ", "dim"),
                ("yes" if h["joint_call"] else "no", "" if h["joint_call"] else "yellow"),
            ]
        )
        for label, key in (("promised", "promised"), ("customised", "customised"), ("open issues", "open_issues")):
            L.append([(f"  {label:<12}", "dim"), (h[key] or "-", "")])
    else:
        L.append([("Handover", "bold"), ("  not yet", "dim")])
    return L


def brief_text(b) -> str:
    """The brief as plain text (no colour codes), stored text with control characters escaped."""
    lines = brief_lines(b, fancy=False)
    return "\n".join("".join(render.safe(t) for t, _ in line).rstrip() for line in lines) + "\n"


def _health_md(b) -> str:
    return "-" if b.score is None else f"{b.score}/100 ({b.band})"


def brief_markdown(b) -> str:
    md = render.md_cell
    out = [
        f"**{md(b.account)}** ({b.motion}) as of {b.as_of.isoformat()}: stage **{b.stage}**, "
        f"health **{_health_md(b)}**, owner {md(b.owner or 'nobody')}",
        "",
    ]
    out.append("**Owners:** " + ", ".join(f"{role} {md(p or '-')}" for role, p in b.owners.items()))
    out.append("")
    if b.plan:
        p = b.plan
        out.append(
            f"**Success plan** (v{p['version']}, agreed {_d(p['agreed_on'])}, sponsor {md(p['sponsor'] or '-')}): "
            f"{md(p['outcome'])}"
        )
        out.extend(f"- {md(c)}" for c in p["criteria"])
    else:
        out.append("**Success plan:** none yet")
    out.append("")
    live = f"live {b.go_live_on.isoformat()}" if b.go_live_on else "not live yet"
    planned = f"planned {b.go_live_planned_on.isoformat()}, " if b.go_live_planned_on else ""
    if b.go_live_due_on and b.go_live_due_on != b.go_live_planned_on and not b.go_live_on:
        planned += f"now due {b.go_live_due_on.isoformat()}, "
    if b.first_value_on:
        ttv = f"first value {b.first_value_on.isoformat()} (day {(b.first_value_on - b.signed_on).days} of {b.ttv_target_days})"
    else:
        ttv = f"day {b.ttv_day} of {b.ttv_target_days} (target {b.target_on.isoformat()})"
        if b.projected_first_value_on:
            ttv += f", projected first value {b.projected_first_value_on.isoformat()}"
    out.append(f"**Go-live:** {planned}{live}  ")
    out.append(f"**TTV:** {ttv}")
    out.append("")
    out.append(f"**Health {_health_md(b)}:** 100")
    out.extend(
        f"- −{f.weight} `{f.rule}` ({f.severity}): {md(f.detail)}"
        + (f" **[{f.change}]**" if f.change else "")
        + (f" _{md(ack_text(f.acknowledged))}_" if f.acknowledged else "")
        for f in b.findings
    )
    if b.compared_with is not None:
        out.append("")
        out.append(f"**Resolved since {compared_text(b.compared_with)}:** {len(b.resolved)}")
        out.extend(f"- `{f.rule}` ({f.severity}): {md(f.detail)}" for f in b.resolved)
    out.append("")
    if b.recent_events:
        out.append("**Recent events:**")
        for e in b.recent_events:
            value = f" {e['value']}" if e["value"] is not None else ""
            note = f": {md(e['note'])}" if e["note"] else ""
            out.append(f"- {e['on'].isoformat()} {e['kind']}{value}{note}")
        out.append("")
    h = b.handover
    if h:
        out.append(
            f"**Handover** {h['handed_on'].isoformat()} {md(h['from'] or '?')} → {md(h['to'])}: "
            f"value gate {'passed' if h['gate_passed'] else 'NOT passed'}, "
            f"{'joint call' if h['joint_call'] else 'no joint call'}"
        )
        for label, key in (("Promised", "promised"), ("Customised", "customised"), ("Open issues", "open_issues")):
            if h[key]:
                out.append(f"- {label}: {md(h[key])}")
    return "\n".join(out).rstrip() + "\n"


def _flatten(prefix: str, value: Any, out: list[tuple[str, Any]]) -> None:
    if isinstance(value, Mapping):
        for k, v in value.items():
            _flatten(f"{prefix}.{k}" if prefix else k, v, out)
    elif isinstance(value, (list, tuple)) and value and isinstance(value[0], Mapping):
        for i, v in enumerate(value):
            _flatten(f"{prefix}.{i}", v, out)
    else:
        out.append((prefix, value))


def emit_brief(b, *, fmt: Any, full: bool = False) -> None:
    name = render.fmt_name(fmt)
    if name == "table" and not full:
        _emit_compact_brief(b)
        return
    if name == "json":
        emit_json(render.envelope(b.as_of, **b.as_dict()))
    elif name == "csv":
        pairs: list[tuple[str, Any]] = []
        _flatten("", b.as_dict(), pairs)
        rows = [{"field": k, "value": v} for k, v in pairs]
        sys.stdout.write(render.to_csv(rows, [Col("field", "field"), Col("value", "value")]))
    elif name == "markdown":
        sys.stdout.write(brief_markdown(b))
    elif render.use_color():
        from rich.panel import Panel
        from rich.text import Text

        body = Text()
        for i, line in enumerate(brief_lines(b, fancy=True)):
            if i:
                body.append("\n")
            for text, style in line:
                body.append(render.safe(text), style=style or None)  # data, never markup
        render.console().print(Panel(body, border_style=BAND_STYLE.get(b.band, ""), expand=False))
    else:
        sys.stdout.write(brief_text(b))


def _emit_compact_brief(b) -> None:
    """The one-screen brief (render/brief.py): styled on a terminal at its width, else 80 columns of plain text."""
    from handoff_cli.render import brief as render_brief

    if render.use_color():
        from rich.text import Text

        con = render.console()
        body = Text()
        for i, line in enumerate(render_brief.compact_lines(b, width=min(con.width, 120))):
            if i:
                body.append("\n")
            for text, style in line:
                body.append(render.safe(text), style=style or None)  # data, never markup
        con.print(body, soft_wrap=True)
        return
    lines = render_brief.compact_lines(b, width=render_brief.WIDTH)
    sys.stdout.write("\n".join("".join(render.safe(t) for t, _ in line).rstrip() for line in lines) + "\n")


# -- timeline ----------------------------------------------------------------

TIMELINE_COLUMNS = [Col("on", "Date"), Col("fact", "Fact"), Col("detail", "Detail", free=True)]


def emit_timeline(tl, *, fmt: Any, limit: Optional[int]) -> None:
    """Every dated fact; the table shows the latest `limit` of them (JSON, CSV, markdown give all)."""
    rows = [e.as_dict() for e in tl.entries]
    name = render.fmt_name(fmt)
    earlier = 0
    if name == "table" and limit is not None and len(rows) > limit:
        earlier, rows = len(rows) - limit, rows[-limit:]
    _emit(
        rows,
        key="timeline",
        columns=TIMELINE_COLUMNS,
        fmt=fmt,
        as_of=tl.as_of,
        limit=None,
        extra={"account": tl.account},
        title=f"{tl.account}: timeline to {tl.as_of.isoformat()}",
        empty=f"no facts for {tl.account} on or before {tl.as_of.isoformat()}",
    )
    if earlier:
        render.note(
            f"... {earlier} earlier facts not shown (raise --limit, or use --format json|csv|markdown for every row)"
        )
