"""A bulk load stopped from outside: Ctrl-C (SIGINT to the terminal's process group) and
``kill -9`` of the command.

Ctrl-C ends the command in one line with exit 130 and the run recorded as failed, and no
process of the command's is left: its temporary Prefect server runs in a session of its own
(Prefect's own took the Ctrl-C too, and the command then retried its last report to it for
minutes, printing tracebacks), and the planning processes leave Ctrl-C to the writer. Killed
outright, the command takes its server, its planning processes and their fork server with it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.generate import synthetic_studies, write
from tests.conftest import ROOT
from tests.processes import running
from warehouse.database import connect

STUDIES = 1_000
BATCH = 4
"""Small batches, so the load is still running when the signal comes."""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bulk") / "registry"
    write(synthetic_studies(STUDIES), root, as_dir=True)
    return root


def _family(root: int) -> dict[int, str]:
    """Every live process descended from ``root``, with its command line."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                if fields[0] != "Z":
                    parents[int(entry)] = int(fields[1])
    family, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in family} - family
        family |= more
        grew = bool(more)
    lines: dict[int, str] = {}
    for pid in family - {root}:
        with contextlib.suppress(OSError), open(f"/proc/{pid}/cmdline") as cmdline:
            lines[pid] = cmdline.read().replace("\0", " ")
    return lines


def _environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CTGOV_", "PREFECT_"))}
    return {
        **env,
        "PREFECT_HOME": str(home),
        "PYTHONPATH": str(ROOT),
        "CTGOV_TASK_RUNNER": "processes",
        "CTGOV_WORKERS": "2",
        "CTGOV_BULK_BATCH_SIZE": str(BATCH),
    }


def _loading(folder: Path, db: Path, home: Path) -> tuple[subprocess.Popen[str], dict[int, str]]:
    """``ctgov load-bulk`` started as a terminal starts it (its own process group, Ctrl-C not
    ignored), once its planning processes run: the flow has begun."""
    command = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "load-bulk", str(folder), "--db", str(db)],
        cwd=ROOT,
        env=_environment(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and command.poll() is None:
        family = _family(command.pid)
        if sum("multiprocessing.forkserver" in line for line in family.values()) >= 3:
            return command, family
        time.sleep(0.05)
    command.kill()
    _, err = command.communicate()
    pytest.fail(f"the load's planning processes never started: {err[-2000:]}")


def _writing(db: Path, command: subprocess.Popen[str]) -> None:
    """Wait until the run has written some batches (its write-ahead log grows)."""
    wal = db.with_name(db.name + ".wal")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and command.poll() is None:
        if wal.exists() and wal.stat().st_size > 256 << 10:
            return
        time.sleep(0.02)
    pytest.fail("the load wrote nothing, or ended, before the signal")


def _gone(family: dict[int, str], within_s: float = 30.0) -> list[str]:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline and any(running(pid) for pid in family):
        time.sleep(0.1)
    left = [line for pid, line in family.items() if running(pid)]
    for pid in family:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return left


def test_ctrl_c_stops_a_bulk_load_in_one_line(folder: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    command, family = _loading(folder, db, tmp_path / "prefect")
    _writing(db, command)
    os.killpg(command.pid, signal.SIGINT)
    try:
        out, err = command.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        command.kill()
        _gone(family)
        pytest.fail("still running 90 s after Ctrl-C")
    assert command.returncode == 130, err[-2000:]
    assert err.strip().splitlines()[-1] == "interrupted"
    assert "Traceback" not in err + out
    assert _gone(family) == []
    with connect(db, read_only=True) as con:
        runs = con.execute("SELECT status, error FROM runs").fetchall()
        written = con.execute("SELECT count(*) FROM study_versions").fetchone()
    assert runs == [("failed", "KeyboardInterrupt")]
    assert written is not None and written[0] < STUDIES


def test_a_killed_load_leaves_no_process_behind_and_the_next_one_finishes(
    folder: Path, tmp_path: Path
) -> None:
    """The next load on the same Prefect home is not held up by what the killed one held (a
    concurrency slot its temporary server never took back), and resumes it."""
    db, home = tmp_path / "w.duckdb", tmp_path / "prefect"
    command, family = _loading(folder, db, home)
    _writing(db, command)
    command.kill()
    command.wait(timeout=30)
    assert _gone(family) == [], family
    again = subprocess.run(
        [sys.executable, "-m", "flows.cli", "load-bulk", str(folder), "--db", str(db)],
        cwd=ROOT,
        env=_environment(home),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert again.returncode == 0, again.stderr[-2000:]
    with connect(db, read_only=True) as con:
        statuses = con.execute("SELECT status FROM runs ORDER BY started_at").fetchall()
        written = con.execute("SELECT count(*) FROM study_versions").fetchone()
    assert statuses == [("failed",), ("succeeded",)]
    assert written == (STUDIES,)
