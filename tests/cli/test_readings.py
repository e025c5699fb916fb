"""The readings issue 14 settled (PRODUCT.md §1, §3, §4), each at its edge, through the CLI.

Runs on SQLite, and on PostgreSQL in the PostgreSQL pass (HANDOFF_TEST_PG_URL).
Today is 2026-06-01 (tests/conftest.py). Every expected value is worked by hand
in the comments.
"""

from __future__ import annotations

import json


def findings(handoff, *args: str) -> list[tuple[str, str, str, int]]:
    doc = handoff.json("report", "breaches", *args)
    return [(f["account"], f["rule"], f["since"], f["days"]) for f in doc["findings"]]


def health_rows(handoff, *args: str) -> dict[str, dict]:
    return {a["account"]: a for a in handoff.json("report", "health", "--all", *args)["accounts"]}


# -- 1. scope-creep only when scope is a cause ----------------------------------


def plan_with_go_live(h, name: str) -> None:
    """High-touch, signed 2026-01-01, owned, sponsored and planned (so only the milestone
    rules speak); SSO due 03-01, Go live due 03-15 (its baseline B)."""
    h("account", "add", name, "--signed", "2026-01-01")
    h("owner", "assign", name, "implementation", "Ivy", "--on", "2026-01-01")
    h("plan", "set", name, "--outcome", "Books closed in 3 days", "--sponsor", "Sam", "--on", "2026-01-02")
    h("milestone", "add", name, "SSO", "--due", "2026-03-01", "--kind", "integration", "--on", "2026-01-02")
    h("milestone", "add", name, "Go live", "--due", "2026-03-15", "--kind", "go-live", "--on", "2026-01-02")


def test_a_scope_pull_in_is_no_cause_of_a_late_go_live(handoff):
    h = handoff.ok
    plan_with_go_live(h, "Pull")
    # SSO pulled in 2 days for scope (03-01 -> 02-27), then the go-live slips 10 days for the customer
    h("milestone", "slip", "Pull", "SSO", "--to", "2026-02-27", "--cause", "scope", "--on", "2026-02-01")
    h("milestone", "slip", "Pull", "Go live", "--to", "2026-03-25", "--cause", "customer", "--on", "2026-02-05")
    # as of 03-01: P = max(03-25, 02-27) = 03-25 > B = 03-15; with the scope slip undone
    # SSO is due 03-01 and P' = max(03-25, 03-01) = 03-25: P is not later, scope is no cause
    assert [f for f in findings(handoff, "--as-of", "2026-03-01") if f[1] == "scope-creep"] == []


def test_a_scope_slip_that_moves_the_projection_is_a_cause(handoff):
    h = handoff.ok
    plan_with_go_live(h, "Push")
    # the same, but the go-live itself slips 1 day for scope: 03-15 -> 03-16
    h("milestone", "slip", "Push", "SSO", "--to", "2026-02-27", "--cause", "scope", "--on", "2026-02-01")
    h("milestone", "slip", "Push", "Go live", "--to", "2026-03-16", "--cause", "scope", "--on", "2026-02-05")
    # P = 03-16 > B; P' = max(03-15, 03-01) = 03-15 < P: scope is a cause. Since: the first scope
    # slip that moved a date later (02-05; the 02-01 pull-in is not one): 03-01 - 02-05 = 24 days
    got = [f for f in findings(handoff, "--as-of", "2026-03-01") if f[1] == "scope-creep"]
    assert got == [("Push", "scope-creep", "2026-02-05", 24)]


def test_a_milestone_added_after_the_first_done_one_is_a_cause_when_it_moves_the_projection(handoff):
    h = handoff.ok
    plan_with_go_live(h, "Grow")
    h("milestone", "done", "Grow", "SSO", "--on", "2026-02-20")
    # added after the first done milestone (02-20), due after B = 03-15
    h("milestone", "add", "Grow", "Extra report", "--due", "2026-03-20", "--on", "2026-02-22")
    # P = max(03-15, 03-20) = 03-20 > B; without the addition P' = 03-15: a cause since 02-22
    # (03-01 - 02-22 = 7 days)
    got = [f for f in findings(handoff, "--as-of", "2026-03-01") if f[1] == "scope-creep"]
    assert got == [("Grow", "scope-creep", "2026-02-22", 7)]
    # an addition due before B moves nothing: no cause
    h("account", "add", "Small", "--signed", "2026-01-01")
    h("milestone", "add", "Small", "SSO", "--due", "2026-03-01", "--on", "2026-01-02")
    h("milestone", "add", "Small", "Go live", "--due", "2026-03-15", "--kind", "go-live", "--on", "2026-01-02")
    h("milestone", "slip", "Small", "Go live", "--to", "2026-03-18", "--cause", "internal", "--on", "2026-02-01")
    h("milestone", "done", "Small", "SSO", "--on", "2026-02-20")
    h("milestone", "add", "Small", "Extra", "--due", "2026-03-10", "--on", "2026-02-22")
    # P = 03-18 > B = 03-15, but P' = 03-18 too (the slip was internal): no scope-creep
    assert [f for f in findings(handoff, "--as-of", "2026-03-01") if f[0] == "Small" and f[1] == "scope-creep"] == []


