"""Time `handoff import events` against `sqlite-utils insert` of the same CSV.

Generates an events CSV (account, kind, on, value, note) over N accounts, then,
in the same run:

* imports the accounts into a fresh handoff store and times
  `handoff import events FILE` (the installed console script, in a subprocess);
* times `sqlite-utils insert DB events FILE --csv` into a fresh database.

Prints rows/second for both and the ratio handoff / sqlite-utils (bar: 1.5x or less).

    .venv/bin/python benchmarks/import_events.py --rows 1000000 --accounts 2000
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    path = BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if not found:
        sys.exit(f"cannot find {name}: install the dev dependencies (pip install -e '.[dev]')")
    return found


def generate(folder: Path, rows: int, accounts: int, seed: int = 7) -> tuple[Path, Path]:
    rnd = random.Random(seed)
    names = [f"Account {i:05d}" for i in range(accounts)]
    acc_file = folder / "accounts.csv"
    with open(acc_file, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["name", "signed", "motion", "external_id"])
        for i, name in enumerate(names):
            w.writerow([name, (date(2025, 1, 1) + timedelta(days=i % 365)).isoformat(), "high-touch", f"EXT-{i:05d}"])
    ev_file = folder / "events.csv"
    start = date(2025, 1, 1)
    days = [(start + timedelta(days=d)).isoformat() for d in range(500)]
    with open(ev_file, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["account", "kind", "on", "value", "note"])
        for _ in range(rows):
            i = rnd.randrange(accounts)
            ref = names[i] if rnd.random() < 0.8 else f"EXT-{i:05d}"
            roll = rnd.random()
            if roll < 0.9:
                w.writerow([ref, "usage", rnd.choice(days), rnd.randrange(0, 40), ""])
            elif roll < 0.97:
                w.writerow([ref, "sponsor-contact", rnd.choice(days), "", "weekly sync"])
            else:
                w.writerow([ref, "ces", rnd.choice(days), rnd.randrange(1, 8), ""])
    return acc_file, ev_file


def timed(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed with exit {proc.returncode}:\n{proc.stderr[-2000:]}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="event rows to generate (default 1,000,000)")
    ap.add_argument("--accounts", type=int, default=2_000, help="accounts the events belong to (default 2,000)")
    args = ap.parse_args()

    handoff, sqlite_utils = tool("handoff"), tool("sqlite-utils")
    with tempfile.TemporaryDirectory(prefix="handoff-bench-") as tmp:
        folder = Path(tmp)
        acc_file, ev_file = generate(folder, args.rows, args.accounts)
        size_mb = ev_file.stat().st_size / 1e6
        env = {
            **os.environ,
            "HANDOFF_DB": str(folder / "handoff.db"),
            "HANDOFF_CONFIG": str(folder / "config.toml"),
            "HANDOFF_TODAY": "2026-06-01",
            "NO_COLOR": "1",
        }
        timed([handoff, "import", "accounts", str(acc_file)], env)
        t_handoff = timed([handoff, "import", "events", str(ev_file)], env)
        t_utils = timed([sqlite_utils, "insert", str(folder / "plain.db"), "events", str(ev_file), "--csv"], env)

    rate = lambda t: args.rows / t if t else float("inf")  # noqa: E731
    print(f"events file: {args.rows:,} rows over {args.accounts:,} accounts ({size_mb:.1f} MB)")
    print(f"handoff import events : {t_handoff:7.2f} s  {rate(t_handoff):>12,.0f} rows/s")
    print(f"sqlite-utils insert   : {t_utils:7.2f} s  {rate(t_utils):>12,.0f} rows/s")
    ratio = t_handoff / t_utils
    print(f"ratio handoff / sqlite-utils: {ratio:.2f}x (bar: 1.5x or less) {'ok' if ratio <= 1.5 else 'OVER'}")


if __name__ == "__main__":
    main()
