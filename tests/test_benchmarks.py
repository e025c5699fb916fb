"""Smoke tests for the benchmark scripts: each runs end to end at a tiny size and
prints its figures. Timing is never asserted here (that is what the scripts
print, against bars measured in the same run)."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
ROW = re.compile(
    r"^(?P<label>.+?)\s+(?P<median>[\d,.]+ m?s)\s+(?P<best>[\d,.]+ m?s)\s+(?P<runs>\d+)\s+(?P<rss>[\d.]+) MB"
    r"\s*(?P<ratio>[\d.]+x)?\s*(?P<bar><=[\d.]+x)?\s+(?P<result>baseline|reference|PASS|FAIL)$"
)


def run(script: str, *args: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        timeout=600,
        env=env or os.environ.copy(),
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def figures(out: str) -> dict[str, dict[str, str]]:
    rows = {}
    for line in out.splitlines():
        m = ROW.match(line)
        if m:
            rows[m["label"]] = m.groupdict()
    return rows


def test_startup_prints_help_and_status_against_the_baseline(handoff, db_path):
    handoff.ok("account", "add", "Acme", "--signed", "2026-03-01")
    handoff.ok("event", "log", "Acme", "go-live", "--on", "2026-05-01")
    out = run("startup.py", "--runs", "2", "--warmup", "0", "--store", str(db_path), "--account", "Acme")
    rows = figures(out)
    assert list(rows) == [
        "python -c pass",
        "handoff --help",
        "handoff --help (TYPER_USE_RICH=0)",
        "handoff status 'Acme'",
    ]
    assert rows["python -c pass"]["result"] == "baseline"
    assert rows["handoff --help"]["bar"] == "<=10x" and rows["handoff --help"]["result"] in ("PASS", "FAIL")
    assert rows["handoff --help (TYPER_USE_RICH=0)"]["result"] == "reference"
    assert rows["handoff status 'Acme'"]["bar"] == "<=25x" and rows["handoff status 'Acme'"]["ratio"]
    assert all(r["runs"] == "2" and float(r["rss"]) > 0 for r in rows.values())
    assert out.rstrip().endswith(("all bars met", "some bars NOT met"))


def test_reports_generates_a_portfolio_and_prints_every_figure(tmp_path):
    db = tmp_path / "portfolio.db"
    quick = ("--runs", "1", "--warmup", "0", "--status-runs", "1")
    out = run("reports.py", "--accounts", "300", "--events", "6000", *quick, "--db", str(db))
    # the generated store holds exactly what was asked for, in the real schema
    conn = sqlite3.connect(str(db))
    try:
        assert conn.execute("SELECT COUNT(*) FROM account").fetchone()[0] == 300
        assert conn.execute("SELECT COUNT(*) FROM event").fetchone()[0] == 6000
        # the high-touch tenth: accounts 10, 20, ... 300
        assert conn.execute("SELECT COUNT(*) FROM account WHERE motion = 'high-touch'").fetchone()[0] == 30
        assert conn.execute("SELECT COUNT(DISTINCT account_id) FROM milestone").fetchone()[0] == 30
        kinds = {k for (k,) in conn.execute("SELECT DISTINCT kind FROM event")}
    finally:
        conn.close()
    assert {"usage", "go-live", "workflow-live", "first-value"} <= kinds
    assert "rows: account 300," in out and "event 6,000" in out
    rows = figures(out)
    labels = list(rows)
    assert labels[:4] == [
        "python sqlite3: read every row of every table",
        "handoff report breaches --format json",
        "handoff report health --format json",
        "python -c pass",
    ]
    assert labels[4].startswith("handoff status 'Account ") and len(labels) == 5
    assert rows["handoff report breaches --format json"]["bar"] == "<=1x"
    assert rows[labels[4]]["bar"] == "<=25x"
    assert all(r["result"] in ("baseline", "reference", "PASS", "FAIL") for r in rows.values())

    # a second run reuses the store instead of generating again
    again = run("reports.py", *quick, "--db", str(db))
    assert f"reusing the portfolio in {db}" in again
    assert "generated the portfolio" not in again


def test_compare_reports_saves_every_output_and_finds_no_difference_on_the_same_code(tmp_path):
    folder = tmp_path / "compare"
    out = run("compare_reports.py", "save", str(folder), "--accounts", "60", "--events", "600", "--dates", "2026-06-01")
    saved = sorted(p.relative_to(folder / "before").as_posix() for p in (folder / "before").rglob("*.*"))
    # two shapes x one as-of date x (5 reports + a status per picked account)
    assert {p.split("/")[0] for p in saved} == {"standard", "product-led"}
    assert {p.split("/")[1] for p in saved} == {"2026-06-01"}
    assert "standard/2026-06-01/breaches.json" in saved and "product-led/2026-06-01/metrics.json" in saved
    assert f"saved the outputs of {len(saved)} runs" in out
    again = run("compare_reports.py", "check", str(folder))
    assert (
        again.strip().splitlines()[-1]
        == f"{len(saved)} outputs byte for byte the same, 0 differ, 0 unexpected differences"
    )


def test_batch_times_the_demo_script_both_ways():
    out = run("batch.py", "--lines", "3", "--runs", "1")
    rows = figures(out)
    assert list(rows) == ["3 lines, one process each", "handoff batch of the same 3 lines"]
    assert rows["3 lines, one process each"]["result"] == "baseline"
    batch = rows["handoff batch of the same 3 lines"]
    assert batch["bar"] == "<=0.1x" and batch["ratio"] and batch["result"] in ("PASS", "FAIL")
    assert out.rstrip().endswith(("all bars met", "some bars NOT met"))