# -- 2. the lag of ttv-at-risk is floored at 0 -------------------------------------


def test_a_negative_lag_is_floored_at_zero(handoff):
    h = handoff.ok
    # three self-serve accounts logged first value 5 days BEFORE activation: samples -5, -5, -5
    for name in ("Early 1", "Early 2", "Early 3"):
        h("account", "add", name, "--signed", "2026-01-01", "--motion", "self-serve")
        h("event", "log", name, "first-value", "--on", "2026-01-10")
        h("event", "log", name, "workflow-live", "--on", "2026-01-15")
    # Fresh: self-serve, signed 05-20, target 14 -> T = 06-03; not activated; one open
    # milestone due 06-05. P = max(06-05, 06-01) + lag. The median -5 floored at 0 gives
    # P = 06-05, 2 days after T (the unfloored -5 would give 05-31, before T: no finding).
    h("account", "add", "Fresh", "--signed", "2026-05-20", "--motion", "self-serve")
    h("milestone", "add", "Fresh", "Connect the data", "--due", "2026-06-05", "--on", "2026-05-20")
    doc = handoff.json("report", "breaches")
    risk = [f for f in doc["findings"] if f["rule"] == "ttv-at-risk"]
    assert [(f["account"], f["since"], f["days"]) for f in risk] == [("Fresh", "2026-06-03", 2)]
    assert risk[0]["detail"] == (
        "first value projected 2026-06-05 (open milestones + 0 days typical lag), 2 days after the TTV target 2026-06-03"
    )
    assert handoff.json("status", "Fresh")["lag_days"] == 0


# -- 3. a win-back: churned while the latest of churned / renewed is churned -------------


def test_a_renewal_after_a_churn_is_a_win_back(handoff):
    h = handoff.ok
    h("account", "add", "Back", "--signed", "2026-01-01", "--motion", "self-serve")
    h("event", "log", "Back", "churned", "--on", "2026-03-01")
    h("event", "log", "Back", "renewed", "--on", "2026-03-10")
    # 03-09: the latest is the churn: churned, no findings, no score, out of the listing
    assert handoff.json("status", "Back", "--as-of", "2026-03-09")["churned_on"] == "2026-03-01"
    assert handoff.json("status", "--as-of", "2026-03-09")["accounts"] == []
    assert findings(handoff, "--as-of", "2026-03-09") == []
    row = health_rows(handoff, "--as-of", "2026-03-09")["Back"]
    assert (row["score"], row["band"]) == (None, None)
    # 03-10: the renewal is the latest: active again. T = 01-15, no first value:
    # ttv-breach since 01-15, 03-10 - 01-15 = 16 + 28 + 10 = 54 days
    brief = handoff.json("status", "Back", "--as-of", "2026-03-10")
    assert (brief["churned_on"], brief["score"], brief["band"]) == (None, 60, "yellow")
    assert findings(handoff, "--as-of", "2026-03-10") == [("Back", "ttv-breach", "2026-01-15", 54)]
    assert [a["account"] for a in handoff.json("status", "--as-of", "2026-03-10")["accounts"]] == ["Back"]
    # a second churn after the renewal: churned again from 04-01
    h("event", "log", "Back", "churned", "--on", "2026-04-01")
    assert handoff.json("status", "Back", "--as-of", "2026-04-01")["churned_on"] == "2026-04-01"


# -- 4. one fact: every open milestone of the kind completes, whichever way -----------


def two_go_lives(h, name: str) -> None:
    h("account", "add", name, "--signed", "2026-01-01")
    h("milestone", "add", name, "Go live", "--due", "2026-04-01", "--kind", "go-live", "--on", "2026-01-05")
    h("milestone", "add", name, "Go live phase 2", "--due", "2026-04-15", "--kind", "go-live", "--on", "2026-01-05")


def milestones(handoff, name: str) -> list[tuple[str, str | None]]:
    return [(m["title"], m["done_on"]) for m in handoff.json("milestone", "list", name)["milestones"]]


def test_completing_one_go_live_milestone_completes_every_open_one_like_the_event(handoff):
    h = handoff.ok
    two_go_lives(h, "ByMilestone")
    two_go_lives(h, "ByEvent")
    done = handoff.json("milestone", "done", "ByMilestone", "Go live", "--on", "2026-03-20")
    assert done["completed_milestones"] == ["Go live phase 2"]
    h("event", "log", "ByEvent", "go-live", "--on", "2026-03-20")
    both = [("Go live", "2026-03-20"), ("Go live phase 2", "2026-03-20")]
    assert milestones(handoff, "ByMilestone") == both
    assert milestones(handoff, "ByEvent") == both
    # one go-live event each, not two
    for name in ("ByMilestone", "ByEvent"):
        kinds = [e["kind"] for e in handoff.json("event", "list", name)["events"]]
        assert kinds == ["go-live"]
    # the reports see the same facts: nothing overdue on 05-01 (phase 2 was due 04-15)
    rows = health_rows(handoff, "--as-of", "2026-05-01")
    assert rows["ByMilestone"]["findings"] == rows["ByEvent"]["findings"]
    assert "milestone-overdue" not in rows["ByMilestone"]["findings"]


