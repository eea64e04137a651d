"""One unit of work, one transaction: all of it commits or none of it does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

_OPEN: set[int] = set()
"""Connections (by ``id``) inside a :func:`transaction` block. Tracked here because asking
DuckDB fails loudly: a ``BEGIN`` inside an open transaction raises and aborts that
transaction (DuckDB 2.0), so the outer unit of work would roll back."""


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Run the block in a transaction: commit when it ends, roll back when it raises.

    Inside a transaction the caller opened with this function, the block joins it and leaves
    the commit or rollback to that caller, so units of work compose (several batches' plans
    in one bulk-load transaction, a store batch inside a backfill).
    """
    key = id(con)
    if key in _OPEN:
        yield
        return
    con.execute("BEGIN TRANSACTION")
    _OPEN.add(key)
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    else:
        con.execute("COMMIT")
    finally:
        _OPEN.discard(key)
