"""The run lock: one ingest at a time per database file, across processes.

DuckDB's own file lock only covers the moments a connection is open, and a run keeps its write
sessions short so readers can get in between. A second run starting meanwhile must not interleave
its batches with the first one's, so each run holds an advisory ``flock`` on ``<db>.run.lock``
for its whole length. The kernel drops the lock when the process dies, so a crash never leaves a
stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from warehouse.errors import RunInProgressError


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".run.lock")


@contextmanager
def run_lock(db_path: Path) -> Iterator[None]:
    """Hold the run lock for ``db_path`` or raise :class:`RunInProgressError` at once."""
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise RunInProgressError(db_path, holder) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"PID {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
