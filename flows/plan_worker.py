"""What a planning worker runs, whatever the runner: a thread, a local process, a Dask worker.

Kept apart from the runners (``flows/runners.py``, ``flows/dask_runner.py``,
``flows/prefect_dask.py``) so each of them imports it and none imports another, and so a
worker process unpickles a small module.
"""

from __future__ import annotations

import threading
from datetime import datetime

from flows.collections_gc import fewer_collections
from models.payload import Batch
from warehouse.plan import Plan, StudyState, plan_batch
from warehouse.scratch import ScratchNormalizer

_LOCAL = threading.local()


def plan_on_worker(
    batch: Batch, states: dict[str, StudyState], run_id: str, when: datetime
) -> Plan:
    """A worker's planning call: one scratch database per worker thread, reused (a DuckDB
    connection is not shared between threads), and the cyclic collector held off while the
    batch's records are parsed and validated (``flows.collections_gc``)."""
    normalizer: ScratchNormalizer | None = getattr(_LOCAL, "normalizer", None)
    if normalizer is None:
        normalizer = ScratchNormalizer()
        _LOCAL.normalizer = normalizer
    with fewer_collections():
        return plan_batch(batch, states, run_id=run_id, when=when, normalizer=normalizer)
