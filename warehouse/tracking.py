"""Change tracking rows: ``study_changes`` and ``study_events``.

A :class:`TrackingBatch` gathers the rows of every study of a batch in Python, with no database
connection (the planner builds one, :mod:`warehouse.plan`); :meth:`TrackingBatch.flush`
writes them with one insert per table, from an Arrow table (DuckDB's ``executemany`` is far too
slow for bulk rows), inside the writer's transaction, so versions, changes and events commit
together. A first version stores no changes, only its ``first_seen`` event. ``reordered`` ops
are not stored: they are not changes to a reader, and the full records stay in
``study_versions``. An event's ordinal (its place among its study's events of the run) is given
at flush, in SQL, after those the run recorded before.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import duckdb
import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

from models.event_types import PRESENCE_EVENT_TYPES, EventType
from models.hashing import compact_json
from warehouse.diff import diff_records, user_facing
from warehouse.events import Event, derive_events
from warehouse.staging import staged

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
        ("event_type", pa.string()),
        ("details", pa.string()),
        ("occurred_at", pa.timestamp("us", tz="UTC")),
        ("registry_date", pa.date32()),
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
INSERT INTO study_events (nct_id, version, run_id, ordinal, event_type, details, occurred_at,
                          registry_date)
SELECT s.nct_id, s.version, s.run_id,
       CAST(coalesce(before.next_ordinal, 0)
            + row_number() OVER (PARTITION BY s.nct_id ORDER BY s.position) - 1 AS INTEGER),
       s.event_type, CAST(s.details AS JSON), s.occurred_at, s.registry_date
FROM staged_events AS s
LEFT JOIN (
    SELECT e.nct_id, max(e.ordinal) + 1 AS next_ordinal
    FROM study_events AS e
    SEMI JOIN staged_events AS t ON t.nct_id = e.nct_id
    WHERE e.run_id IS NOT DISTINCT FROM $run_id
    GROUP BY e.nct_id
) AS before USING (nct_id)
ORDER BY s.position
"""
"""``event_id`` follows ``position``: the order in which the batch added the events; each
study's ordinals continue after the events the same run recorded for it before."""


UPDATE_PRESENCE_SQL = """
UPDATE study_heads AS h
SET missing = p.last = 'study_missing'
FROM (
    SELECT nct_id, arg_max(event_type, position) AS last
    FROM staged_events
    WHERE event_type IN ('study_missing', 'study_reappeared')
    GROUP BY nct_id
) AS p
WHERE h.nct_id = p.nct_id
"""
"""A study's head says whether the registry still returns it: its latest presence event."""


@dataclass(frozen=True)
class _PendingEvent:
    nct_id: str
    version: int | None
    event: Event
    registry_date: date | None


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
        registry_date: date | None = None,
    ) -> list[Event]:
        """Diff ``record`` against the previous version, stage its changes and events, and
        return the events. ``registry_date`` is the version's date on the registry's clock.

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
        events = [replace(event, version=version) for event in events]
        self._events.extend(
            _PendingEvent(nct_id, version, event, registry_date) for event in events
        )
        return events

    def add_presence(self, *, nct_id: str, version: int | None, event_type: EventType) -> Event:
        """Stage that a tracked study went missing from the registry or came back; return it."""
        if event_type not in PRESENCE_EVENT_TYPES:
            raise ValueError(f"{nct_id}: {event_type!r} is not a presence event type")
        event = Event(event_type, {"version": version}, version)
        self._events.append(_PendingEvent(nct_id, version, event, None))
        return event

    @property
    def empty(self) -> bool:
        return not self._changes and not self._events

    def flush(self, con: duckdb.DuckDBPyConnection) -> None:
        """Insert the staged rows (one insert per table) and start over empty."""
        if self._changes:
            with staged(con, "staged_changes", self._changes, _CHANGES_SCHEMA):
                con.execute(INSERT_CHANGES_SQL)
        if self._events:
            with staged(con, "staged_events", self._event_rows(), _EVENTS_SCHEMA):
                con.execute(INSERT_EVENTS_SQL, {"run_id": self.run_id})
                if any(p.event.event_type in PRESENCE_EVENT_TYPES for p in self._events):
                    con.execute(UPDATE_PRESENCE_SQL)
        self._changes = []
        self._events = []

    def _event_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "position": position,
                "nct_id": pending.nct_id,
                "version": pending.version,
                "run_id": self.run_id,
                "event_type": pending.event.event_type,
                "details": compact_json(pending.event.details),
                "occurred_at": self.occurred_at,
                "registry_date": pending.registry_date,
            }
            for position, pending in enumerate(self._events)
        ]


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
