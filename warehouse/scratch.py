"""Normalized rows built off the writer, in a private in-memory DuckDB.

The planner (:mod:`warehouse.plan`) never opens the warehouse file, yet the normalized tables
are derived with DuckDB SQL (``warehouse/sql/normalize``). A :class:`ScratchNormalizer` keeps,
per thread, an in-memory database migrated to the same schema; for a batch it inserts the new
versions' records, runs the very same normalization, and hands the rows back as Arrow tables
that the writer inserts as they are. Planning workers (threads, processes, Dask) each build
their own scratch database once and reuse it.

>>> tables = ScratchNormalizer().rows([("NCT06690827", 1, record_text)])  # doctest: +SKIP
>>> tables["locations"].num_rows                                         # doctest: +SKIP
1
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import duckdb
import pyarrow as pa

from warehouse.database import DUCKDB_CONFIG
from warehouse.migrate import migrate
from warehouse.normalize import BATCH_TABLE, NORMALIZED_TABLES, normalize_versions
from warehouse.staging import staged
from warehouse.transactions import transaction

_STAGE = pa.schema([("nct_id", pa.string()), ("version", pa.int32()), ("record", pa.string())])

_INSERT_VERSIONS = """
INSERT INTO study_versions (nct_id, version, content_hash, valid_from, source, record)
SELECT nct_id, version, '', TIMESTAMPTZ '2000-01-01 00:00:00+00', 'observed', record::JSON
FROM scratch_records
"""


class ScratchNormalizer:
    """Builds normalized rows for given records; one in-memory database per thread."""

    def __init__(self) -> None:
        self._local = threading.local()

    def rows(self, versions: Sequence[tuple[str, int, str]]) -> dict[str, pa.Table]:
        """Normalized rows of ``(nct_id, version, record text)``, per table (empty ones too)."""
        con = self._connection()
        records = [{"nct_id": n, "version": v, "record": r} for n, v, r in versions]
        with transaction(con), staged(con, "scratch_records", records, _STAGE):
            con.execute(_INSERT_VERSIONS)
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {BATCH_TABLE} AS "
                "SELECT nct_id, version FROM scratch_records"
            )
            normalize_versions(con, fresh=True)
            tables = {
                name: con.sql(f"SELECT * FROM {name}").to_arrow_table()
                for name in NORMALIZED_TABLES
            }
            for name in (*NORMALIZED_TABLES, "study_versions"):
                con.execute(f"DELETE FROM {name}")
        return tables

    def _connection(self) -> duckdb.DuckDBPyConnection:
        con: duckdb.DuckDBPyConnection | None = getattr(self._local, "con", None)
        if con is None:
            con = duckdb.connect(":memory:", config={**DUCKDB_CONFIG, "threads": 1})
            migrate(con)
            self._local.con = con
        return con

    def __getstate__(self) -> dict[str, object]:
        """Shipped to a worker process without its connections: each builds its own."""
        return {}

    def __setstate__(self, state: dict[str, object]) -> None:
        self._local = threading.local()
