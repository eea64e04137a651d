"""Every plan runner gives the warehouse a serial run gives, row for row: threads, processes
and a local Dask cluster of two worker processes, for a bulk load and for an ingest by IDs
that backfills history (the batches the planner sees differ: history comes in per study)."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.generate import synthetic_studies, write
from flows import pipeline
from flows.dask_runner import DaskRunner
from flows.runners import ProcessRunner, ThreadRunner, planning, runner_for
from flows.settings import Settings
from imitation import ImitationServer
from models.errors import InputError
from registry import RegistryClient
from registry.bulk import BulkSource
from registry.sources import IdsSource
from tests import killable
from tests.processes import running
from warehouse.database import connect
from warehouse.normalize import PARSE_PIECE_ROWS

PER_RUN_TABLES = {"runs", "run_progress", "observations", "source_cursors"}
"""Tables whose rows say when and by which run, not what the warehouse holds."""
PER_RUN_COLUMNS = {"run_id", "observed_at", "occurred_at", "event_id", "since", "indexed_at"}


def contents(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows without the columns that name a run or its clock, sorted."""
    with connect(db, read_only=True) as con:
        tables = [
            name
            for (name,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                "AND NOT internal ORDER BY 1"
            ).fetchall()
            if name not in PER_RUN_TABLES and not name.startswith("schema_")
        ]
        result = {}
        for table in tables:
            columns = [
                name
                for (name,) in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE table_name = ? "
                    "AND schema_name = 'main' ORDER BY column_index",
                    [table],
                ).fetchall()
                if name not in PER_RUN_COLUMNS
            ]
            listed = ", ".join(f'CAST("{c}" AS VARCHAR)' for c in columns)
            rows = con.execute(f'SELECT {listed} FROM "{table}"').fetchall()
            result[table] = sorted(rows, key=repr)
    return result


