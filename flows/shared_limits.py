"""One writer and one politeness budget across processes and machines, through Prefect.

Locally, the run lock (``warehouse/lock.py``) keeps one run per database and each registry
client spaces its own requests. When a Prefect server is configured (``PREFECT_API_URL``),
runs of several deployments, workers or machines share two global concurrency limits too:

* ``ctgov-writer`` (limit 1): held for a whole run's writing, so two runs never interleave
  writes, even on databases the local lock cannot see (another machine's mount);
* ``ctgov-registry`` (a rate limit: limit 1, slots decaying at ``requests_per_minute / 60``
  per second): every registry request takes a slot, so N processes together make at most
  the politeness budget, not N times it. Each process keeps its own limiter as well.

Both limits are created (or updated to the run's rate) at the start of a run; a team can
inspect or change them with ``prefect gcl inspect ctgov-registry``. Planning workers (threads,
processes, Dask) make no registry requests: only the writer's process fetches.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from prefect.client.orchestration import get_client
from prefect.concurrency.sync import concurrency, rate_limit
from prefect.settings import get_current_settings

from flows.prefect_server import TEMPORARY_API_ENV
from registry.ratelimit import RateLimiter, SlotLimiter

WRITER_LIMIT = "ctgov-writer"
REGISTRY_LIMIT = "ctgov-registry"
SECONDS_PER_MINUTE = 60.0


def server_configured() -> bool:
    """True when runs talk to a Prefect server of their own choosing: not the temporary one
    Prefect or an ad-hoc command starts for a single run, which no other process shares.

    A temporary server lives only as long as its command, so it never takes back the slot of
    a run killed outright: every later command on the same Prefect home waited for ever for
    ``ctgov-writer``.
    """
    url = get_current_settings().api.url
    return url is not None and url != os.environ.get(TEMPORARY_API_ENV)


def ensure_limits(requests_per_minute: float) -> None:
    """Create or update the two limits (idempotent: one call each)."""
    with get_client(sync_client=True) as client:
        client.upsert_global_concurrency_limit_by_name(WRITER_LIMIT, 1)
        client.upsert_global_concurrency_limit_by_name(
            REGISTRY_LIMIT, 1, slot_decay_per_second=requests_per_minute / SECONDS_PER_MINUTE
        )


class SharedRateLimiter:
    """The local limiter, then a slot of the server's ``ctgov-registry`` rate limit."""

    def __init__(self, local: RateLimiter) -> None:
        self._local = local

    def acquire(self) -> float:
        began = time.monotonic()
        self._local.acquire()
        rate_limit(REGISTRY_LIMIT, occupy=1, strict=True)
        return time.monotonic() - began


@contextmanager
def shared_limits(requests_per_minute: float) -> Iterator[SlotLimiter | None]:
    """Hold ``ctgov-writer`` for the block and give the registry limiter to use, when a
    server is configured; otherwise nothing is taken and None is given (local limits only)."""
    if not server_configured():
        yield None
        return
    ensure_limits(requests_per_minute)
    with concurrency(WRITER_LIMIT, occupy=1, strict=True):
        yield SharedRateLimiter(RateLimiter(requests_per_minute))
