"""Every test gets its own store and config under tmp_path: no test touches a real store."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from handoff_cli.cli import app

TODAY = "2026-06-01"


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    db = tmp_path / "handoff.db"
    monkeypatch.setenv("HANDOFF_DB", str(db))
    monkeypatch.setenv("HANDOFF_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("HANDOFF_TODAY", TODAY)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("HANDOFF_TZ", raising=False)
    monkeypatch.delenv("HANDOFF_DEBUG", raising=False)
    return db


@pytest.fixture
def db_path(isolated) -> Path:
    return isolated


class Handoff:
    """Runs the real app through Typer's CliRunner."""

    def __init__(self):
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        return self.runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)

    def ok(self, *args: str, input: str | None = None):
        result = self(*args, input=input)
        assert result.exit_code == 0, f"exit {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
        return result

    def json(self, *args: str):
        return json.loads(self.ok(*args, "--format", "json").stdout)


@pytest.fixture
def handoff() -> Handoff:
    return Handoff()


def dump_store(path: Path) -> list:
    """Every row of every table, for before/after comparisons."""
    if not path.exists():
        return []
    conn = sqlite3.connect(str(path))
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return [(t, conn.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall()) for t in tables]
    finally:
        conn.close()


@pytest.fixture
def dump(db_path):
    return lambda: dump_store(db_path)
