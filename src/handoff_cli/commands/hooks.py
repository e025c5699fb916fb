"""Hooks (PRODUCT.md section 9): executables in the `hooks/` folder beside the config file.

* ``on-finding*``: run by `handoff notify` after a run is recorded, with the new and
  resolved findings as JSON lines on stdin, HANDOFF_DB and HANDOFF_AS_OF in the
  environment. A failure (exit != 0, a timeout, not runnable) is one line on stderr
  and never changes the exit code.
* ``pre-handover*``: run by `handoff handover` with the proposed handover as one JSON
  document on stdin; an exit != 0 refuses it (nothing written, exit 1, the hook's first
  stderr line shown).

Hooks run one after the other, in name order, each with a 30-second limit; the hook's
working directory is the hooks folder. `--no-hooks` skips them.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Optional

from handoff_cli.errors import OperationFailed

TIMEOUT = 30.0


def hooks_dir(config_file: Path) -> Path:
    return config_file.parent / "hooks"


def find_hooks(folder: Path, prefix: str) -> list[Path]:
    """The executables of the folder whose name starts with prefix, in name order (backups such as
    `on-finding.bak` run too if executable: keep disabled ones non-executable)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.name.startswith(prefix) and p.is_file() and os.access(p, os.X_OK))


def _run(hook: Path, stdin: str, env: Mapping[str, str], timeout: float) -> Optional[str]:
    """Run one hook; None when it exited 0, else why not (its first stderr line where it gave one)."""
    try:
        done = subprocess.run(
            [str(hook)],
            input=stdin,
            capture_output=True,
            text=True,
            env={**os.environ, **env},
            cwd=str(hook.parent),
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"did not finish within {timeout:g} seconds (stopped)"
    except OSError as exc:
        return f"could not be run ({exc.strerror or type(exc).__name__})"
    if done.returncode == 0:
        return None
    first = next((line.strip() for line in (done.stderr or "").splitlines() if line.strip()), "")
    return f"exited {done.returncode}" + (f": {first}" if first else "")


def run_on_finding(
    folder: Path, findings: Sequence[Mapping[str, Any]], *, db: str, as_of: str, timeout: Optional[float] = None
) -> list[str]:
    """Give every on-finding hook the findings as JSON lines; the lines to report for those that failed."""
    hooks = find_hooks(folder, "on-finding")
    if not hooks or not findings:
        return []
    lines = "".join(
        json.dumps(f, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str) + "\n" for f in findings
    )
    env = {"HANDOFF_DB": db, "HANDOFF_AS_OF": as_of}
    problems = []
    for hook in hooks:
        why = _run(hook, lines, env, TIMEOUT if timeout is None else timeout)
        if why is not None:
            problems.append(f"hook {hook.name} {why}")
    return problems


def check_pre_handover(
    folder: Path, proposed: Mapping[str, Any], *, db: str, as_of: str, timeout: Optional[float] = None
) -> None:
    """Run every pre-handover hook on the proposed handover; the first that refuses raises OperationFailed."""
    doc = json.dumps(proposed, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str) + "\n"
    env = {"HANDOFF_DB": db, "HANDOFF_AS_OF": as_of}
    for hook in find_hooks(folder, "pre-handover"):
        why = _run(hook, doc, env, TIMEOUT if timeout is None else timeout)
        if why is not None:
            raise OperationFailed(f"handover refused by hook {hook.name} ({why}): nothing was written")
