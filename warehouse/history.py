"""Read queries over tracked history: versions, diffs, records as of a time, events since.

Every function takes a connection, typically read-only
(``warehouse.database.connect(path, read_only=True)``), and raises a
:class:`~warehouse.errors.WarehouseError` subclass with a one-line message for expected
failures (unknown study, version out of range, unknown event kind).

>>> con = connect("data/ctgov.duckdb", read_only=True)  # doctest: +SKIP
>>> [v.summary for v in list_versions(con, "NCT02513394")]  # doctest: +SKIP
['first seen (RECRUITING)', 'status RECRUITING → ACTIVE_NOT_RECRUITING; 2 × site added']

Two clocks. The **registry's** (the default) dates each version by the day the registry
posted it (``study_versions.registry_date``): "as of D" is what the registry showed at the end
of day D, "since D" the changes it posted from D on. The **observed** clock
(``clock="observed"``) dates each version by when a run first saw it (``observed_at``; versions
known only from the registry's history have none): "as of T" is what we had observed before T.
A ``date`` given as "as of" means the end of that day (UTC); a ``date`` given as "since" means
its start. Naive datetimes are taken as UTC; on the registry's clock a datetime counts by its
UTC date.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

import duckdb

from models.errors import InputError
from models.event_types import EVENT_TYPES
from models.markup import MARKDOWN, Markup, comparable_record
from warehouse.diff import Change, JsonValue, diff_records, user_facing
from warehouse.errors import WarehouseError
from warehouse.events import describe_event, summarize_events

Clock = Literal["registry", "observed"]
REGISTRY_CLOCK: Clock = "registry"
OBSERVED_CLOCK: Clock = "observed"

SUCCESSFUL_RUN_STATUSES: tuple[str, ...] = ("succeeded", "partial")
NO_EVENT_SUMMARY = "no tracked event (bookkeeping or other fields only)"


class UnknownStudyError(WarehouseError):
    def __init__(self, nct_id: str) -> None:
        self.nct_id = nct_id
        super().__init__(
            f"{nct_id} is not in the warehouse; add it to the watchlist and run `ctgov ingest`"
        )


class VersionNotFoundError(WarehouseError, InputError):
    """A version number the study does not have (bad input: exit 2)."""


class NotTrackedYetError(WarehouseError):
    """A point in time before the study's first stored version on the chosen clock."""


class NothingToCompareError(WarehouseError):
    """A diff asked of a version that has no earlier version."""


class UnknownEventKindError(WarehouseError, InputError):
    def __init__(self, unknown: Sequence[str]) -> None:
        self.unknown = list(unknown)
        super().__init__(
            f"unknown event kind(s): {', '.join(unknown)}; use one of {', '.join(EVENT_TYPES)}"
        )


@dataclass(frozen=True)
class VersionSummary:
    """One stored version of a study with a one-line summary of what it changed."""

    nct_id: str
    version: int
    valid_from: datetime
    valid_to: datetime | None
    source: str
    overall_status: str | None
    last_update_post_date: date | None
    run_id: str | None
    change_count: int
    event_types: list[str]
    summary: str
    position: int = 0
    registry_date: date | None = None
    observed_at: datetime | None = None
    registry_version: int | None = None

    @property
    def origin(self) -> str:
        """Where the version came from: ``registry``, ``observed`` or ``registry+observed``."""
        parts = []
        if self.registry_version is not None or self.source == "registry":
            parts.append("registry")
        if self.observed_at is not None:
            parts.append("observed")
        return "+".join(parts) or self.source


@dataclass(frozen=True)
class VersionDiff:
    """User-facing changes between two stored versions, computed from the stored records."""

    nct_id: str
    from_version: int
    to_version: int
    changes: list[Change]


@dataclass(frozen=True)
class RecordAsOf:
    nct_id: str
    version: int
    valid_from: datetime
    valid_to: datetime | None
    record: dict[str, JsonValue]
    markup: Markup = MARKDOWN


