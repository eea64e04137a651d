"""Where batches are planned: in this process, on threads, on worker processes, or on Dask.

Planning (parse, validate, hash, diff, events, normalized rows) is CPU-bound, independent per
batch and needs no warehouse connection; writing is serial. A runner takes a batch and the
warehouse's state of its studies and returns a future plan; the pipeline writes plans in the
order it submitted them, ``window`` batches behind the planning.

* :class:`~flows.pipeline.SerialRunner`: plan in this process (the default for small runs);
  the writer builds the normalized rows in the warehouse.
* :class:`ThreadRunner`: plan on ``workers`` threads of this process (pydantic, orjson and
  DuckDB release the GIL for part of the work); one scratch DuckDB per thread.
* :class:`ProcessRunner`: plan on ``workers`` local processes (``concurrent.futures``); each
  builds normalized rows in its own scratch DuckDB and ships them as Arrow tables.
* :class:`flows.dask_runner.DaskRunner`: the same on a Dask cluster: a local one of
  ``workers`` processes, or an existing one (``CTGOV_DASK_ADDRESS``). Workers never open the
  warehouse; the plans come back to the one writer. (The flows plan on Dask through
  ``prefect-dask`` instead: :mod:`flows.prefect_dask`.)

Every runner plans with :func:`flows.plan_worker.plan_on_worker`, so the result is the same
row for row.

>>> runner_for("auto", workers=2)
SerialRunner(window=1, normalizer=None)
>>> runner_for("auto", workers=2, bulk=True)
ProcessRunner(workers=2, window=3)
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from flows.pipeline import PlanRunner, SerialRunner
from flows.plan_worker import end_with_writer, plan_on_worker
from models.errors import InputError
from models.payload import Batch
from warehouse.allocator import map_large_blocks
from warehouse.plan import Plan, StudyState

RunnerKind = Literal["serial", "threads", "processes", "dask"]
RUNNER_KINDS: tuple[str, ...] = ("auto", "serial", "threads", "processes", "dask")


@dataclass
class _PoolRunner:
    """Plans batches on a ``concurrent.futures`` pool of ``workers``, ``window`` in flight."""

    workers: int = 2
    window: int = 3
    _pool: Executor | None = field(default=None, init=False, repr=False)

    def _executor(self) -> Executor:
        raise NotImplementedError

    def start(self) -> None:
        """Make the pool now, before the run opens the warehouse or lists its source."""
        if self._pool is None:
            self._pool = self._executor()

    def submit(
        self, batch: Batch, states: dict[str, StudyState], run_id: str, when: datetime
    ) -> Future[Plan]:
        self.start()
        assert self._pool is not None
        return self._pool.submit(plan_on_worker, batch, states, run_id, when)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


@dataclass
class ThreadRunner(_PoolRunner):
    """Plans batches on ``workers`` threads of this process."""

    def _executor(self) -> Executor:
        return ThreadPoolExecutor(self.workers, thread_name_prefix="ctgov-plan")


@dataclass
class ProcessRunner(_PoolRunner):
    """Plans batches on ``workers`` local processes, started from a fork server that has
    imported only the planner (:mod:`flows.plan_worker`), when the runner starts.

    A worker forked from the writer holds, as its own resident pages, every page of the
    writer it was forked from until either writes to it: Prefect's runtime, and, forked at the
    first batch, the zip's listing, the open warehouse and the batches read ahead. Measured
    2026-12-06 (first loads, 2 workers, RSS of all processes summed): forked at the first
    batch, 600,000 studies peaked at 2,364 MB (a worker 614 MB); forked before the run,
    1,980 MB (433 MB). Under the ``load_bulk`` flow (100,000 studies) forked workers peaked
    at 509-543 MB each, from the fork server 384-387 MB.

    Each worker ends when the writer does, however it ends
    (:func:`flows.plan_worker.end_with_writer`). The writer and its workers map large
    blocks on their own (:func:`warehouse.allocator.map_large_blocks`).
    """

    def _executor(self) -> Executor:
        map_large_blocks()
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([plan_on_worker.__module__])
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=end_with_writer,
            initargs=(os.getpid(),),
        )

    def start(self) -> None:
        """Start every worker now (a pool started from a fork server adds one for a task
        that finds none idle), so a worker that cannot start fails the run before it opens
        the warehouse."""
        fresh = self._pool is None
        super().start()
        if fresh:
            assert self._pool is not None
            with _main_module_left_out():
                started = [self._pool.submit(os.getpid) for _ in range(self.workers)]
            for future in started:
                future.result()


@contextmanager
def _main_module_left_out() -> Iterator[None]:
    """Processes started in the block do not run the caller's main module.

    A process started from a fork server imports the parent's main script again (as
    ``__mp_main__``, as a spawned one does): a script that loads without an ``if __name__ ==
    "__main__":`` guard started its load again in each worker, and the pool broke. The
    workers run only the planner, imported by name, so they start as if from an interactive
    session, which has no main module to import.
    """
    main = sys.modules["__main__"]
    saved: dict[str, Any] = {
        name: vars(main)[name] for name in ("__file__", "__spec__") if name in vars(main)
    }
    vars(main).pop("__file__", None)
    main.__spec__ = None
    try:
        yield
    finally:
        vars(main).pop("__spec__", None)
        vars(main).update(saved)


def runner_for(
    kind: str, *, workers: int, bulk: bool = False, dask_address: str | None = None
) -> PlanRunner:
    """The runner a setting names (``CTGOV_TASK_RUNNER``); ``auto`` plans bulk loads on
    processes and everything else in this process."""
    if kind == "auto":
        kind = "processes" if bulk and workers > 1 else "serial"
    if kind == "serial":
        return SerialRunner()
    if kind == "threads":
        return ThreadRunner(workers=workers, window=workers + 1)
    if kind == "processes":
        return ProcessRunner(workers=workers, window=workers + 1)
    if kind == "dask":
        from flows.dask_runner import DaskRunner

        return DaskRunner(workers=workers, address=dask_address, window=workers + 1)
    raise InputError(f"unknown task runner {kind!r}; use one of {', '.join(RUNNER_KINDS)}")


def planning(
    kind: str, *, workers: int, bulk: bool = False, dask_address: str | None = None
) -> AbstractContextManager[PlanRunner]:
    """:func:`runner_for`, closed (pool, cluster) when the run ends, however it ends."""
    return closing_runner(runner_for(kind, workers=workers, bulk=bulk, dask_address=dask_address))


@contextmanager
def closing_runner(runner: PlanRunner) -> Iterator[PlanRunner]:
    """``runner``, its ``close`` (pool, cluster) called when the block ends, however it ends."""
    try:
        start = getattr(runner, "start", None)
        if start is not None:
            start()
        yield runner
    finally:
        close = getattr(runner, "close", None)
        if close is not None:
            close()
