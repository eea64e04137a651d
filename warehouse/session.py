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

DEFAULT_MEMORY_LIMIT = "384MB"
"""What DuckDB may hold in memory for a held session (its default is 80 % of the machine).

Measured on 600,000-study first loads (``ctgov load-bulk``, row groups of 8,192 rows, the
connection reopened every :data:`~warehouse.writer.REOPEN_VERSIONS` versions), 2026-12-07:
384 MB against 512 MB, the writer's peak 1,197 MB against 1,304-1,317 MB and all processes'
RSS summed 1,977 MB against 2,075-2,086 MB (PSS 1,780 against 1,877-1,892 MB); 590.2 s
against 584.5 s, the writer's CPU 409 s against 391 s (+4.5 %, its time spilling), while it
still waited on the planning workers. Before, with row groups of 32,768 rows (2026-12-06),
512 MB against 640 MB cost 3 % at 100,000 studies; with DuckDB's own row groups of 122,880
rows (2026-12-03) 512 MB had cost 16 % (its checkpoints spilled)."""


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

    def reopen(self) -> None:
        """Close the held connection (checkpointing the file), so the next step opens it afresh.

        DuckDB keeps the metadata of every column segment a connection wrote (~1 KB each,
        outside its memory limit) for as long as the connection lives; a file opened afresh
        reads only what it touches. A 600,000-study bulk load in one connection grew its
        writer from 0.8-1.1 GB in its first minutes to 1.3-1.4 GB in its last (peak 1,438 MB);
        reopened every 65,536 versions it stayed at 0.7-1.2 GB throughout (peak 1,304-1,317 MB,
        2026-12-07). Between the two, a reader may take the file; the next step waits for it
        as a per-batch run does.
        """
        self.close()

    def close(self) -> None:
        if self._held is not None:
            self._held.close()
            self._held = None

    def __enter__(self) -> WarehouseSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
