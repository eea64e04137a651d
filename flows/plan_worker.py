"""What a planning worker runs, whatever the runner: a thread, a local process, a Dask worker;
and what crosses back to the writer.

Kept apart from the runners (``flows/runners.py``, ``flows/dask_runner.py``,
``flows/prefect_dask.py``) so each of them imports it and none imports another, and so a
worker process unpickles a small module.

A plan's new versions carry their records as text, which the writer already holds: it sent
them in the batch. A worker therefore ships each such text back as a :class:`BatchText`, the
study's place in the batch, and the writer puts its own copy back (:func:`with_batch_texts`).
Measured on batches of 2,000 bulk studies (2026-12-06): the pickled plan drops from ~70 to
~36 MB, and pickling it from ~0.3-0.6 s to ~0.08 s of the worker's CPU.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import pyarrow as pa

from flows.collections_gc import fewer_collections
from flows.lifeline import on_end_of
from models.payload import Batch, Payload
from warehouse.allocator import map_large_blocks, release_unused_memory
from warehouse.plan import Plan, StudyState, plan_batch
from warehouse.scratch import ScratchNormalizer

_LOCAL = threading.local()
_FORKED: list[ScratchNormalizer] = []
"""Normalizers a forked worker inherited from its parent: kept so they are never closed."""

WRITER_GONE_EXIT = 70
"""A planning process's exit status when the writer that started it is gone (``EX_SOFTWARE``)."""

TEXT_KEYS = ("record", "registry_record")
"""The keys of version and link rows that may hold a batch study's text."""


@dataclass(frozen=True, slots=True)
class BatchText:
    """Stands, in a shipped plan, for the text of the batch's study at ``index``."""

    index: int


def plan_on_worker(
    batch: Batch, states: dict[str, StudyState], run_id: str, when: datetime
) -> Plan:
    """A worker's planning call: one scratch database per worker thread, reused (a DuckDB
    connection is not shared between threads), and the cyclic collector held off while the
    batch's records are parsed and validated (``flows.collections_gc``). The plan names the
    batch's texts instead of carrying them (:func:`with_batch_texts` restores them).

    In a worker process (a process pool's, a Dask worker's) DuckDB serves only the scratch
    normalizer, so its freed memory goes back to the system once the records are parsed and
    once the plan is made (:func:`warehouse.allocator.release_unused_memory`), and Arrow
    allocates on the system allocator (:func:`_lean_worker_process`); the writer's process
    keeps both allocators as they are.

    The scratch database belongs to the process that made it: a worker forked from a thread
    that had planned (a test's main thread) builds its own and sets up its allocators; the
    inherited one is kept, never closed (its threads did not cross the fork: closing it
    waits on them forever).
    """
    in_worker_process = multiprocessing.parent_process() is not None
    pid, normalizer = getattr(_LOCAL, "normalizer", (None, None))
    if normalizer is None or pid != os.getpid():
        if normalizer is not None:
            _FORKED.append(normalizer)
        if in_worker_process:
            _lean_worker_process()
        normalizer = ScratchNormalizer(release_unused_memory if in_worker_process else None)
        _LOCAL.normalizer = (os.getpid(), normalizer)
    with fewer_collections():
        plan = plan_batch(batch, states, run_id=run_id, when=when, normalizer=normalizer)
    if in_worker_process:
        release_unused_memory()
    return _without_batch_texts(plan, batch)


def end_with_writer(writer_pid: int) -> None:
    """Run in each planning process as it starts: it ends as soon as the writer does, and
    leaves Ctrl-C to the writer.

    A pool's worker otherwise waits on its task queue for ever once the writer is killed
    (``kill -9``, the out-of-memory killer): it holds both ends of that queue itself, so it
    never sees the writer go, and the fork server it came from lives as long as it does.
    Seen 2026-12-06: a bulk load killed 25 s in left its two workers (300 MB each), the fork
    server and the resource tracker running, waiting on nothing, 5 minutes later.

    Ctrl-C reaches every process of the terminal's process group, the workers too: each one
    printed its own ``KeyboardInterrupt`` traceback. The writer stops the run, records it and
    shuts the pool down itself.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    on_end_of(writer_pid, lambda: os._exit(WRITER_GONE_EXIT))


def _lean_worker_process() -> None:
    """Arrow allocates on the system allocator in a planning worker process, which maps
    large blocks on their own (:func:`warehouse.allocator.map_large_blocks`).

    pyarrow's default pool (mimalloc) keeps freed pages: a batch's records, staged as Arrow
    for the scratch normalizer and freed once parsed, stayed resident through the rest of the
    batch. The system allocator maps buffers that large on their own and unmaps them when
    freed (once its threshold is fixed: glibc raises it to the largest block freed, after
    which Arrow's buffers landed in the heap). Measured on six batches of 2,000 bulk studies
    (2026-12-06): the worker's peak 50-80 MB lower, the normalizer's time within the noise.
    The writer keeps Arrow's default pool (its system time rose by 10 % on the system
    allocator, measured the same day).
    """
    map_large_blocks()
    pa.set_memory_pool(pa.system_memory_pool())


def with_batch_texts(plan: Plan, batch: Batch) -> Plan:
    """``plan`` with every :class:`BatchText` replaced by that study's text in ``batch`` (the
    batch the plan was made from, as the writer holds it); a plan made in this process has
    none and comes back as it is."""
    texts = [raw.payload for raw in batch.studies]

    def text(value: Any) -> Any:
        return texts[value.index] if isinstance(value, BatchText) else value

    _replace_texts(plan, text)
    return plan


def _without_batch_texts(plan: Plan, batch: Batch) -> Plan:
    """``plan`` with each text that is one of ``batch``'s (the very object) named by its place."""
    places = {id(raw.payload): BatchText(index) for index, raw in enumerate(batch.studies)}

    def place(value: Any) -> Any:
        return places.get(id(value), value) if isinstance(value, str | bytes) else value

    _replace_texts(plan, place)
    return plan


def _replace_texts(plan: Plan, swap: Any) -> None:
    for rows in (plan.versions, plan.links):
        for row in rows:
            for key in TEXT_KEYS:
                if row.get(key) is not None:
                    row[key] = swap(row[key])
    plan.normalize = [
        (nct_id, version, cast(Payload, swap(text))) for nct_id, version, text in plan.normalize
    ]
