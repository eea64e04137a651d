"""How a run holds the DuckDB file: only while it reads or writes a batch, or for its whole
length.

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


class WarehouseSession:
    """Connections to one warehouse file for the length of a run."""

    def __init__(self, db: Path, *, hold: bool = False) -> None:
        self.db = db
        self.hold = hold
        self._held: duckdb.DuckDBPyConnection | None = None

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection for one step: the held one, or a new one closed after."""
        if self.hold:
            if self._held is None:
                self._held = connect(self.db)
            yield self._held
            return
        con = connect(self.db)
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
