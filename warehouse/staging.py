"""Handing rows to SQL: an Arrow table registered under a name for the length of a block.

Every statement that reads rows from Python reads them this way (no temp-table copies, no
replacement scans of local variables, which depend on the caller's frame)::

    with staged(con, "staged_keys", [{"nct_id": "NCT06690827", "version": 1}], KEY_SCHEMA):
        con.execute("DELETE FROM studies USING staged_keys ...")
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from typing import Any

import duckdb
import pyarrow as pa


@contextmanager
def staged(
    con: duckdb.DuckDBPyConnection,
    name: str,
    rows: Sequence[Mapping[str, Any]] | pa.Table,
    schema: pa.Schema | None = None,
) -> Iterator[None]:
    """``rows`` visible to SQL as ``name`` (an Arrow table, not copied) while the block runs.

    When the block fails the transaction is aborted and unregistering fails too; the block's
    own error is the one raised.
    """
    table = rows if isinstance(rows, pa.Table) else pa.Table.from_pylist(list(rows), schema=schema)
    con.register(name, table)
    try:
        yield
    except BaseException:
        with suppress(duckdb.Error):
            con.unregister(name)
        raise
    con.unregister(name)