@dataclass(frozen=True)
class StoredEvent:
    event_id: int
    nct_id: str
    version: int | None
    run_id: str | None
    event_type: str
    details: dict[str, JsonValue]
    occurred_at: datetime
    registry_date: date | None = None

    @property
    def day(self) -> date:
        """The event's day on the registry's clock (a presence event: the day it was recorded)."""
        return self.registry_date or self.occurred_at.astimezone(UTC).date()

    @property
    def summary(self) -> str:
        return describe_event(self.event_type, self.details)

    def as_json(self) -> dict[str, JsonValue]:
        return {
            "event_id": self.event_id,
            "nct_id": self.nct_id,
            "version": self.version,
            "run_id": self.run_id,
            "event_type": self.event_type,
            "registry_date": None if self.registry_date is None else self.registry_date.isoformat(),
            "occurred_at": self.occurred_at.isoformat(),
            "details": self.details,
        }


@dataclass(frozen=True)
class StudyState:
    """A study as it stood at some point in time: the version valid then and its key columns."""

    nct_id: str
    version: int
    valid_from: datetime
    overall_status: str | None
    brief_title: str | None
    enrollment_count: int | None
    last_update_post_date: date | None


VERSIONS_SQL = """
SELECT v.version, v.valid_from, v.valid_to, v.source, v.overall_status,
       v.last_update_post_date, v.run_id,
       (SELECT count(*) FROM study_changes c
         WHERE c.nct_id = v.nct_id AND c.to_version = v.version) AS change_count,
       v.position, v.registry_date, v.observed_at, v.registry_version
FROM study_versions v
WHERE v.nct_id = ?
ORDER BY v.position
"""

VERSION_EVENTS_SQL = """
SELECT version, event_type, CAST(details AS VARCHAR)
FROM study_events
WHERE nct_id = ? AND version IS NOT NULL
ORDER BY event_id
"""

VERSION_NUMBERS_SQL = "SELECT version FROM study_versions WHERE nct_id = ? ORDER BY position"
"""A study's version numbers on the registry's clock (oldest first)."""

RECORD_SQL = """
SELECT version, valid_from, valid_to, CAST(record AS VARCHAR), coalesce(markup, 'markdown')
FROM study_versions WHERE nct_id = ? AND version = ?
"""

RECORD_AS_OF_SQL = {
    "registry": """
SELECT version, valid_from, valid_to, CAST(record AS VARCHAR)
FROM study_versions
WHERE nct_id = $nct_id AND registry_date <= $day
ORDER BY position DESC
LIMIT 1
""",
    "observed": """
SELECT version, valid_from, valid_to, CAST(record AS VARCHAR)
FROM study_versions
WHERE nct_id = $nct_id AND observed_at < $bound
ORDER BY observed_at DESC, position DESC
LIMIT 1
""",
}
"""The version valid at a time: on the registry's clock the latest posted by the end of
``$day``; on the observed clock the latest observed before ``$bound``."""

FIRST_SEEN_SQL = {
    "registry": "SELECT min(registry_date) FROM study_versions WHERE nct_id = ?",
    "observed": "SELECT min(observed_at) FROM study_versions WHERE nct_id = ?",
}

STATE_AS_OF_SQL = {
    "registry": """
SELECT nct_id, version, valid_from, overall_status, brief_title, enrollment_count,
       last_update_post_date
FROM state_as_of($day)
ORDER BY nct_id
""",
    "observed": """
SELECT nct_id, version, valid_from, overall_status, brief_title, enrollment_count,
       last_update_post_date
FROM observed_state_as_of($bound)
ORDER BY nct_id
""",
}
"""The state of every study at a time (the table macros of migration 0006)."""

EVENTS_SINCE_SQL = {
    "registry": """
SELECT event_id, nct_id, version, run_id, event_type, CAST(details AS VARCHAR), occurred_at,
       registry_date
FROM study_events
WHERE ($since IS NULL
       OR coalesce(registry_date, CAST(timezone('UTC', occurred_at) AS DATE))
          >= CAST(timezone('UTC', CAST($since AS TIMESTAMPTZ)) AS DATE))
  AND (len($kinds) = 0 OR list_contains($kinds, event_type))
ORDER BY coalesce(registry_date, CAST(timezone('UTC', occurred_at) AS DATE)), event_id
""",
    "observed": """
SELECT event_id, nct_id, version, run_id, event_type, CAST(details AS VARCHAR), occurred_at,
       registry_date
FROM study_events
WHERE ($since IS NULL OR occurred_at >= $since)
  AND (len($kinds) = 0 OR list_contains($kinds, event_type))
ORDER BY occurred_at, event_id
""",
}
"""Events from a time on: on the registry's clock by the date of the version they belong to
(presence events, which only runs can date, by the day they were recorded)."""

