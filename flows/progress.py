"""Progress of a long run, shown by the CLI and silent elsewhere: a bar per phase with its
count, rate and time left.

Prefect runs tasks in worker threads and hashes or serialises their parameters, so a callback
cannot travel as a task argument; the CLI installs a reporter here instead and the pipeline
calls :func:`report` after each written batch.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class RateColumn(ProgressColumn):
    """Items per second over rich's recent window, e.g. ``412/s``."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.0f}/s", style="progress.data.speed")


_progress: Progress | None = None
_tasks: dict[str, TaskID] = {}


def report(phase: str, done: int, total: int | None) -> None:
    """Record that ``done`` of ``total`` (None: not known yet) items of ``phase`` are done."""
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
        TaskProgressColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as progress:
        _progress = progress
        try:
            yield
        finally:
            _progress = None
            _tasks.clear()
