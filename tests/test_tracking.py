"""Storing changes and events in a real DuckDB file, and the views over them."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.conftest import study_record
from warehouse.database import connect
from warehouse.diff import diff_records, user_facing
from warehouse.events import Event
from warehouse.plan import day_start
from warehouse.store import ObservedStudy, SnapshotStore
from warehouse.tracking import record_new_version, record_presence

T0 = datetime(2024, 1, 10, 9, 0, tzinfo=UTC)
TRACKING_OBJECTS = ("study_changes", "study_events", "status_history", "current_studies")


def posted(record: dict[str, Any], at: datetime) -> dict[str, Any]:
    """``record`` as the registry would post it on ``at``'s day: with that lastUpdatePostDate."""
    stamped = copy.deepcopy(record)
    status = stamped["protocolSection"]["statusModule"]
    status["lastUpdatePostDateStruct"] = {"date": at.date().isoformat(), "type": "ACTUAL"}
    return stamped


def add_version(
    con: duckdb.DuckDBPyConnection,
    nct_id: str,
    record: dict[str, Any],
    at: datetime,
    run_id: str = "run-1",
) -> list[Event]:
    """Store ``record`` as the study's next version the way an ingest run does (one store
    batch), observed at ``at`` and posted by the registry that day; return its events."""
    stamped = posted(record, at)
    (stored,) = SnapshotStore(con).store_batch(
        run_id, [ObservedStudy(nct_id, stamped, json.dumps(stamped))], observed_at=at
    )
    return stored.events


def add_run(
    con: duckdb.DuckDBPyConnection, run_id: str, day: int, status: str, finished: bool = True
) -> None:
    """A ``runs`` row started ``day`` days after T0 and, when ``finished``, ended an hour later."""
    con.execute(
        "INSERT INTO runs (run_id, started_at, finished_at, status) VALUES (?, ?, ?, ?)",
        [
            run_id,
            T0 + timedelta(days=day),
            T0 + timedelta(days=day, hours=1) if finished else None,
            status,
        ],
    )


def with_status(record: dict[str, Any], status: str) -> dict[str, Any]:
    edited = copy.deepcopy(record)
    edited["protocolSection"]["statusModule"]["overallStatus"] = status
    return edited


@pytest.fixture
def con(db_path: Path) -> duckdb.DuckDBPyConnection:
    return connect(db_path)


def test_every_tracking_table_view_and_column_has_a_comment(
    con: duckdb.DuckDBPyConnection,
) -> None:
    objects = con.execute(
        "SELECT table_name, comment FROM duckdb_tables() WHERE table_name IN ? "
        "UNION ALL SELECT view_name, comment FROM duckdb_views() WHERE view_name IN ?",
        [list(TRACKING_OBJECTS), list(TRACKING_OBJECTS)],
    ).fetchall()
    assert sorted(name for name, _ in objects) == sorted(TRACKING_OBJECTS)
    assert [name for name, comment in objects if not comment] == []
    uncommented = con.execute(
        "SELECT table_name || '.' || column_name FROM duckdb_columns() "
        "WHERE table_name IN ? AND (comment IS NULL OR comment = '')",
        [list(TRACKING_OBJECTS)],
    ).fetchall()
    assert uncommented == []


def test_a_first_version_stores_first_seen_and_no_changes(con: duckdb.DuckDBPyConnection) -> None:
    record = study_record("NCT02513394")
    events = add_version(con, "NCT02513394", record, T0)

    assert [e.event_type for e in events] == ["first_seen"]
    assert con.execute("SELECT count(*) FROM study_changes").fetchall() == [(0,)]
    rows = con.execute(
        "SELECT nct_id, version, run_id, ordinal, event_type, details->>'status', occurred_at "
        "FROM study_events"
    ).fetchall()
    assert rows == [("NCT02513394", 1, "run-1", 0, "first_seen", "ACTIVE_NOT_RECRUITING", T0)]


