"""The pre-call brief that fits one screen (PRODUCT.md section 6): at most 24 lines of
at most 80 columns (or the terminal's width), built for a CSM one minute before a call.

What it shows, in order: who the account is (motion, segment, external id, ARR);
stage, health and the accountable owner; the owners, the success plan and the last
sponsor contact; the two clocks; a usage sparkline; the next open milestones and who
must act; the deductions (zero-weight ones folded into one line), each marked with its change
under `--diff` and with its acknowledgement on the line below, then, under `--diff`, the
findings resolved since (one line); the latest events
other than usage readings; the handover. A self-serve brief is about activation: no
plan, handover or implementation sections, and no owner shown as missing.
`handoff status ACCOUNT --full` prints the long brief (render.reports.brief_lines).

Lines are (text, style) segments, like render.reports.brief_lines; every line is cut
to the width with an ellipsis, so nothing wraps."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Optional

Segment = tuple[str, str]
Line = list[Segment]

WIDTH = 80
NEXT_MILESTONES = 3
DEDUCTION_LINES = 4
RECENT_EVENTS = 3
LABEL = 10  # the label column: "Go-live   "
SPARK = "▁▂▃▄▅▆▇█"

BAND_STYLE = {"green": "green", "yellow": "yellow", "red": "red"}
SEVERITY_STYLE = {"breach": "bold red", "warning": "yellow"}


def ago(then: date, today: date) -> str:
    """'today', 'yesterday', '47 days ago' (or 'in 3 days')."""
    days = (today - then).days
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{days} days ago" if days > 0 else f"in {-days} days"


def sparkline(values: list[float]) -> str:
    """One block character per reading, scaled from 0 to the highest reading."""
    if not values:
        return ""
    top = max(values) or 1
    return "".join(SPARK[min(len(SPARK) - 1, int(v / top * (len(SPARK) - 1) + 0.5))] for v in values)


def money(value: Optional[float]) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def fit(line: Line, width: int) -> Line:
    """The line cut to width characters, the last kept segment ending in an ellipsis."""
    out: Line = []
    used = 0
    for text, style in line:
        if used + len(text) <= width:
            out.append((text, style))
            used += len(text)
            continue
        room = width - used
        if room > 1:
            out.append((text[: room - 1].rstrip() + "…", style))
        elif room == 1:
            out.append(("…", style))
        break
    return out


def _label(text: str) -> Segment:
    return (f"{text:<{LABEL}}", "bold")


def compact_lines(b: Any, *, width: int = WIDTH) -> list[Line]:
    """The one-screen brief as styled lines, each at most `width` characters."""
    self_serve = b.motion == "self-serve"
    L: list[Line] = []
    L.append(_head(b, width))
    L.append(_status(b, self_serve))
    if not self_serve or any(b.owners.values()):
        L.append(_owners(b, self_serve))
    if not self_serve:
        L.append(_plan(b))
        L.append(_sponsor(b))
        L.append(_go_live(b))
    L.append(_activation(b) if self_serve else _ttv(b))
    usage = _usage(b)
    if usage:
        L.append(usage)
    nxt = _next_milestones(b)
    if nxt:
        L.append([])
        L.extend(nxt)
    L.append([])
    L.extend(_deductions(b))
    recent = _recent(b)
    if recent:
        L.append([])
        L.extend(recent)
    if not self_serve and b.handover:
        L.append(_handover(b))
    return [fit(line, width) for line in L]


def _head(b: Any, width: int) -> Line:
    """Name, then as many of motion, ARR, external id and segment as fit whole, then the date."""
    right = f"as of {b.as_of.isoformat()}"
    name = b.account
    room = width - len(right) - 2
    if len(name) > room:
        return fit([(name, "bold")], room) + [("  ", ""), (right, "dim")]
    wanted = [b.motion, f"ARR {money(b.arr)}" if b.arr is not None else None, b.external_id, b.segment]
    parts: list[str] = []
    for part in wanted:
        if part and len(name) + len("  " + " · ".join([*parts, part])) <= room:
            parts.append(part)
    info = ("  " + " · ".join(parts)) if parts else ""
    pad = max(2, width - len(name) - len(info) - len(right))
    return [(name, "bold"), (info, "dim"), (" " * pad, ""), (right, "dim")]


def _status(b: Any, self_serve: bool) -> Line:
    band_style = BAND_STYLE.get(b.band or "", "")
    score = "-" if b.score is None else f"{b.score}"
    health = f"{score} {b.band}" if b.band else score
    line: Line = [("Stage ", "dim"), (b.stage, "bold"), ("   Health ", "dim"), (health, f"bold {band_style}")]
    if b.owner:
        line += [("   Owner ", "dim"), (b.owner, "bold")]
    elif not self_serve:
        line += [("   Owner ", "dim"), ("nobody (ownerless)", "bold red")]
    flags = []
    for label, value in (("archived", b.archived_on), ("churned", b.churned_on), ("graduated", b.graduated_on)):
        if value:
            flags.append(f"{label} {value.isoformat()}")
    if flags:
        line.append(("   " + ", ".join(flags), "magenta"))
    return line


_SHORT_ROLE = {"implementation": "impl", "csm": "csm", "sponsor": "sponsor", "champion": "champion"}


def _owners(b: Any, self_serve: bool) -> Line:
    line: Line = [_label("Owners")]
    first = True
    for role, person in b.owners.items():
        if self_serve and not person:
            continue
        if not first:
            line.append(("  ", ""))
        first = False
        line.append((f"{_SHORT_ROLE.get(role, role)} ", "dim"))
        line.append((person or "-", "" if person else "red"))
    return line


def _plan(b: Any) -> Line:
    if not b.plan:
        return [_label("Plan"), ("no success plan yet", "red")]
    p = b.plan
    n = len(p["criteria"])
    return [
        _label("Plan"),
        (f"v{p['version']} ", "dim"),
        (p["outcome"], ""),
        (f"  ({n} criteri{'on' if n == 1 else 'a'})", "dim"),
    ]


def _sponsor(b: Any) -> Line:
    sponsor = b.owners.get("sponsor")
    line: Line = [_label("Sponsor"), (sponsor or "nobody", "" if sponsor else "red")]
    if b.last_sponsor_contact_on is not None:
        line.append((f"   last contact {ago(b.last_sponsor_contact_on, b.as_of)}", ""))
        line.append((f" ({b.last_sponsor_contact_on.isoformat()})", "dim"))
    else:
        line.append(("   no sponsor contact logged", "yellow"))
    return line


def _go_live(b: Any) -> Line:
    live, planned, due = b.go_live_on, b.go_live_planned_on, b.go_live_due_on
    if live:
        text = f"live {live.isoformat()}"
        if planned:
            text += f" (planned {planned.isoformat()}, {(live - planned).days:+d} days)"
        return [_label("Go-live"), (text, "green")]
    if due:
        late = (b.as_of - due).days
        text = f"due {due.isoformat()}" + (f" (planned {planned.isoformat()})" if planned and planned != due else "")
        style = "red" if late > 0 else "cyan"
        return [_label("Go-live"), (text, style), (f", {late} days late" if late > 0 else "", style)]
    return [_label("Go-live"), ("no go-live milestone yet", "dim")]


def _ttv(b: Any) -> Line:
    t = b.target_on
    if b.first_value_on:
        fv = b.first_value_on
        style = "green" if fv <= t else "yellow"
        return [
            _label("TTV"),
            (f"first value {fv.isoformat()}, day {(fv - b.signed_on).days} of {b.ttv_target_days}", style),
        ]
    text = f"day {b.ttv_day} of {b.ttv_target_days} (target {t.isoformat()})"
    style = "red" if b.as_of > t else "green"
    proj = b.projected_first_value_on
    if proj:
        late = (proj - t).days
        text += f"; projected {proj.isoformat()}" + (f", {late} days late" if late > 0 else ", on target")
        if late > 0 and style != "red":
            style = "yellow"
    return [_label("TTV"), (text, style)]


def _activation(b: Any) -> Line:
    done = b.workflow_live_on
    if done:
        text = f"activated in product {done.isoformat()}, day {(done - b.signed_on).days}"
        line: Line = [_label("Activated"), (text, "green")]
    else:
        line = [_label("Activated"), (f"not yet: day {b.ttv_day} of {b.ttv_target_days}", "yellow")]
    if b.first_value_on:
        line.append(
            (f"; first value {b.first_value_on.isoformat()}", "green" if b.first_value_on <= b.target_on else "")
        )
    elif b.as_of > b.target_on:
        line.append((f"; TTV target {b.target_on.isoformat()} passed", "red"))
    return line


def _usage(b: Any) -> Optional[Line]:
    if not b.usage:
        return None
    values = [float(u["value"] or 0) for u in b.usage]
    last = b.usage[-1]
    n = len(b.usage)
    return [
        _label("Usage"),
        (sparkline(values), "cyan"),
        (f"  {money(last['value'])} active users {ago(last['on'], b.as_of)}", ""),
        (f" (last {n} reading{'s' if n != 1 else ''})", "dim"),
    ]


def _next_milestones(b: Any) -> list[Line]:
    """The next open milestones: due date, how late, who must act, then the title (cut to fit)."""
    opened = list(b.open_milestones)
    if not opened:
        return []
    lines: list[Line] = []
    shown = opened[:NEXT_MILESTONES]
    late_w = max(len(_late(m["overdue_days"])) for m in shown)
    for i, m in enumerate(shown):
        late = m["overdue_days"]
        lines.append(
            [
                _label("Next") if i == 0 else (" " * LABEL, ""),
                (f"{m['due_on'].isoformat()}  ", "red" if late else "dim"),
                (f"{_late(late):<{late_w}}  " if late_w else "", "red"),
                (f"{m['side']:<8}  ", "bold" if m["side"] == "customer" else ""),
                (m["title"], ""),
            ]
        )
    if len(opened) > len(shown) and len(lines) > 1:
        lines[-1][0] = (f"{f'+{len(opened) - len(shown)} more':<{LABEL}}", "dim")
    return lines


def _late(days: int) -> str:
    return f"{days}d late" if days else ""


def ack_text(ack: Mapping[str, Any]) -> str:
    """An acknowledgement as the briefs show it: (acknowledged by Dana until 2026-06-10: note)."""
    until = "the finding changes" if ack.get("until") == "change" else ack.get("until")
    note = f": {ack['note']}" if ack.get("note") else ""
    return f"(acknowledged by {ack.get('by')} until {until}{note})"


def compared_text(compared_with: str) -> str:
    """What `--diff` compared with, in words: a date, the last notify run, or nothing yet."""
    return {"last-run": "the last notify run", "nothing": "nothing (no notify run yet)"}.get(
        compared_with, compared_with
    )


def _deductions(b: Any) -> list[Line]:
    """The score's head line, then one block per weighted finding: its row (the change mark,
    under --diff, before the detail so the cut never hides it) and, when acknowledged, the
    acknowledgement on the line below. At most DEDUCTION_LINES lines of blocks, whole blocks
    only; under --diff one more line names the findings resolved since."""
    band_style = BAND_STYLE.get(b.band or "", "")
    if b.score is None:
        return [[_label("Health"), ("no score: the account is not active", "dim")], *_resolved(b)]
    total = sum(f.weight for f in b.findings)
    head: Line = [_label("Health"), (f"{b.score} {b.band}", f"bold {band_style}")]
    if not b.findings:
        head.append(("  no deductions", "dim"))
        return [head, *_resolved(b)]
    head.append((f" = 100 - {total}" + (" (floored at 0)" if total > 100 else ""), "dim"))
    weighted = [f for f in b.findings if f.weight]
    zero = [f for f in b.findings if not f.weight]
    rule_w = max(len(f.rule) for f in b.findings)
    blocks: list[list[Line]] = []
    for f in weighted:
        row: Line = [
            (f"  -{f.weight:<3} ", SEVERITY_STYLE.get(f.severity, "")),
            (f"{f.rule:<{rule_w}}  ", SEVERITY_STYLE.get(f.severity, "")),
        ]
        if f.change:
            row.append((f"[{f.change}] ", "bold"))
        row.append((f.detail, ""))
        block = [row]
        if f.acknowledged:
            block.append([(" " * 7, ""), (ack_text(f.acknowledged), "dim")])
        blocks.append(block)
    if zero:
        rules: dict[str, int] = {}
        for f in zero:
            rules[f.rule] = rules.get(f.rule, 0) + 1
        text = ", ".join(f"{n} more {rule}" for rule, n in rules.items())
        marks = [f"{n} {change}" for change in ("new", "open") if (n := sum(f.change == change for f in zero))]
        acked = sum(1 for f in zero if f.acknowledged)
        if acked:
            marks.append(f"{acked} acknowledged")
        why = "no points: the rule's cap is reached" + (f"; {', '.join(marks)}" if marks else "")
        blocks.append([[("  -0   ", "dim"), (f"{text} ({why})", "dim")]])
    lines: list[Line] = [head]
    if sum(len(block) for block in blocks) <= DEDUCTION_LINES:
        for block in blocks:
            lines.extend(block)
    else:
        used = 0
        shown = 0
        for block in blocks:
            if used + len(block) > DEDUCTION_LINES - 1:
                break
            lines.extend(block)
            used += len(block)
            shown += 1
        lines.append([("  ", ""), (f"... {len(blocks) - shown} more (see --full)", "dim")])
    return lines + _resolved(b)


def _resolved(b: Any) -> list[Line]:
    """Under --diff: how many findings were resolved since, and their rules (the long brief has their details)."""
    if getattr(b, "compared_with", None) is None:
        return []
    resolved = list(b.resolved)
    line: Line = [
        ("  resolved since ", "dim"),
        (f"{compared_text(b.compared_with)}: ", "dim"),
        (str(len(resolved)), ""),
    ]
    if resolved:
        line.append(("  " + ", ".join(f.rule for f in resolved), "green"))
    return [line]


def _recent(b: Any) -> list[Line]:
    lines: list[Line] = []
    for i, e in enumerate(b.recent_events[:RECENT_EVENTS]):
        value = f" {e['value']}" if e["value"] is not None else ""
        line: Line = [
            _label("Recent") if i == 0 else (" " * LABEL, ""),
            (f"{e['on'].isoformat()}  ", "dim"),
            (f"{e['kind']}{value}", ""),
        ]
        if e["note"]:
            line.append((f"  {e['note']}", "dim"))
        lines.append(line)
    return lines


def _handover(b: Any) -> Line:
    h = b.handover
    gate = "at the value gate" if h["gate_passed"] else "before the value gate"
    call = "joint call" if h["joint_call"] else "no joint call"
    line: Line = [
        _label("Handover"),
        (f"{h['handed_on'].isoformat()}  {h['from'] or '?'} -> {h['to']}", ""),
        (f", {gate}", "" if h["gate_passed"] else "yellow"),
        (f", {call}", "" if h["joint_call"] else "yellow"),
    ]
    if h.get("promised"):
        line.append((f"; promised: {h['promised']}", "dim"))
    return line
