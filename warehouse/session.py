"""How a run holds the DuckDB file: only while it reads or writes a batch, or for its whole
length; and how long it waits for a reader to let go.

DuckDB lets one process hold a file read-write and then nobody else in at all, not even a
reader. A watchlist run opens the file for each batch's read and write and closes it in
between (``hold=False``), so a notebook or ``ctgov sql`` gets in between batches. A bulk load
of the whole registry keeps it (``hold=True``): reopening 600 times costs more than it gives,
and readers use the Parquet export meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse.database import connect

HELD_CHECKPOINT_THRESHOLD = "128MB"
"""A held session's write-ahead log grows to this before DuckDB checkpoints it (default 16 MB:
a checkpoint after nearly every batch of a bulk load).

Only the tables a group of plans adds less than a row group to go through the log (the
others are written straight to the file, ``warehouse.database.ROW_GROUP_SIZE``), and their
rows stay in memory until a checkpoint. At 1 GB, a 600,000-study load with a commit per
2,048-row group checkpointed never and ran out of its 512 MB at 350,000 studies
(2026-12-07); at 128 MB it checkpoints every ~45,000 studies, holding 8-155 MB."""


DEFAULT_WRITE_WAIT_S = 600.0
"""How long a run waits for a reader to let go of the file before a batch's read or write
(the wait is announced, naming the holder)."""

DEFAULT_MEMORY_LIMIT = "512MB"
"""What DuckDB may hold in memory for a held session (its default is 80 % of the machine).

Measured back to back on 100,000-study first loads (row groups of 32,768 rows), 2026-12-06:
512 MB against 640 MB took 76.0 and 76.0 s against 73.5 and 73.8 s (+3 %), with the
writer's peak 1.34-1.36 GB against 1.45-1.48 GB and all processes' PSS 1.80-1.82 GB against
1.91-2.00 GB; a 600,000-study first load at 512 MB took 474.2 s with the writer at 1.53 GB.
Earlier the same day 640 MB against 1 GB took the same time (100k) or less (600k: 603.4 s
against 622.2 s). On 2026-12-03, with DuckDB's own row groups of 122,880 rows, 512 MB had
cost 16 % (its checkpoints spilled)."""


class WarehouseSession:
    """Connections to one warehouse file for the length of a run."""

    def __init__(
        self,
        db: Path,
        *,
        hold: bool = False,
        memory_limit: str = DEFAULT_MEMORY_LIMIT,
        lock_wait_s: float = DEFAULT_WRITE_WAIT_S,
    ) -> None:
        self.db = db
        self.hold = hold
        self.memory_limit = memory_limit
        self.lock_wait_s = lock_wait_s
        self._held: duckdb.DuckDBPyConnection | None = None

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection for one step: the held one, or a new one closed after."""
        if self.hold:
            if self._held is None:
                self._held = connect(self.db, lock_wait_s=self.lock_wait_s)
                self._held.execute(f"SET checkpoint_threshold = '{HELD_CHECKPOINT_THRESHOLD}'")
                self._held.execute(f"SET memory_limit = '{self.memory_limit}'")
            yield self._held
            return
        con = connect(self.db, lock_wait_s=self.lock_wait_s)
        try:
            yield con
        finally:
            con.close()

    def close(self) -> None:
        if self._held is not None:
            self._held.close()
            self._held = None

    def __enter__(self) -> WarehouseSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
