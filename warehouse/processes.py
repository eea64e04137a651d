"""Whether a process still runs, for whoever must tell a dead holder from a live one (a
spill file's writer, a planning process's writer). Standard library only."""

from __future__ import annotations

import os


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists (one of another user's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
