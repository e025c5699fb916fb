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


def test_delivery_libraries_load_only_for_notify(tmp_path):
    """Apprise and jinja2 are `notify`'s alone: --help, status and report breaches never import them."""
    import os

    env = {**os.environ, "HANDOFF_DB": str(tmp_path / "h.db"), "HANDOFF_CONFIG": str(tmp_path / "c.toml")}
    env["HANDOFF_TODAY"] = "2026-06-01"
    subprocess.run([sys.executable, "-m", "handoff_cli", "init", "--demo"], env=env, capture_output=True, check=True)
    for args in (["--help"], ["status"], ["status", "cobalt"], ["report", "breaches"], ["notify", "--help"]):
        code = (
            "import sys\n"
            "from handoff_cli.cli import app\n"
            f"try:\n    app({args!r}, prog_name='handoff')\nexcept SystemExit:\n    pass\n"
            "print('LOADED:' + ','.join(m for m in ('apprise', 'jinja2') if m in sys.modules))"
        )
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
        assert out.rstrip().endswith("LOADED:"), (args, out[-200:])
