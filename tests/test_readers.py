"""Readers never break a run: a run holds the DuckDB file only to write a batch, waits for a
reader to let go (saying who holds it), and never leaves its row ``running``.

The reader is another process holding a read-only DuckDB connection, as a notebook would,
arriving after the run's first batch.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from flows import pipeline
from imitation import ImitationServer
from registry import RegistryClient
from registry.sources import IdsSource
from tests import killable
from warehouse.database import connect
from warehouse.errors import DatabaseLockedError

HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute("SELECT count(*) FROM study_versions").fetchall()
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
"""


@pytest.fixture(scope="module")
def server() -> Iterator[ImitationServer]:
    with ImitationServer(as_of=killable.DAY) as srv:
        yield srv


class Reader:
    """Start a reading process after the run's first batch; ``seconds`` it holds the file."""

    def __init__(self, db: Path, seconds: float) -> None:
        self.db, self.seconds = db, seconds
        self.process: subprocess.Popen[str] | None = None

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        if self.process is None:
            self.process = subprocess.Popen(
                [sys.executable, "-c", HOLD, str(self.db), str(self.seconds)],
                stdout=subprocess.PIPE,
                text=True,
            )
            assert self.process.stdout is not None
            assert self.process.stdout.readline().strip() == "holding"

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()


def _run(server: ImitationServer, db: Path, reader: Reader, lock_wait_s: float) -> None:
    settings = killable.settings_for(db, server.url).model_copy(update={"lock_wait_s": lock_wait_s})
    with RegistryClient(killable.config_for(server.url)) as client:
        pipeline.run_source(
            settings,
            IdsSource(client, killable.served()),
            client=client,
            history="off",
            progress=reader,
        )


def _runs(db: Path) -> list[tuple[object, ...]]:
    with connect(db, read_only=True) as con:
        return con.execute("SELECT status, error FROM runs ORDER BY started_at").fetchall()


def test_a_reader_arriving_mid_run_is_waited_for_and_the_run_succeeds(
    server: ImitationServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "w.duckdb"
    reader = Reader(db, seconds=2.5)
    try:
        with caplog.at_level(logging.WARNING, logger="warehouse"):
            _run(server, db, reader, lock_wait_s=60)
    finally:
        reader.stop()
    assert reader.process is not None and reader.process.returncode == 0
    assert _runs(db) == [("succeeded", None)]
    waits = [r.getMessage() for r in caplog.records if r.name == "warehouse"]
    assert waits and "is in use" in waits[0] and "PID" in waits[0]
    with connect(db, read_only=True) as con:
        held = con.execute("SELECT count(DISTINCT nct_id) FROM study_versions").fetchone()
    assert held == (len(killable.served()),)


def test_a_reader_that_never_leaves_fails_the_run_and_the_next_run_records_why(
    server: ImitationServer, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    reader = Reader(db, seconds=600)
    try:
        with pytest.raises(DatabaseLockedError) as locked:
            _run(server, db, reader, lock_wait_s=1)
        assert "read-only" in str(locked.value) or "Parquet" in str(locked.value)
        assert Path(f"{db}.run.failed").exists(), "the reason is left beside the file"
    finally:
        reader.stop()
    _run(server, db, Reader(db, seconds=0), lock_wait_s=60)
    (first, second) = _runs(db)
    assert first[0] == "failed" and "in use" in str(first[1])
    assert second == ("succeeded", None)
    assert not Path(f"{db}.run.failed").exists()


def test_the_parquet_export_can_be_read_while_a_run_writes(
    server: ImitationServer, tmp_path: Path
) -> None:
    """What docs/queries.md says to do while flows run: query the export, not the file."""
    db = tmp_path / "w.duckdb"
    _run(server, db, Reader(db, seconds=0), lock_wait_s=60)
    pipeline.export(killable.settings_for(db, server.url))
    files = str(db.parent / "parquet" / "study_versions" / "**" / "*.parquet")
    reading = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time\n"
            "for _ in range(20):\n"
            "    duckdb.sql(f\"SELECT count(*) FROM read_parquet('{sys.argv[1]}')\").fetchall()\n"
            "    time.sleep(0.1)\n",
            files,
        ]
    )
    try:
        _run(server, db, Reader(db, seconds=0), lock_wait_s=5)
    finally:
        assert reading.wait(timeout=60) == 0
    assert [status for status, _ in _runs(db)] == ["succeeded", "succeeded"]
    ((count,),) = duckdb.sql(f"SELECT count(*) FROM read_parquet('{files}')").fetchall()
    assert count == len(killable.served())
