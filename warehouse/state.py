"""What the warehouse holds of a batch's studies: the planner's input (:mod:`warehouse.plan`).

Read by key, never by scanning every version: each study's head (``study_heads``: its current
version, hashes and presence) for every study of the batch; every version, in registry order,
only for the studies whose history the batch brings; and only the raw records the planner
needs: the current one of a study whose observed payload differs from it (looked up a few keys
at a time, which DuckDB answers from the primary key's index), all of them for a study whose
history arrives.

>>> states = read_states(con, batch)        # doctest: +SKIP
>>> states["NCT06690827"].current.version   # doctest: +SKIP
11
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import duckdb
import orjson
import pyarrow as pa

from models.payload import Batch
from warehouse.plan import HeldVersion, StudyState
from warehouse.staging import staged

RECORD_LOOKUP_CHUNK = 32
"""Keys per head-record lookup: small IN lists use the primary key's index; large ones scan."""

_HEADS_SQL = """
SELECT h.nct_id, h.version, h.content_hash, h.payload_hash, h.registry_version,
       h.registry_date, h.observed_at, h.valid_from, h.markup, h.position, h.missing,
       h.max_version
FROM study_heads AS h
SEMI JOIN state_ids AS i ON i.nct_id = h.nct_id
"""

_CHAIN_SQL = """
SELECT v.nct_id, v.version, v.content_hash, v.payload_hash, v.registry_version,
       v.registry_date, v.observed_at, v.valid_from, coalesce(v.markup, 'markdown'),
       v.position, v.valid_to, CAST(v.record AS VARCHAR)
FROM study_versions AS v
SEMI JOIN state_chains AS c ON c.nct_id = v.nct_id
ORDER BY v.nct_id, v.position
"""

_HEAD_RECORDS_SQL = """
SELECT nct_id, version, record, markup FROM study_heads WHERE nct_id IN ?
"""


def read_states(con: duckdb.DuckDBPyConnection, batch: Batch) -> dict[str, StudyState]:
    """The state of every study the batch names (studies and missing IDs)."""
    ids = list(dict.fromkeys([*(s.nct_id for s in batch.studies), *batch.missing]))
    if not ids:
        return {}
    states: dict[str, StudyState] = {}
    with staged(con, "state_ids", pa.table({"nct_id": pa.array(ids, pa.string())})):
        heads = con.execute(_HEADS_SQL).fetchall()
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
        rows = con.execute(_CHAIN_SQL).fetchall()
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
    wanted: list[str] = []
    for raw in batch.studies:
        state = states.get(raw.nct_id)
        current = state.current if state else None
        if state is None or current is None or raw.from_history or state.complete:
            continue
        if current.version not in state.records and current.payload_hash != raw.payload_hash:
            wanted.append(raw.nct_id)
    for chunk in _chunks(list(dict.fromkeys(wanted)), RECORD_LOOKUP_CHUNK):
        for nct_id, version, text, markup in con.execute(_HEAD_RECORDS_SQL, [chunk]).fetchall():
            states[nct_id].records[version] = (orjson.loads(text), markup)


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
