"""Reading a source's next batch while the pipeline writes the current one.

A bulk load's writer process both reads the zip (decompressing ~10 GB of JSON for the whole
registry: 106 s of a 685 s load, measured) and applies plans. zlib, file reads and DuckDB
release the GIL, so one thread reading a batch ahead takes the read off the writer's path.

Only for sources that own what they read (a bulk file's own handle): a registry client is
shared with the rest of a run and stays on the caller's thread.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar, cast

T = TypeVar("T")

_END = object()


def read_ahead(items: Iterator[T]) -> Generator[T, None, None]:
    """``items`` in order, the next one produced on a thread while the caller uses this one.

    An error raised by ``items`` reaches the caller at the item it was raised for. When the
    caller stops early, the read under way finishes and ``items`` is closed; the waits have no
    timeout (timed waits misbehave under a faked clock).
    """
    with ThreadPoolExecutor(1, thread_name_prefix="read-ahead") as pool:
        try:
            pending = pool.submit(next, items, _END)
            while True:
                item = pending.result()
                if item is _END:
                    return
                pending = pool.submit(next, items, _END)
                yield cast(T, item)
        finally:
            pool.shutdown(wait=True)
            close = getattr(items, "close", None)
            if close is not None:
                close()
