"""Planning under a flow on Dask, through ``prefect-dask``: one Prefect task run per batch.

In the flows, ``CTGOV_TASK_RUNNER=dask`` plans each batch as a ``plan-batch`` task run on
``prefect-dask``'s :class:`~prefect_dask.DaskTaskRunner`: a local cluster of ``workers``
processes, or an existing one (``CTGOV_DASK_ADDRESS``). The task runs show in Prefect's UI
with their worker, state and timing; their count follows batches (about 600 for the whole
registry at 1,000 studies a batch), never studies. Results are not persisted: a plan goes back
to the one writer in the flow's process and is dropped once written.

Outside a flow (library calls, tests of the pipeline) the same setting gives
:class:`flows.dask_runner.DaskRunner`, which submits to ``distributed`` directly; both plan
with :func:`flows.plan_worker.plan_on_worker`, so the warehouse is the same row for row.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from flows.dask_runner import (
    DaskUnavailableError,
    local_cluster_options,
    quiet_large_graphs,
    unreachable,
)
from flows.pipeline import PlanFuture, PlanRunner
from flows.plan_worker import plan_on_worker
from flows.runners import closing_runner, planning
from flows.settings import Settings
from models.payload import Batch
from warehouse.plan import Plan, StudyState


@task(name="plan-batch", cache_policy=NO_CACHE, persist_result=False, log_prints=False)
def plan_batch_task(
    batch: Batch, states: dict[str, StudyState], run_id: str, when: datetime
) -> Plan:
    """Parse, validate, hash, diff and normalize one batch on a Dask worker."""
    return plan_on_worker(batch, states, run_id, when)


@dataclass
class PrefectDaskRunner:
    """Plans batches as Prefect task runs on a Dask cluster, ``window`` in flight."""

    workers: int = 2
    address: str | None = None
    window: int = 3
    _stack: ExitStack = field(default_factory=ExitStack, init=False, repr=False)
    _runner: Any = field(default=None, init=False, repr=False)

    def submit(
        self, batch: Batch, states: dict[str, StudyState], run_id: str, when: datetime
    ) -> PlanFuture:
        runner = self._start()
        parameters = {"batch": batch, "states": states, "run_id": run_id, "when": when}
        with quiet_large_graphs():
            future: PlanFuture = runner.submit(plan_batch_task, parameters=parameters)
        return future

    @property
    def client(self) -> Any:
        """The ``distributed`` client of the running cluster (None before the first batch)."""
        return None if self._runner is None else self._runner.client

    def close(self) -> None:
        self._stack.close()
        self._runner = None

    def _start(self) -> Any:
        if self._runner is not None:
            return self._runner
        try:
            from prefect_dask.task_runners import DaskTaskRunner
        except ImportError:
            raise DaskUnavailableError(
                "CTGOV_TASK_RUNNER=dask needs prefect-dask: pip install 'ctgov-warehouse[dask]'"
            ) from None
        if self.address:
            runner = DaskTaskRunner(address=self.address, client_kwargs={"timeout": "20s"})
        else:
            runner = DaskTaskRunner(cluster_kwargs=local_cluster_options(self.workers))
        try:
            self._runner = self._stack.enter_context(runner)
        except OSError as exc:
            raise unreachable(self.address, exc) from None
        return self._runner


def flow_planning(settings: Settings, *, bulk: bool = False) -> AbstractContextManager[PlanRunner]:
    """The runner ``settings`` names, for a flow: ``dask`` through ``prefect-dask``; the others
    as :func:`flows.runners.planning` gives them. Closed when the run ends, however it ends."""
    if settings.task_runner == "dask":
        return closing_runner(
            PrefectDaskRunner(
                workers=settings.workers, address=settings.dask_address, window=settings.workers + 1
            )
        )
    return planning(
        settings.task_runner,
        workers=settings.workers,
        bulk=bulk,
        dask_address=settings.dask_address,
    )
