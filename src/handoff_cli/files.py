"""Files that handoff writes (`export --output`, `db backup`): whole or not at all.

A file is written under a temporary name in the target's own folder, flushed to disk
(fsync), and only then renamed into place, so a crash, a kill or a full disk never leaves a
half-written file under the final name. An existing file is replaced only with `--force`,
and the store itself (or its -wal/-shm/-journal companions) never, whatever its spelling.
"""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from handoff_cli.errors import BadInput

OS_CAUSES = {
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
    return OS_CAUSES.get(exc.errno) if exc.errno is not None else None


def _same_file(a: Path, b: Path) -> bool:
    if a.resolve() == b.resolve():
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist
        return False


def check_target(
    path: Path, *, force: bool, protect: Sequence[Path] = (), suggest: str = "handoff-export.jsonl"
) -> Path:
    """The file to write, or BadInput (one line) when it must not or cannot be written."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise BadInput(f"{path} is a folder: name a file to write, for example {path / suggest}")
    folder = path.parent
    if not folder.exists():
        raise BadInput(f"folder {folder} does not exist: create it first, or choose another file")
    if not folder.is_dir():
        raise BadInput(f"{folder} is not a folder: choose another file")
    for guarded in protect:
        if _same_file(path, guarded):
            raise BadInput(f"{path} is the store itself: choose another file (not even --force replaces the store)")
    if (path.exists() or path.is_symlink()) and not force:
        raise BadInput(f"{path} exists already: choose a new file name, or add --force to replace it")
    return path


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # a platform without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def written_whole(path: Path, *, force: bool) -> Iterator[Path]:
    """Yields a new temporary file (mode 0600, empty) beside `path` to write completely; once
    the block ends it is synced and renamed to `path`. On any failure it is removed, and
    `path` is as it was. Without `force` an existing `path` is never replaced, even one that
    appeared meanwhile."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(3)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    os.close(fd)
    try:
        yield tmp
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        if force:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # fails if the name is taken: no race replaces a file
            except FileExistsError:
                raise BadInput(f"{path} exists already: choose a new file name, or add --force to replace it") from None
            except OSError:  # a file system without hard links
                if path.exists():
                    raise BadInput(
                        f"{path} exists already: choose a new file name, or add --force to replace it"
                    ) from None
                os.rename(tmp, path)
            else:
                os.unlink(tmp)
        _fsync_folder(path.parent)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _cannot_write(path, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _cannot_write(path: Path, exc: OSError) -> Exception:
    """One line naming the file and the cause (a full disk, a read-only folder, ...)."""
    from handoff_cli.errors import OperationFailed

    cause = os_cause(exc)
    if cause is None:
        return exc
    return OperationFailed(f"cannot write {path}: {cause}; nothing was written")


def store_files(store_path: Path | None) -> list[Path]:
    """The store file and its SQLite companions: never a target of a file handoff writes."""
    if store_path is None:
        return []
    return [store_path, *(store_path.with_name(store_path.name + s) for s in ("-wal", "-shm", "-journal"))]
