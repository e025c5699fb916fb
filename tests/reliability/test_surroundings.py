"""Hostile surroundings, run through the installed `handoff` script as cron runs it: a full
disk (a small RLIMIT_FSIZE, i.e. `ulimit -f`), a read-only folder or file, a closed pipe, a
closed stdout, a `db backup` killed by SIGKILL, and the files handoff writes (export,
backup: whole or not at all, never over a file without --force, never over the store).
Each failure is one line naming the cause (never "damaged", never "not a handoff store"),
with no SQL and no customer data, and changes nothing."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from reliability_tools import rows

pytestmark = pytest.mark.sqlite_only

SCRIPT = Path(sys.executable).with_name("handoff")
SECRET = "Zebulon Confidential Holdings"  # customer data that must never reach a message


def env_for(db: Path, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path / "home"),
        "HANDOFF_DB": str(db),
        "HANDOFF_CONFIG": str(tmp_path / "config.toml"),
        "HANDOFF_TODAY": "2026-06-01",
    }
    env.update(extra)
    return env


def run(db: Path, tmp_path: Path, *args, fsize: int | None = None, plain_user: bool = False, **kw):
    """The installed script. `fsize`: the most bytes any file may grow to (ulimit -f).
    `plain_user`: without root's power to write anywhere (file permissions apply)."""

    def limit() -> None:
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    cmd = [str(SCRIPT), *map(str, args)]
    if plain_user and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        assert setpriv, "as root this test needs setpriv (util-linux) to drop the power to write anywhere"
        cmd = [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner", *cmd]
    options = {"capture_output": True, "text": True, "timeout": 120, "stdin": subprocess.DEVNULL, **kw}
    return subprocess.run(cmd, env=env_for(db, tmp_path), preexec_fn=limit, **options)


def clean_line(proc: subprocess.CompletedProcess, code: int) -> str:
    """Exactly one stderr line, the exit code, no traceback, no SQL, no customer data."""
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    line = lines[0]
    assert line.startswith("handoff: ")
    for forbidden in ("Traceback", "internal error", "damaged", "not a handoff store", "INSERT", "SELECT", "[SQL"):
        assert forbidden not in line, line
    assert SECRET not in line and "secret note" not in line
    return line


@pytest.fixture
def store(tmp_path) -> Path:
    """A store with one account and a few events, made by the installed script."""
    db = tmp_path / "data" / "handoff.db"
    for args in (("init",), ("account", "add", SECRET, "--signed", "2026-01-05")):
        proc = run(db, tmp_path, *args)
        assert proc.returncode == 0, proc.stderr
    return db


def events_csv(tmp_path: Path, n: int) -> Path:
    f = tmp_path / "events.csv"
    body = "".join(f"{SECRET},note,2026-05-01,,secret note {i} {'x' * 200}\n" for i in range(n))
    f.write_text("account,kind,on,value,note\n" + body)
    return f


def folder_state(folder: Path) -> list[tuple[str, int]]:
    return sorted((p.name, p.stat().st_size) for p in folder.iterdir() if not p.name.endswith(("-wal", "-shm")))


# -- a full disk (RLIMIT_FSIZE) ------------------------------------------------------------


@pytest.fixture
def near_limit(store) -> int:
    """A file size limit a little above the store's size: the next big write cannot fit."""
    return store.stat().st_size + 64 * 1024


def test_a_write_on_a_full_disk_is_one_line_and_changes_nothing(store, tmp_path, near_limit):
    before = rows(store)
    proc = run(store, tmp_path, "import", "events", events_csv(tmp_path, 5000), fsize=near_limit)
    line = clean_line(proc, 1)
    assert line == (
        f"handoff: store {store}: a disk I/O error (a full disk, a file size limit, or a failing disk): check the disk"
    )
    assert rows(store) == before
    assert run(store, tmp_path, "db", "check").returncode == 0


def test_many_small_writes_on_a_full_disk(store, tmp_path):
    # a limit below one page of the write-ahead log: not even one small write fits
    before = rows(store)
    proc = run(store, tmp_path, "event", "log", SECRET, "note", "--note", "secret note", fsize=2048)
    line = clean_line(proc, 1)
    assert line == (
        f"handoff: store {store}: a disk I/O error (a full disk, a file size limit, or a failing disk): check the disk"
    )
    assert rows(store) == before


def test_export_on_a_full_disk_leaves_no_file(store, tmp_path):
    run(store, tmp_path, "import", "events", events_csv(tmp_path, 2000))
    out = tmp_path / "out" / "export.jsonl"
    out.parent.mkdir()
    proc = run(store, tmp_path, "export", "--output", out, fsize=50_000)
    line = clean_line(proc, 1)
    assert line == (
        f"handoff: cannot write {out}: the file size limit was reached (ulimit -f?): raise it or free some space;"
        " nothing was written"
    )
    assert list(out.parent.iterdir()) == []


def test_backup_on_a_full_disk_leaves_no_file(store, tmp_path):
    run(store, tmp_path, "import", "events", events_csv(tmp_path, 2000))
    out = tmp_path / "out" / "copy.db"
    out.parent.mkdir()
    proc = run(store, tmp_path, "db", "backup", out, fsize=store.stat().st_size // 2)
    line = clean_line(proc, 1)
    assert line == (
        f"handoff: backup {out}: a disk I/O error (a full disk, a file size limit, or a failing disk): check the disk;"
        " nothing was written"
    )
    assert list(out.parent.iterdir()) == []


def test_a_report_to_a_full_stdout_is_one_line(store, tmp_path):
    with open("/dev/full", "w") as full:
        proc = run(store, tmp_path, "report", "breaches", stdout=full, capture_output=False, stderr=subprocess.PIPE)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "handoff: cannot write the output: the disk is full: free some space and run it again"
    ]


# -- read-only folder and file --------------------------------------------------------------


@pytest.fixture
def read_only_folder(store):
    folder = store.parent
    os.chmod(folder, 0o555)
    yield folder
    os.chmod(folder, 0o755)


def test_a_write_in_a_read_only_folder_is_one_line(store, tmp_path, read_only_folder):
    before, files = rows(store), folder_state(read_only_folder)
    proc = run(store, tmp_path, "account", "add", "Beta", "--signed", "2026-01-05", plain_user=True)
    line = clean_line(proc, 1)
    assert line == (
        f"handoff: store {store}: the store is read-only here: check the permissions of the file and of its folder"
    )
    assert rows(store) == before and folder_state(read_only_folder) == files


def test_reads_work_in_a_read_only_folder(store, tmp_path, read_only_folder):
    files = folder_state(read_only_folder)
    proc = run(store, tmp_path, "account", "list", "--format", "json", plain_user=True)
    assert proc.returncode == 0, proc.stderr
    assert SECRET in proc.stdout
    for args in (("report", "breaches"), ("db", "check"), ("db", "backup", tmp_path / "copy.db")):
        proc = run(store, tmp_path, *args, plain_user=True)
        assert proc.returncode == 0, (args, proc.stderr)
    assert folder_state(read_only_folder) == files


def test_a_new_store_in_a_read_only_folder_is_one_line(store, tmp_path, read_only_folder):
    new = read_only_folder / "other.db"
    proc = run(new, tmp_path, "account", "add", "Beta", "--signed", "2026-01-05", plain_user=True)
    line = clean_line(proc, 1)
    assert line == f"handoff: cannot use {new}: permission denied: check the permissions of the file and of its folder"
    assert not new.exists()


def test_export_and_backup_into_a_read_only_folder(store, tmp_path, read_only_folder):
    files = folder_state(read_only_folder)
    for args, target in (
        (("export", "--output"), read_only_folder / "export.jsonl"),
        (("db", "backup"), read_only_folder / "copy.db"),
    ):
        line = clean_line(run(store, tmp_path, *args, target, plain_user=True), 1)
        assert line == (
            f"handoff: cannot write {target}: permission denied: check the permissions of the file and of its folder;"
            " nothing was written"
        )
    assert folder_state(read_only_folder) == files


def test_a_write_to_a_read_only_store_file(store, tmp_path):
    os.chmod(store, 0o444)
    before = rows(store)
    proc = run(store, tmp_path, "account", "add", "Beta", "--signed", "2026-01-05", plain_user=True)
    line = clean_line(proc, 1)
    assert line.endswith("the store is read-only here: check the permissions of the file and of its folder")
    assert rows(store) == before


# -- files written whole or not at all ------------------------------------------------------


def test_backup_killed_midway_leaves_no_file_under_the_final_name(store, tmp_path):
    # a store of some 30 MB, so the copy takes a while
    conn = sqlite3.connect(store)
    conn.execute("CREATE TABLE IF NOT EXISTS zz_ballast (body BLOB)")
    conn.executemany("INSERT INTO zz_ballast VALUES (?)", [(os.urandom(4096),) for _ in range(7500)])
    conn.commit()
    conn.close()
    target = tmp_path / "backups" / "copy.db"
    target.parent.mkdir()
    killed_midway = 0
    for _attempt in range(5):
        proc = subprocess.Popen(
            [str(SCRIPT), "db", "backup", str(target)],
            env=env_for(store, tmp_path),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        # wait until the copy is under way: its temporary file exists and holds pages
        while time.monotonic() < deadline and proc.poll() is None:
            temps = [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]
            if temps and temps[0].stat().st_size > 0:
                break
            time.sleep(0.002)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        if proc.returncode == -signal.SIGKILL:
            killed_midway += 1
            assert not target.exists(), "a killed backup left a file under the final name"
        else:  # it finished before the kill: a complete, valid copy
            assert target.exists()
            target.unlink()
        for leftover in target.parent.iterdir():
            leftover.unlink()
    assert killed_midway >= 1


def test_export_never_replaces_a_file_without_force(store, tmp_path):
    out = tmp_path / "export.jsonl"
    out.write_text("keep me\n")
    line = clean_line(run(store, tmp_path, "export", "--output", out), 2)
    assert line == f"handoff: {out} exists already: choose a new file name, or add --force to replace it"
    assert out.read_text() == "keep me\n"
    proc = run(store, tmp_path, "export", "--output", out, "--force")
    assert proc.returncode == 0, proc.stderr
    assert out.read_text().startswith('{"format":"handoff-export"')
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_backup_never_replaces_a_file_without_force(store, tmp_path):
    out = tmp_path / "copy.db"
    out.write_text("keep me\n")
    line = clean_line(run(store, tmp_path, "db", "backup", out), 2)
    assert line == f"handoff: {out} exists already: choose a new file name, or add --force to replace it"
    assert out.read_text() == "keep me\n"
    assert run(store, tmp_path, "db", "backup", out, "--force").returncode == 0
    assert rows(out) == rows(store)
    assert run(out, tmp_path, "db", "check").returncode == 0


@pytest.mark.parametrize("force", [[], ["--force"]], ids=["plain", "force"])
@pytest.mark.parametrize("command", [["export", "--output"], ["db", "backup"]], ids=["export", "backup"])
def test_never_over_the_store_itself(store, tmp_path, command, force):
    (tmp_path / "link.db").symlink_to(store)
    os.link(store, tmp_path / "hardlink.db")
    before = store.read_bytes()
    spellings = [
        store,
        store.parent / ".." / store.parent.name / store.name,
        tmp_path / "link.db",
        tmp_path / "hardlink.db",
        Path(str(store) + "-wal"),
    ]
    for target in spellings:
        line = clean_line(run(store, tmp_path, *command, target, *force), 2)
        assert line == (
            f"handoff: {target} is the store itself: choose another file (not even --force replaces the store)"
        )
    assert store.read_bytes() == before
    assert rows(store)["account"][0][1] == SECRET


@pytest.mark.parametrize("command", [["export", "--output"], ["db", "backup"]], ids=["export", "backup"])
def test_a_folder_or_a_missing_folder_as_the_target(store, tmp_path, command):
    line = clean_line(run(store, tmp_path, *command, tmp_path), 2)
    assert line.startswith(f"handoff: {tmp_path} is a folder: name a file to write, for example {tmp_path}/")
    missing = tmp_path / "nope" / "file"
    line = clean_line(run(store, tmp_path, *command, missing), 2)
    assert line == f"handoff: folder {missing.parent} does not exist: create it first, or choose another file"
    assert not missing.parent.exists()


# -- pipes and closed streams ----------------------------------------------------------------


def test_export_into_a_closed_pipe_is_quiet(store, tmp_path):
    run(store, tmp_path, "import", "events", events_csv(tmp_path, 3000))
    export = subprocess.Popen(
        [str(SCRIPT), "export"], env=env_for(store, tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    head = export.stdout.readline()  # `handoff export | head -1`
    export.stdout.close()
    err = export.stderr.read()
    export.wait(timeout=60)
    assert head.startswith(b'{"format":"handoff-export"')
    assert err == b""
    assert export.returncode == 141  # 128 + SIGPIPE, as for any Unix tool that a closed pipe stops


def test_a_shell_pipe_to_head(store, tmp_path):
    run(store, tmp_path, "import", "events", events_csv(tmp_path, 3000))
    proc = subprocess.run(
        ["bash", "-c", f"set -o pipefail; '{SCRIPT}' export | head -1 >/dev/null; echo \"status=$?\" >&2"],
        env=env_for(store, tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.stderr == "status=141\n"


def test_a_closed_stdout_is_one_line(store, tmp_path):
    proc = subprocess.run(
        ["bash", "-c", f"'{SCRIPT}' account list >&-"],
        env=env_for(store, tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert proc.stderr == "handoff: stdout is closed, so nothing could be printed: run it with stdout open\n"
