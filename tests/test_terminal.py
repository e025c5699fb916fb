"""The real installed script in a pseudo-terminal of 80 x 24 (PRODUCT.md section 6):
tables fit the terminal (no name, id, date or rule id split across lines, one row per
account) and the pre-call brief of every demo account fits the screen."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import sqlite3
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).parent / "handoff"
TODAY = "2026-12-01"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
RULES = (
    "ttv-breach",
    "ttv-at-risk",
    "ownerless",
    "stalled",
    "premature-close",
    "no-success-plan",
    "no-exec-sponsor",
    "sponsor-change",
    "milestone-overdue",
    "config-gate-handover",
    "cold-handover",
    "scope-creep",
    "champion-only",
)

pytestmark = pytest.mark.sqlite_only


def in_terminal(args: list[str], env: dict[str, str], cols: int = 80, rows: int = 24) -> list[str]:
    """Run the script in a pseudo-terminal of cols x rows; its screen lines, without colour codes."""
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.execve(str(SCRIPT), [str(SCRIPT), *args], env)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    out = b""
    while True:
        ready, _, _ = select.select([fd], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, out.decode(errors="replace")
    text = ANSI.sub("", out.decode()).replace("\r\n", "\n")
    return text.rstrip("\n").split("\n")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("terminal")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HANDOFF_") and k != "NO_COLOR"}
    env.update(HANDOFF_DB=str(folder / "demo.db"), HANDOFF_TODAY=TODAY, HANDOFF_CONFIG=str(folder / "c.toml"))
    env["TERM"] = "xterm-256color"
    subprocess.run([str(SCRIPT), "init", "--demo"], env=env, check=True, capture_output=True, timeout=600)
    return env


def names(env: dict[str, str]) -> list[str]:
    conn = sqlite3.connect(env["HANDOFF_DB"])
    try:
        return [n for (n,) in conn.execute("SELECT name FROM account ORDER BY name")]
    finally:
        conn.close()


@pytest.mark.parametrize("colour", [True, False], ids=["colour", "NO_COLOR"])
def test_the_portfolio_fits_80_columns_one_row_per_account(demo, colour):
    env = dict(demo) if colour else {**demo, "NO_COLOR": "1"}
    lines = in_terminal(["status"], env)
    assert all(len(line) <= 80 for line in lines), lines
    shown = json.loads(
        subprocess.run([str(SCRIPT), "status", "-f", "json"], env=demo, capture_output=True, text=True).stdout
    )
    for name in [a["account"] for a in shown["accounts"]]:
        rows = [line for line in lines if line.startswith(name + " ")]
        assert len(rows) == 1, (name, lines)
    dates = re.compile(r"\b\d{4}-\d{2}(?!-\d{2})\b")  # a date cut after the month
    assert not any(dates.search(line) for line in lines)


@pytest.mark.parametrize(
    "args",
    [["report", "breaches"], ["report", "health"], ["account", "list", "--all"], ["people"]],
    ids=lambda a: " ".join(a),
)
def test_tables_fit_80_columns_and_keep_names_ids_and_rule_ids_whole(demo, args):
    lines = in_terminal(args, demo)
    assert all(len(line) <= 80 for line in lines), lines
    text = "\n".join(lines)
    if args[0] == "report" or args[0] == "account":
        listed = json.loads(
            subprocess.run([str(SCRIPT), *args, "-f", "json"], env=demo, capture_output=True, text=True).stdout
        )
        rows = listed.get("accounts") or listed.get("findings")
        for name in {r.get("account") or r.get("name") for r in rows}:
            count = sum(line.startswith(name + " ") for line in lines)
            assert count == 1 if args[-1] in ("health", "--all") else count >= 1, (name, lines)
    assert not any(re.search(r"\b\d{4}-\d{2}(?!-\d{2})\b", line) for line in lines), lines  # no date cut short
    if args == ["report", "breaches"]:
        rows = [line for line in lines if any(line.startswith(n + " ") for n in names(demo))]
        assert len(rows) >= 10
        for line in rows:
            assert any(w in RULES for w in line.split()), line
    ids = re.findall(r"\b(?:HS|SF)-\d+\b", text)
    if args[0] == "account":
        assert len(ids) >= 10
    # nothing starts a line that should have stood at its end: no id or date split over two lines
    assert not any(re.match(r"^\s*\d{2}\s", line) for line in lines[1:]), lines


def test_the_brief_of_every_demo_account_fits_80_by_24(demo):
    for name in names(demo):
        lines = in_terminal(["status", name], demo)
        assert len(lines) <= 24, (name, len(lines), lines)
        assert all(len(line) <= 80 for line in lines), (name, lines)
        assert lines[0].startswith(name), lines[0]


def test_the_full_brief_shows_everything(demo):
    lines = in_terminal(["status", "Quarry Ridge Manufacturing", "--full"], demo, rows=60)
    assert any("Owners" in line for line in lines)
    assert len(lines) > 24
