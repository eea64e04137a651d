"""Handing freed memory back to the operating system: DuckDB's, and the C library's.

DuckDB's Linux wheels allocate through their own jemalloc, which keeps freed pages for reuse.
A planning worker process uses DuckDB only for its scratch normalizer, which is empty between
batches, yet jemalloc kept 200-315 MB resident in each worker while DuckDB held 2 MB
(measured on batches of 2,000 bulk studies, 2026-12-06); with two workers that is over
0.5 GB of the load's memory doing nothing. None of DuckDB's settings purges it
(``allocator_flush_threshold`` and ``allocator_bulk_deallocation_flush_threshold`` flush
worker threads' caches, and a scratch connection runs on the calling thread), so this asks
jemalloc directly, through the ``mallctl`` the wheel exports.

Where the wheel has no jemalloc (macOS, Windows, a build without it) this does nothing.

The C library's allocator (glibc's ``malloc``) serves Python's large objects, and in a planning
worker Arrow's buffers too. It maps a block of 128 KB or more on its own and unmaps it when
freed, but each such free raises that threshold to the block's size (up to 32 MB), so soon
nearly every block lands in the heap, where a few live objects pin the freed space around
them. :func:`map_large_blocks` fixes the threshold instead.
"""

from __future__ import annotations

import ctypes
from functools import cache
from typing import Any

import duckdb

_PURGE_ALL_ARENAS = b"arena.4096.purge"
"""jemalloc's ``MALLCTL_ARENAS_ALL`` (4096): every arena's unused dirty pages."""

LARGE_BLOCK = 64 * 1024
"""Blocks this large or larger get pages of their own, returned when the block is freed.

Measured on 100,000-study bulk loads (``ctgov load-bulk``, two planning workers), back to back
2026-12-07: each planning worker's peak 304-327 MB against 362-424 MB, all processes' PSS
summed 1,631-1,655 MB against 1,825-1,950 MB, the time the same (128.8 and 125.0 s against
129.1 and 125.5 s). At 600,000 studies, three runs in one hour (2026-12-07 morning): none
791.7 s, the workers only 774.6 s, the workers and the writer 748.3 s, the writer's system
time 236, 242 and 238 s: no cost. The workers' own system time rises (28 to 48-51 s each),
and all processes' RSS summed falls (2,241 MB to 1,936 MB). The night before, a pair had
shown +19 % (742.7 s against 623.8 s): that night's runs drifted with the machine, and in one
hour the order did not hold. A block of a study's record averages 17 KB, so most stay in
the heap."""

_M_MMAP_THRESHOLD = -3
"""glibc's ``mallopt`` parameter; setting it also stops the threshold from moving."""


def release_unused_memory() -> bool:
    """Return the pages DuckDB's allocator holds but no longer uses; whether it could.

    Call it only where DuckDB is idle and its memory will not be needed again at once (a
    planning worker between batches): what is released is faulted back in when reused.
    """
    mallctl = _mallctl()
    if mallctl is None:
        return False
    return int(mallctl(_PURGE_ALL_ARENAS, None, None, None, 0)) == 0


def resident_bytes() -> int | None:
    """Bytes of memory DuckDB's allocator has resident (its own figure), or None without one.

    For diagnostics and tests: what :func:`release_unused_memory` lowers."""
    mallctl = _mallctl()
    if mallctl is None:
        return None
    epoch = ctypes.c_uint64(1)
    mallctl(b"epoch", None, None, ctypes.byref(epoch), ctypes.sizeof(epoch))
    value = ctypes.c_size_t(0)
    size = ctypes.c_size_t(ctypes.sizeof(value))
    if mallctl(b"stats.resident", ctypes.byref(value), ctypes.byref(size), None, 0) != 0:
        return None
    return int(value.value)


def map_large_blocks(threshold: int = LARGE_BLOCK) -> bool:
    """Have the C library map every block of ``threshold`` bytes or more on its own, for the
    rest of this process's life; whether it could (glibc only: elsewhere this does nothing).

    For processes that churn through large short-lived objects (a bulk load's writer and
    its planning workers): their peak memory falls, and the load's time does not rise
    (:data:`LARGE_BLOCK`).
    """
    mallopt = _mallopt()
    return mallopt is not None and int(mallopt(_M_MMAP_THRESHOLD, threshold)) == 1


@cache
def _mallopt() -> Any:
    """glibc's ``mallopt``, or None under another C library (musl's accepts and ignores it)."""
    try:
        libc = ctypes.CDLL(None)
    except OSError:
        return None
    if not hasattr(libc, "gnu_get_libc_version") or not hasattr(libc, "mallopt"):
        return None
    mallopt = libc.mallopt
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return mallopt


@cache
def _mallctl() -> Any:
    """DuckDB's ``duckdb_je_mallctl``, or None when its extension module does not export one."""
    path = getattr(getattr(duckdb, "_duckdb", None), "__file__", None)
    if path is None:
        return None
    try:
        library = ctypes.CDLL(path)
    except OSError:
        return None
    mallctl = getattr(library, "duckdb_je_mallctl", None)
    if mallctl is None:
        return None
    mallctl.argtypes = [
        ctypes.c_char_p,
        ctypes.c_void_p,
        ctypes.c_void_p,
        ctypes.c_void_p,
        ctypes.c_size_t,
    ]
    mallctl.restype = ctypes.c_int
    return mallctl
