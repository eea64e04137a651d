"""The run lock: one ingest at a time per database file, across processes.

DuckDB's own file lock only covers the moments a connection is open, and a run keeps its write
sessions short so readers can get in between. A second run starting meanwhile must not interleave
its batches with the first one's, so each run holds an advisory ``flock`` on ``<db>.run.lock``
for its whole length. The kernel drops the lock when the process dies, so a crash never leaves a
stale lock behind; a run that ends removes the file. A file left by a killed run is harmless:
the next run locks it and removes it when it ends.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from warehouse.errors import RunInProgressError, WarehouseError

HOLDER_BYTES = 64
POLL_S = 1.0

logger = logging.getLogger("warehouse")


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".run.lock")


@contextmanager
def run_lock(db_path: Path, *, wait_s: float = 0.0) -> Iterator[None]:
    """Hold the run lock for ``db_path``; while another run holds it, wait up to ``wait_s``
    (scheduled runs queue behind each other) and then raise :class:`RunInProgressError`."""
    path = lock_path(db_path)
    deadline = time.monotonic() + wait_s
    said = False
    while True:
        try:
            fd = _acquire(path, db_path)
            break
        except RunInProgressError as busy:
            if time.monotonic() + POLL_S > deadline:
                raise
            if not said:
                logger.warning(
                    "another run (%s) is writing %s; waiting up to %.0f s for it to finish",
                    busy.holder,
                    db_path,
                    wait_s,
                )
                said = True
            time.sleep(POLL_S)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"PID {os.getpid()}".encode())
        yield
    finally:
        # Unlink while still holding the lock: a run that opened the file meanwhile finds,
        # once it gets the lock, that the path no longer names its file, and starts over.
        with suppress(FileNotFoundError):
            os.unlink(path)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _acquire(path: Path, db_path: Path) -> int:
    """An open descriptor of ``path`` holding its lock, with ``path`` still naming it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _unusable(path, exc) from None
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise _unusable(path, exc) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, HOLDER_BYTES, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise RunInProgressError(db_path, holder) from None
        if _names(path, fd):
            return fd
        os.close(fd)


def _names(path: Path, fd: int) -> bool:
    """True when ``path`` is still the file open as ``fd`` (a finished run may have removed it)."""
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (on_disk.st_dev, on_disk.st_ino) == (held.st_dev, held.st_ino)


def _unusable(path: Path, exc: OSError) -> WarehouseError:
    return WarehouseError(
        f"cannot create the run lock {path}: {exc.strerror or exc}; the database's directory "
        "must be writable (pass --db DIR/ctgov.duckdb in a writable directory)"
    )
