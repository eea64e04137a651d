"""What the warehouse holds of a batch's studies: the planner's input (:mod:`warehouse.plan`).

Read by key, never by scanning every version: each study's head (``study_heads``: its current
version, hashes and presence) for every study of the batch; every version, in registry order,
only for the studies whose history the batch brings; and only the raw records the planner
needs: the current one of a study whose observed payload differs from it, all of them for a
study whose history arrives.

A record is read from ``study_versions`` in two steps, because DuckDB scans (and decompresses)
the whole record column of a filter it cannot answer from an index, and the table's
two-column key is not used for lookups: the row ids of the wanted versions, from the narrow
key columns, then their records in one ``rowid = ANY(...)`` query, which DuckDB answers from
the row ids alone. Measured on a 600,000-study warehouse: 20 records in 0.14 s this way,
against 0.33 s one by one by row id and 2.3 s in one join on the key; 500 in 1.4 s against
1.7 s.

>>> states = read_states(con, batch)        # doctest: +SKIP
>>> states["NCT06690827"].current.version   # doctest: +SKIP
11
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb
import orjson
import pyarrow as pa

from models.payload import Batch
from warehouse.plan import HeldVersion, StudyState
from warehouse.sql_text import load_sql
from warehouse.staging import staged

_RECORDS_BY_ROWID_SQL = (
    "SELECT rowid, CAST(record AS VARCHAR), coalesce(markup, 'markdown') "
    "FROM study_versions WHERE rowid = ANY(?)"
)


def read_states(con: duckdb.DuckDBPyConnection, batch: Batch) -> dict[str, StudyState]:
    """The state of every study the batch names (studies and missing IDs)."""
    ids = list(dict.fromkeys([*(s.nct_id for s in batch.studies), *batch.missing]))
    if not ids:
        return {}
    states: dict[str, StudyState] = {}
    with staged(con, "state_ids", pa.table({"nct_id": pa.array(ids, pa.string())})):
        heads = con.execute(load_sql("state_heads.sql", "read")).fetchall()
    for row in heads:
        states[row[0]] = StudyState(
            row[0],
            versions=[_held(row[:10], valid_to=None)],
            missing=bool(row[10]),
            complete=False,
            max_version=row[11],
        )
    with_history = sorted({s.nct_id for s in batch.studies if s.from_history} & set(states))
    if with_history:
        _load_chains(con, states, with_history)
    _load_head_records(con, batch, states)
    return states


def _held(row: Sequence[Any], *, valid_to: Any) -> HeldVersion:
    return HeldVersion(
        version=row[1],
        content_hash=row[2],
        payload_hash=row[3],
        registry_version=row[4],
        registry_date=row[5],
        observed_at=row[6],
        valid_from=row[7],
        markup=row[8],
        position=row[9],
        valid_to=valid_to,
    )


def _load_chains(
    con: duckdb.DuckDBPyConnection, states: dict[str, StudyState], nct_ids: list[str]
) -> None:
    """Every version (with its record) of the studies whose history the batch brings."""
    chains: dict[str, list[HeldVersion]] = {}
    with staged(con, "state_chains", pa.table({"nct_id": pa.array(nct_ids, pa.string())})):
        rows = con.execute(load_sql("state_chains.sql", "read")).fetchall()
    for row in rows:
        chains.setdefault(row[0], []).append(_held(row[:10], valid_to=row[10]))
        states[row[0]].records[row[1]] = (orjson.loads(row[11]), row[8])
    for nct_id, chain in chains.items():
        state = states[nct_id]
        state.versions = chain
        state.complete = True


def _load_head_records(
    con: duckdb.DuckDBPyConnection, batch: Batch, states: dict[str, StudyState]
) -> None:
    """The current record of each study whose observed payload differs from its head's."""
    wanted: dict[str, int] = {}
    for raw in batch.studies:
        state = states.get(raw.nct_id)
        current = state.current if state else None
        if state is None or current is None or raw.from_history or state.complete:
            continue
        if current.version not in state.records and current.payload_hash != raw.payload_hash:
            wanted[raw.nct_id] = current.version
    if not wanted:
        return
    keys = pa.table(
        {
            "nct_id": pa.array(list(wanted), pa.string()),
            "version": pa.array(list(wanted.values()), pa.int32()),
        }
    )
    with staged(con, "wanted_versions", keys):
        located = con.execute(load_sql("state_version_rows.sql", "read")).fetchall()
    keys_at = {rowid: (nct_id, version) for rowid, nct_id, version in located}
    records = con.execute(_RECORDS_BY_ROWID_SQL, [list(keys_at)]).fetchall()
    if len(records) != len(keys_at):
        raise LookupError(
            f"{len(keys_at) - len(records)} study_versions rows vanished between two reads"
        )
    for rowid, text, markup in records:
        nct_id, version = keys_at[rowid]
        states[nct_id].records[version] = (orjson.loads(text), markup)
