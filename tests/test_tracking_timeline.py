"""Change tracking against the registry imitation's timeline of versions.

Each study's timeline (``imitation/data/timeline``) declares, per version, the event kinds a
correct tracker derives from the previous version, and when the study goes missing or comes
back. Replaying every study through the snapshot store (versions) and ``record_presence`` into a
real DuckDB file must store exactly those kinds (none for a version that changes no tracked
field).
The timeline lists kinds, not counts: a version that moves both completion dates has two
``date_shifted`` events and lists the kind once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from itertools import groupby
from pathlib import Path

import duckdb
import pytest

from imitation import catalog as imitation_catalog
from tests.test_tracking import add_version
from warehouse.database import connect
from warehouse.tracking import record_presence

CATALOG = imitation_catalog.Catalog.load_default()


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=UTC)


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every study of the catalog replayed change by change into one database."""
    path = tmp_path_factory.mktemp("timeline") / "ctgov.duckdb"
    con = connect(path)
    for nct_id in CATALOG.nct_ids():
        records = {version.index: version.record for version in CATALOG.versions(nct_id)}
        last_version = 0
        for change in CATALOG.expected_changes(nct_id):
            run_id = f"run-{change.date.isoformat()}"
            if change.version is not None:
                add_version(con, nct_id, records[change.version], _at(change.date), run_id=run_id)
                last_version += 1
            else:
                record_presence(
                    con,
                    run_id=run_id,
                    nct_id=nct_id,
                    version=last_version or None,
                    event_type="study_missing"
                    if "study_missing" in change.events
                    else "study_reappeared",
                    occurred_at=_at(change.date),
                )
    con.close()
    return path


@pytest.fixture
def con(replayed: Path) -> duckdb.DuckDBPyConnection:
    return connect(replayed, read_only=True)


@pytest.mark.parametrize("nct_id", CATALOG.nct_ids())
def test_stored_event_kinds_match_the_timeline(con: duckdb.DuckDBPyConnection, nct_id: str) -> None:
    stored = con.execute(
        "SELECT occurred_at, list(DISTINCT event_type ORDER BY event_type) FROM study_events "
        "WHERE nct_id = ? GROUP BY occurred_at ORDER BY occurred_at",
        [nct_id],
    ).fetchall()
    expected = [
        (_at(change.date), sorted(set(change.events)))
        for change in CATALOG.expected_changes(nct_id)
        if change.events
    ]
    assert stored == expected


@pytest.mark.parametrize("nct_id", CATALOG.nct_ids())
def test_status_history_follows_the_recorded_statuses(
    con: duckdb.DuckDBPyConnection, nct_id: str
) -> None:
    statuses = [
        version.record["protocolSection"]["statusModule"]["overallStatus"]
        for version in CATALOG.versions(nct_id)
    ]
    expected = [status for status, _ in groupby(statuses)]
    stored = con.execute(
        "SELECT status FROM status_history WHERE nct_id = ? ORDER BY period", [nct_id]
    ).fetchall()
    assert [row[0] for row in stored] == expected


def test_every_version_but_the_first_has_stored_changes(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "SELECT v.nct_id, v.version, count(c.path) FROM study_versions v "
        "LEFT JOIN study_changes c ON c.nct_id = v.nct_id AND c.to_version = v.version "
        "WHERE v.version > 1 GROUP BY ALL HAVING count(c.path) = 0"
    ).fetchall()
    assert rows == []