def test_a_new_version_stores_its_user_facing_changes_and_events(
    con: duckdb.DuckDBPyConnection,
) -> None:
    old = study_record("NCT03934567")
    new = copy.deepcopy(old)
    sites = new["protocolSection"]["contactsLocationsModule"]["locations"]
    sites.reverse()
    sites[0]["status"] = "COMPLETED"
    new["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"
    new["protocolSection"]["statusModule"]["whyStopped"] = None
    add_version(con, "NCT03934567", old, T0)

    events = add_version(con, "NCT03934567", new, T0 + timedelta(days=3), run_id="run-2")

    expected = user_facing(diff_records(posted(old, T0), posted(new, T0 + timedelta(days=3))))
    rows = con.execute(
        "SELECT from_version, to_version, ordinal, path, op, label, CAST(element_key AS VARCHAR), "
        "CAST(old_value AS VARCHAR), CAST(new_value AS VARCHAR) FROM study_changes ORDER BY ordinal"
    ).fetchall()
    assert [(r[0], r[1], r[2]) for r in rows] == [(1, 2, i) for i in range(len(expected))]
    assert [(r[3], r[4], r[5]) for r in rows] == [(c.path, c.op, c.label) for c in expected]
    assert [json.loads(r[6]) if r[6] else None for r in rows] == [c.key for c in expected]
    assert [
        (None if r[7] is None else json.loads(r[7]), None if r[8] is None else json.loads(r[8]))
        for r in rows
    ] == [(c.old, c.new) for c in expected]
    assert all(c.op != "reordered" for c in expected)
    assert ("added", "null") in [(r[4], r[8]) for r in rows]
    assert [e.event_type for e in events] == ["status_changed", "site_status_changed"]
    stored = con.execute(
        "SELECT version, run_id, ordinal, event_type, CAST(details AS VARCHAR) FROM study_events "
        "WHERE version = 2 ORDER BY event_id"
    ).fetchall()
    assert [(v, run, o, t, json.loads(d)) for v, run, o, t, d in stored] == [
        (2, "run-2", i, e.event_type, e.details) for i, e in enumerate(events)
    ]


def test_the_changes_are_written_in_the_callers_transaction(con: duckdb.DuckDBPyConnection) -> None:
    old = study_record("NCT00973089")
    add_version(con, "NCT00973089", old, T0)
    con.execute("BEGIN TRANSACTION")
    record_new_version(
        con,
        run_id="run-2",
        nct_id="NCT00973089",
        version=2,
        record=with_status(old, "RECRUITING"),
        previous_version=1,
        previous_record=old,
        occurred_at=T0,
    )
    con.execute("ROLLBACK")
    assert con.execute("SELECT count(*) FROM study_changes").fetchall() == [(0,)]
    assert con.execute("SELECT count(*) FROM study_events").fetchall() == [(1,)]


def test_a_big_diff_is_stored_in_one_bulk_insert(con: duckdb.DuckDBPyConnection) -> None:
    old = study_record("NCT02513394")
    new = copy.deepcopy(old)
    for site in new["protocolSection"]["contactsLocationsModule"]["locations"]:
        site["status"] = "COMPLETED"
    add_version(con, "NCT02513394", old, T0)

    events = add_version(con, "NCT02513394", new, T0 + timedelta(days=1))

    sites = len(new["protocolSection"]["contactsLocationsModule"]["locations"])
    assert con.execute(
        "SELECT count(*), count(DISTINCT path) FROM study_changes WHERE path LIKE '%/locations/%'"
    ).fetchall() == [(sites, sites)]
    assert [e.event_type for e in events] == ["site_status_changed"] * sites


def test_previous_version_and_record_come_together(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ValueError, match="NCT00973089 v2"):
        record_new_version(
            con,
            run_id="r",
            nct_id="NCT00973089",
            version=2,
            record={},
            previous_version=1,
            previous_record=None,
            occurred_at=T0,
        )


def test_presence_events_follow_the_version_events_of_the_run(
    con: duckdb.DuckDBPyConnection,
) -> None:
    record = study_record("NCT00184067")
    add_version(con, "NCT00184067", record, T0)
    missing = record_presence(
        con,
        run_id="run-2",
        nct_id="NCT00184067",
        version=1,
        event_type="study_missing",
        occurred_at=T0 + timedelta(days=1),
    )
    events = add_version(
        con, "NCT00184067", with_status(record, "COMPLETED"), T0 + timedelta(days=2), run_id="run-3"
    )

    assert missing == Event("study_missing", {"version": 1})
    assert events[-1] == Event("study_reappeared", {"version": 2})
    rows = con.execute(
        "SELECT run_id, version, ordinal, event_type FROM study_events ORDER BY event_id"
    ).fetchall()
    assert rows == [
        ("run-1", 1, 0, "first_seen"),
        ("run-2", 1, 0, "study_missing"),
        ("run-3", 2, 0, "status_changed"),
        ("run-3", 2, 1, "study_reappeared"),
    ]


def test_status_history_collapses_versions_into_status_periods(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Periods follow the registry's dates (each version's posting day), not observation times."""
    record = study_record("NCT06171568")
    statuses = ["NOT_YET_RECRUITING", "RECRUITING", "RECRUITING", "COMPLETED"]
    days = [0, 20, 50, 80]
    for day, status in zip(days, statuses, strict=True):
        edited = with_status(record, status)
        edited["protocolSection"]["statusModule"]["lastUpdateSubmitDate"] = f"day {day}"
        add_version(con, "NCT06171568", edited, T0 + timedelta(days=day, hours=day % 7))

    before = datetime.now(UTC)
    rows = con.execute(
        "SELECT period, status, status_from_date, status_to_date, days_in_status, first_version, "
        "last_version, is_current FROM status_history ORDER BY period"
    ).fetchall()
    after = datetime.now(UTC)

    start = T0.date()
    assert rows[:2] == [
        (1, "NOT_YET_RECRUITING", start, start + timedelta(days=20), 20, 1, 1, False),
        (2, "RECRUITING", start + timedelta(days=20), start + timedelta(days=80), 60, 2, 3, False),
    ]
    period, status, since, until, days_in, first, last, current = rows[2]
    assert (period, status, since, until, first, last, current) == (
        3,
        "COMPLETED",
        start + timedelta(days=80),
        None,
        4,
        4,
        True,
    )
    since_instant = datetime.combine(since, datetime.min.time(), tzinfo=UTC)
    assert days_in in {(before - since_instant).days, (after - since_instant).days}


@pytest.mark.parametrize("time_zone", ["UTC", "Pacific/Kiritimati", "America/Adak"])
def test_days_in_status_counts_elapsed_days_in_any_session_time_zone(
    con: duckdb.DuckDBPyConnection, time_zone: str
) -> None:
    """A period from 09:00 to 08:00 the next day is 0 whole days wherever the query runs.

    Versions posted by the registry start at midnight UTC; these rows are written directly to
    test the view's arithmetic on any instants."""
    later = T0 + timedelta(hours=23)
    for version, (status, start, end) in enumerate(
        [("RECRUITING", T0, later), ("COMPLETED", later, None)], 1
    ):
        con.execute(
            "INSERT INTO study_versions (nct_id, version, position, content_hash, valid_from, "
            "valid_to, source, record, overall_status) "
            "VALUES ('NCT06171568', ?, ?, ?, ?, ?, 'observed', '{}', ?)",
            [version, version, f"h{version}", start, end, status],
        )
    con.execute(f"SET TimeZone = '{time_zone}'")

    rows = con.execute("SELECT days_in_status FROM status_history WHERE NOT is_current").fetchall()

    assert rows == [(0,)]


def test_current_studies_shows_the_current_version_and_missing_since(
    con: duckdb.DuckDBPyConnection,
) -> None:
    record = study_record("NCT05594173")
    add_version(con, "NCT05594173", with_status(record, "RECRUITING"), T0)
    add_version(con, "NCT05594173", record, T0 + timedelta(days=5))
    record_presence(
        con,
        run_id="run-9",
        nct_id="NCT05594173",
        version=2,
        event_type="study_missing",
        occurred_at=T0 + timedelta(days=9),
    )

    columns = (
        "nct_id, version, current_since, overall_status, enrollment_count, enrollment_type, "
        "study_type, lead_sponsor, start_date, completion_date, has_results, missing_since"
    )
    rows = con.execute(f"SELECT {columns} FROM current_studies").fetchall()
    assert rows == [
        (
            "NCT05594173",
            2,
            day_start((T0 + timedelta(days=5)).date()),
            "COMPLETED",
            20,
            "ACTUAL",
            "OBSERVATIONAL",
            "University Health Network, Toronto",
            "2019-09-13",
            "2020-12-20",
            True,
            T0 + timedelta(days=9),
        )
    ]

    record_presence(
        con,
        run_id="run-10",
        nct_id="NCT05594173",
        version=2,
        event_type="study_reappeared",
        occurred_at=T0 + timedelta(days=10),
    )
    assert con.execute("SELECT missing_since FROM current_studies").fetchall() == [(None,)]
