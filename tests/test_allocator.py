"""DuckDB's freed memory goes back to the system in a planning worker process.

DuckDB's jemalloc keeps the pages a batch's normalization freed; a worker process hands them
back once its plan is made (``flows.plan_worker.plan_on_worker``). Measured here with the
allocator's own figure (``stats.resident``), on the shipped real records.
"""

from __future__ import annotations

import ctypes
import pickle
import sys
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from multiprocessing import get_context

import pyarrow as pa
import pytest

from flows import plan_worker
from flows.plan_worker import plan_on_worker
from models.payload import Batch, RawStudy
from tests.conftest import REAL_STUDY_IDS, study_text
from warehouse.allocator import _mallctl, map_large_blocks, release_unused_memory, resident_bytes
from warehouse.scratch import ScratchNormalizer

COPIES = 40
"""Versions of each real record normalized at once: ~70 MB of JSON, which leaves 300-400 MB
of pages with the allocator (2026-12-06)."""

IDLE = 32 * 2**20
"""What DuckDB's allocator holds at most once released, with empty scratch databases open
(7-10 MB measured); without a release a few hundred MB stay, half of them still after a
small plan."""


def _keep_freed_pages() -> None:
    """Turn off jemalloc's time-based return of freed pages in this (worker) process, so what
    a test sees kept does not depend on how busy the machine is: on a loaded machine decay
    had returned all but 85 MB of the 190-310 MB before the test looked (2026-12-06)."""
    mallctl = _mallctl()
    assert mallctl is not None, "DuckDB's wheel no longer exports jemalloc's mallctl"
    arenas = ctypes.c_uint(0)
    size = ctypes.c_size_t(ctypes.sizeof(arenas))
    assert mallctl(b"arenas.narenas", ctypes.byref(arenas), ctypes.byref(size), None, 0) == 0
    never = ctypes.c_ssize_t(-1)
    names = [
        f"arena.{i}.{kind}_decay_ms" for i in range(arenas.value) for kind in ("dirty", "muzzy")
    ]
    codes = [
        mallctl(name.encode(), None, None, ctypes.byref(never), ctypes.sizeof(never))
        for name in ["arenas.dirty_decay_ms", "arenas.muzzy_decay_ms", *names]
    ]
    assert codes[:2] == [0, 0] and 0 in codes[2:]


def _normalize_many() -> ScratchNormalizer:
    """A normalizer that normalized many records, kept open as a planning worker keeps its
    own (closing its database gives DuckDB's memory back anyway)."""
    versions = [
        (nct_id, version, study_text(nct_id))
        for nct_id in REAL_STUDY_IDS
        for version in range(1, COPIES + 1)
    ]
    normalizer = ScratchNormalizer()
    tables = normalizer.rows(versions)
    assert tables["studies"].num_rows == len(versions)
    return normalizer


def _kept_then_released() -> tuple[int | None, int | None, bool]:
    _keep_freed_pages()
    normalizer = _normalize_many()
    kept = resident_bytes()
    released = release_unused_memory()
    after = resident_bytes()
    del normalizer
    return kept, after, released


HELD: list[int | None] = []
"""What the allocator held each time :func:`_recorded_release` ran (in a worker process)."""


def _recorded_release() -> None:
    HELD.append(resident_bytes())
    release_unused_memory()


def _parsed_then_released() -> tuple[list[int | None], int]:
    """What the allocator held each time a worker's normalizer released (after parsing)."""
    _keep_freed_pages()
    normalizer = pickle.loads(pickle.dumps(ScratchNormalizer(_recorded_release)))
    versions = [
        (nct_id, version, study_text(nct_id))
        for nct_id in REAL_STUDY_IDS
        for version in range(1, COPIES + 1)
    ]
    normalizer.rows(versions)
    return HELD, normalizer.rows(versions[:3])["studies"].num_rows


def _planned_arrow_pool() -> str:
    studies = [RawStudy(nct_id, None, study_text(nct_id)) for nct_id in REAL_STUDY_IDS[:2]]
    plan_on_worker(
        Batch(studies=studies, requested=2), {}, "run-1", datetime(2026, 12, 6, tzinfo=UTC)
    )
    return pa.default_memory_pool().backend_name


def _kept_then_planned() -> tuple[int | None, int | None]:
    _keep_freed_pages()
    normalizer = _normalize_many()
    kept = resident_bytes()
    studies = [RawStudy(nct_id, None, study_text(nct_id)) for nct_id in REAL_STUDY_IDS[:3]]
    plan = plan_on_worker(
        Batch(studies=studies, requested=3), {}, "run-1", datetime(2026, 12, 6, tzinfo=UTC)
    )
    assert len(plan.versions) == 3
    after = resident_bytes()
    del normalizer
    return kept, after


