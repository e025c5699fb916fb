"""Failures of the surroundings (a full disk, a read-only folder, a server that does not
answer, a reader that went away) as one line each, for the CLI edge. No line carries SQL or
data: only the cause, the file or store it concerns, and what to do."""

from __future__ import annotations

import errno
import os
import sys
from typing import Any

from handoff_cli.errors import HandoffError, StoreError

# Exit code of a command whose reader closed the pipe early (`handoff export | head -1`):
# 128 + SIGPIPE, what a shell reports for any Unix tool stopped by a closed pipe.
BROKEN_PIPE_EXIT = 141

_OS_CAUSES = {
    errno.ENOSPC: "the disk is full: free some space and run it again",
    errno.EDQUOT: "the disk quota is used up: free some space and run it again",
    errno.EFBIG: "the file size limit was reached (ulimit -f?): raise it or free some space",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied: check the permissions of the file and of its folder",
    errno.EPERM: "permission denied: check the permissions of the file and of its folder",
    errno.ENOENT: "no such file or folder",
    errno.EEXIST: "a part of the path exists and is not a folder",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "it is a folder, not a file",
    errno.EIO: "a disk I/O error: check the disk",
    errno.ENAMETOOLONG: "the file name is too long",
    errno.ELOOP: "too many symbolic links in the path",
}


def os_cause(exc: OSError) -> str | None:
    """What an OSError means for the user, or None when it is not one of the surroundings'."""
    return _OS_CAUSES.get(exc.errno) if exc.errno is not None else None


def _store_display(ctx: Any) -> str:
    from handoff_cli.cli.common import AppState

    state = ctx.find_object(AppState) if ctx is not None else None
    store = getattr(state, "_store", None)
    return store.display() if store is not None else "the store"


def expected_failure(exc: BaseException, ctx: Any) -> HandoffError | None:
    """The one-line failure for an exception of the surroundings, or None for a bug."""
    from handoff_cli.store import sqlite_failure

    if isinstance(exc, OSError) and exc.errno in _OS_CAUSES:
        cause = _OS_CAUSES[exc.errno]
        if exc.filename is not None:
            return StoreError(f"cannot use {exc.filename}: {cause}")
        # no file name: a write to stdout; what is still buffered goes nowhere, so the exit is quiet
        _to_devnull()
        return StoreError(f"cannot write the output: {cause}")
    known = sqlite_failure(exc, _store_display(ctx))
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
