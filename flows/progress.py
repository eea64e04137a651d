"""Progress of a long run, shown by the CLI and silent elsewhere.

Prefect runs tasks in worker threads and hashes or serialises their parameters, so a callback
cannot travel as a task argument; the CLI installs a reporter here instead and the tasks call
:func:`report`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

_progress: Progress | None = None
_tasks: dict[str, TaskID] = {}


def report(phase: str, done: int, total: int) -> None:
    """Record that ``done`` of ``total`` items of ``phase`` are finished."""
    if _progress is None:
        return
    task_id = _tasks.get(phase)
    if task_id is None:
        task_id = _tasks[phase] = _progress.add_task(phase, total=total)
    _progress.update(task_id, completed=done, total=total)


@contextmanager
def shown_on(console: Console) -> Iterator[None]:
    """Show progress bars on ``console`` while the block runs (only on a terminal)."""
    global _progress
    if not console.is_terminal:
        yield
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
    ) as progress:
        _progress = progress
        try:
            yield
        finally:
            _progress = None
            _tasks.clear()
