"""Opening the database: migrations, read-only mode, locks across processes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from registry.bulk import DEFAULT_BULK_BATCH_SIZE
from tests.conftest import ROOT
from warehouse.database import BLOCK_SIZE, ROW_GROUP_SIZE, connect
from warehouse.errors import (
    DatabaseLockedError,
    RunInProgressError,
    SchemaTooNewError,
    WarehouseError,
)
from warehouse.lock import run_lock
from warehouse.migrate import available_migrations, migrate
from warehouse.writer import GROUP_COMMIT_PLANS


def test_migrations_apply_once_in_order(db_path: Path) -> None:
    names = [m.name for m in available_migrations()]
    assert names == sorted(names) and names[0] == "0001_core"
    with connect(db_path) as con:
        applied = [
            r[0] for r in con.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()
        ]
        assert applied == names
        assert migrate(con) == []
    with connect(db_path) as con:
        assert migrate(con) == []


def test_database_from_a_newer_version_is_refused(db_path: Path) -> None:
    with connect(db_path) as con:
        con.execute("INSERT INTO schema_migrations (name) VALUES ('9999_from_the_future')")
    with pytest.raises(SchemaTooNewError, match="9999_from_the_future"):
        connect(db_path)


def test_read_only_open_of_a_missing_database_says_what_to_do(db_path: Path) -> None:
    with pytest.raises(WarehouseError, match="run `ctgov ingest` first"):
        connect(db_path, read_only=True)


def test_read_only_connection_refuses_writes(db_path: Path) -> None:
    connect(db_path).close()
    with connect(db_path, read_only=True) as con, pytest.raises(Exception, match="read-only"):
        con.execute("DELETE FROM runs")


HOLD = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {root!r})
    from warehouse.database import connect
    from warehouse.lock import run_lock
    with run_lock(__import__("pathlib").Path({db!r})):
        con = connect({db!r})
        print("holding", flush=True)
        sys.stdin.readline()
    """
)


def test_second_process_gets_one_line_errors_while_a_run_holds_the_database(db_path: Path) -> None:
    connect(db_path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD.format(root=str(ROOT), db=str(db_path))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        with pytest.raises(DatabaseLockedError) as locked:
            connect(db_path, read_only=True, lock_wait_s=0.5)
        assert f"PID {holder.pid}" in str(locked.value)
        assert "\n" not in str(locked.value)
        with pytest.raises(RunInProgressError) as running, run_lock(db_path):
            pass
        assert f"PID {holder.pid}" in str(running.value)
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=30)
    with run_lock(db_path):
        connect(db_path, read_only=True).close()


