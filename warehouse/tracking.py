"""Writing change tracking rows: ``study_changes`` and ``study_events``.

Called by the snapshot store inside its batch transaction, right after it inserts a
``study_versions`` row, so versions, changes and events commit together. Rows go in through
one Arrow table per call (DuckDB's ``executemany`` is far too slow for bulk rows). A first
version stores no changes, only its ``first_seen`` event. ``reordered`` ops are not stored:
they are not changes to a reader, and the full records stay in ``study_versions``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

import duckdb
import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

from warehouse.diff import Change, JsonValue, diff_records, user_facing
from warehouse.events import Event, derive_events

PresenceEventType = Literal["study_missing", "study_reappeared"]

_CHANGES_STAGE = "_tracking_changes_stage"
_EVENTS_STAGE = "_tracking_events_stage"

_CHANGES_SCHEMA = pa.schema(
    [
        ("nct_id", pa.string()),
        ("from_version", pa.int32()),
        ("to_version", pa.int32()),
        ("ordinal", pa.int32()),
        ("path", pa.string()),
        ("op", pa.string()),
        ("label", pa.string()),
        ("element_key", pa.string()),
        ("old_value", pa.string()),
        ("new_value", pa.string()),
    ]
)

_EVENTS_SCHEMA = pa.schema(
    [
        ("nct_id", pa.string()),
        ("version", pa.int32()),
        ("run_id", pa.string()),
        ("ordinal", pa.int32()),
        ("event_type", pa.string()),
        ("details", pa.string()),
        ("occurred_at", pa.timestamp("us", tz="UTC")),
    ]
)

INSERT_CHANGES_SQL = f"""
INSERT INTO study_changes (nct_id, from_version, to_version, ordinal, path, op, label,
                           element_key, old_value, new_value)
SELECT nct_id, from_version, to_version, ordinal, path, op, label,
       CAST(element_key AS JSON), CAST(old_value AS JSON), CAST(new_value AS JSON)
FROM {_CHANGES_STAGE}
ORDER BY ordinal
"""

INSERT_EVENTS_SQL = f"""
INSERT INTO study_events (nct_id, version, run_id, ordinal, event_type, details, occurred_at)
SELECT nct_id, version, run_id, ordinal, event_type, CAST(details AS JSON), occurred_at
FROM {_EVENTS_STAGE}
ORDER BY ordinal
"""

NEXT_EVENT_ORDINAL_SQL = """
SELECT coalesce(max(ordinal) + 1, 0)
FROM study_events
WHERE nct_id = ? AND run_id IS NOT DISTINCT FROM ?
"""


def record_new_version(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    nct_id: str,
    version: int,
    record: dict[str, Any],
    previous_version: int | None,
    previous_record: dict[str, Any] | None,
    occurred_at: datetime,
) -> list[Event]:
    """Diff ``record`` against the previous version, store changes and events, return the events.

    The caller owns the transaction. ``previous_version`` and ``previous_record`` are both None
    for a first version (which gets only ``first_seen``) or both given.
    """
    if (previous_version is None) != (previous_record is None):
        raise ValueError(
            f"{nct_id} v{version}: previous_version and previous_record must be given together"
        )
    if previous_record is None or previous_version is None:
        events = derive_events(None, record, [])
    else:
        changes = diff_records(previous_record, record)
        events = derive_events(previous_record, record, changes)
        insert_changes(con, nct_id, previous_version, version, user_facing(changes))
    _insert_events(con, nct_id, version, run_id, events, occurred_at, first_ordinal=0)
    return events


def record_presence(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    nct_id: str,
    version: int | None,
    event_type: PresenceEventType,
    occurred_at: datetime,
) -> Event:
    """Store that a tracked study went missing from the registry or came back, and return it."""
    if event_type not in ("study_missing", "study_reappeared"):
        raise ValueError(f"{nct_id}: {event_type!r} is not a presence event type")
    event = Event(event_type, {"version": version})
    ((ordinal,),) = con.execute(NEXT_EVENT_ORDINAL_SQL, [nct_id, run_id]).fetchall()
    _insert_events(con, nct_id, version, run_id, [event], occurred_at, first_ordinal=int(ordinal))
    return event


def insert_changes(
    con: duckdb.DuckDBPyConnection,
    nct_id: str,
    from_version: int,
    to_version: int,
    changes: Sequence[Change],
) -> int:
    """Bulk-insert ``changes`` as ``study_changes`` rows; returns the number written."""
    if not changes:
        return 0
    table = pa.Table.from_pylist(
        [
            {
                "nct_id": nct_id,
                "from_version": from_version,
                "to_version": to_version,
                "ordinal": ordinal,
                "path": change.path,
                "op": change.op,
                "label": change.label,
                "element_key": None if change.key is None else _json(change.key),
                "old_value": None if change.op == "added" else _json(change.old),
                "new_value": None if change.op == "removed" else _json(change.new),
            }
            for ordinal, change in enumerate(changes)
        ],
        schema=_CHANGES_SCHEMA,
    )
    _insert_staged(con, _CHANGES_STAGE, table, INSERT_CHANGES_SQL)
    return int(table.num_rows)


def _insert_events(
    con: duckdb.DuckDBPyConnection,
    nct_id: str,
    version: int | None,
    run_id: str,
    events: Sequence[Event],
    occurred_at: datetime,
    *,
    first_ordinal: int,
) -> None:
    if not events:
        return
    table = pa.Table.from_pylist(
        [
            {
                "nct_id": nct_id,
                "version": version,
                "run_id": run_id,
                "ordinal": first_ordinal + offset,
                "event_type": event.event_type,
                "details": _json(event.details),
                "occurred_at": occurred_at,
            }
            for offset, event in enumerate(events)
        ],
        schema=_EVENTS_SCHEMA,
    )
    _insert_staged(con, _EVENTS_STAGE, table, INSERT_EVENTS_SQL)


def _insert_staged(
    con: duckdb.DuckDBPyConnection, name: str, table: pa.Table, statement: str
) -> None:
    con.register(name, table)
    try:
        con.execute(statement)
    finally:
        con.unregister(name)


def _json(value: JsonValue) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
