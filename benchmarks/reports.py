"""Time the reports on a large portfolio, against plain Python over the same store.

Generates a portfolio (default 100,000 accounts and 2,000,000 events: mostly
weekly `usage` readings, plus go-live, workflow-live, first-value, adopted,
graduated, churned, renewed, ces and handoff-csat in realistic fractions; the
high-touch tenth also gets the standard milestones with some slips, owners,
success plans and handovers), written straight into a fresh store made by
`handoff init` with stdlib sqlite3 and the real schema. Then, in the same run:

* `handoff report breaches --format json` (output to /dev/null)
  against one pass of plain Python `sqlite3` reading every row of every table
  of the same store                                              bar: 1.0x or less
* `handoff status ACCOUNT` against `python -c pass`              bar: 25x or less

and prints the median time, ratio, PASS/FAIL and the peak memory of each.

    .venv/bin/python benchmarks/reports.py [--accounts 100000] [--events 2000000]
                                           [--db PATH] [--runs 3] [--warmup 1] [--status-runs 10]

--db PATH keeps the generated store there; when PATH already holds a portfolio
it is reused and generation is skipped.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import AS_OF, bench_env, handoff_command, measure, peak_memory_kb, print_table  # noqa: E402

SCAN = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
rows = 0
for table in tables:
    for row in conn.execute(f'SELECT * FROM "{table}"'):
        rows += 1
print(rows)
"""

# The standard template: (title, kind, side, offset days from the start).
TEMPLATE = [
    ("Discovery and scoping", "discovery", "vendor", 7),
    ("Provision instance", "provision", "vendor", 10),
    ("Connect data sources", "data-source", "customer", 21),
    ("SSO", "integration", "customer", 28),
    ("CRM sync", "integration", "vendor", 35),
    ("Webhooks", "integration", "vendor", 35),
    ("Data migration", "migration", "vendor", 42),
    ("Workspace configuration", "configuration", "vendor", 49),
    ("UAT", "uat", "customer", 56),
    ("First workflow with customer data", "first-workflow", "customer", 63),
    ("Go-live", "go-live", "vendor", 70),
]
PEOPLE_IMPL = ["Priya Raman", "Diego Alvarez", "Hannah Vogel", "Kwame Mensah", "Lucía Ortega", "Ravi Shah"]
PEOPLE_CSM = ["Marcus Lee", "Sofia Martins", "Emma Lindqvist", "Jamal Carter", "Yuki Tanaka", "Olivia Brooks"]
CAUSES = ["customer", "internal", "scope"]
STAMP = "2026-06-01 00:00:00.000000"


SHAPES = ("standard", "product-led")


