"""Helpers shared by the normalize, export, console and queries-doc tests (no tests here).

Real registry records come from ``imitation/data/studies`` (copied into the project). Versions
are inserted with the snapshot store's own statement (``insert_versions.sql``) and normalized
through ``normalize_versions`` inside one transaction with the ``batch_versions`` temp table.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from models.hashing import content_hash, payload_hash
from tests.conftest import STUDIES_DIR
from warehouse.database import connect
from warehouse.normalize import normalize_versions
from warehouse.sql_text import load_sql
from warehouse.transactions import transaction
from warehouse.writer import VERSION_SCHEMA

FIRST_SEEN = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def real_records() -> dict[str, str]:
    """NCT ID -> the record's JSON text exactly as stored in the project."""
    return {path.stem: path.read_text("utf-8") for path in sorted(STUDIES_DIR.glob("*.json"))}


def insert_version(
    con: duckdb.DuckDBPyConnection,
    nct_id: str,
    version: int,
    text: str,
    *,
    valid_from: datetime = FIRST_SEEN,
    valid_to: datetime | None = None,
) -> None:
    """Insert one version with the store's own statement (``insert_versions.sql``)."""
    staged_versions = pa.Table.from_pylist(  # noqa: F841 (scanned by SQL)
        [
            {
                "nct_id": nct_id,
                "version": version,
                "content_hash": content_hash(json.loads(text)),
                "payload_hash": payload_hash(text),
                "valid_from": valid_from,
                "source": "observed",
                "registry_version": None,
                "registry_date": valid_from.date(),
                "observed_at": valid_from,
                "markup": "markdown",
                "run_id": "test-run",
                "record": text,
                "registry_record": None,
            }
        ],
        schema=VERSION_SCHEMA,
    )
    con.execute(load_sql("insert_versions.sql"))
    if valid_to is not None:
        con.execute(
            "UPDATE study_versions SET valid_to = ? WHERE nct_id = ? AND version = ?",
            [valid_to, nct_id, version],
        )


def normalize_keys(
    con: duckdb.DuckDBPyConnection, keys: Iterable[tuple[str, int]]
) -> dict[str, int]:
    """Normalize ``keys`` the way the store does: one transaction, temp table batch_versions."""
    pairs = list(keys)
    staged_keys = pa.table(  # noqa: F841 (scanned by SQL)
        {
            "nct_id": pa.array([nct_id for nct_id, _ in pairs], pa.string()),
            "version": pa.array([version for _, version in pairs], pa.int32()),
        }
    )
    with transaction(con):
        con.execute("CREATE OR REPLACE TEMP TABLE batch_versions (nct_id VARCHAR, version INTEGER)")
        con.execute("INSERT INTO batch_versions SELECT * FROM staged_keys")
        counts = normalize_versions(con)
        con.execute("DROP TABLE batch_versions")
    return counts


def build_real_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    """A migrated database holding every real record as version 1, normalized."""
    con = connect(path)
    records = real_records()
    for nct_id, text in records.items():
        insert_version(con, nct_id, 1, text)
    normalize_keys(con, [(nct_id, 1) for nct_id in records])
    return con


def derived_version(text: str, change: Any) -> str:
    """A synthetic later version: the record parsed, changed by ``change(record)``, re-dumped.

    Only for history scenarios; the real records on disk are never modified.
    """
    record = json.loads(text)
    change(record)
    return json.dumps(record, ensure_ascii=False)