def test_a_milestone_of_the_kind_added_after_the_fact_is_added_done(handoff):
    h = handoff.ok
    h("account", "add", "Late", "--signed", "2026-01-01")
    h("event", "log", "Late", "go-live", "--on", "2026-03-20")
    result = h("milestone", "add", "Late", "Go live", "--due", "2026-04-01", "--kind", "go-live", "--on", "2026-04-02")
    assert "milestone 'Go live' of Late added done on 2026-03-20: the go-live was recorded then" in result.stderr
    assert milestones(handoff, "Late") == [("Go live", "2026-03-20")]
    # the template's first-workflow and go-live milestones likewise, once workflow-live is recorded
    h("event", "log", "Late", "workflow-live", "--on", "2026-03-25")
    result = h("milestone", "template", "Late", "--name", "standard", "--start", "2026-01-10", "--on", "2026-04-02")
    assert "added done on 2026-03-25: the workflow-live was recorded then" in result.stderr
    done = {t: d for t, d in milestones(handoff, "Late") if d is not None}
    assert done["First workflow with customer data"] == "2026-03-25"
    # another milestone kind is not a fact: added open
    h("milestone", "add", "Late", "Training", "--due", "2026-05-01", "--on", "2026-04-02")
    assert ("Training", None) in milestones(handoff, "Late")


# -- null scores, the band cap, the order of a row's findings ---------------------------


def test_archived_and_churned_accounts_show_no_score(handoff):
    h = handoff.ok
    h("account", "add", "Gone", "--signed", "2026-01-01", "--motion", "self-serve")
    h("event", "log", "Gone", "first-value", "--on", "2026-01-05")
    h("account", "archive", "Gone", "--on", "2026-05-01")
    h("account", "add", "Alive", "--signed", "2026-01-01", "--motion", "self-serve")
    h("event", "log", "Alive", "first-value", "--on", "2026-01-05")
    rows = handoff.json("report", "health", "--all")["accounts"]
    # the archived account has no score and sorts last, after the perfect 100
    assert [(a["account"], a["score"], a["band"]) for a in rows] == [("Alive", 100, "green"), ("Gone", None, None)]
    brief = handoff.json("status", "Gone")
    assert (brief["score"], brief["band"]) == (None, None)
    table = h("report", "health", "--all").stdout
    gone = [line for line in table.splitlines() if "Gone" in line][0]
    assert gone.split()[1:5] == ["self-serve", "setup", "-", "-"]
    assert "Health -" in h("status", "Gone").stdout


def test_a_breach_caps_the_band_at_yellow(handoff):
    h = handoff.ok
    # self-serve, target 100 days (T = 08-09), activated 05-15, no first value:
    # stalled (06-01 - 05-15 = 17 > 14) is the one finding: 100 - 25 = 75, green by the
    # score, yellow because it is a breach
    h("account", "add", "Stuck", "--signed", "2026-05-01", "--motion", "self-serve", "--ttv-target", "100")
    h("event", "log", "Stuck", "workflow-live", "--on", "2026-05-15")
    row = health_rows(handoff)["Stuck"]
    assert (row["score"], row["band"], row["findings"]) == (75, "yellow", ["stalled"])
    assert (handoff.json("status", "Stuck")["band"]) == "yellow"


def test_a_health_row_and_a_brief_list_findings_in_the_order_findings_sort(handoff):
    h = handoff.ok
    # high-touch, signed 05-24, target 10 -> T = 06-03; nobody owns it, no plan, no sponsor.
    # ttv-at-risk: P = 06-01 + 14 = 06-15 > T (12 days); ownerless (breach) sorts before it
    h("account", "add", "Order", "--signed", "2026-05-24", "--ttv-target", "10")
    row = health_rows(handoff)["Order"]
    assert row["findings"] == ["ownerless", "ttv-at-risk", "no-success-plan", "no-exec-sponsor"]
    # 100 - 30 - 15 - 15 - 10 = 30
    assert (row["score"], row["band"]) == (30, "red")
    brief = handoff.json("status", "Order")
    assert [d["rule"] for d in brief["deductions"]] == row["findings"]
    assert [f["rule"] for f in brief["findings"]] == row["findings"]
    plain = h("status", "Order").stdout
    assert plain.index("ownerless") < plain.index("ttv-at-risk")
    assert json.loads(h("report", "breaches", "--format", "json").stdout)["findings"][0]["rule"] == "ownerless"
