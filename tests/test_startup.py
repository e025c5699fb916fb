"""`handoff --help` and completion must stay light: no database or date library at import."""

import subprocess
import sys

HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "pendulum", "pydantic")


def test_importing_the_cli_loads_no_heavy_module():
    code = f"import sys, handoff_cli.cli; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_help_runs_without_heavy_modules():
    code = (
        "import sys\n"
        "from handoff_cli.cli import app\n"
        "try:\n    app(['--help'], prog_name='handoff')\nexcept SystemExit:\n    pass\n"
        f"print('LOADED:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "LOADED:\n" in out or out.rstrip().endswith("LOADED:")
