"""The hooks' contract (PRODUCT.md section 9): on-finding* after notify, pre-handover* before a handover."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

from servers import HttpSink


def hook(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(f"#!{sys.executable}\n{body}", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_on_finding_hooks_get_new_and_resolved_findings_and_never_change_the_exit_code(handoff, tmp_path, db_path):
    hooks = tmp_path / "hooks"
    out = tmp_path / "seen.jsonl"
    hook(
        hooks,
        "on-finding-log",
        "import os, sys\n"
        f"open({str(out)!r}, 'a').write(os.environ['HANDOFF_AS_OF'] + ' ' + os.environ['HANDOFF_DB'] + '\\n'"
        " + sys.stdin.read())\n",
    )
    hook(hooks, "on-finding-broken", "import sys\nsys.stderr.write('pager service down\\nmore\\n')\nsys.exit(4)\n")
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-01")
    with HttpSink() as http:
        (tmp_path / "config.toml").write_text(f'[notify]\nurls = ["json://127.0.0.1:{http.port}/h"]\n', "utf-8")
        first = handoff("notify")
        assert first.exit_code == 3  # the report's code, whatever the hooks did
        assert "handoff: hook on-finding-broken exited 4: pager service down\n" in first.stderr
        lines = out.read_text(encoding="utf-8").splitlines()
        assert lines[0] == f"2026-06-01 {db_path}"
        rows = [json.loads(line) for line in lines[1:]]
        assert [(r["rule"], r["change"]) for r in rows] == [
            ("ttv-breach", "new"),
            ("ownerless", "new"),
            ("no-success-plan", "new"),
            ("no-exec-sponsor", "new"),
        ]
        out.unlink()
        handoff.ok("owner", "assign", "Acme", "csm", "Dana")
        assert handoff("notify", "--no-hooks").exit_code == 3
        assert not out.exists()  # --no-hooks: not run
        handoff.ok("owner", "assign", "Acme", "sponsor", "Kim")
        handoff("notify")
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()[1:]]
        assert [(r["rule"], r["change"]) for r in rows] == [("no-exec-sponsor", "resolved")]


def test_an_on_finding_hook_that_hangs_is_stopped(handoff, tmp_path, monkeypatch):
    import handoff_cli.commands.hooks as hooks_module

    monkeypatch.setattr(hooks_module, "TIMEOUT", 1.0)
    hook(tmp_path / "hooks", "on-finding-slow", "import time\ntime.sleep(20)\n")
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-01")
    with HttpSink() as http:
        (tmp_path / "config.toml").write_text(f'[notify]\nurls = ["json://127.0.0.1:{http.port}/h"]\n', "utf-8")
        result = handoff("notify")
    assert result.exit_code == 3
    assert "handoff: hook on-finding-slow did not finish within 1 seconds (stopped)\n" in result.stderr


def test_a_pre_handover_hook_may_refuse_the_handover(handoff, tmp_path, dump):
    seen = tmp_path / "proposed.json"
    hook(
        tmp_path / "hooks",
        "pre-handover-gate",
        "import json, sys\n"
        "doc = json.load(sys.stdin)\n"
        f"open({str(seen)!r}, 'w').write(json.dumps(doc))\n"
        "if not doc['joint_call']:\n"
        "    sys.stderr.write('no joint call: book one first\\nsecond line\\n')\n"
        "    sys.exit(1)\n",
    )
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-01")
    handoff.ok("owner", "assign", "Acme", "implementation", "Ivan", "--on", "2026-01-02")
    before = dump()
    refused = handoff("handover", "Acme", "--to", "Dana", "--promised", "SSO by May")
    assert refused.exit_code == 1
    assert refused.stderr == (
        "handoff: handover refused by hook pre-handover-gate (exited 1: no joint call: book one first):"
        " nothing was written\n"
    )
    assert dump() == before
    assert json.loads(seen.read_text(encoding="utf-8")) == {
        "account": "Acme",
        "handed_on": "2026-06-01",
        "from": "Ivan",
        "to": "Dana",
        "gate_passed": False,
        "joint_call": False,
        "promised": "SSO by May",
        "customised": None,
        "open_issues": None,
    }
    handoff.ok("handover", "Acme", "--to", "Dana", "--no-hooks")  # --no-hooks skips them
    assert handoff.json("status", "Acme")["owners"]["csm"] == "Dana"


def test_a_pre_handover_hook_that_agrees_lets_it_through(handoff, tmp_path):
    hook(tmp_path / "hooks", "pre-handover-ok", "import sys\nsys.stdin.read()\n")
    hook(tmp_path / "hooks", "on-finding-x", "import sys\nsys.exit(1)\n")  # not a pre-handover hook
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-01")
    result = handoff("handover", "Acme", "--to", "Dana", "--joint-call")
    assert result.exit_code == 0, result.stderr
