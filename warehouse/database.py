"""Opening the DuckDB file: one place that knows about locks, read-only mode and migrations."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

from warehouse.errors import DatabaseLockedError, WarehouseError
from warehouse.migrate import migrate, pending_migrations

DUCKDB_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": True,
}
"""Never try to download an extension: these machines are offline and JSON/Parquet are built in."""


DEFAULT_LOCK_WAIT_S = 15.0
"""How long to wait for another process to let go of the file before giving up.

DuckDB lets one process hold the file read-write, and then nobody else in at all. Every holder
here keeps it briefly (a store batch, a query), so a short wait turns most clashes into a pause.
"""
LOCK_POLL_S = 0.2


def connect(
    path: Path | str, *, read_only: bool = False, lock_wait_s: float = DEFAULT_LOCK_WAIT_S
) -> duckdb.DuckDBPyConnection:
    """Open ``path`` with the schema up to date, waiting up to ``lock_wait_s`` for a lock.

    Read-write connections apply pending migrations. Read-only connections cannot, so they
    refuse a database that is missing or behind with a message saying how to fix it.
    """
    # A plain poll loop, not tenacity: read-only commands open the file once and must start
    # fast (tenacity imports asyncio).
    deadline = time.monotonic() + lock_wait_s
    while True:
        try:
            return _connect(Path(path), read_only)
        except DatabaseLockedError:
            if time.monotonic() + LOCK_POLL_S > deadline:
                raise
            time.sleep(LOCK_POLL_S)


def _connect(db_path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    if read_only and not db_path.exists():
        raise WarehouseError(f"database {db_path} does not exist yet; run `ctgov ingest` first")
    if not read_only:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(db_path), read_only=read_only, config=DUCKDB_CONFIG)
    except duckdb.IOException as exc:
        message = str(exc)
        if "lock" in message.lower():
            raise DatabaseLockedError(db_path, _lock_holder(message)) from None
        raise WarehouseError(f"cannot open database {db_path}: {message.splitlines()[0]}") from None
    if read_only:
        if pending_migrations(con):
            con.close()
            raise WarehouseError(
                f"database {db_path} has an older schema; run `ctgov ingest` (or any write) "
                "once to upgrade it"
            )
    else:
        migrate(con)
    return con


def _lock_holder(message: str) -> str:
    """Pull 'PID n' out of DuckDB's lock message, which is long and names internal paths."""
    marker = "(PID "
    start = message.find(marker)
    if start == -1:
        return "lock held"
    end = message.find(")", start)
    return f"held by PID {message[start + len(marker) : end]}"
