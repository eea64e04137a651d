"""Ctrl-C during a run stops it between batches, not inside one.

Python raises ``KeyboardInterrupt`` wherever the main thread is when SIGINT comes, and while
DuckDB runs a statement its client takes the signal too: the same Ctrl-C on a bulk load
ended as a ``KeyboardInterrupt``, as ``RuntimeError('Query interrupted')``, or as DuckDB's
``InvalidInputException`` wrapping the ``KeyboardInterrupt`` raised in Python while it read
a staged Arrow table (seen 2026-12-06, the last two with a traceback and exit 1). Held here,
the first Ctrl-C is a request that the run checks after each batch it writes (a batch is one
transaction): the run is recorded as interrupted and ``KeyboardInterrupt`` raised there. A
second Ctrl-C raises at once.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

NOTICE = "stopping after the batch being written (Ctrl-C again to stop at once)"


@contextmanager
def stop_between_batches() -> Iterator[Callable[[], None]]:
    """For the block, a check that raises ``KeyboardInterrupt`` once Ctrl-C was pressed.

    Only in the main thread, and only where Ctrl-C raises ``KeyboardInterrupt`` (not where it
    is ignored, or another handler was set): elsewhere the check does nothing.
    """
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield _never
        return
    requested: list[bool] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        if requested:
            raise KeyboardInterrupt
        requested.append(True)
        sys.stderr.write(f"\n{NOTICE}\n")

    def check() -> None:
        if requested:
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, hold)
    try:
        yield check
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _never() -> None:
    return None
