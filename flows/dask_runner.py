"""Planning on a Dask cluster: a local one of ``workers`` processes, or an existing one.

The pipeline submits each batch and the warehouse's state of its studies to the cluster;
a worker plans it (:func:`flows.plan_worker.plan_on_worker`: parse, validate, hash, diff, events,
normalized rows in its own scratch DuckDB) and the plan comes back to the one writer, which
applies plans in the order they were submitted. Workers never open the warehouse, so an
existing cluster (``CTGOV_DASK_ADDRESS=tcp://scheduler:8786``) only needs this package
installed on its workers.

This runner uses Dask's ``distributed`` directly, so the pipeline stays Prefect-free and
testable; the flows plan through ``prefect-dask`` instead (:mod:`flows.prefect_dask`: one
Prefect task run per batch), with the same planning function.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flows.plan_worker import plan_on_worker
from models.errors import CtgovError
from models.payload import Batch
from warehouse.plan import Plan, StudyState


@contextmanager
def quiet_large_graphs() -> Iterator[None]:
    """Silence ``distributed``'s "Sending large graph" warning: a batch (megabytes of JSON) is
    the task's data by design, sent once to the one worker that plans it."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Sending large graph", category=UserWarning)
        yield


class DaskUnavailableError(CtgovError):
    """The dask runner was asked for but Dask is not installed or its cluster does not answer."""


def local_cluster_options(workers: int) -> dict[str, Any]:
    """A local cluster of ``workers`` single-threaded processes (planning holds the GIL), quiet
    and without a dashboard: for ``distributed.LocalCluster`` and ``prefect-dask`` alike."""
    return {
        "n_workers": workers,
        "threads_per_worker": 1,
        "processes": True,
        "dashboard_address": None,
        "silence_logs": logging.ERROR,
    }


def unreachable(address: str | None, exc: OSError) -> DaskUnavailableError:
    """The one-line error of a cluster that does not answer (or a local one that cannot start)."""
    where = address or "a local cluster"
    return DaskUnavailableError(f"cannot reach the Dask cluster at {where}: {exc}")


@dataclass
class DaskRunner:
    """Plans batches on Dask workers, ``window`` batches in flight."""

    workers: int = 2
    address: str | None = None
    window: int = 3
    _client: Any = field(default=None, init=False, repr=False)
    _cluster: Any = field(default=None, init=False, repr=False)

    def submit(
        self, batch: Batch, states: dict[str, StudyState], run_id: str, when: datetime
    ) -> Future[Plan]:
        client = self._connect()
        with quiet_large_graphs():
            future: Future[Plan] = client.submit(
                plan_on_worker, batch, states, run_id, when, pure=False
            )  # a distributed.Future: .result() like concurrent.futures'
        return future

    @property
    def dashboard(self) -> str | None:
        return None if self._client is None else str(self._client.dashboard_link)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def _connect(self) -> Any:
        if self._client is not None:
            return self._client
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise DaskUnavailableError(
                "CTGOV_TASK_RUNNER=dask needs Dask: pip install 'ctgov-warehouse[dask]'"
            ) from None
        try:
            if self.address:
                self._client = Client(self.address, timeout="20s")  # type: ignore[no-untyped-call]
            else:
                options = local_cluster_options(self.workers)
                self._cluster = LocalCluster(**options)  # type: ignore[no-untyped-call]
                self._client = Client(self._cluster)  # type: ignore[no-untyped-call]
        except OSError as exc:
            raise unreachable(self.address, exc) from None
        return self._client
