"""The rules of PRODUCT.md section 3: one pure function per rule id, ``facts -> findings``.

Each rule takes the account's ``Facts`` and a ``RuleContext`` (the as-of date, the
rule's row of the config, the lag by motion) and returns its findings. ``RULES``
registers them by id, in the order of the table in PRODUCT.md; that order breaks
ties when sorting. A new rule is one function here, one entry in ``RULES`` and one
row under ``[rules.<id>]`` in the config defaults: every command that evaluates
rules (report breaches, report health, status) runs ``evaluator``, on the same facts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Optional

from handoff_cli.domain.facts import AssignmentFact, Facts, add_days, gate_missing, projected_first_value
from handoff_cli.text import quoted
from handoff_cli.vocab import BREACH, OWNER_ROLES, SELF_SERVE


@dataclass(frozen=True, slots=True)
class Finding:
    account: str
    rule: str
    severity: str
    since: date
    days: int
    detail: str
    weight: int
    # the milestone's title, for milestone-overdue: part of the finding's identity
    milestone: Optional[str] = None
    # set by the reports that know them (commands/changes.py): an ack in force, the change since a baseline
    acknowledged: Optional[Mapping[str, Any]] = None
    change: Optional[str] = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "rule": self.rule,
            "severity": self.severity,
            "since": self.since,
            "days": self.days,
            "detail": self.detail,
            "weight": self.weight,
            **self.marks(),
        }

    def marks(self) -> dict[str, Any]:
        """The keys only some reports carry: `acknowledged` while an ack is in force; with --diff,
        `change` and the finding's `milestone` (null but for milestone-overdue)."""
        out: dict[str, Any] = {}
        if self.acknowledged is not None:
            out["acknowledged"] = dict(self.acknowledged)
        if self.change is not None:
            out["change"] = self.change
            out["milestone"] = self.milestone
        return out


@dataclass(frozen=True)
class RuleContext:
    """What a rule sees beside the account's facts: the as-of date, its config row and
    the portfolio's activation-to-first-value lag by motion."""

    as_of: date
    row: Mapping[str, Any] = field(default_factory=dict)
    lag: Mapping[str, int] = field(default_factory=lambda: {"high-touch": 14, "self-serve": 3})

    @property
    def severity(self) -> str:
        return str(self.row.get("severity", "warning"))

    @property
    def weight(self) -> int:
        return int(self.row.get("weight", 0))


RuleFn = Callable[[Facts, RuleContext], list[Finding]]


def _finding(
    f: Facts,
    ctx: RuleContext,
    rule: str,
    since: date,
    detail: str,
    *,
    days: Optional[int] = None,
    weight: Optional[int] = None,
    milestone: Optional[str] = None,
) -> Finding:
    return Finding(
        account=f.name,
        rule=rule,
        severity=ctx.severity,
        since=since,
        days=(ctx.as_of - since).days if days is None else days,
        detail=detail,
        weight=ctx.weight if weight is None else weight,
        milestone=milestone,
    )


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
    return [a for a in f.assignments if a.role in OWNER_ROLES]


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


def _ended_sponsors(f: Facts, as_of: date) -> list[tuple[date, AssignmentFact]]:
    """(end date, assignment) of each sponsor assignment that ended on or before ``as_of``."""
    return [(a.end_on, a) for a in f.assignments if a.role == "sponsor" and a.end_on is not None and a.end_on <= as_of]


def no_exec_sponsor(f: Facts, ctx: RuleContext) -> list[Finding]:
    """High-touch and nobody holds the sponsor role."""
    if f.holder("sponsor"):
        return []
    ended = _ended_sponsors(f, ctx.as_of)
    if ended:
        end, last = max(ended, key=lambda e: (e[0], e[1].start_on, e[1].id))
        return [
            _finding(
                f,
                ctx,
                "no-exec-sponsor",
                end,
                f"no executive sponsor since {last.person} left the role on {_d(end)}",
            )
        ]
    return [_finding(f, ctx, "no-exec-sponsor", f.signed_on, "no executive sponsor named: assign one")]


def sponsor_change(f: Facts, ctx: RuleContext) -> list[Finding]:
    """A sponsor assignment ended (released or replaced) 0-`days` (30) days before the as-of date."""
    limit = int(ctx.row.get("days", 30))
    ended = [(end, a) for end, a in _ended_sponsors(f, ctx.as_of) if 0 <= (ctx.as_of - end).days <= limit]
    if not ended:
        return []
    end, last = max(ended, key=lambda e: (e[0], e[1].start_on, e[1].id))
    successors = [a for a in f.assignments if a.role == "sponsor" and a.start_on == end and a.id != last.id]
    if successors:
        new = max(successors, key=lambda a: a.id).person
        detail = f"sponsor {last.person} was replaced by {new} on {_d(end)}: re-confirm the success plan"
    else:
        detail = f"sponsor {last.person} was released on {_d(end)}: find the new decision-maker"
    return [_finding(f, ctx, "sponsor-change", end, detail)]


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
                f"{quoted(m.title)} was due {_d(m.due_on)}, {_plural(n)} overdue: {who} must act",
                weight=w,
                milestone=m.title,
            )
        )
    return out


