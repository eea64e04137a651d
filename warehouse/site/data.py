"""What the static site shows, read from the warehouse in a few queries per page.

Everything is on the registry's clock (the dates the registry posted each version), like
``ctgov history``; "recent" is a window of days ending on the report's date, which the caller
gives (the CLI: today in UTC, or ``--as-of``), so a page never depends on when it was built.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import duckdb

from warehouse import history
from warehouse.diff import JsonValue
from warehouse.history import StoredEvent
from warehouse.sql_text import load_sql
from warehouse.textdiff import Hunk, is_long_text, word_hunks

REGISTRY_STUDY_URL = "https://clinicaltrials.gov/study/{nct_id}"
"""The registry's own page of a record; ``?tab=history`` is its "History of Changes"."""


@dataclass(frozen=True)
class TrialRow:
    """One line of the index."""

    nct_id: str
    title: str | None
    status: str | None
    phase: str | None
    last_update: date | None
    last_observed: datetime | None
    recent_events: int
    version: int
    missing_since: datetime | None
    tracked_how: str | None

    @property
    def registry_url(self) -> str:
        return REGISTRY_STUDY_URL.format(nct_id=self.nct_id)


@dataclass(frozen=True)
class KeyDate:
    """A planned or actual date as one version gave it."""

    day: date | None
    text: str | None
    kind: str | None  # ACTUAL or ESTIMATED

    @property
    def label(self) -> str:
        if self.text is None:
            return "not given"
        return f"{self.text} ({(self.kind or 'type not given').lower()})"


@dataclass(frozen=True)
class VersionFacts:
    """What one version said of the facts the charts follow."""

    version: int
    position: int
    registry_version: int | None
    registry_date: date | None
    observed_at: datetime | None
    source: str
    status: str | None
    start: KeyDate
    primary_completion: KeyDate
    completion: KeyDate
    enrollment: int | None
    enrollment_type: str | None
    sites: int
    recruiting_sites: int


@dataclass(frozen=True)
class StatusPeriod:
    period: int
    status: str
    start: date
    end: date | None
    first_version: int
    last_version: int
    is_current: bool


@dataclass(frozen=True)
class FieldChange:
    """One changed value; a long text also as word-level hunks."""

    op: str
    label: str
    old: JsonValue
    new: JsonValue
    hunks: tuple[Hunk, ...] = ()


@dataclass
class VersionChanges:
    """What one version changed, with its events."""

    version: int
    from_version: int | None
    registry_date: date | None
    origin: str
    summary: str
    changes: list[FieldChange] = field(default_factory=list)
    events: list[StoredEvent] = field(default_factory=list)


@dataclass(frozen=True)
class TrialPage:
    row: TrialRow
    versions: list[VersionFacts]
    periods: list[StatusPeriod]
    history: list[VersionChanges]
    site_events: list[StoredEvent]


SITE_EVENT_TYPES = ("site_added", "site_removed", "site_status_changed")


def read_index(
    con: duckdb.DuckDBPyConnection, ids: Sequence[str] | None, until: date, days: int
) -> list[TrialRow]:
    """The studies to show (``ids``, or every study), each with its events in the window."""
    params = {"ids": list(ids) if ids else None, "since": until - timedelta(days=days - 1)}
    params["until"] = until
    rows = con.execute(load_sql("site_trials.sql", "read"), params).fetchall()
    return [TrialRow(*row) for row in rows]


def read_trial(
    con: duckdb.DuckDBPyConnection, row: TrialRow, events: Sequence[StoredEvent]
) -> TrialPage:
    """One trial's page: its versions' facts, status periods and what each version changed."""
    params = {"nct_id": row.nct_id}
    versions = [
        _version_facts(values)
        for values in con.execute(load_sql("site_versions.sql", "read"), params).fetchall()
    ]
    periods = [
        StatusPeriod(*values)
        for values in con.execute(load_sql("site_periods.sql", "read"), params).fetchall()
    ]
    own_events = [event for event in events if event.nct_id == row.nct_id]
    return TrialPage(
        row=row,
        versions=versions,
        periods=periods,
        history=_version_changes(con, row.nct_id, own_events),
        site_events=[e for e in own_events if e.event_type in SITE_EVENT_TYPES],
    )


def read_events(con: duckdb.DuckDBPyConnection) -> list[StoredEvent]:
    """Every event on the registry's clock, oldest first (pages pick theirs)."""
    return history.events_since(con)


def _version_facts(values: tuple[object, ...]) -> VersionFacts:
    (
        version, position, registry_version, registry_date, observed_at, source, status,
        start, start_text, start_type, primary, primary_text, primary_type,
        completion, completion_text, completion_type, enrollment, enrollment_type,
        sites, recruiting,
    ) = values  # fmt: skip
    return VersionFacts(
        version=int(version),  # type: ignore[call-overload]
        position=int(position or 0),  # type: ignore[call-overload]
        registry_version=registry_version,  # type: ignore[arg-type]
        registry_date=registry_date,  # type: ignore[arg-type]
        observed_at=observed_at,  # type: ignore[arg-type]
        source=str(source),
        status=status,  # type: ignore[arg-type]
        start=KeyDate(start, start_text, start_type),  # type: ignore[arg-type]
        primary_completion=KeyDate(primary, primary_text, primary_type),  # type: ignore[arg-type]
        completion=KeyDate(completion, completion_text, completion_type),  # type: ignore[arg-type]
        enrollment=enrollment,  # type: ignore[arg-type]
        enrollment_type=enrollment_type,  # type: ignore[arg-type]
        sites=int(sites),  # type: ignore[call-overload]
        recruiting_sites=int(recruiting),  # type: ignore[call-overload]
    )


def _version_changes(
    con: duckdb.DuckDBPyConnection, nct_id: str, events: Sequence[StoredEvent]
) -> list[VersionChanges]:
    """Each version, newest first, with its stored changes and events."""
    by_version: dict[int, list[FieldChange]] = defaultdict(list)
    sources: dict[int, int] = {}
    rows = con.execute(load_sql("site_changes.sql", "read"), {"nct_id": nct_id}).fetchall()
    for from_version, to_version, op, label, old_text, new_text in rows:
        old, new = _json(old_text), _json(new_text)
        long_text = isinstance(old, str) and isinstance(new, str) and is_long_text(old, new)
        hunks = tuple(word_hunks(old, new)) if long_text else ()
        by_version[to_version].append(FieldChange(op, label, old, new, hunks))
        sources[to_version] = from_version
    events_by_version: dict[int | None, list[StoredEvent]] = defaultdict(list)
    for event in events:
        events_by_version[event.version].append(event)
    result = []
    for summary in reversed(history.list_versions(con, nct_id)):
        result.append(
            VersionChanges(
                version=summary.version,
                from_version=sources.get(summary.version),
                registry_date=summary.registry_date,
                origin=summary.origin,
                summary=summary.summary,
                changes=by_version.get(summary.version, []),
                events=events_by_version.get(summary.version, []),
            )
        )
    return result


def _json(text: str | None) -> JsonValue:
    return None if text is None else json.loads(text)
