"""One unit of work, one transaction: all of it commits or none of it does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Run the block in a transaction: commit when it ends, roll back when it raises.

    Inside a transaction the caller already opened, the block joins it and leaves the commit
    or rollback to that caller, so units of work compose (a store batch inside a backfill).
    """
    try:
        con.execute("BEGIN TRANSACTION")
    except duckdb.TransactionException:
        yield
        return
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