def config_gate_handover(f: Facts, ctx: RuleContext) -> list[Finding]:
    """The latest handover happened before the value gate passed (judged on the facts dated on or before it)."""
    h = f.handover
    if h is None:
        return []
    missing = gate_missing(f.motion, f.go_live_on, f.workflow_live_on, h.handed_on)
    if not missing:
        return []
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
    """Before go-live, the projected go-live P (the latest current due date of the go-live
    milestone and of open milestones) is after the go-live milestone's baseline B, and scope
    is a cause of it: P is later than it would be with every `scope` slip undone and every
    milestone added after the first milestone was done left out (a scope pull-in is no cause)."""
    if f.go_live_on is not None:
        return []
    go = f.go_live_milestones
    if not go:
        return []
    baseline = go[0].baseline_due_on
    counted = [m for m in f.milestones if m.kind == "go-live" or m.is_open]
    projected = max(m.due_on for m in counted)
    if not projected > baseline:
        return []
    done = [m.done_on for m in f.milestones if m.done_on is not None]
    first_done = min(done) if done else None
    added = [m for m in f.milestones if first_done is not None and m.added_on > first_done]
    scope_days: dict[int, int] = {}
    for s in f.slips:
        if s.cause == "scope":
            scope_days[s.milestone_id] = scope_days.get(s.milestone_id, 0) + s.days
    left = [m for m in counted if first_done is None or m.added_on <= first_done]
    without = max((add_days(m.due_on, -scope_days.get(m.id, 0)) for m in left), default=baseline)
    if not projected > without:
        return []
    causes: list[tuple[date, str]] = [
        (s.recorded_on, f"{quoted(s.title)} slipped for scope on {_d(s.recorded_on)}")
        for s in f.slips
        if s.cause == "scope" and s.days > 0
    ]
    causes += [(m.added_on, f"{quoted(m.title)} was added on {_d(m.added_on)}") for m in added]
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
    if f.latest_usage_on is None:  # never: the latest reading and its date are set together
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


@dataclass(frozen=True)
class Rule:
    id: str
    fn: RuleFn
    # self-serve accounts have no implementation workstream, seam or success plan call
    high_touch_only: bool = False


# In the order of the PRODUCT.md table: the order findings sort in.
RULES: tuple[Rule, ...] = (
    Rule("ttv-breach", ttv_breach),
    Rule("ttv-at-risk", ttv_at_risk),
    Rule("ownerless", ownerless, high_touch_only=True),
    Rule("stalled", stalled),
    Rule("premature-close", premature_close),
    Rule("no-success-plan", no_success_plan, high_touch_only=True),
    Rule("no-exec-sponsor", no_exec_sponsor, high_touch_only=True),
    Rule("sponsor-change", sponsor_change),
    Rule("milestone-overdue", milestone_overdue),
    Rule("config-gate-handover", config_gate_handover, high_touch_only=True),
    Rule("cold-handover", cold_handover, high_touch_only=True),
    Rule("scope-creep", scope_creep),
    Rule("champion-only", champion_only),
)
RULE_IDS: tuple[str, ...] = tuple(r.id for r in RULES)
RULE_ORDER: dict[str, int] = {rid: i for i, rid in enumerate(RULE_IDS)}
# rules that still apply to a graduated account
AFTER_GRADUATION = ("premature-close",)


def evaluator(
    *, as_of: date, rules: Mapping[str, Mapping[str, Any]], lag: Mapping[str, int]
) -> Callable[[Facts], list[Finding]]:
    """``facts -> findings`` for many accounts: the enabled rules (``rules`` is the config's
    rule rows) and their contexts are worked out once. Archived and churned accounts raise
    no findings, graduated ones only the rules that still apply after graduation, and
    self-serve ones no high-touch rule. An account's findings come in rule order."""
    enabled = [
        (rule, RuleContext(as_of=as_of, row=rules.get(rule.id, {}), lag=lag))
        for rule in RULES
        if rules.get(rule.id, {}).get("enabled", True) is not False
    ]
    by_case = {
        (self_serve, graduated): tuple(
            (rule.fn, ctx)
            for rule, ctx in enabled
            if not (self_serve and rule.high_touch_only) and (not graduated or rule.id in AFTER_GRADUATION)
        )
        for self_serve in (False, True)
        for graduated in (False, True)
    }

    def run(f: Facts) -> list[Finding]:
        if f.inactive or f.signed_on > as_of:
            return []
        out: list[Finding] = []
        for fn, ctx in by_case[f.motion == SELF_SERVE, f.graduated_on is not None]:
            found = fn(f, ctx)
            if found:
                out += found
        return out

    return run


def sort_key(finding: Finding) -> tuple:
    """Breaches first, then by account (ignoring case), then in the order of the rules table."""
    return (
        0 if finding.severity == BREACH else 1,
        finding.account.casefold(),
        finding.account,
        RULE_ORDER.get(finding.rule, len(RULE_ORDER)),
        finding.rule,
    )


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """In the order of PRODUCT.md §3 (stable: milestone-overdue keeps its due-date order)."""
    return sorted(findings, key=sort_key)


def evaluate(f: Facts, *, as_of: date, rules: Mapping[str, Mapping[str, Any]], lag: Mapping[str, int]) -> list[Finding]:
    """Every finding of one account at the as-of date, in rule order."""
    return evaluator(as_of=as_of, rules=rules, lag=lag)(f)
