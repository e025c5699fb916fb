"""Fixtures for the reliability tests; the helpers live in reliability_tools.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# test modules here import reliability_tools (pytest runs with --import-mode=importlib)
sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture
def ready_store(db_path):
    """A store at head with one account, `Acme`, made by a child process (so this
    process holds no pooled connection to it)."""
    from reliability_tools import run_handoff

    result = run_handoff(db_path, "account", "add", "Acme", "--signed", "2026-01-05")
    assert result.returncode == 0, result.stderr
    return db_path
