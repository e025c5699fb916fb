"""Byte-for-byte comparison of the reports before and after a change of the report code.

    .venv/bin/python benchmarks/compare_reports.py save DIR [--accounts 3000] [--events 40000]
    .venv/bin/python benchmarks/compare_reports.py check DIR

``save`` generates two benchmark stores in DIR (the ``standard`` and the
``product-led`` shapes of ``reports.py``), then runs, at three as-of dates,

* ``report breaches`` (JSON and CSV),
* ``report health --all`` (JSON and CSV),
* ``report metrics`` (JSON),
* ``status ACCOUNT`` (JSON) of several accounts picked to cover the cases
  (live high-touch, high-touch before go-live, self-serve with first value,
  archived, churned, renewed, graduated),

with the code installed now, and keeps every output in DIR/out. ``check`` runs
the same commands with the code installed then, on the same stores, and
compares byte for byte. Where outputs differ, it prints the JSON keys that
differ and sorts each difference into one of the readings issue 14 settled
(``expected``) or ``UNEXPECTED``; it exits 1 on any unexpected difference.

The expected differences (PRODUCT.md §1, §3, §4 as settled by issue 14):

* ``null-score``: an archived or churned account has a null score and band;
* ``band-cap``: an account with a breach finding is at best yellow;
* ``findings-order``: a health row's findings (and a brief's findings and
  deductions) come in the order findings sort (breaches first);
* ``win-back``: an account renewed after its churn is active again (its
  findings, score, band, ``churned_on``, and its place in reports);
* ``old-bug``: the old brief saw a fact dated after the as-of date (SQLite 3.40's
  ``IN (...) ... ORDER BY`` on a covering index returned a row its range excluded;
  the new queries do not use that shape), and everything that follows from it;
* ``scope-cause`` / ``lag-floor``: ``scope-creep`` only when scope is a cause,
  and the ttv-at-risk lag floored at 0 (findings of those two rules, and the
  score, band, findings and ordering of their accounts).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reports import SHAPES  # noqa: E402
from startup import bench_env, handoff_command  # noqa: E402

AS_OF_DATES = ("2025-09-15", "2026-02-01", "2026-06-01")

PICKS = {
    "live-high-touch": "SELECT a.name FROM account a WHERE a.motion = 'high-touch' AND a.archived_on IS NULL"
    " AND EXISTS (SELECT 1 FROM event e WHERE e.account_id = a.id AND e.kind = 'go-live') ORDER BY a.id LIMIT 1",
    "pre-go-live": "SELECT a.name FROM account a WHERE a.motion = 'high-touch' AND a.archived_on IS NULL"
    " AND NOT EXISTS (SELECT 1 FROM event e WHERE e.account_id = a.id AND e.kind = 'go-live')"
    " ORDER BY a.signed_on DESC, a.id LIMIT 1",
    "self-serve-value": "SELECT a.name FROM account a WHERE a.motion = 'self-serve' AND a.archived_on IS NULL"
    " AND EXISTS (SELECT 1 FROM event e WHERE e.account_id = a.id AND e.kind = 'first-value') ORDER BY a.id LIMIT 1",
    "archived": "SELECT a.name FROM account a WHERE a.archived_on IS NOT NULL ORDER BY a.id LIMIT 1",
    "churned": "SELECT a.name FROM account a JOIN event e ON e.account_id = a.id AND e.kind = 'churned'"
    " ORDER BY a.id LIMIT 1",
    "renewed": "SELECT a.name FROM account a JOIN event e ON e.account_id = a.id AND e.kind = 'renewed'"
    " ORDER BY a.id LIMIT 1",
    "graduated": "SELECT a.name FROM account a JOIN event e ON e.account_id = a.id AND e.kind = 'graduated'"
    " ORDER BY a.id LIMIT 1",
}


def commands(accounts: dict[str, str]) -> dict[str, list[str]]:
    out = {
        "breaches.json": ["report", "breaches", "--format", "json"],
        "breaches.csv": ["report", "breaches", "--format", "csv"],
        "health.json": ["report", "health", "--all", "--format", "json"],
        "health.csv": ["report", "health", "--all", "--format", "csv"],
        "metrics.json": ["report", "metrics", "--format", "json"],
    }
    for key, name in accounts.items():
        out[f"status-{key}.json"] = ["status", name, "--format", "json"]
    return out


def run_all(folder: Path, out: Path) -> None:
    handoff = handoff_command()
    manifest = json.loads((folder / "manifest.json").read_text())
    dates = manifest.pop("as_of_dates", AS_OF_DATES)
    for shape in SHAPES:
        db = folder / f"{shape}.db"
        env = bench_env(folder, db)
        env.pop("HANDOFF_TODAY", None)
        for as_of in dates:
            target = out / shape / as_of
            target.mkdir(parents=True, exist_ok=True)
            for name, args in commands(manifest[shape]).items():
                proc = subprocess.run([*handoff, *args, "--as-of", as_of], env=env, capture_output=True)
                (target / name).write_bytes(proc.stdout + f"\n# exit {proc.returncode}\n".encode() + proc.stderr)


def save(folder: Path, n_accounts: int, n_events: int, dates: tuple[str, ...] = AS_OF_DATES) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    handoff = handoff_command()
    manifest: dict[str, Any] = {"as_of_dates": list(dates)}
    for shape in SHAPES:
        db = folder / f"{shape}.db"
        if db.exists():
            db.unlink()
        env = bench_env(folder, db)
        for cmd in (
            [*handoff, "init"],
            [sys.executable, str(Path(__file__).with_name("reports.py")), "--generate-only", "--db", str(db)]
            + ["--accounts", str(n_accounts), "--events", str(n_events), "--shape", shape],
        ):
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
            if proc.returncode != 0:
                sys.exit(f"`{' '.join(cmd)}` failed:\n{proc.stderr[-2000:]}")
        conn = sqlite3.connect(str(db))
        try:
            manifest[shape] = {k: row[0] for k, sql in PICKS.items() if (row := conn.execute(sql).fetchone())}
        finally:
            conn.close()
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1))
    run_all(folder, folder / "before")
    print(f"saved the outputs of {sum(1 for _ in (folder / 'before').rglob('*.*'))} runs in {folder / 'before'}")


# -- classifying the differences ---------------------------------------------------

SETTLED_RULES = ("scope-creep", "ttv-at-risk")
FACT_DATES = ("go_live_on", "workflow_live_on", "first_value_on", "archived_on", "churned_on", "graduated_on")
BREACH_RULES = ("ttv-breach", "ownerless", "stalled", "premature-close")  # severity breach by default


def _json_part(blob: bytes) -> object:
    text = blob.decode().split("\n# exit ")[0]
    return json.loads(text) if text.strip() else None


def _classify_row(old: dict, new: dict, rules_changed: set[str], won_back: set[str]) -> list[str]:
    """The expected reason of each key that differs in a health row or a brief, or UNEXPECTED."""
    reasons = []
    name = old.get("account")
    old_rules = old.get("findings", [])
    old_rules = [x if isinstance(x, str) else x["rule"] for x in old_rules]
    new_rules = [x if isinstance(x, str) else x["rule"] for x in new.get("findings", [])]
    inactive = new.get("score") is None and new.get("band") is None
    as_of = old.get("as_of")
    saw_future = as_of is not None and any(
        isinstance(v, str) and len(v) == 10 and v[4] == "-" and v > as_of for k, v in old.items() if k in FACT_DATES
    )
    for key in sorted(set(old) | set(new)):
        if old.get(key) == new.get(key):
            continue
        if saw_future:
            reasons.append(f"{key}: old-bug (a fact dated after the as-of date was seen)")
        elif name in won_back:
            reasons.append(f"{key}: win-back")
        elif key in ("score", "band") and inactive:
            reasons.append(f"{key}: null-score")
        elif key == "band" and set(new_rules) & set(BREACH_RULES) and (old["band"], new["band"]) == ("green", "yellow"):
            reasons.append("band: band-cap")
        elif key in ("findings", "deductions") and sorted(map(str, old.get(key, []))) == sorted(
            map(str, new.get(key, []))
        ):
            reasons.append(f"{key}: findings-order")
        elif set(old_rules) ^ set(new_rules) <= set(SETTLED_RULES) and (
            set(old_rules) ^ set(new_rules) or rules_changed
        ):
            reasons.append(f"{key}: scope-cause/lag-floor")
        else:
            reasons.append(f"{key}: UNEXPECTED {old.get(key)!r} -> {new.get(key)!r}")
    return reasons


def _finding_key(x: dict) -> tuple:
    return (x["account"], x["rule"], x["since"], x["detail"])


def compare(name: str, old_blob: bytes, new_blob: bytes, won_back: set[str]) -> list[str]:
    """Lines describing each difference, each ending in its reason."""
    if not name.endswith(".json"):
        return [f"{name}: differs (see the JSON of the same report)"]
    old, new = _json_part(old_blob), _json_part(new_blob)
    if not isinstance(old, dict) or not isinstance(new, dict):
        return [f"{name}: UNEXPECTED output changed shape"]
    out = []
    if "findings" in old and name.startswith("breaches"):
        a = {_finding_key(x): x for x in old["findings"]}
        b = {_finding_key(x): x for x in new["findings"]}
        for k in sorted(set(a) ^ set(b)):
            side = "gone" if k in a else "new"
            why = (
                "win-back" if k[0] in won_back else ("scope-cause/lag-floor" if k[1] in SETTLED_RULES else "UNEXPECTED")
            )
            out.append(f"{name}: {side} {k[0]} {k[1]} since {k[2]}: {why}")
        if not out:
            out.append(f"{name}: same findings in another order: {'win-back' if won_back else 'UNEXPECTED'}")
        return out
    if "accounts" in old:
        a = {x["account"]: x for x in old["accounts"]}
        b = {x["account"]: x for x in new["accounts"]}
        for acc in sorted(set(a) | set(b)):
            if acc not in a or acc not in b:
                out.append(
                    f"{name}: {acc} {'gone' if acc in a else 'new'}: {'win-back' if acc in won_back else 'UNEXPECTED'}"
                )
            elif a[acc] != b[acc]:
                out += [f"{name}: {acc} {r}" for r in _classify_row(a[acc], b[acc], set(), won_back)]
        if not out:
            out.append(f"{name}: rows in another order: expected (null scores sort last)")
        return out
    if "metrics" in old:
        return [f"{name}: UNEXPECTED metrics changed"]
    return [f"{name}: {r}" for r in _classify_row(old, new, set(), won_back)] or [f"{name}: key order: UNEXPECTED"]


def _won_back(db: Path, as_of: str) -> set[str]:
    """Accounts whose latest churned/renewed event by as_of is a renewal after a churn."""
    conn = sqlite3.connect(str(db))
    try:
        rows = conn.execute(
            "SELECT a.name, e.kind FROM event e JOIN account a ON a.id = e.account_id"
            " WHERE e.kind IN ('churned', 'renewed') AND e.occurred_on <= ? ORDER BY a.id, e.occurred_on, e.id",
            (as_of,),
        ).fetchall()
    finally:
        conn.close()
    churned, latest = set(), {}
    for name, kind in rows:
        if kind == "churned":
            churned.add(name)
        latest[name] = kind
    return {n for n in churned if latest[n] == "renewed"}


def check(folder: Path) -> int:
    after = folder / "after"
    run_all(folder, after)
    same = differ = unexpected = 0
    for old_file in sorted((folder / "before").rglob("*.*")):
        rel = old_file.relative_to(folder / "before")
        new_file = after / rel
        old_blob, new_blob = old_file.read_bytes(), new_file.read_bytes() if new_file.exists() else b""
        if old_blob == new_blob:
            same += 1
            continue
        differ += 1
        shape, as_of = rel.parts[0], rel.parts[1]
        for line in compare(rel.name, old_blob, new_blob, _won_back(folder / f"{shape}.db", as_of)):
            unexpected += "UNEXPECTED" in line
            print(f"{shape} {as_of} {line}")
    print(f"{same} outputs byte for byte the same, {differ} differ, {unexpected} unexpected differences")
    return 1 if unexpected else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=("save", "check"))
    ap.add_argument("dir", type=Path)
    ap.add_argument("--accounts", type=int, default=3000)
    ap.add_argument("--events", type=int, default=40000)
    ap.add_argument("--dates", default=",".join(AS_OF_DATES), help="as-of dates, comma-separated (save only)")
    args = ap.parse_args()
    if args.mode == "save":
        save(args.dir.resolve(), args.accounts, args.events, tuple(args.dates.split(",")))
    else:
        sys.exit(check(args.dir.resolve()))


if __name__ == "__main__":
    main()
