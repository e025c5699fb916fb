"""Shell completion of account names, roles, kinds, causes, motions and sides: the real
script, run the way bash runs it, on the light read path, never creating a store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "pendulum", "pydantic")
SCRIPT = Path(sys.executable).parent / "handoff"

pytestmark = pytest.mark.sqlite_only


def complete(line: str, db) -> list[str]:
    words = line.split()
    cword = len(words) if line.endswith(" ") else len(words) - 1
    env = {**os.environ, "HANDOFF_DB": str(db), "_HANDOFF_COMPLETE": "complete_bash", "COMP_WORDS": line}
    env["COMP_CWORD"] = str(cword)
    out = subprocess.run([str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return [w for w in out.stdout.splitlines() if w]


@pytest.fixture
def store(handoff, db_path):
    handoff.ok("account", "add", "Cobalt Freight", "--signed", "2026-01-05", "--external-id", "HS-11408")
    handoff.ok("account", "add", "Copper Mills", "--signed", "2026-01-05")
    handoff.ok("account", "add", "Fresh Co", "--signed", "2026-01-05")
    handoff.ok("milestone", "add", "Copper Mills", "SSO", "--due", "2026-07-01")
    return db_path


def test_account_names_complete_by_the_lookup_rule(store):
    assert complete("handoff status co", store) == ["Cobalt Freight", "Copper Mills", "Fresh Co"]
    assert complete("handoff status cop", store) == ["Copper Mills"]
    assert complete("handoff account show hs-", store) == ["Cobalt Freight"]


def test_roles_kinds_causes_motions_sides_and_titles_complete(store):
    assert complete("handoff owner assign copper ", store) == ["implementation", "csm", "sponsor", "champion"]
    assert complete("handoff event log copper f", store) == ["first-value"]
    assert complete("handoff milestone add copper X --kind go", store) == ["go-live"]
    assert complete("handoff milestone slip copper SSO --cause ", store) == ["customer", "internal", "scope"]
    assert complete("handoff account add X --motion s", store) == ["self-serve"]
    assert complete("handoff milestone add copper X --side ", store) == ["vendor", "customer"]
    assert complete("handoff milestone done copper ", store) == ["SSO"]


def test_completion_never_creates_a_store(tmp_path):
    missing = tmp_path / "nothing-here.db"
    assert complete("handoff status co", missing) == []
    assert not missing.exists()


def test_completion_loads_no_heavy_module(store):
    code = (
        "import sys\n"
        "from handoff_cli.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print('LOADED:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    env = {**os.environ, "HANDOFF_DB": str(store), "_HANDOFF_COMPLETE": "complete_bash"}
    env.update(COMP_WORDS="handoff status co", COMP_CWORD="2")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60).stdout
    assert out.splitlines()[-1] == "LOADED:"
    assert "Cobalt Freight" in out
