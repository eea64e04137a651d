"""Helpers shared by the normalize, export, console and queries-doc tests (no tests here).

Real registry records come from ``imitation/data/studies`` (copied into the project). Versions
are inserted with SQL, the way the snapshot store does, and normalized through
``normalize_versions`` inside one transaction with the ``batch_versions`` temp table.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from models.hashing import content_hash
from warehouse.database import connect
from warehouse.normalize import normalize_versions

RECORDS_DIR = Path(__file__).resolve().parents[1] / "imitation" / "data" / "studies"
FIRST_SEEN = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

_INSERT_VERSION = """
INSERT INTO study_versions
    (nct_id, version, content_hash, valid_from, valid_to, source, registry_version, run_id, record,
     overall_status, last_update_post_date, brief_title, phases, enrollment_count)
SELECT $nct_id, $version, $hash, $valid_from, $valid_to, 'observed', NULL, 'test-run', r,
    r ->> '$.protocolSection.statusModule.overallStatus',
    TRY_CAST(r ->> '$.protocolSection.statusModule.lastUpdatePostDateStruct.date' AS DATE),
    r ->> '$.protocolSection.identificationModule.briefTitle',
    CAST(json_extract(r, '$.protocolSection.designModule.phases') AS VARCHAR[]),
    TRY_CAST(r ->> '$.protocolSection.designModule.enrollmentInfo.count' AS BIGINT)
FROM (SELECT $text::JSON AS r)
"""


def real_records() -> dict[str, str]:
    """NCT ID -> the record's JSON text exactly as stored in the project."""
    return {path.stem: path.read_text("utf-8") for path in sorted(RECORDS_DIR.glob("*.json"))}


def insert_version(
    con: duckdb.DuckDBPyConnection,
    nct_id: str,
    version: int,
    text: str,
    *,
    valid_from: datetime = FIRST_SEEN,
    valid_to: datetime | None = None,
) -> None:
    con.execute(
        _INSERT_VERSION,
        {
            "nct_id": nct_id,
            "version": version,
            "hash": content_hash(json.loads(text)),
            "valid_from": valid_from,
            "valid_to": valid_to,
            "text": text,
        },
    )


def normalize_keys(
    con: duckdb.DuckDBPyConnection, keys: Iterable[tuple[str, int]]
) -> dict[str, int]:
    """Normalize ``keys`` the way the store does: one transaction, temp table batch_versions."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE batch_versions (nct_id VARCHAR, version INTEGER)")
        for nct_id, version in keys:
            con.execute("INSERT INTO batch_versions VALUES (?, ?)", [nct_id, version])
        counts = normalize_versions(con)
        con.execute("DROP TABLE batch_versions")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
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
