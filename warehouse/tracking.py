"""Writing change tracking rows: ``study_changes`` and ``study_events``.

Called by the snapshot store inside its batch transaction, right after it inserts the batch's
``study_versions`` rows, so versions, changes and events commit together. A
:class:`TrackingBatch` gathers the rows of every study of a store batch in Python and
:meth:`TrackingBatch.flush` writes them with one insert per table, from an Arrow table (DuckDB's
``executemany`` is far too slow for bulk rows). A first version stores no changes, only its
``first_seen`` event. ``reordered`` ops are not stored: they are not changes to a reader, and
the full records stay in ``study_versions``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

from models.event_types import PRESENCE_EVENT_TYPES, EventType
from models.hashing import compact_json
from warehouse.diff import diff_records, user_facing
from warehouse.events import Event, derive_events

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
        ("position", pa.int32()),
        ("nct_id", pa.string()),
        ("version", pa.int32()),
        ("run_id", pa.string()),
        ("ordinal", pa.int32()),
        ("event_type", pa.string()),
        ("details", pa.string()),
        ("occurred_at", pa.timestamp("us", tz="UTC")),
    ]
)

INSERT_CHANGES_SQL = """
INSERT INTO study_changes (nct_id, from_version, to_version, ordinal, path, op, label,
                           element_key, old_value, new_value)
SELECT nct_id, from_version, to_version, ordinal, path, op, label,
       CAST(element_key AS JSON), CAST(old_value AS JSON), CAST(new_value AS JSON)
FROM staged_changes
"""

INSERT_EVENTS_SQL = """
INSERT INTO study_events (nct_id, version, run_id, ordinal, event_type, details, occurred_at)
SELECT nct_id, version, run_id, ordinal, event_type, CAST(details AS JSON), occurred_at
FROM staged_events
ORDER BY position
"""
"""``event_id`` follows ``position``: the order in which the batch added the events."""

NEXT_EVENT_ORDINALS_SQL = """
SELECT nct_id, max(ordinal) + 1
FROM study_events
WHERE list_contains($nct_ids, nct_id) AND run_id IS NOT DISTINCT FROM $run_id
GROUP BY nct_id
"""


@dataclass(frozen=True)
class _PendingEvent:
    nct_id: str
    version: int | None
    event: Event
    ordinal: int | None
    """None for a presence event: numbered at flush, after its study's other events of the run."""


class TrackingBatch:
    """The change and event rows of one store batch (one run, one time), written by :meth:`flush`.

    The caller owns the transaction and flushes once, after adding every study of the batch.
    """

    def __init__(self, run_id: str, occurred_at: datetime) -> None:
        self.run_id = run_id
        self.occurred_at = occurred_at
        self._changes: list[dict[str, Any]] = []
        self._events: list[_PendingEvent] = []

    def add_version(
        self,
        *,
        nct_id: str,
        version: int,
        record: dict[str, Any],
        previous_version: int | None,
        previous_record: dict[str, Any] | None,
    ) -> list[Event]:
        """Diff ``record`` against the previous version, stage its changes and events, and
        return the events.

        ``previous_version`` and ``previous_record`` are both None for a first version (which
        gets only ``first_seen``) or both given.
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
            self._changes.extend(
                {
                    "nct_id": nct_id,
                    "from_version": previous_version,
                    "to_version": version,
                    "ordinal": ordinal,
                    "path": change.path,
                    "op": change.op,
                    "label": change.label,
                    "element_key": None if change.key is None else compact_json(change.key),
                    "old_value": None if change.op == "added" else compact_json(change.old),
                    "new_value": None if change.op == "removed" else compact_json(change.new),
                }
                for ordinal, change in enumerate(user_facing(changes))
            )
        self._events.extend(
            _PendingEvent(nct_id, version, event, ordinal) for ordinal, event in enumerate(events)
        )
        return events

    def add_presence(self, *, nct_id: str, version: int | None, event_type: EventType) -> Event:
        """Stage that a tracked study went missing from the registry or came back; return it."""
        if event_type not in PRESENCE_EVENT_TYPES:
            raise ValueError(f"{nct_id}: {event_type!r} is not a presence event type")
        event = Event(event_type, {"version": version})
        self._events.append(_PendingEvent(nct_id, version, event, None))
        return event

    def flush(self, con: duckdb.DuckDBPyConnection) -> None:
        """Insert the staged rows (one insert per table) and start over empty."""
        if self._changes:
            staged_changes = pa.Table.from_pylist(self._changes, schema=_CHANGES_SCHEMA)  # noqa: F841 (scanned by SQL)
            con.execute(INSERT_CHANGES_SQL)
        if self._events:
            staged_events = pa.Table.from_pylist(self._event_rows(con), schema=_EVENTS_SCHEMA)  # noqa: F841 (scanned by SQL)
            con.execute(INSERT_EVENTS_SQL)
        self._changes = []
        self._events = []

    def _event_rows(self, con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
        """The staged events as rows; a presence event's ordinal is one past the highest of
        its study's events of this run, stored before or staged earlier in this batch."""
        presence_ids = list(
            dict.fromkeys(pending.nct_id for pending in self._events if pending.ordinal is None)
        )
        next_ordinal: dict[str, int] = {}
        if presence_ids:
            rows = con.execute(
                NEXT_EVENT_ORDINALS_SQL, {"nct_ids": presence_ids, "run_id": self.run_id}
            ).fetchall()
            next_ordinal = {nct_id: int(ordinal) for nct_id, ordinal in rows}
        rows_out: list[dict[str, Any]] = []
        for position, pending in enumerate(self._events):
            ordinal = pending.ordinal
            if ordinal is None:
                ordinal = next_ordinal.get(pending.nct_id, 0)
            next_ordinal[pending.nct_id] = max(next_ordinal.get(pending.nct_id, 0), ordinal + 1)
            rows_out.append(
                {
                    "position": position,
                    "nct_id": pending.nct_id,
                    "version": pending.version,
                    "run_id": self.run_id,
                    "ordinal": ordinal,
                    "event_type": pending.event.event_type,
                    "details": compact_json(pending.event.details),
                    "occurred_at": self.occurred_at,
                }
            )
        return rows_out


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
    """One study's :meth:`TrackingBatch.add_version`, written at once; returns the events.

    The caller owns the transaction.
    """
    batch = TrackingBatch(run_id, occurred_at)
    events = batch.add_version(
        nct_id=nct_id,
        version=version,
        record=record,
        previous_version=previous_version,
        previous_record=previous_record,
    )
    batch.flush(con)
    return events


def record_presence(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    nct_id: str,
    version: int | None,
    event_type: EventType,
    occurred_at: datetime,
) -> Event:
    """One study's :meth:`TrackingBatch.add_presence`, written at once; returns the event."""
    batch = TrackingBatch(run_id, occurred_at)
    event = batch.add_presence(nct_id=nct_id, version=version, event_type=event_type)
    batch.flush(con)
    return event
