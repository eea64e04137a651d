"""Where batches are planned: in this process, on worker processes, or on a Dask cluster.

Planning (parse, validate, hash, diff, events, normalized rows) is CPU-bound, independent per
batch and needs no warehouse connection; writing is serial. A runner takes a batch and the
warehouse's state of its studies and returns a future plan; the pipeline writes plans in the
order it submitted them, ``window`` batches behind the planning.

* :class:`~flows.pipeline.SerialRunner`: plan in this process (the default for small runs);
  the writer builds the normalized rows in the warehouse.
* :class:`ProcessRunner`: plan on ``workers`` local processes (``concurrent.futures``); each
  builds normalized rows in its own scratch DuckDB and ships them as Arrow tables.
* ``flows.dask_runner.DaskRunner`` (issue 11): the same on a Dask cluster under Prefect.

>>> runner_for("auto", workers=2)
SerialRunner(window=1, normalizer=None)
>>> runner_for("auto", workers=2, bulk=True)
ProcessRunner(workers=2, window=3)
"""

from __future__ import annotations

from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from flows.pipeline import PlanRunner, SerialRunner
from models.errors import InputError
from models.payload import Batch
from warehouse.plan import Plan, StudyState, plan_batch
from warehouse.scratch import ScratchNormalizer

RunnerKind = Literal["serial", "processes"]

_NORMALIZER: ScratchNormalizer | None = None


def _plan_in_worker(
    batch: Batch, states: dict[str, StudyState], run_id: str, when: datetime
) -> Plan:
    """A worker's planning call: one scratch database per worker process, reused."""
    global _NORMALIZER
    if _NORMALIZER is None:
        _NORMALIZER = ScratchNormalizer()
    return plan_batch(batch, states, run_id=run_id, when=when, normalizer=_NORMALIZER)


@dataclass
class ProcessRunner:
    """Plans batches on ``workers`` local processes, ``window`` batches in flight."""

    workers: int = 2
    window: int = 3
    _pool: ProcessPoolExecutor | None = field(default=None, init=False, repr=False)

    def submit(
        self, batch: Batch, states: dict[str, StudyState], run_id: str, when: datetime
    ) -> Future[Plan]:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers)
        return self._pool.submit(_plan_in_worker, batch, states, run_id, when)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


def runner_for(kind: str, *, workers: int, bulk: bool = False) -> PlanRunner:
    """The runner a setting names (``CTGOV_TASK_RUNNER``); ``auto`` plans bulk loads on
    processes and everything else in this process."""
    if kind == "auto":
        kind = "processes" if bulk and workers > 1 else "serial"
    if kind == "serial":
        return SerialRunner()
    if kind == "processes":
        return ProcessRunner(workers=workers, window=workers + 1)
    raise InputError(f"unknown task runner {kind!r}; use auto, serial or processes")