LAST_RUN_CUTOFF_SQL = """
WITH latest AS (SELECT max(started_at) AS started_at FROM runs)
SELECT max(r.finished_at)
FROM runs AS r, latest
WHERE list_contains($statuses, r.status)
  AND r.finished_at IS NOT NULL
  AND r.finished_at <= latest.started_at
"""
"""When the previous sync ended: the latest finish of a successful run (succeeded or partial)
that ended before the most recent run started. Events after it are what the most recent run
(finished, failed or still running) brought."""


def list_versions(con: duckdb.DuckDBPyConnection, nct_id: str) -> list[VersionSummary]:
    """Every stored version of ``nct_id``, oldest first, each summarised from its events."""
    rows = con.execute(VERSIONS_SQL, [nct_id]).fetchall()
    if not rows:
        raise UnknownStudyError(nct_id)
    by_version: dict[int, list[tuple[str, dict[str, JsonValue]]]] = {}
    for version, event_type, details in con.execute(VERSION_EVENTS_SQL, [nct_id]).fetchall():
        by_version.setdefault(version, []).append((event_type, json.loads(details)))
    summaries = []
    for (
        version,
        valid_from,
        valid_to,
        source,
        status,
        posted,
        run_id,
        change_count,
        position,
        registry_date,
        observed_at,
        registry_version,
    ) in rows:
        events = by_version.get(version, [])
        summary = summarize_events(events) if events else ""
        if not summary:
            summary = NO_EVENT_SUMMARY if change_count else "no change recorded"
        summaries.append(
            VersionSummary(
                nct_id=nct_id,
                version=version,
                valid_from=valid_from,
                valid_to=valid_to,
                source=source,
                overall_status=status,
                last_update_post_date=posted,
                run_id=run_id,
                change_count=int(change_count),
                event_types=[event_type for event_type, _ in events],
                summary=summary,
                position=position or 0,
                registry_date=registry_date,
                observed_at=observed_at,
                registry_version=registry_version,
            )
        )
    return summaries


def load_version(con: duckdb.DuckDBPyConnection, nct_id: str, version: int) -> RecordAsOf:
    """The stored record of one version."""
    rows = con.execute(RECORD_SQL, [nct_id, version]).fetchall()
    if not rows:
        versions = _version_numbers(con, nct_id)
        raise VersionNotFoundError(
            f"{nct_id} has no version {version}; it has versions {_ranges(versions)}"
        )
    number, valid_from, valid_to, text, markup = rows[0]
    return RecordAsOf(nct_id, number, valid_from, valid_to, json.loads(text), markup)


def diff_versions(
    con: duckdb.DuckDBPyConnection,
    nct_id: str,
    *,
    from_version: int | None = None,
    to_version: int | None = None,
) -> VersionDiff:
    """User-facing changes between two versions, diffed on demand (default: the current
    version and the one before it on the registry's clock). Markup fields compare as text."""
    versions = _version_numbers(con, nct_id)
    target = versions[-1] if to_version is None else to_version
    if from_version is None:
        if target not in versions:
            load_version(con, nct_id, target)  # says which versions there are
        earlier = versions[: versions.index(target)]
        if not earlier:
            raise NothingToCompareError(
                f"{nct_id} has no version before {target} to diff against "
                f"(versions {_ranges(versions)}); use `ctgov show {nct_id}` to see the record"
            )
        source = earlier[-1]
    else:
        source = from_version
    old = load_version(con, nct_id, source)
    new = load_version(con, nct_id, target)
    changes = diff_records(
        comparable_record(old.record, old.markup), comparable_record(new.record, new.markup)
    )
    return VersionDiff(nct_id, source, target, user_facing(changes))


def record_as_of(
    con: duckdb.DuckDBPyConnection,
    nct_id: str,
    as_of: datetime | date | None = None,
    *,
    clock: Clock = REGISTRY_CLOCK,
) -> RecordAsOf:
    """The version of ``nct_id`` valid at ``as_of`` on ``clock`` (default: the current one)."""
    if as_of is None:
        versions = _version_numbers(con, nct_id)
        return load_version(con, nct_id, versions[-1])
    rows = con.execute(RECORD_AS_OF_SQL[clock], _clock_params(nct_id, as_of, clock)).fetchall()
    if not rows:
        ((first,),) = con.execute(FIRST_SEEN_SQL[clock], [nct_id]).fetchall()
        if first is None:
            if clock == OBSERVED_CLOCK and _version_numbers(con, nct_id):
                raise NotTrackedYetError(
                    f"{nct_id} has never been observed, only backfilled from the registry's "
                    "history; drop --observed to see what the registry showed then"
                )
            raise UnknownStudyError(nct_id)
        what = "posted by the registry" if clock == REGISTRY_CLOCK else "tracked"
        raise NotTrackedYetError(
            f"{nct_id} was not {what} yet at {as_of.isoformat()}; "
            f"its first version is from {first.isoformat()}"
        )
    version, valid_from, valid_to, text = rows[0]
    return RecordAsOf(nct_id, version, valid_from, valid_to, json.loads(text))


