"""Opening the DuckDB file: one place that knows about locks, read-only mode and migrations."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import time
from pathlib import Path

import duckdb

from warehouse.errors import DatabaseLockedError, WarehouseError
from warehouse.migrate import migrate, pending_migrations
from warehouse.processes import alive

DUCKDB_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": True,
}
"""Never try to download an extension: these machines are offline and JSON/Parquet are built in."""


ROW_GROUP_SIZE = 8_192
"""Rows per row group of the warehouse's tables, for every connection that may write.

DuckDB writes a transaction's rows of a table straight to the file, compressed, when the
transaction appends at least a row group's worth to it and deletes none; fewer rows go
through the write-ahead log, are held in memory (spilled past the memory limit), and are
compressed again at each checkpoint. A bulk load's writer commits its plans in groups that
fill a row group (``warehouse.writer.Writer``: four batches of 2,048 studies), so each
record, ~17 KB, is written once. Measured on 100,000-study bulk loads (2026-12-07): at
32,768 rows and a commit per 2,000-study batch, the writer wrote 3.3 GB of log and 3.1 GB of
spill and used 0.84 of the planning workers' CPU time, the file 227 MB; at 8,192 rows in
groups of four batches 0.63, the file 236 MB.

Smaller groups cost memory: DuckDB keeps every column segment's metadata it has seen, some
1 KB each, outside its memory limit. At 2,048 rows (a commit per batch) a 600,000-study load
made 806,000 segments and the writer grew to 1.77 GB, against 1.2 GB at 32,768 rows.

Before, with DuckDB's default of 122,880 rows, each checkpoint of a bulk load recompressed a
growing last group of ``study_versions`` (up to ~2 GB of records); 32,768 rows cut the 600,000
study load's checkpoints from 158 s to 56 s (2026-12-06).