def test_a_writer_waits_for_a_short_lived_reader_in_another_process(db_path: Path) -> None:
    connect(db_path).close()
    reader = subprocess.Popen(
        [sys.executable, "-c", READ_BRIEFLY.format(root=str(ROOT), db=str(db_path))],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "reading"
        with connect(db_path, lock_wait_s=30) as con:
            assert con.execute("SELECT count(*) FROM runs").fetchall() == [(0,)]
    finally:
        reader.wait(timeout=30)
    assert reader.returncode == 0


READ_BRIEFLY = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {root!r})
    from warehouse.database import connect
    con = connect({db!r}, read_only=True)
    print("reading", flush=True)
    time.sleep(1.5)
    con.close()
    """
)


def _row_groups(con: duckdb.DuckDBPyConnection, table: str) -> list[int]:
    """Rows per row group of ``table``, in order."""
    rows = con.execute(
        "SELECT row_group_id, max(count) FROM pragma_storage_info(?) GROUP BY ALL ORDER BY 1",
        [table],
    ).fetchall()
    return [count for _, count in rows]


def test_writing_connections_keep_row_groups_small_across_sessions(db_path: Path) -> None:
    """Every read-write connection attaches the file with ROW_GROUP_SIZE: a checkpoint then
    rewrites at most one small group of a growing table, and a later session appending to the
    table keeps the groups instead of merging them (which would rewrite the table)."""
    rows = 2 * ROW_GROUP_SIZE + 1000
    with connect(db_path) as con:
        con.execute(f"CREATE TABLE filler AS SELECT range AS n FROM range({rows})")
        con.execute("CHECKPOINT")
        assert _row_groups(con, "filler") == [ROW_GROUP_SIZE, ROW_GROUP_SIZE, 1000]
    with connect(db_path) as con:
        con.execute(f"INSERT INTO filler VALUES ({rows})")
        con.execute("CHECKPOINT")
        assert _row_groups(con, "filler")[:2] == [ROW_GROUP_SIZE, ROW_GROUP_SIZE]
    with connect(db_path, read_only=True) as con:
        assert con.execute("SELECT count(*), max(n) FROM filler").fetchone() == (rows + 1, rows)


def _wal_after_commit(db_path: Path, rows: int) -> int:
    """Bytes of write-ahead log after one transaction appends ``rows`` 4 KB texts."""
    with connect(db_path) as con:
        con.execute("SET checkpoint_threshold = '1GB'")
        con.execute("CREATE TABLE texts (n BIGINT, body VARCHAR)")
        con.execute(
            "INSERT INTO texts SELECT range, repeat(md5(range::VARCHAR), 128) FROM range(?)",
            [rows],
        )
        return db_path.with_name(db_path.name + ".wal").stat().st_size


def test_a_transaction_of_a_row_groups_rows_goes_past_the_log(tmp_path: Path) -> None:
    """Why a bulk load's writer commits whole row groups (warehouse.writer.Writer): a
    transaction appending a row group's worth to a table writes it to the file compressed,
    and logs little; one row fewer and the whole of it goes through the log (then a spill and
    a checkpoint). Its batches fill a row group in whole groups of plans."""
    assert ROW_GROUP_SIZE % DEFAULT_BULK_BATCH_SIZE == 0
    assert ROW_GROUP_SIZE // DEFAULT_BULK_BATCH_SIZE <= GROUP_COMMIT_PLANS
    full = _wal_after_commit(tmp_path / "full.duckdb", ROW_GROUP_SIZE)
    short = _wal_after_commit(tmp_path / "short.duckdb", ROW_GROUP_SIZE - 1)
    text_bytes = (ROW_GROUP_SIZE - 1) * 4_096
    assert short > text_bytes
    assert full < text_bytes / 100


def test_new_files_get_small_blocks_and_old_files_keep_theirs(tmp_path: Path) -> None:
    """A new file is created with BLOCK_SIZE; a file made with DuckDB's default blocks (every
    warehouse before 2026-12-07) still opens for writing and reading, and keeps its blocks."""
    old = tmp_path / "old.duckdb"
    with duckdb.connect(str(old)) as con:
        con.execute("CREATE TABLE kept AS SELECT 1 AS n")
    with connect(old) as con:
        con.execute("INSERT INTO kept VALUES (2)")
    new = tmp_path / "new.duckdb"
    with connect(new) as con:
        con.execute("CREATE TABLE fresh AS SELECT 1 AS n")
    with connect(old, read_only=True) as con:
        assert _block_size(con) == 262_144
        assert con.execute("SELECT sum(n) FROM kept").fetchone() == (3,)
    with connect(new, read_only=True) as con:
        assert _block_size(con) == BLOCK_SIZE


def _block_size(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute(
        "SELECT block_size FROM pragma_database_size() WHERE database_name = current_database()"
    ).fetchone()
    assert row is not None
    return int(row[0])


def test_write_connections_of_one_process_share_the_file(db_path: Path) -> None:
    """As DuckDB shares a file opened twice by path in one process, so do two connections of
    ours (the file is attached once); it is let go when the last one closes."""
    first = connect(db_path)
    second = connect(db_path, lock_wait_s=0)
    first.execute("CREATE TABLE shared AS SELECT 1 AS n")
    assert second.execute("SELECT n FROM shared").fetchall() == [(1,)]
    first.close()
    assert second.execute("SELECT count(*) FROM shared").fetchall() == [(1,)]
    second.close()
    with connect(db_path, read_only=True) as reader:
        assert reader.execute("SELECT n FROM shared").fetchall() == [(1,)]


def test_a_read_write_connection_spills_beside_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not into ``.tmp`` of the working directory, where an in-memory database spills (a bulk
    load run from a home directory left 200 MB of blocks there when it was killed)."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    db = tmp_path / "w.duckdb"
    con = connect(db)
    con.execute("SET memory_limit = '64MB'")
    con.execute(
        "CREATE TABLE sorted AS "
        "SELECT range AS i, md5(range::VARCHAR) AS s FROM range(3000000) ORDER BY s"
    )
    spilled = db.with_name("w.duckdb.tmp")
    assert spilled.is_dir()
    assert not (elsewhere / ".tmp").exists()
    con.close()
    assert not spilled.exists()


def test_spill_files_of_a_dead_process_are_removed_on_opening(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    connect(db).close()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    spill = tmp_path / "w.duckdb.tmp"
    spill.mkdir()
    left = spill / f"duckdb_temp_{dead.pid}_0_block-1.block"
    living = spill / f"duckdb_temp_{os.getppid()}_0_block-1.block"
    left.write_bytes(b"x" * 4096)
    living.write_bytes(b"x" * 4096)
    connect(db).close()
    assert not left.exists()
    assert living.exists()
