"""Ending a helper process with the process it serves, however that one ends.

A helper that waits on a pipe or a socket for its master's next word waits for ever once the
master is killed outright (``kill -9``, the out-of-memory killer): nothing closes what it
waits on, since it holds that itself (a pool's task queue), or nothing ever will (a server's
socket). The planning processes (:mod:`flows.plan_worker`) and the temporary Prefect server
of an ad-hoc run (:mod:`flows.temporary_server`) each watch their master here.

Standard library only (and :mod:`warehouse.processes`): the temporary server imports it
before Prefect.
"""

from __future__ import annotations

import os
import select
import threading
import time
from collections.abc import Callable

from warehouse.processes import alive

POLL_S = 1.0
"""How often a master is asked whether it lives, where Linux's ``pidfd_open`` is missing."""


def on_end_of(pid: int, then: Callable[[], None]) -> None:
    """Call ``then`` on a daemon thread once process ``pid`` has ended (now, if it has).

    Linux gives the process as a descriptor that becomes readable when it ends; elsewhere it
    is asked for every :data:`POLL_S` seconds.
    """
    try:
        handle: int | None = os.pidfd_open(pid)
    except ProcessLookupError:
        then()
        return
    except (AttributeError, OSError):
        handle = None
    threading.Thread(
        target=_wait_then, args=(pid, handle, then), name="ctgov-lifeline", daemon=True
    ).start()


def _wait_then(pid: int, handle: int | None, then: Callable[[], None]) -> None:
    if handle is not None:
        select.select([handle], [], [])
    else:
        while alive(pid):
            time.sleep(POLL_S)
    then()
