"""What the warehouse holds of a batch's studies: the planner's input (:mod:`warehouse.plan`).

One read per batch, by join on the batch's IDs (never a scan per study): every held version's
hashes and clocks in registry order, whether each study's last presence event says the registry
stopped returning it, and only the raw records the planner will need: the current one of a
study whose observed payload differs from it, all of them for a study whose history arrives.

>>> states = read_states(con, batch)        # doctest: +SKIP
>>> states["NCT06690827"].current.version   # doctest: +SKIP
11
"""

from __future__ import annotations

from typing import Any

import duckdb
import orjson
import pyarrow as pa

from models.hashing import payload_hash
from models.payload import Batch
from warehouse.plan import HeldVersion, StudyState

_VERSIONS_SQL = """
SELECT v.nct_id, v.version, v.content_hash, v.payload_hash, v.registry_version,
       v.registry_date, v.observed_at, v.valid_from, coalesce(v.markup, 'markdown')
FROM study_versions AS v
SEMI JOIN state_ids AS i ON i.nct_id = v.nct_id
ORDER BY v.nct_id, v.position
"""

_PRESENCE_SQL = """
SELECT e.nct_id, arg_max(e.event_type, e.event_id)
FROM study_events AS e
SEMI JOIN state_ids AS i ON i.nct_id = e.nct_id
WHERE e.event_type IN ('study_missing', 'study_reappeared')
GROUP BY e.nct_id
"""

_RECORDS_SQL = """
SELECT v.nct_id, v.version, CAST(v.record AS VARCHAR), coalesce(v.markup, 'markdown')
FROM study_versions AS v
SEMI JOIN state_records AS r
    ON r.nct_id = v.nct_id AND (r.version IS NULL OR r.version = v.version)
"""
"""A ``state_records`` row with version NULL asks for every version of the study."""


def read_states(con: duckdb.DuckDBPyConnection, batch: Batch) -> dict[str, StudyState]:
    """The state of every study the batch names (studies and missing IDs)."""
    ids = list(dict.fromkeys([*(s.nct_id for s in batch.studies), *batch.missing]))
    if not ids:
        return {}
    state_ids = pa.table({"nct_id": pa.array(ids, pa.string())})  # noqa: F841 (scanned by SQL)
    states: dict[str, StudyState] = {}
    for row in con.execute(_VERSIONS_SQL).fetchall():
        state = states.setdefault(row[0], StudyState(row[0]))
        state.versions.append(
            HeldVersion(
                version=row[1],
                content_hash=row[2],
                payload_hash=row[3],
                registry_version=row[4],
                registry_date=row[5],
                observed_at=row[6],
                valid_from=row[7],
                markup=row[8],
            )
        )
    for nct_id, last_presence in con.execute(_PRESENCE_SQL).fetchall():
        if last_presence == "study_missing" and nct_id in states:
            states[nct_id].missing = True
    _load_records(con, batch, states)
    return states


def _load_records(
    con: duckdb.DuckDBPyConnection, batch: Batch, states: dict[str, StudyState]
) -> None:
    wanted: dict[str, int | None] = {}
    for raw in batch.studies:
        state = states.get(raw.nct_id)
        current = state.current if state else None
        if current is None:
            continue
        if raw.from_history:
            wanted[raw.nct_id] = None
        elif raw.nct_id not in wanted and current.payload_hash != payload_hash(raw.text):
            wanted[raw.nct_id] = current.version
    if not wanted:
        return
    state_records = pa.table(  # noqa: F841 (scanned by SQL)
        {
            "nct_id": pa.array(list(wanted), pa.string()),
            "version": pa.array(list(wanted.values()), pa.int32()),
        }
    )
    for nct_id, version, text, markup in con.execute(_RECORDS_SQL).fetchall():
        record: dict[str, Any] = orjson.loads(text)
        states[nct_id].records[version] = (record, markup)