def generate(db: Path, n_accounts: int, n_events: int, seed: int = 11, shape: str = "standard") -> dict[str, int]:
    """Write the portfolio into the (freshly initialised) store at db. Returns row counts.

    ``standard``: the high-touch tenth with milestones, owners, plans and handovers; the
    self-serve rest activate in product (70%), usage readings fill the event budget most
    recent weeks first. ``product-led``: the same high-touch tenth, but the self-serve
    accounts activate more often (90%), reach first value more often (90%), and their
    weekly usage readings cover up to ten months (43 weeks) from activation."""
    rnd = random.Random(seed)
    led = shape == "product-led"
    as_of = date.fromisoformat(AS_OF)
    span = 1200  # days of history before as_of
    base = as_of - timedelta(days=span)
    iso = [(base + timedelta(days=d)).isoformat() for d in range(span + 400)]
    today = span  # day numbers count from base; as_of is day `span`

    accounts, assignments, plans, criteria, milestones, slips, handovers, events = [], [], [], [], [], [], [], []
    activated: list[tuple[int, int, bool]] = []  # (account id, activation day, champion-only)
    plan_id = milestone_id = 0

    for aid in range(1, n_accounts + 1):
        high = aid % 10 == 0
        signed = today - rnd.randint(0, 1095)
        segment = rnd.choice(("enterprise", "mid-market")) if high else rnd.choice(("smb", "smb", "mid-market"))
        arr = float(rnd.randrange(20_000, 300_000, 1000) if high else rnd.randrange(600, 12_000, 100))
        archived = iso[rnd.randint(signed, today)] if rnd.random() < 0.02 else None
        name = f"Account {aid:06d}"
        accounts.append(
            (
                aid,
                name,
                name.casefold(),
                f"CRM-{aid:06d}",
                iso[signed],
                "high-touch" if high else "self-serve",
                segment,
                None,
                arr,
                archived,
                STAMP,
            )
        )

        def ev(kind: str, day: int, value: float | None = None, note: str | None = None, aid: int = aid) -> None:
            if day <= today:
                events.append((aid, kind, iso[day], value, note, STAMP))

        if high:
            impl = rnd.choice(PEOPLE_IMPL)
            start = signed + 5
            slip = rnd.choice((0, 0, 0, 0, 7, 14, 30, 60))
            go_live = start + 70 + slip + rnd.randint(-3, 3)
            workflow = go_live + rnd.randint(1, 6)
            impl_end = None
            if rnd.random() < 0.9:
                plan_id += 1
                sponsor = f"Sponsor {aid:06d}"
                plans.append((plan_id, aid, 1, f"Outcome agreed with account {aid}", sponsor, iso[signed + 4], STAMP))
                criteria.append((plan_id, 1, "Weekly active users past the champion"))
                criteria.append((plan_id, 2, "Month-end work cut in half"))
                changed = rnd.randint(signed + 30, today) if rnd.random() < 0.05 and signed + 30 <= today else None
                if changed is None:
                    assignments.append((aid, "sponsor", sponsor, iso[signed + 4], None, STAMP))
                else:  # the sponsor was replaced (decision-maker dropout)
                    assignments.append((aid, "sponsor", sponsor, iso[signed + 4], iso[changed], STAMP))
                    assignments.append((aid, "sponsor", f"New sponsor {aid:06d}", iso[changed], None, STAMP))
            if rnd.random() < 0.7:
                assignments.append((aid, "champion", f"Champion {aid:06d}", iso[signed + 4], None, STAMP))
            for title, kind, side, offset in TEMPLATE:
                milestone_id += 1
                baseline = start + offset
                due = baseline + (slip if kind in ("first-workflow", "go-live") else 0)
                done_day = {"go-live": go_live, "first-workflow": workflow}.get(
                    kind, min(baseline + rnd.randint(-2, 4), go_live)
                )
                done = iso[done_day] if done_day <= today else None
                milestones.append(
                    (
                        milestone_id,
                        aid,
                        title,
                        title.casefold(),
                        kind,
                        side,
                        iso[baseline],
                        iso[due],
                        done,
                        iso[start],
                        STAMP,
                    )
                )
                if slip and kind in ("first-workflow", "go-live") and baseline - 10 <= today:
                    slips.append(
                        (milestone_id, iso[baseline - 10], iso[baseline], iso[due], rnd.choice(CAUSES), "moved", STAMP)
                    )
            if go_live <= today:
                ev("go-live", go_live)
                if rnd.random() < 0.8:
                    ev("ces", go_live, float(rnd.randint(2, 7)))
                ev("workflow-live", workflow)
                roll = rnd.random()
                if roll < 0.85:
                    handed = workflow + rnd.randint(0, 5) if roll < 0.75 else go_live - rnd.randint(3, 15)
                    if handed <= today:
                        csm = rnd.choice(PEOPLE_CSM)
                        handovers.append(
                            (
                                aid,
                                iso[handed],
                                impl,
                                csm,
                                int(handed >= workflow),
                                int(rnd.random() < 0.8),
                                "What was promised",
                                None,
                                None,
                                STAMP,
                            )
                        )
                        assignments.append((aid, "csm", csm, iso[handed], None, STAMP))
                        impl_end = iso[handed]
                        if rnd.random() < 0.7:
                            ev("handoff-csat", handed + 2, float(rnd.randint(1, 5)))
                elif roll < 0.9 and go_live + 10 <= today:
                    impl_end = iso[go_live + 10]  # released with nobody after: an ownerless seam
                activated.append((aid, go_live, rnd.random() < 0.1))
            assignments.append((aid, "implementation", impl, iso[signed], impl_end, STAMP))
            activation = go_live
        else:
            activation = signed + rnd.randint(0, 30)
            if rnd.random() < (0.9 if led else 0.7) and activation <= today:
                ev("workflow-live", activation)
                activated.append((aid, activation, rnd.random() < 0.1))
            else:
                activation = None
        if activation is not None and activation <= today and rnd.random() < (0.9 if led and not high else 0.75):
            first_value = activation + rnd.randint(3, 60 if high else 20)
            ev("first-value", first_value)
            if rnd.random() < 0.35:
                ev("adopted", first_value + rnd.randint(30, 120))
        if rnd.random() < (0.1 if high else 0.02):
            ev("graduated", signed + rnd.randint(90, 200))
        if today - signed > 365:
            roll = rnd.random()
            if roll < 0.15:
                ev("renewed", signed + 365)
            elif roll < 0.2:
                ev("churned", signed + rnd.randint(200, 365))

    # Weekly usage readings fill the rest of the event budget, spread over the
    # activated accounts by how many weeks each has been live (latest weeks first).
    budget = max(0, n_events - len(events))
    weeks = [(aid, (today - act) // 7, solo) for aid, act, solo in activated]
    if led:  # ten months of readings from activation, not the most recent weeks
        weeks = [(aid, min(w, 43), solo) for aid, w, solo in weeks]
    total_weeks = sum(w for _, w, _ in weeks) or 1
    counts = [min(w, budget * w // total_weeks) for _, w, _ in weeks]
    short = budget - sum(counts)
    for k, (_, w, _) in enumerate(weeks):
        if short <= 0:
            break
        if counts[k] < w:
            counts[k] += 1
            short -= 1

    activation_of = {aid: act for aid, act, _ in activated}

    def usage_rows():
        for (aid, _, solo), n in zip(weeks, counts):
            level = rnd.randint(0, 30)
            weekday = aid % 7
            for k in range(n):
                value = 1.0 if solo else float(max(0, level + rnd.randint(-3, 3) - k // 8))
                day = activation_of[aid] + 7 * (k + 1) if led else today - weekday - 7 * k
                yield (aid, "usage", iso[min(day, today)], value, None, STAMP)

    conn = sqlite3.connect(str(db), isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO account (id, name, name_key, external_id, signed_on, motion, segment, ttv_target_days, arr,"
            " archived_on, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            accounts,
        )
        conn.executemany(
            "INSERT INTO assignment (account_id, role, person, start_on, end_on, created_at) VALUES (?,?,?,?,?,?)",
            assignments,
        )
        conn.executemany(
            "INSERT INTO success_plan (id, account_id, version, outcome, sponsor, agreed_on, created_at)"
            " VALUES (?,?,?,?,?,?,?)",
            plans,
        )
        conn.executemany(
            "INSERT INTO plan_criterion (plan_id, position, text, created_at) VALUES (?,?,?,?)",
            [(*c, STAMP) for c in criteria],
        )
        conn.executemany(
            "INSERT INTO milestone (id, account_id, title, title_key, kind, side, baseline_due_on, due_on, done_on,"
            " added_on, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            milestones,
        )
        conn.executemany(
            "INSERT INTO slip (milestone_id, recorded_on, from_due_on, to_due_on, cause, note, created_at)"
            " VALUES (?,?,?,?,?,?,?)",
            slips,
        )
        conn.executemany(
            "INSERT INTO handover (account_id, handed_on, from_person, to_person, gate_passed, joint_call, promised,"
            " customised, open_issues, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            handovers,
        )
        insert_event = "INSERT INTO event (account_id, kind, occurred_on, value, note, created_at) VALUES (?,?,?,?,?,?)"
        conn.executemany(insert_event, events)
        conn.executemany(insert_event, usage_rows())
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
        return table_counts(conn)
    finally:
        conn.close()


def table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def existing_counts(db: Path) -> dict[str, int] | None:
    if not db.exists():
        return None
    conn = sqlite3.connect(str(db))
    try:
        counts = table_counts(conn)
    finally:
        conn.close()
    return counts if counts.get("account") else None


def len_accounts(db: Path) -> int:
    return (existing_counts(db) or {}).get("account", 0)


def pick_account(db: Path) -> str:
    """A high-touch account that went live, with the most events: the heaviest pre-call brief."""
    conn = sqlite3.connect(str(db))
    try:
        row = (
            conn.execute(
                "SELECT a.name FROM account a JOIN event e ON e.account_id = a.id"
                " WHERE a.motion = 'high-touch' AND a.id <= 2000 GROUP BY a.id ORDER BY COUNT(*) DESC, a.id LIMIT 1"
            ).fetchone()
            or conn.execute("SELECT name FROM account ORDER BY id LIMIT 1").fetchone()
        )
    finally:
        conn.close()
    return row[0]


def make_store(handoff: list[str], env: dict[str, str], db: Path, accounts: int, events: int, shape: str) -> None:
    """`handoff init`, then the generator in a child process (this one stays small)."""
    if db.exists():
        sys.exit(f"{db} exists but holds no accounts: give a new path or an existing portfolio")
    for cmd in (
        [*handoff, "init"],
        [sys.executable, __file__, "--generate-only", "--db", str(db)]
        + ["--accounts", str(accounts), "--events", str(events), "--shape", shape],
    ):
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"`{' '.join(cmd)}` failed with exit {proc.returncode}:\n{proc.stderr[-2000:]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accounts", type=int, default=100_000, help="accounts to generate (default 100,000)")
    ap.add_argument("--events", type=int, default=2_000_000, help="events to generate (default 2,000,000)")
    ap.add_argument("--db", type=Path, help="keep the store here; reuse it when it already holds a portfolio")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per command (default 3)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    ap.add_argument(
        "--status-runs", type=int, default=10, help="timed runs of `status` and `python -c pass` (default 10)"
    )
    ap.add_argument("--shape", choices=SHAPES, default="standard", help="portfolio shape (default standard)")
    ap.add_argument(
        "--memory-accounts",
        type=int,
        default=None,
        help="also generate a store of this many accounts (events scaled alike, same shape) and compare the peak"
        " memory of report breaches on both (bar: the large one at most 2x the small one; default: a tenth of"
        " --accounts; 0 skips it)",
    )
    ap.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.generate_only:  # the child process that writes the portfolio (keeps the parent's memory small)
        counts = generate(args.db, args.accounts, args.events, shape=args.shape)
        print(" ".join(f"{t}={n}" for t, n in counts.items()))
        return

    handoff = handoff_command()
    with tempfile.TemporaryDirectory(prefix="handoff-bench-") as tmp:
        folder = Path(tmp)
        db = args.db.resolve() if args.db else folder / "portfolio.db"
        env = bench_env(folder, db)
        counts = existing_counts(db)
        if counts is not None:
            print(f"reusing the portfolio in {db}")
        else:
            t0 = time.perf_counter()
            make_store(handoff, env, db, args.accounts, args.events, args.shape)
            print(f"generated the portfolio in {time.perf_counter() - t0:.1f} s into {db}")
            counts = existing_counts(db) or {}
        print("rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items() if t != "alembic_version"))
        print(f"store size: {db.stat().st_size / 1e6:,.1f} MB, as of {AS_OF}")
        account = pick_account(db)
        kw = {"runs": args.runs, "warmup": args.warmup}

        scan = measure(
            "python sqlite3: read every row of every table", [sys.executable, "-c", SCAN, str(db)], env, **kw
        )
        breaches = measure(
            "handoff report breaches --format json", [*handoff, "report", "breaches", "--format", "json"], env, **kw
        )
        health = measure(
            "handoff report health --format json", [*handoff, "report", "health", "--format", "json"], env, **kw
        )
        quick = {"runs": args.status_runs, "warmup": min(args.warmup, 1) + 1}
        pass_ = measure("python -c pass", [sys.executable, "-c", "pass"], env, **quick)
        status = measure(f"handoff status {account!r}", [*handoff, "status", account], env, **quick)

        memory = None
        small_n = args.accounts // 10 if args.memory_accounts is None else args.memory_accounts
        if small_n > 0:
            small_db = db.with_name(f"{db.stem}-{small_n}-{args.shape}.db")
            if existing_counts(small_db) is None:
                make_store(
                    handoff,
                    bench_env(folder, small_db),
                    small_db,
                    small_n,
                    args.events * small_n // max(1, args.accounts),
                    args.shape,
                )
            small_env = bench_env(folder, small_db)
            small_kb = peak_memory_kb([*handoff, "report", "breaches", "--format", "json"], small_env)
            memory = (small_n, small_kb, len_accounts(db), breaches.peak_kb)

    print()
    ok = print_table(
        [
            (scan, None, None),
            (breaches, scan, 1.0),
            (health, scan, None),
            (pass_, None, None),
            (status, pass_, 25),
        ]
    )
    if memory is not None:
        small_n, small_kb, big_n, big_kb = memory
        ratio = big_kb / max(1, small_kb)
        passed = ratio <= 2.0
        ok = ok and passed
        print(
            f"report breaches peak memory: {small_kb / 1024:.1f} MB at {small_n:,} accounts, {big_kb / 1024:.1f} MB at"
            f" {big_n:,} accounts: {ratio:.2f}x (bar <=2x) {'PASS' if passed else 'FAIL'}"
        )
    print()
    print("all bars met" if ok else "some bars NOT met")


if __name__ == "__main__":
    main()
