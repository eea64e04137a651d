"""How often Python's cyclic garbage collector runs while records are parsed and planned.

Records parsed from JSON, and the models validated from them, hold no reference cycles:
reference counting frees them. At the default thresholds (700, 10, 10) the collector rescans
every live record of a batch over and over. Measured: a third of a bulk load's time in the
writer's process, and a quarter of a planning process's CPU (3.55 s against 2.67 s for a
batch of 2,000 studies, alternating in one process, 2026-12-03). Planning processes (a local
pool's, started from a fork server; Dask's) start with the default thresholds, which is why
:func:`flows.plan_worker.plan_on_worker` sets them too.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

GC_THRESHOLDS = (100_000, 50, 1_000)
"""Generation thresholds during a run and while a worker plans a batch."""


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect rarely for the block, then go back to the thresholds it found."""
    previous = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
