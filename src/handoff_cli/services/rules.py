"""The rules of PRODUCT.md section 3: one pure function per rule id.

Each rule takes the account's ``Facts`` and a ``RuleContext`` (the as-of date,
the rule's row of the config file, portfolio-level values such as the lag by
motion) and returns a list of ``Finding``. ``RULES`` registers them by id, in
the order of the table in PRODUCT.md; that order breaks ties when sorting.
A new rule is one function here and one row under ``[rules.<id>]`` in the config.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Optional

from handoff_cli.services.facts import Facts


@dataclass(frozen=True)
class Finding:
    account: str
    rule: str
    severity: str
    since: date
    days: int
    detail: str
    weight: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "rule": self.rule,
            "severity": self.severity,
            "since": self.since,
            "days": self.days,
            "detail": self.detail,
            "weight": self.weight,
        }


@dataclass(frozen=True)
class RuleContext:
    as_of: date
    row: Mapping[str, Any] = field(default_factory=dict)
    # activation-to-first-value lag in days, by motion
    lag: Mapping[str, int] = field(default_factory=lambda: {"high-touch": 14, "self-serve": 3})


RuleFn = Callable[[Facts, RuleContext], list[Finding]]


_new = object.__new__
_set = object.__setattr__


def _finding(
    f: Facts,
    ctx: RuleContext,
    rule: str,
    since: date,
    detail: str,
    *,
    days: Optional[int] = None,
    weight: Optional[int] = None,
) -> Finding:
    # Findings are made by the tens of thousands: the instance dict is set in one step,
    # which skips the frozen dataclass's per-field __setattr__ (same values).
    row = ctx.row
    x = _new(Finding)
    _set(
        x,
        "__dict__",
        {
            "account": f.name,
            "rule": rule,
            "severity": str(row.get("severity", "warning")),
            "since": since,
            "days": (ctx.as_of - since).days if days is None else days,
            "detail": detail,
            "weight": int(row.get("weight", 0)) if weight is None else weight,
        },
    )
    return x


def _d(value: date) -> str:
    return value.isoformat()


def _plural(n: int, word: str = "day") -> str:
    return f"{n} {word}" + ("" if abs(n) == 1 else "s")


# -- the rules ---------------------------------------------------------------


def ttv_breach(f: Facts, ctx: RuleContext) -> list[Finding]:
    """No first value and the as-of date is after T."""
    t = f.target_on
    if f.first_value_on is not None or not ctx.as_of > t:
        return []
    n = (ctx.as_of - t).days
    return [
        _finding(
            f,
            ctx,
            "ttv-breach",
            t,
            f"no first value {_plural(n)} past the {f.ttv_target_days}-day TTV target ({_d(t)})",
        )
    ]


def projected_first_value(f: Facts, as_of: date, lag: int) -> date:
    """P = max(A + lag, as-of) when activation A is recorded; otherwise
    max(latest current due date of open milestones, as-of) + lag."""
    if f.activation_on is not None:
        return max(f.activation_on + timedelta(days=lag), as_of)
    open_due = [m.due_on for m in f.milestones if m.is_open]
    return max([*open_due, as_of]) + timedelta(days=lag)


def ttv_at_risk(f: Facts, ctx: RuleContext) -> list[Finding]:
    """No first value, not breached, and the projection P lands after T; days = P - T."""
    t = f.target_on
    if f.first_value_on is not None or ctx.as_of > t:
        return []
    lag = int(ctx.lag.get(f.motion, 14))
    p = projected_first_value(f, ctx.as_of, lag)
    if not p > t:
        return []
    late = (p - t).days
    basis = (
        f"activation {_d(f.activation_on)} + {_plural(lag)} typical lag"
        if f.activation_on is not None
        else f"open milestones + {_plural(lag)} typical lag"
    )
    return [
        _finding(
            f,
            ctx,
            "ttv-at-risk",
            t,
            f"first value projected {_d(p)} ({basis}), {_plural(late)} after the TTV target {_d(t)}",
            days=late,
        )
    ]


def _owner_assignments(f: Facts) -> list:
    return [a for a in f.assignments if a.role in ("implementation", "csm")]


def ownerless(f: Facts, ctx: RuleContext) -> list[Finding]:
    """High-touch, and nobody holds the implementation or the csm role."""
    if f.holder("implementation") or f.holder("csm"):
        return []
    ended = [a for a in _owner_assignments(f) if a.ended_by(ctx.as_of)]
    if not ended:
        return [
            _finding(
                f,
                ctx,
                "ownerless",
                f.signed_on,
                f"nobody has owned the account since it was signed on {_d(f.signed_on)}: "
                "assign an implementation owner or a CSM",
            )
        ]
    last_end = max(a.end_on for a in ended)
    last = [a for a in ended if a.end_on == last_end]
    csm_last = [a for a in last if a.role == "csm"]
    if csm_last:
        a = max(csm_last, key=lambda x: (x.start_on, x.id))
        detail = f"CSM {a.person} was released on {_d(last_end)} and nobody owns the account: assign a CSM"
    else:
        a = max(last, key=lambda x: (x.start_on, x.id))
        detail = (
            f"gap at the seam: implementation owner {a.person} was released on {_d(last_end)} "
            "with no CSM after: hand over to a CSM"
        )
    return [_finding(f, ctx, "ownerless", last_end, detail)]


def stalled(f: Facts, ctx: RuleContext) -> list[Finding]:
    """Activation more than `days` (14) before the as-of date and no first value."""
    a = f.activation_on
    limit = int(ctx.row.get("days", 14))
    if a is None or f.first_value_on is not None or not (ctx.as_of - a).days > limit:
        return []
    what = "workflow-live" if f.self_serve else "go-live"
    return [
        _finding(
            f,
            ctx,
            "stalled",
            a,
            f"live since {_d(a)} ({what}) but no first value after {_plural((ctx.as_of - a).days)}",
        )
    ]


def premature_close(f: Facts, ctx: RuleContext) -> list[Finding]:
    """`graduated` recorded and still no first value."""
    g = f.graduated_on
    if g is None or f.first_value_on is not None:
        return []
    return [
        _finding(f, ctx, "premature-close", g, f"graduated on {_d(g)} but the customer has not reached first value")
    ]


def no_success_plan(f: Facts, ctx: RuleContext) -> list[Finding]:
    """High-touch, signed more than `days` (7) ago, and no success plan with an outcome."""
    limit = int(ctx.row.get("days", 7))
    if f.plan is not None and f.plan.outcome.strip():
        return []
    n = (ctx.as_of - f.signed_on).days
    if not n > limit:
        return []
    return [
        _finding(
            f,
            ctx,
            "no-success-plan",
            f.signed_on,
            f"signed {_plural(n)} ago and no success plan: agree one with `handoff plan set`",
        )
    ]


def no_exec_sponsor(f: Facts, ctx: RuleContext) -> list[Finding]:
    """High-touch and nobody holds the sponsor role."""
    if f.holder("sponsor"):
        return []
    ended = [a for a in f.assignments if a.role == "sponsor" and a.ended_by(ctx.as_of)]
    if ended:
        last = max(ended, key=lambda a: (a.end_on, a.start_on, a.id))
        return [
            _finding(
                f,
                ctx,
                "no-exec-sponsor",
                last.end_on,
                f"no executive sponsor since {last.person} left the role on {_d(last.end_on)}",
            )
        ]
    return [_finding(f, ctx, "no-exec-sponsor", f.signed_on, "no executive sponsor named: assign one")]


def sponsor_change(f: Facts, ctx: RuleContext) -> list[Finding]:
    """A sponsor assignment ended (released or replaced) 0-`days` (30) days before the as-of date."""
    limit = int(ctx.row.get("days", 30))
    ended = [
        a
        for a in f.assignments
        if a.role == "sponsor" and a.ended_by(ctx.as_of) and 0 <= (ctx.as_of - a.end_on).days <= limit
    ]
    if not ended:
        return []
    last = max(ended, key=lambda a: (a.end_on, a.start_on, a.id))
    successors = [a for a in f.assignments if a.role == "sponsor" and a.start_on == last.end_on and a.id != last.id]
    if successors:
        new = max(successors, key=lambda a: a.id).person
        detail = f"sponsor {last.person} was replaced by {new} on {_d(last.end_on)}: re-confirm the success plan"
    else:
        detail = f"sponsor {last.person} was released on {_d(last.end_on)}: find the new decision-maker"
    return [_finding(f, ctx, "sponsor-change", last.end_on, detail)]


def milestone_overdue(f: Facts, ctx: RuleContext) -> list[Finding]:
    """One finding per open milestone whose current due date has passed: `weight` (5) each,
    at most `max_weight` (15) for the account."""
    weight = int(ctx.row.get("weight", 5))
    cap = int(ctx.row.get("max_weight", 15))
    late = sorted(
        (m for m in f.milestones if m.is_open and m.due_on < ctx.as_of),
        key=lambda m: (m.due_on, m.title.casefold(), m.id),
    )
    out, spent = [], 0
    for m in late:
        w = max(0, min(weight, cap - spent))
        spent += w
        who = "the customer" if m.side == "customer" else "we (vendor)"
        n = (ctx.as_of - m.due_on).days
        out.append(
            _finding(
                f,
                ctx,
                "milestone-overdue",
                m.due_on,
                f"{m.title!r} was due {_d(m.due_on)}, {_plural(n)} overdue: {who} must act",
                weight=w,
            )
        )
    return out


def _gate_passed_by(f: Facts, on: date) -> bool:
    gate = f.gate_on
    return gate is not None and gate <= on


def config_gate_handover(f: Facts, ctx: RuleContext) -> list[Finding]:
    """The latest handover happened before the value gate passed (judged on the facts dated on or before it)."""
    h = f.handover
    if h is None or _gate_passed_by(f, h.handed_on):
        return []
    missing = [
        k for k, v in (("go-live", f.go_live_on), ("workflow-live", f.workflow_live_on)) if v is None or v > h.handed_on
    ]
    return [
        _finding(
            f,
            ctx,
            "config-gate-handover",
            h.handed_on,
            f"handed over to {h.to_person} on {_d(h.handed_on)} before the value gate "
            f"(missing then: {', '.join(missing)})",
        )
    ]


def cold_handover(f: Facts, ctx: RuleContext) -> list[Finding]:
    """The latest handover had no joint call."""
    h = f.handover
    if h is None or h.joint_call:
        return []
    return [
        _finding(
            f,
            ctx,
            "cold-handover",
            h.handed_on,
            f"handed over to {h.to_person} on {_d(h.handed_on)} without a joint call",
        )
    ]


def scope_creep(f: Facts, ctx: RuleContext) -> list[Finding]:
    """Before go-live, the projected go-live is after the go-live milestone's baseline due date,
    and scope is a cause: a `scope` slip, or a milestone added after the first milestone was done."""
    if f.go_live_on is not None:
        return []
    go = sorted((m for m in f.milestones if m.kind == "go-live"), key=lambda m: m.id)
    if not go:
        return []
    baseline = go[0].baseline_due_on
    projected = max([m.due_on for m in go] + [m.due_on for m in f.milestones if m.is_open])
    if not projected > baseline:
        return []
    causes: list[tuple[date, str]] = [
        (s.recorded_on, f"{s.title!r} slipped for scope on {_d(s.recorded_on)}") for s in f.slips if s.cause == "scope"
    ]
    done = [m.done_on for m in f.milestones if m.done_on is not None]
    if done:
        first_done = min(done)
        causes += [
            (m.added_on, f"{m.title!r} was added on {_d(m.added_on)}") for m in f.milestones if m.added_on > first_done
        ]
    if not causes:
        return []
    causes.sort(key=lambda c: c[0])
    since, first = causes[0]
    n = (projected - baseline).days
    more = f" (+{len(causes) - 1} more)" if len(causes) > 1 else ""
    return [
        _finding(
            f,
            ctx,
            "scope-creep",
            since,
            f"go-live projected {_d(projected)}, {_plural(n)} after its baseline {_d(baseline)}; {first}{more}",
        )
    ]


def champion_only(f: Facts, ctx: RuleContext) -> list[Finding]:
    """First value more than `days` (30) ago and the latest usage reading is at most `max_users` (1)."""
    fv = f.first_value_on
    limit = int(ctx.row.get("days", 30))
    most = float(ctx.row.get("max_users", 1))
    if fv is None or not (ctx.as_of - fv).days > limit or f.latest_usage is None or f.latest_usage > most:
        return []
    users = f.latest_usage
    shown = int(users) if float(users).is_integer() else users
    return [
        _finding(
            f,
            ctx,
            "champion-only",
            fv,
            f"first value on {_d(fv)} but only {shown} active user(s) on {_d(f.latest_usage_on)}: "
            "usage has not spread past the champion",
        )
    ]


# Facts a rule cannot fire without (bits of Rule.needs). A shortcut for portfolios of
# a hundred thousand accounts: the evaluator skips a rule whose needs an account
# lacks; the rule itself still checks everything.
NEEDS_NO_FIRST_VALUE = 1
NEEDS_FIRST_VALUE = 2
NEEDS_MILESTONES = 4
NEEDS_ASSIGNMENTS = 8
NEEDS_HANDOVER = 16
NEEDS_USAGE = 32
NEEDS_GRADUATED = 64


@dataclass(frozen=True)
class Rule:
    id: str
    fn: RuleFn
    # self-serve accounts have no implementation workstream, seam or success plan call
    high_touch_only: bool = False
    needs: int = 0  # NEEDS_* bits: the rule never fires without these facts


# In the order of the PRODUCT.md table: the order findings sort in.
RULES: tuple[Rule, ...] = (
    Rule("ttv-breach", ttv_breach, needs=NEEDS_NO_FIRST_VALUE),
    Rule("ttv-at-risk", ttv_at_risk, needs=NEEDS_NO_FIRST_VALUE),
    Rule("ownerless", ownerless, high_touch_only=True),
    Rule("stalled", stalled, needs=NEEDS_NO_FIRST_VALUE),
    Rule("premature-close", premature_close, needs=NEEDS_GRADUATED | NEEDS_NO_FIRST_VALUE),
    Rule("no-success-plan", no_success_plan, high_touch_only=True),
    Rule("no-exec-sponsor", no_exec_sponsor, high_touch_only=True),
    Rule("sponsor-change", sponsor_change, needs=NEEDS_ASSIGNMENTS),
    Rule("milestone-overdue", milestone_overdue, needs=NEEDS_MILESTONES),
    Rule("config-gate-handover", config_gate_handover, high_touch_only=True, needs=NEEDS_HANDOVER),
    Rule("cold-handover", cold_handover, high_touch_only=True, needs=NEEDS_HANDOVER),
    Rule("scope-creep", scope_creep, needs=NEEDS_MILESTONES),
    Rule("champion-only", champion_only, needs=NEEDS_FIRST_VALUE | NEEDS_USAGE),
)
RULE_IDS: tuple[str, ...] = tuple(r.id for r in RULES)
RULE_ORDER: dict[str, int] = {rid: i for i, rid in enumerate(RULE_IDS)}
# rules that still apply to a graduated account
AFTER_GRADUATION = ("premature-close",)


def evaluator(*, as_of: date, config: Mapping[str, Any], lag: Mapping[str, int]) -> Callable[[Facts], list[Finding]]:
    """``evaluate`` for many accounts: the enabled rules and their contexts are worked out
    once, and each account runs only the rules that apply to it: those of its motion
    (graduated accounts: only the rules that still apply after graduation) whose
    needed facts it has."""
    rows = config.get("rules", {})
    enabled = []
    for rule in RULES:
        row = rows.get(rule.id, {})
        if row.get("enabled", True) is False:
            continue
        enabled.append((rule, (rule.needs, rule.fn, RuleContext(as_of=as_of, row=row, lag=lag))))
    high_touch = tuple(x for _, x in enabled)
    self_serve = tuple(x for rule, x in enabled if not rule.high_touch_only)
    graduated = {
        motion: tuple(
            x
            for rule, x in enabled
            if rule.id in AFTER_GRADUATION and not (rule.high_touch_only and motion == "self-serve")
        )
        for motion in ("high-touch", "self-serve")
    }

    def run(f: Facts) -> list[Finding]:
        if f.archived_on is not None or f.churned_on is not None or f.signed_on > as_of:
            return []
        ss = f.motion == "self-serve"
        if f.graduated_on is not None:
            rules = graduated["self-serve" if ss else "high-touch"]
            has = NEEDS_GRADUATED
        else:
            rules = self_serve if ss else high_touch
            has = 0
        has |= NEEDS_NO_FIRST_VALUE if f.first_value_on is None else NEEDS_FIRST_VALUE
        if f.milestones:
            has |= NEEDS_MILESTONES
        if f.assignments:
            has |= NEEDS_ASSIGNMENTS
        if f.handover is not None:
            has |= NEEDS_HANDOVER
        if f.latest_usage is not None:
            has |= NEEDS_USAGE
        missing = ~has
        out: list[Finding] = []
        for needs, fn, ctx in rules:
            if needs & missing:
                continue
            found = fn(f, ctx)
            if found:
                out += found
        return out

    return run


def evaluate(f: Facts, *, as_of: date, config: Mapping[str, Any], lag: Mapping[str, int]) -> list[Finding]:
    """Every finding of one account at the as-of date, in rule order."""
    return evaluator(as_of=as_of, config=config, lag=lag)(f)


def sort_key(finding: Finding) -> tuple:
    """Breaches first, then by account (ignoring case), then in the order of the rules table."""
    return (
        0 if finding.severity == "breach" else 1,
        finding.account.casefold(),
        finding.account,
        RULE_ORDER.get(finding.rule, len(RULE_ORDER)),
        finding.rule,
    )


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=sort_key)  # stable: milestone-overdue keeps its due-date order
