"""Time `handoff batch` of the demo script against running its lines one process each.

The demo script (examples/demo.txt, the portfolio `handoff init --demo` loads) is
run twice into fresh stores: once as `handoff batch FILE` (one process), once as
one `handoff` process per line, the way a shell script of the same lines would.
Both end with the same store. Printed: the two wall times, the ratio and PASS/FAIL
against the bar (batch at least 10x faster, i.e. at most 0.1x of the one-by-one time).

    .venv/bin/python benchmarks/batch.py [--lines N] [--runs 3]

--lines N takes the first N command lines of the script only (the tests use a few).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from startup import Figure, bench_env, handoff_command, peak_memory_kb, print_table, run_once  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BAR = 0.1


def script_lines(limit: int | None) -> list[str]:
    """The demo script's command lines (comments and blanks dropped), as written."""
    lines = []
    for raw in (ROOT / "examples" / "demo.txt").read_text(encoding="utf-8").splitlines():
        text = raw.strip()
        if text and not text.startswith("#"):
            lines.append(text)
    return lines if limit is None else lines[:limit]


def fresh(folder: Path, name: str) -> dict[str, str]:
    env = bench_env(folder, folder / f"{name}.db")
    run_once([*handoff_command(), "init"], env)
    return env


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=None, help="only the first N command lines (default: all)")
    ap.add_argument("--runs", type=int, default=3, help="timed runs of each way (default 3)")
    args = ap.parse_args()

    import shlex

    handoff = handoff_command()
    lines = script_lines(args.lines)
    batch_times: list[float] = []
    single_times: list[float] = []
    with tempfile.TemporaryDirectory(prefix="handoff-bench-") as tmp:
        folder = Path(tmp)
        script = folder / "script.txt"
        script.write_text("\n".join(lines) + "\n", encoding="utf-8")
        for run in range(args.runs):
            env = fresh(folder, f"batch{run}")
            batch_times.append(run_once([*handoff, "batch", str(script)], env))
            env = fresh(folder, f"single{run}")
            t0 = time.perf_counter()
            for line in lines:
                words = shlex.split(line, comments=True)
                if words and words[0] == "handoff":
                    words = words[1:]
                run_once([*handoff, *words], env)
            single_times.append(time.perf_counter() - t0)
        env = fresh(folder, "rss")
        peak = peak_memory_kb([*handoff, "batch", str(script)], env)

    single = Figure(f"{len(lines)} lines, one process each", single_times, 0)
    batch = Figure(f"handoff batch of the same {len(lines)} lines", batch_times, peak)
    print(f"handoff: {' '.join(handoff)}")
    print(f"python:  {sys.executable} ({sys.version.split()[0]})")
    print()
    ok = print_table([(single, None, None), (batch, single, BAR)])
    print()
    print("all bars met" if ok else "some bars NOT met")


if __name__ == "__main__":
    main()
