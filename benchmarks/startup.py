"""Time how fast `handoff` starts, against `python -c pass` measured in the same run.

Hyperfine-style: each command is run a few times to warm up, then N times; the
median wall time counts. Printed, with the ratio to the baseline and PASS/FAIL
against the bars:

* `handoff --help` (the installed console script)       bar: 10x `python -c pass` or less
* `handoff --help` with TYPER_USE_RICH=0                 reference only
* `handoff status ACCOUNT` on a small store              bar: 25x `python -c pass` or less

The small store is the example portfolio (`handoff init --demo`), loaded into a
temporary folder, unless --store names an existing one.

    .venv/bin/python benchmarks/startup.py [--runs 20] [--warmup 3] [--store PATH --account NAME]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent
AS_OF = "2026-06-01"


def handoff_command() -> list[str]:
    """The installed console script next to this Python, else `python -m handoff_cli`."""
    script = BIN / "handoff"
    if script.exists():
        return [str(script)]
    found = shutil.which("handoff")
    return [found] if found else [sys.executable, "-m", "handoff_cli"]


@dataclass
class Figure:
    label: str
    times: list[float]
    peak_kb: int

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def best(self) -> float:
        return min(self.times)


TIME = Path("/usr/bin/time")


def run_once(cmd: list[str], env: dict[str, str]) -> float:
    """Wall seconds of one run of cmd; stdout is discarded, a failure stops the benchmark."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL)
        elapsed = time.perf_counter() - t0
        if proc.returncode != 0:
            err.seek(0)
            tail = err.read().decode(errors="replace")[-2000:]
            sys.exit(f"`{' '.join(cmd)}` failed with exit {proc.returncode}:\n{tail}")
    return elapsed


def peak_memory_kb(cmd: list[str], env: dict[str, str]) -> int:
    """Peak resident memory (KiB) of one run of cmd.

    GNU time reports the child's own maximum. Without it, the child's rusage from
    wait4 is used; on Linux that figure is at least the RSS of this script at the
    fork, so it is an upper bound (this script is kept small for that reason)."""
    if TIME.exists() and sys.platform.startswith("linux"):
        with tempfile.NamedTemporaryFile("r", suffix=".rss") as out:
            proc = subprocess.run(
                [str(TIME), "-q", "-f", "%M", "-o", out.name, *cmd],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                stdin=subprocess.DEVNULL,
            )
            text = out.read().strip().splitlines()
            if proc.returncode == 0 and text and text[-1].isdigit():
                return int(text[-1])
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is KiB on Linux, bytes on macOS
    return usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss


def measure(label: str, cmd: list[str], env: dict[str, str], *, runs: int, warmup: int) -> Figure:
    """warmup untimed runs, then runs timed ones (median counts), then one run for peak memory."""
    for _ in range(warmup):
        run_once(cmd, env)
    times = [run_once(cmd, env) for _ in range(runs)]
    return Figure(label, times, peak_memory_kb(cmd, env))


def fmt_time(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.2f} s"


def print_table(rows: list[tuple[Figure, Figure | None, float | None]]) -> bool:
    """rows: (figure, the baseline it is compared with, or None for a baseline; bar, or None for
    a reference figure). Returns True when every bar is met."""
    header = f"{'command':<52} {'median':>11} {'best':>11} {'runs':>4} {'peak RSS':>10} {'ratio':>8} {'bar':>7}  result"
    print(header)
    print("-" * len(header))
    ok = True
    for fig, base, bar in rows:
        ratio = f"{fig.median / base.median:.2f}x" if base else ""
        bar_text = f"<={bar:g}x" if bar is not None else ""
        if base is None:
            result = "baseline"
        elif bar is None:
            result = "reference"
        else:
            passed = fig.median / base.median <= bar
            ok = ok and passed
            result = "PASS" if passed else "FAIL"
        print(
            f"{fig.label:<52} {fmt_time(fig.median):>11} {fmt_time(fig.best):>11} {len(fig.times):>4} "
            f"{fig.peak_kb / 1024:>7.1f} MB {ratio:>8} {bar_text:>7}  {result}"
        )
    return ok


def bench_env(folder: Path, db: Path | str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HANDOFF_")}
    env.update(
        HANDOFF_DB=str(db),
        HANDOFF_CONFIG=str(folder / "config.toml"),
        HANDOFF_TODAY=AS_OF,
        NO_COLOR="1",
    )
    return env


def load_demo_store(env: dict[str, str]) -> None:
    """The example portfolio, loaded by `handoff init --demo` in its own process (this one stays small)."""
    proc = subprocess.run([*handoff_command(), "init", "--demo"], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"`handoff init --demo` failed with exit {proc.returncode}:\n{proc.stderr[-2000:]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20, help="timed runs per command (default 20)")
    ap.add_argument("--warmup", type=int, default=3, help="untimed runs first (default 3)")
    ap.add_argument("--store", help="an existing store (path or URL) for `status` (default: the demo portfolio)")
    ap.add_argument(
        "--account", default="Northwind Logistics", help="account for `status` (default: Northwind Logistics)"
    )
    args = ap.parse_args()

    handoff = handoff_command()
    with tempfile.TemporaryDirectory(prefix="handoff-bench-") as tmp:
        folder = Path(tmp)
        if args.store is None:
            db = str(folder / "demo.db")
        else:
            db = args.store if "://" in args.store else str(Path(args.store).resolve())
        env = bench_env(folder, db)
        if args.store is None:
            t0 = time.perf_counter()
            load_demo_store(env)
            print(f"loaded the example portfolio into a temporary store in {time.perf_counter() - t0:.1f} s")
        plain = {**env, "TYPER_USE_RICH": "0"}
        kw = {"runs": args.runs, "warmup": args.warmup}

        baseline = measure("python -c pass", [sys.executable, "-c", "pass"], env, **kw)
        help_ = measure("handoff --help", [*handoff, "--help"], env, **kw)
        help_plain = measure("handoff --help (TYPER_USE_RICH=0)", [*handoff, "--help"], plain, **kw)
        status = measure(f"handoff status {args.account!r}", [*handoff, "status", args.account], env, **kw)

    print(f"handoff: {' '.join(handoff)}")
    print(f"python:  {sys.executable} ({sys.version.split()[0]})")
    print()
    ok = print_table(
        [(baseline, None, None), (help_, baseline, 10), (help_plain, baseline, None), (status, baseline, 25)]
    )
    print()
    print("all bars met" if ok else "some bars NOT met")


if __name__ == "__main__":
    main()