def state_as_of(
    con: duckdb.DuckDBPyConnection, as_of: datetime | date, *, clock: Clock = REGISTRY_CLOCK
) -> list[StudyState]:
    """Every study that existed at ``as_of`` on ``clock``, with the version valid then."""
    params = _clock_params(None, as_of, clock)
    params.pop("nct_id")
    rows = con.execute(STATE_AS_OF_SQL[clock], params).fetchall()
    return [StudyState(*row) for row in rows]


def events_since(
    con: duckdb.DuckDBPyConnection,
    since: datetime | date | None = None,
    *,
    kinds: Sequence[str] = (),
    clock: Clock = REGISTRY_CLOCK,
) -> list[StoredEvent]:
    """Events of all studies from ``since`` on (all when None), optionally of some kinds only."""
    unknown = [kind for kind in kinds if kind not in EVENT_TYPES]
    if unknown:
        raise UnknownEventKindError(unknown)
    start = None if since is None else inclusive_start(since)
    rows = con.execute(EVENTS_SINCE_SQL[clock], {"since": start, "kinds": list(kinds)}).fetchall()
    return [
        StoredEvent(event_id, nct_id, version, run_id, event_type, json.loads(details), at, day)
        for event_id, nct_id, version, run_id, event_type, details, at, day in rows
    ]


def last_run_cutoff(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """End of the previous successful sync (see :data:`LAST_RUN_CUTOFF_SQL`); None if none."""
    ((cutoff,),) = con.execute(
        LAST_RUN_CUTOFF_SQL, {"statuses": list(SUCCESSFUL_RUN_STATUSES)}
    ).fetchall()
    return cutoff if isinstance(cutoff, datetime) else None


def events_since_last_run(
    con: duckdb.DuckDBPyConnection, *, kinds: Sequence[str] = ()
) -> tuple[datetime | None, list[StoredEvent]]:
    """The cutoff and the events after it: what the most recent run brought."""
    cutoff = last_run_cutoff(con)
    after = None if cutoff is None else exclusive_bound(cutoff)
    return cutoff, events_since(con, after, kinds=kinds, clock=OBSERVED_CLOCK)


def exclusive_bound(as_of: datetime | date) -> datetime:
    """The first instant *after* ``as_of``: a date's next midnight, or a datetime plus 1 µs."""
    if isinstance(as_of, datetime):
        return _utc(as_of) + timedelta(microseconds=1)
    return datetime.combine(as_of + timedelta(days=1), time(), tzinfo=UTC)


def inclusive_start(since: datetime | date) -> datetime:
    """The first instant of ``since``: a date's midnight (UTC), or the datetime itself."""
    if isinstance(since, datetime):
        return _utc(since)
    return datetime.combine(since, time(), tzinfo=UTC)


def _clock_params(nct_id: str | None, as_of: datetime | date, clock: Clock) -> dict[str, object]:
    if clock == REGISTRY_CLOCK:
        day = _utc(as_of).date() if isinstance(as_of, datetime) else as_of
        return {"nct_id": nct_id, "day": day}
    return {"nct_id": nct_id, "bound": exclusive_bound(as_of)}


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _version_numbers(con: duckdb.DuckDBPyConnection, nct_id: str) -> list[int]:
    versions = [int(row[0]) for row in con.execute(VERSION_NUMBERS_SQL, [nct_id]).fetchall()]
    if not versions:
        raise UnknownStudyError(nct_id)
    return versions


def _ranges(versions: Sequence[int]) -> str:
    if not versions:
        return "none"
    if list(versions) == list(range(versions[0], versions[-1] + 1)):
        return str(versions[0]) if len(versions) == 1 else f"{versions[0]}–{versions[-1]}"
    return ", ".join(str(number) for number in versions)
