"""Failures of the surroundings (a full disk, a read-only folder, a server that does not
answer, a reader that went away) as one line each, for the CLI edge. No line carries SQL or
data: only the cause, the file or store it concerns, and what to do."""

from __future__ import annotations

import os
import sys
from typing import Any

from handoff_cli.errors import HandoffError, StoreError
from handoff_cli.files import OS_CAUSES, os_cause

# Exit code of a command whose reader closed the pipe early (`handoff export | head -1`):
# 128 + SIGPIPE, what a shell reports for any Unix tool stopped by a closed pipe.
BROKEN_PIPE_EXIT = 141


def expected_failure(exc: BaseException, store_display: str) -> HandoffError | None:
    """The one-line failure for an exception of the surroundings, or None for a bug
    (``store_display``: the store the command used, as messages name it)."""
    from handoff_cli.store import sqlite_failure

    if isinstance(exc, OSError) and exc.errno in OS_CAUSES:
        cause = OS_CAUSES[exc.errno]
        if exc.filename is not None:
            return StoreError(f"cannot use {exc.filename}: {cause}")
        # no file name: a write to stdout; what is still buffered goes nowhere, so the exit is quiet
        _to_devnull()
        return StoreError(f"cannot write the output: {cause}")
    known = sqlite_failure(exc, store_display)
    if known is not None:
        return known
    return None


def unexpected_line(exc: BaseException) -> str:
    """A bug's one line: its type and the first line of its message (never a SQL statement or
    its parameters, which SQLAlchemy appends on later lines)."""
    orig = getattr(exc, "orig", None)
    text = str(orig if isinstance(orig, BaseException) else exc).strip()
    first = text.splitlines()[0].split("[SQL:")[0].strip() if text else ""
    name = type(orig if isinstance(orig, BaseException) else exc).__name__
    return f"internal error: {name}: {first} (rerun with --debug for the traceback)"


def quiet_broken_pipe(ctx: Any) -> None:
    """The reader of stdout went away: stop quietly, no traceback, exit 141 (documented in
    docs/data-safety.md). Later writes and the interpreter's final flush go to /dev/null."""
    _to_devnull()
    if ctx is not None:
        ctx.exit(BROKEN_PIPE_EXIT)
    sys.exit(BROKEN_PIPE_EXIT)


def flush_stdout(code: int) -> int:
    """Flush what is still buffered for stdout before exiting, so a full disk or a closed pipe
    at the very end is one line (or quiet) with its exit code, not a warning at shutdown."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        quiet_broken_pipe(None)
    except OSError as exc:
        _to_devnull()
        cause = os_cause(exc) or (exc.strerror or type(exc).__name__)
        print(f"handoff: cannot write the output: {cause}", file=sys.stderr)
        return 1
    return code


def _to_devnull() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout is not a real file (a test runner's buffer)
        pass
