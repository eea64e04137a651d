"""Process checks shared by the tests that kill or interrupt a run."""

from __future__ import annotations


def running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie waiting for a parent that was killed is not)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
