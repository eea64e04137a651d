"""The rate limiter's spacing, with a fake clock and sleep so nothing really waits."""

from __future__ import annotations

import threading

import pytest

from registry import RateLimiter


class FakeClock:
    """A monotonic clock that only moves when the limiter sleeps or the test advances it."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_requests_are_spaced_sixty_over_rate_seconds_apart():
    clock = FakeClock()
    limiter = RateLimiter(50, clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(4):
        limiter.acquire()
        starts.append(clock.now)
    assert starts == pytest.approx([0.0, 1.2, 2.4, 3.6])


def test_time_spent_elsewhere_counts_towards_the_gap():
    clock = FakeClock()
    limiter = RateLimiter(50, clock=clock, sleep=clock.sleep)
    limiter.acquire()
    clock.now += 0.5
    assert limiter.acquire() == pytest.approx(0.7)
    clock.now += 10.0
    assert limiter.acquire() == 0.0
    assert clock.sleeps == pytest.approx([0.7])


def test_idle_time_does_not_bank_a_burst():
    clock = FakeClock()
    limiter = RateLimiter(60, clock=clock, sleep=clock.sleep)
    limiter.acquire()
    clock.now += 100.0
    waits = [limiter.acquire() for _ in range(3)]
    assert waits == pytest.approx([0.0, 1.0, 1.0])
    assert clock.now == pytest.approx(102.0)


def test_threads_share_one_schedule():
    waits: list[float] = []
    lock = threading.Lock()

    def record(seconds: float) -> None:
        with lock:
            waits.append(seconds)

    limiter = RateLimiter(60, clock=lambda: 0.0, sleep=record)
    threads = [threading.Thread(target=limiter.acquire) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(waits) == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_rate_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        RateLimiter(0)
