"""Content hashes see through markup and whitespace; payload hashes are added.

content_hash becomes the hash of each record's comparable form (models/markup.py: markup
fields as text, whitespace collapsed), so the history API's HTML copy of a version and API
v2's Markdown copy are the same content; payload_hash is the SHA-256 of the stored payload
as received. Observations take their version's new hash.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from models.hashing import content_hash, payload_hash
from warehouse.staging import staged

CHUNK = 2_000


def apply(con: duckdb.DuckDBPyConnection) -> None:
    """Re-hash every stored version, ``CHUNK`` at a time."""
    import orjson

    offset = 0
    while True:
        rows = con.execute(
            "SELECT nct_id, version, CAST(record AS VARCHAR), markup FROM study_versions "
            "ORDER BY nct_id, version LIMIT ? OFFSET ?",
            [CHUNK, offset],
        ).fetchall()
        if not rows:
            break
        offset += len(rows)
        rehashed = pa.table(
            {
                "nct_id": [row[0] for row in rows],
                "version": pa.array([row[1] for row in rows], pa.int32()),
                "content_hash": [content_hash(orjson.loads(row[2]), row[3]) for row in rows],
                "payload_hash": [payload_hash(row[2]) for row in rows],
            }
        )
        with staged(con, "rehashed", rehashed):
            con.execute(
                "UPDATE study_versions AS v SET content_hash = r.content_hash, "
                "payload_hash = r.payload_hash FROM rehashed AS r "
                "WHERE v.nct_id = r.nct_id AND v.version = r.version"
            )
    con.execute(
        "UPDATE observations AS o SET content_hash = v.content_hash FROM study_versions AS v "
        "WHERE o.nct_id = v.nct_id AND o.version = v.version AND o.content_hash IS NOT NULL"
    )
