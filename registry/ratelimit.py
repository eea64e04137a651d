"""A requests-per-minute limiter shared by every thread that uses one client.

Requests are spaced evenly (60 / rate seconds apart) rather than allowed in bursts: the registry
publishes no limit, and even spacing is the politest reading of "~50 per minute" and of
`robots.txt`'s one-second crawl delay.

>>> waits = []
>>> limiter = RateLimiter(120, clock=lambda: 0.0, sleep=waits.append)
>>> [limiter.acquire() for _ in range(3)]
[0.0, 0.5, 1.0]
>>> waits
[0.5, 1.0]
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

SECONDS_PER_MINUTE = 60.0


class SlotLimiter(Protocol):
    """What a client needs of a limiter: wait for the next request slot, return the wait."""

    def acquire(self) -> float: ...


class RateLimiter:
    """Hands out request slots at most `requests_per_minute` per minute, in call order."""

    def __init__(
        self,
        requests_per_minute: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if requests_per_minute <= 0:
            raise ValueError(f"requests per minute must be positive, got {requests_per_minute}")
        self.interval_s = SECONDS_PER_MINUTE / requests_per_minute
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_slot: float | None = None

    def acquire(self) -> float:
        """Wait for the next free slot and return how long this call waited, in seconds.

        The slot is reserved under the lock and the wait happens outside it, so threads queue
        behind one another without holding the lock while asleep.
        """
        with self._lock:
            now = self._clock()
            slot = now if self._next_slot is None else max(now, self._next_slot)
            self._next_slot = slot + self.interval_s
        wait = slot - now
        if wait > 0:
            self._sleep(wait)
        return wait