DuckDB keeps the size per attachment, not in the file, and a connection with a bigger size
merges the small row groups of any table it appends to at its next checkpoint (rewriting the
table): hence every read-write connection attaches the file with this size (:func:`connect`).
A file written with bigger groups keeps them; new rows start groups of this size. Read-only
connections never write and open the file directly."""

BLOCK_SIZE = 65_536
"""Bytes per block of a new warehouse file (DuckDB's default: 262,144; fixed at creation).

Each commit that writes a table's rows straight to the file ends with that table's last
block part-filled, and DuckDB never fills it later. Measured on 100,000-study bulk loads
with a commit per 2,048 studies (2026-12-07): 256 KB blocks left a 463 MB file against
227 MB before, 64 KB blocks 289 MB, 16 KB blocks 352 MB (smaller blocks cost more than they
save). Existing files keep the block size they were created with."""

ATTACHED_AS = "warehouse"
"""The catalog name of the file in a read-write connection (``current_database()``)."""

DEFAULT_LOCK_WAIT_S = 15.0
"""How long to wait for another process to let go of the file before giving up.

DuckDB lets one process hold the file read-write, and then nobody else in at all. Every holder
here keeps it briefly (a store batch, a query), so a short wait turns most clashes into a pause.
"""
LOCK_POLL_S = 0.2
ANNOUNCE_WAIT_S = 30.0
"""A wait at least this long is announced (the ``warehouse`` logger), naming the holder."""

logger = logging.getLogger("warehouse")


def connect(
    path: Path | str,
    *,
    read_only: bool = False,
    lock_wait_s: float = DEFAULT_LOCK_WAIT_S,
    config: dict[str, str | bool | int | float | list[str]] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open ``path`` with the schema up to date, waiting up to ``lock_wait_s`` for a lock.

    Read-write connections apply pending migrations. Read-only connections cannot, so they
    refuse a database that is missing or behind with a message saying how to fix it.
    """
    # A plain poll loop, not tenacity: read-only commands open the file once and must start
    # fast (tenacity imports asyncio).
    deadline = time.monotonic() + lock_wait_s
    said = False
    while True:
        try:
            return _connect(Path(path), read_only, config or DUCKDB_CONFIG)
        except DatabaseLockedError as locked:
            if time.monotonic() + LOCK_POLL_S > deadline:
                raise DatabaseLockedError(
                    locked.path, locked.detail, waited_s=lock_wait_s
                ) from None
            if not said and lock_wait_s >= ANNOUNCE_WAIT_S:
                logger.warning(
                    "database %s is in use (%s); waiting up to %.0f s for it to be free",
                    locked.path,
                    locked.detail,
                    lock_wait_s,
                )
                said = True
            time.sleep(LOCK_POLL_S)


def _connect(
    db_path: Path, read_only: bool, config: dict[str, str | bool | int | float | list[str]]
) -> duckdb.DuckDBPyConnection:
    if read_only and not db_path.exists():
        raise WarehouseError(f"database {db_path} does not exist yet; run `ctgov ingest` first")
    if db_path.is_dir():
        raise WarehouseError(f"database {db_path} is a directory; pass the DuckDB file (--db)")
    if not read_only:
        try:
            db_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WarehouseError(
                f"cannot create {db_path.parent} for the database: {exc.strerror or exc}"
            ) from None
    try:
        con = _open(db_path, read_only, config)
    except duckdb.Error as exc:
        message = _first_line(exc)
        if isinstance(exc, duckdb.IOException) and "lock" in message.lower():
            raise DatabaseLockedError(db_path, _lock_holder(str(exc))) from None
        if "permission denied" in message.lower() or "read-only" in message.lower():
            raise WarehouseError(
                f"cannot open database {db_path} for writing: {message}; check the file's and "
                "its directory's permissions"
            ) from None
        raise WarehouseError(
            f"cannot open database {db_path}: {message}; if the file is damaged, restore it "
            "from a copy or rebuild it (ctgov ingest / ctgov load-bulk)"
        ) from None
    if read_only:
        if pending_migrations(con):
            con.close()
            raise WarehouseError(
                f"database {db_path} has an older schema; run `ctgov ingest` (or any write) "
                "once to upgrade it"
            )
    else:
        try:
            migrate(con)
        except duckdb.Error as exc:
            con.close()
            raise WarehouseError(
                f"cannot upgrade database {db_path}: {_first_line(exc)}; check the file's "
                "permissions and free disk space"
            ) from None
    return con


def _open(
    db_path: Path, read_only: bool, config: dict[str, str | bool | int | float | list[str]]
) -> duckdb.DuckDBPyConnection:
    """The file, read-only as it is, or attached for writing with :data:`ROW_GROUP_SIZE` (and,
    when it is created, :data:`BLOCK_SIZE`)."""
    if read_only:
        return duckdb.connect(str(db_path), read_only=True, config=config)
    spill = spill_directory(db_path)
    _remove_stale_spill(spill)
    options = f"ROW_GROUP_SIZE {ROW_GROUP_SIZE}"
    if not db_path.exists():
        options += f", BLOCK_SIZE {BLOCK_SIZE}"
    con = duckdb.connect(_instance_name(db_path), config={**config, "temp_directory": str(spill)})
    try:
        con.execute(f"ATTACH IF NOT EXISTS '{sql_path(db_path)}' AS {ATTACHED_AS} ({options})")
        con.execute(f"USE {ATTACHED_AS}")
    except BaseException:
        con.close()
        raise
    return con


def spill_directory(db_path: Path) -> Path:
    """Where DuckDB spills what passes its memory limit: beside the file, as it does for a
    file it opens by path (``ctgov.duckdb.tmp``), and removes once the last connection closes.

    A read-write connection opens a named in-memory database and attaches the file, and an
    in-memory database spills to ``.tmp`` in the working directory: a bulk load run from a
    user's home spilled there (200 MB of blocks at 100,000 studies).
    """
    return db_path.with_name(db_path.name + ".tmp")


SPILL_FILE = re.compile(r"duckdb_temp_(\d+)_")
"""DuckDB's spill files are named for the process that wrote them."""


def _remove_stale_spill(spill: Path) -> None:
    """Remove the spill files a killed process left (DuckDB removes its own on close)."""
    if not spill.is_dir():
        return
    for path in spill.glob("duckdb_temp_*"):
        match = SPILL_FILE.match(path.name)
        if match is None or int(match.group(1)) == os.getpid() or alive(int(match.group(1))):
            continue
        path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        spill.rmdir()


def sql_path(path: Path) -> str:
    """``path`` as the inside of a SQL string literal (quotes doubled): ``ATTACH`` and
    ``COPY ... TO`` take a path only as a literal, never as a parameter."""
    return str(path).replace("'", "''")


def _instance_name(db_path: Path) -> str:
    """A named in-memory database per file: connections of one process that open the same file
    share it, as DuckDB shares a file opened by path (the file is attached once, and let go
    when the last of them closes)."""
    digest = hashlib.sha256(str(db_path.resolve()).encode()).hexdigest()[:16]
    return f":memory:ctgov_{digest}"


def _first_line(exc: BaseException) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def _lock_holder(message: str) -> str:
    """Pull 'PID n' out of DuckDB's lock message, which is long and names internal paths."""
    marker = "(PID "
    start = message.find(marker)
    if start == -1:
        return "lock held"
    end = message.find(")", start)
    return f"held by PID {message[start + len(marker) : end]}"