@pytest.fixture(scope="module")
def dump(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dump") / "bulk"
    write(synthetic_studies(240), folder, as_dir=True)
    return folder


def bulk_load(dump: Path, db: Path, runner: object, batch_size: int = 40) -> None:
    settings = Settings(db=db, export=False, bulk_batch_size=batch_size)
    pipeline.run_source(
        settings,
        BulkSource(dump, batch_size=batch_size),
        history="off",
        hold=True,
        runner=runner,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def serial_bulk(dump: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("serial") / "w.duckdb"
    bulk_load(dump, db, runner_for("serial", workers=1))
    return db


@pytest.fixture(scope="module")
def dask_runner() -> Iterator[DaskRunner]:
    runner = DaskRunner(workers=2, window=3)
    yield runner
    runner.close()


@pytest.mark.parametrize("kind", ["threads", "processes"])
def test_a_bulk_load_on_local_workers_equals_a_serial_one(
    kind: str, dump: Path, serial_bulk: Path, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    with planning(kind, workers=2) as runner:
        assert isinstance(runner, ThreadRunner | ProcessRunner)
        bulk_load(dump, db, runner)
    expected = contents(serial_bulk)
    assert sum(len(rows) for rows in expected.values()) > 240 * 10
    assert contents(db) == expected


def test_a_bulk_load_on_worker_processes_keeps_each_file_s_text(dump: Path, tmp_path: Path) -> None:
    """The files' bytes cross to the workers and back as bytes (never a ``str``); each version
    holds its file's text exactly, non-ASCII records included."""
    files = {f.stem: f.read_bytes() for f in dump.rglob("NCT*.json")}
    assert any(not data.isascii() for data in files.values()), "a non-ASCII record is in the set"
    batches = BulkSource(dump, batch_size=40).batches()
    assert all(isinstance(s.payload, bytes) for s in next(batches).studies)
    batches.close()
    db = tmp_path / "w.duckdb"
    with planning("processes", workers=2) as runner:
        bulk_load(dump, db, runner)
    with connect(db, read_only=True) as con:
        stored = dict(con.execute("SELECT nct_id, record::VARCHAR FROM study_versions").fetchall())
    assert stored == {nct_id: data.decode("utf-8") for nct_id, data in files.items()}


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS"))


def test_planning_processes_hold_none_of_the_writer_s_memory(dump: Path, tmp_path: Path) -> None:
    """The workers start with the runner, from a fork server, so nothing the writer holds (a
    ballast here; Prefect's runtime, a zip's listing, batches read ahead in a load) is
    resident in them. Forked from the writer instead, each worker held the writer's pages
    (2026-12-06, 600,000 studies forked at the first batch: a worker's peak 614 MB against
    433 MB forked before the run)."""
    ballast_mb = 600
    ballast = b"x" * (ballast_mb << 20)
    before = set(multiprocessing.active_children())
    with planning("processes", workers=2) as runner:
        workers = set(multiprocessing.active_children()) - before
        assert len(workers) == 2, "the workers start before the first batch"
        bulk_load(dump, tmp_path / "w.duckdb", runner)
        held = {worker.pid: _rss_mb(worker.pid) for worker in workers if worker.pid}
    assert len(ballast) == ballast_mb << 20
    assert len(held) == 2 and all(mb < ballast_mb for mb in held.values()), held


KILLED_WRITER = """
import multiprocessing, multiprocessing.forkserver, time
from flows.runners import ProcessRunner
runner = ProcessRunner(workers=2)
runner.start()
workers = [child.pid for child in multiprocessing.active_children()]
print(*workers, multiprocessing.forkserver._forkserver._forkserver_pid, flush=True)
time.sleep(300)
"""


def test_planning_processes_end_when_the_writer_is_killed(tmp_path: Path) -> None:
    """A writer killed outright (``kill -9``, the out-of-memory killer) takes its planning
    processes and their fork server with it: they used to wait on the task queue for ever."""
    root = Path(__file__).resolve().parent.parent
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None
    pids = [int(pid) for pid in writer.stdout.readline().split()]
    try:
        assert len(pids) == 3 and all(running(pid) for pid in pids), pids
        writer.kill()
        writer.wait(timeout=30)
        deadline = time.monotonic() + 30
        while any(running(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [pid for pid in pids if running(pid)] == []
    finally:
        writer.kill()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


UNGUARDED_SCRIPT = """
import sys
from pathlib import Path
from flows import pipeline
from flows.runners import planning
from flows.settings import Settings
from registry.bulk import BulkSource
print("ran as", __name__)
with planning("processes", workers=2) as runner:
    report = pipeline.run_source(
        Settings(db=Path(sys.argv[2]), export=False, bulk_batch_size=40),
        BulkSource(Path(sys.argv[1]), batch_size=40), history="off", hold=True, runner=runner)
print("loaded", report.studies)
"""


def test_a_script_without_a_main_guard_loads_on_worker_processes(
    dump: Path, tmp_path: Path
) -> None:
    """The workers never run the caller's main script: one that loads at import (no ``if
    __name__ == "__main__":``) would otherwise load again in each worker, and break the
    pool (it did, with the fork server)."""
    script = tmp_path / "load.py"
    script.write_text(UNGUARDED_SCRIPT)
    done = subprocess.run(
        [sys.executable, str(script), str(dump), str(tmp_path / "w.duckdb")],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["ran", "as", "__main__", "loaded", "240"]


def test_a_bulk_load_on_a_two_worker_dask_cluster_equals_a_serial_one(
    dask_runner: DaskRunner, dump: Path, serial_bulk: Path, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    bulk_load(dump, db, dask_runner)
    pids = set(dask_runner._client.run(os.getpid).values())
    assert len(pids) == 2 and os.getpid() not in pids  # two worker processes did the planning
    assert contents(db) == contents(serial_bulk)


def test_an_ingest_with_history_on_dask_equals_a_serial_one(
    dask_runner: DaskRunner, tmp_path: Path
) -> None:
    ids = killable.served()[:6]
    results = []
    with ImitationServer(as_of=killable.DAY) as server:
        for name, runner in (("serial", runner_for("serial", workers=1)), ("dask", dask_runner)):
            db = tmp_path / name / "w.duckdb"
            db.parent.mkdir()
            settings = Settings(db=db, registry_url=server.url, export=False, batch_size=2)
            with RegistryClient(killable.config_for(server.url)) as client:
                pipeline.run_source(settings, IdsSource(client, ids), client=client, runner=runner)
            results.append(contents(db))
    serial, dask = results
    assert len(serial["study_versions"]) > len(ids)  # history came in too
    assert dask == serial


def test_batches_wider_than_a_parse_piece_write_what_narrow_ones_write(tmp_path: Path) -> None:
    """A batch spans several parse pieces both where records are normalized: in the
    warehouse, by the writer (serial), and in the planners' scratch databases (processes)."""
    wide = 2 * PARSE_PIECE_ROWS + 40
    folder = tmp_path / "bulk"
    write(synthetic_studies(wide), folder, as_dir=True)
    loads = {}
    for name, kind, batch_size in (
        ("narrow", "serial", 40),
        ("wide serial", "serial", wide),
        ("wide processes", "processes", wide),
    ):
        db = tmp_path / name / "w.duckdb"
        db.parent.mkdir()
        with planning(kind, workers=2) as runner:
            bulk_load(folder, db, runner, batch_size)
        loads[name] = contents(db)
    assert len(loads["narrow"]["study_versions"]) == wide
    assert loads["wide serial"] == loads["narrow"]
    assert loads["wide processes"] == loads["narrow"]


def test_an_unknown_runner_is_bad_input() -> None:
    with pytest.raises(InputError, match=r"unknown task runner 'gpu'.*serial, threads"):
        runner_for("gpu", workers=2)
