"""Every example in docs/corrections.md runs as written, in order, on a new store."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "corrections.md"


def examples() -> list[list[str]]:
    blocks = re.findall(r"```console\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    lines = [line[2:] for block in blocks for line in block.splitlines() if line.startswith("$ ")]
    commands = [shlex.split(line) for line in lines]
    assert commands and all(c[0] == "handoff" for c in commands)
    return [c[1:] for c in commands]


def test_every_example_runs_as_written(handoff):
    for args in examples():
        result = handoff(*args)
        assert result.exit_code == 0, (args, result.stderr)
    # and they did what the page says
    status = handoff.json("status", "Acme")
    assert status["go_live_on"] == "2026-03-08" and status["first_value_on"] is None
    assert "ttv-breach" in [f["rule"] for f in status["findings"]]
    assert "sponsor-change" not in [f["rule"] for f in status["findings"]]
    assert status["owners"]["sponsor"] == "Raj Patel" and status["archived_on"] is None
    titles = [m["title"] for m in handoff.json("milestone", "list", "Acme")["milestones"]]
    assert titles == ["Kickoff call", "Go live"]
    undo = [e for e in handoff.json("log")["entries"] if e["undoes"] is not None]
    assert [e["undoes"] for e in undo] == [4]