needs_jemalloc = pytest.mark.skipif(
    sys.platform != "linux",
    reason="DuckDB's wheels bring their jemalloc on Linux only: elsewhere nothing to release",
)
"""On Linux a DuckDB whose wheel stopped exporting jemalloc's ``mallctl`` fails these tests
rather than skipping them: the release would have silently stopped working."""


def test_a_release_says_whether_there_was_an_allocator_to_ask() -> None:
    assert release_unused_memory() is (resident_bytes() is not None)


@needs_jemalloc
def test_released_pages_leave_the_allocator() -> None:
    """In a process of its own, as a planning worker is."""
    with ProcessPoolExecutor(max_workers=1) as executor:
        kept, after, released = executor.submit(_kept_then_released).result()
    assert released is True
    assert kept is not None and after is not None
    assert kept > 4 * IDLE, f"only {kept} bytes resident: too little to see a release"
    assert after < IDLE, f"kept {kept} bytes, {after} after the release"


@needs_jemalloc
def test_a_worker_process_releases_them_once_its_plan_is_made() -> None:
    with ProcessPoolExecutor(max_workers=1) as executor:
        kept, after = executor.submit(_kept_then_planned).result()
    assert kept is not None and after is not None
    assert kept > 4 * IDLE, f"only {kept} bytes resident: too little to see a release"
    assert after < IDLE, f"kept {kept} bytes, {after} after planning"


@needs_jemalloc
def test_a_workers_normalizer_releases_the_parsers_pages_once_per_batch() -> None:
    """Once the records are parsed the parser's documents are freed: released then, they are
    not resident while the rows are built. The release survives the trip to the worker."""
    with ProcessPoolExecutor(max_workers=1) as executor:
        held, rows = executor.submit(_parsed_then_released).result()
    assert rows == 3
    assert len(held) == 2
    first = held[0]
    assert first is not None and first > 4 * IDLE, f"only {first} bytes held after parsing"


def test_a_worker_process_plans_with_arrow_on_the_system_allocator() -> None:
    before = pa.default_memory_pool().backend_name
    with ProcessPoolExecutor(max_workers=1) as executor:
        assert executor.submit(_planned_arrow_pool).result() == "system"
    assert pa.default_memory_pool().backend_name == before


def _planned_after_fork() -> tuple[str, int]:
    return _planned_arrow_pool(), len(plan_worker._FORKED)


def test_a_worker_forked_from_a_thread_that_planned_plans_on_its_own() -> None:
    """The parent's scratch database crosses the fork without its threads: the worker builds
    its own, sets up its allocators, and keeps the inherited one unclosed (closing it would
    wait forever on threads the child does not have)."""
    _planned_arrow_pool()
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("fork")) as executor:
        assert executor.submit(_planned_after_fork).result() == ("system", 1)


BLOCKS = 2_000
"""Blocks of :data:`BLOCK` bytes allocated, every other one then freed: ~100 MB freed."""
BLOCK = 100_000


def _resident_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def _returned_on_freeing_large_blocks(planned: bool) -> float:
    """MB that leave the process when every other one of :data:`BLOCKS` large blocks is
    freed: blocks mapped on their own go back, a heap keeps the space its live blocks pin.
    A block of 1 MB is freed first: glibc then serves blocks up to that size from the heap
    (its threshold follows the largest block freed)."""
    if planned:
        _planned_arrow_pool()
    bytearray(2**20)
    blocks = [bytearray(BLOCK) for _ in range(BLOCKS)]
    holding = _resident_mb()
    del blocks[::2]
    return holding - _resident_mb()


glibc_only = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not hasattr(ctypes.CDLL(None), "gnu_get_libc_version"),
    reason="the threshold is glibc's (elsewhere map_large_blocks does nothing)",
)


@glibc_only
def test_a_worker_process_that_planned_gives_freed_large_blocks_back() -> None:
    """Measured against a process that did not plan, so the test sees the difference it
    claims: in that one the freed blocks stay resident, pinned in the heap. Both start afresh:
    a process forked from this one would inherit its threshold, fixed if a test here has
    started a process runner."""
    fresh = get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=fresh) as executor:
        default = executor.submit(_returned_on_freeing_large_blocks, False).result()
    with ProcessPoolExecutor(max_workers=1, mp_context=fresh) as executor:
        planned = executor.submit(_returned_on_freeing_large_blocks, True).result()
    freed = BLOCKS // 2 * BLOCK / 2**20
    assert default < freed / 10, f"{default:.0f} of {freed:.0f} MB returned without planning"
    assert planned > freed * 0.9, f"{planned:.0f} of {freed:.0f} MB returned after planning"


@glibc_only
def test_large_blocks_can_be_mapped_on_their_own_here() -> None:
    with ProcessPoolExecutor(max_workers=1) as executor:
        assert executor.submit(map_large_blocks).result() is True
