"""The docs stay true (in the style of sqlite-utils' tests/test_docs.py):

* every command has help with an example (tests/test_help.py) and is named in the README;
* every command example in README.md and docs/*.md runs as written on the demo store
  and exits as documented.

What counts as an example: a line of a fenced ```sh (or ```bash) block that starts with
`handoff` (or `.venv/bin/handoff`); a trailing backslash continues it. A `# ... exit N`
comment on it documents a non-zero exit code. Other lines of such blocks (`export`,
`pip`, `make`) are the reader's shell, not handoff's. A block that cannot run here says
so in an HTML comment just above it, `<!-- not run: REASON -->` (team mode needs a
PostgreSQL server); synopses with placeholders are ```text blocks. Each file's examples
run in order, each file on its own copy of the demo store, in a folder holding a copy
of examples/, as of the date the README's tour is told at."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
import typer.main

from handoff_cli.cli import app, helptext

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
TOLD_AT = "2026-12-01"

pytestmark = pytest.mark.sqlite_only

_FENCE = re.compile(r"^```(\w*)\s*$")
_EXIT = re.compile(r"#.*\bexits? (\d+)\b")


def examples(path: Path) -> list[tuple[int, str, int]]:
    """(line number, command as written, expected exit code) for every example in a file."""
    out: list[tuple[int, str, int]] = []
    lang = None
    skip = False
    previous = ""
    pending: tuple[int, str] | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        fence = _FENCE.match(line)
        if fence:
            if lang is None:
                lang = fence.group(1)
                skip = previous.strip().startswith("<!-- not run")
            else:
                lang = None
            continue
        if lang is None:
            if line.strip():
                previous = line
            continue
        if skip or lang not in ("sh", "bash"):
            continue
        if pending is not None:
            start, text = pending
            text += " " + line.strip()
        elif re.match(r"^\s*(\.venv/bin/)?handoff\s", line):
            start, text = number, line.strip()
        else:
            continue
        if text.endswith("\\"):
            pending = (start, text[:-1].rstrip())
            continue
        pending = None
        m = _EXIT.search(text)
        out.append((start, text, int(m.group(1)) if m else 0))
    return out


def argv(command: str) -> list[str]:
    words = shlex.split(command, comments=True)
    assert words[0].endswith("handoff"), command
    return words[1:]


def test_the_docs_have_examples():
    assert len(examples(ROOT / "README.md")) >= 15
    assert all(examples(p) for p in DOCS if p.name in ("README.md", "import.md", "cron.md"))


def test_every_command_is_named_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    missing = []
    for path, _cmd in helptext.walk(group):
        if len(path) == 1:
            found = re.search(rf"`handoff {re.escape(path[0])}\b", readme)
        else:
            lines = [ln for ln in readme.splitlines() if f"handoff {path[0]}" in ln]
            found = any(re.search(rf"(?<![\w-]){re.escape(path[1])}(?![\w-])", ln) for ln in lines)
        if not found:
            missing.append(" ".join(path))
    assert missing == []


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    import os

    from typer.testing import CliRunner

    folder = tmp_path_factory.mktemp("demo")
    env = {"HANDOFF_DB": str(folder / "handoff.db"), "HANDOFF_TODAY": TOLD_AT, "HANDOFF_CONFIG": str(folder / "c.toml")}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        result = CliRunner().invoke(app, ["init", "--demo"])
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    assert result.exit_code == 0, result.output
    return folder / "handoff.db"


def copy_store(src: Path, dst: Path) -> None:
    """A consistent copy of a live SQLite store (its WAL included)."""
    import sqlite3

    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    a.close()
    b.close()


def run_examples(items, demo_store, tmp_path, monkeypatch, handoff):
    work = tmp_path / "work"
    work.mkdir()
    shutil.copytree(ROOT / "examples", work / "examples")
    copy_store(demo_store, work / "demo.db")
    (work / "commands.txt").write_text("status cobalt\n", encoding="utf-8")
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(work))
    monkeypatch.setenv("HANDOFF_DB", str(work / "demo.db"))
    monkeypatch.setenv("HANDOFF_TODAY", TOLD_AT)
    failures = []
    for where, command, expected in items:
        result = handoff(*argv(command))
        if result.exit_code != expected:
            failures.append(f"{where}: {command}\n  exit {result.exit_code}, expected {expected}: {result.stderr}")
    assert failures == []


@pytest.mark.parametrize("doc", DOCS, ids=[p.name for p in DOCS])
def test_every_example_in_the_docs_runs_as_written(doc, demo_store, tmp_path, monkeypatch, handoff):
    items = [(f"{doc.name}:{n}", text, code) for n, text, code in examples(doc)]
    run_examples(items, demo_store, tmp_path, monkeypatch, handoff)


def test_every_help_example_runs_on_the_demo_store(demo_store, tmp_path, monkeypatch, handoff):
    """Each --help example on its own copy of the demo store (they are independent)."""
    for path, example in sorted(helptext.EXAMPLES.items()):
        sub = tmp_path / path.replace(" ", "-")
        sub.mkdir()
        with monkeypatch.context() as m:
            items = [(f"help of {path}", example, 0)]
            if path == "restore":  # restores the export that the export example writes
                items.insert(0, ("export first", "handoff export --output backup.jsonl", 0))
            if path == "ack end":  # ends the acknowledgement that the ack example records
                items.insert(0, ("ack first", helptext.EXAMPLES["ack add"], 0))
            run_examples(items, demo_store, sub, m, handoff)


def test_the_readme_shows_the_brief_its_tour_ends_with(demo_store, tmp_path, monkeypatch, handoff):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split("The brief it ends with:\n\n```text\n", 1)[1].split("```", 1)[0]
    tour = [(f"README.md:{n}", text, code) for n, text, code in examples(ROOT / "README.md")]
    last = next(i for i, (_w, text, _c) in enumerate(tour) if text.startswith("handoff status acme"))
    run_examples(tour[:last], demo_store, tmp_path, monkeypatch, handoff)
    result = handoff(*argv(tour[last][1]))
    assert result.exit_code == 0
    assert result.stdout == shown
