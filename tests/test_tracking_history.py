"""Read queries over tracked history: points in time, the last-run cutoff, the SQL recipe."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT, study_record
from tests.test_tracking import T0, add_run, add_version, posted, with_status
from warehouse import history
from warehouse.database import connect
from warehouse.plan import day_start


@pytest.fixture
def con(db_path: Path) -> duckdb.DuckDBPyConnection:
    """Two studies: A has versions at T0, T0+2d and T0+5d; B one version at T0+3d."""
    con = connect(db_path)
    record = study_record("NCT00973089")
    for day, status in ((0, "NOT_YET_RECRUITING"), (2, "RECRUITING"), (5, "WITHDRAWN")):
        add_version(con, "NCT00973089", with_status(record, status), T0 + timedelta(days=day))
    add_version(con, "NCT06171568", study_record("NCT06171568"), T0 + timedelta(days=3))
    return con


def test_state_as_of_a_date_is_what_the_registry_showed_at_the_end_of_that_day(
    con: duckdb.DuckDBPyConnection,
) -> None:
    day = (T0 + timedelta(days=2)).date()
    states = history.state_as_of(con, day)
    assert [(s.nct_id, s.version, s.overall_status) for s in states] == [
        ("NCT00973089", 2, "RECRUITING")
    ]
    the_day_before = history.state_as_of(con, day - timedelta(days=1))
    assert [(s.nct_id, s.version) for s in the_day_before] == [("NCT00973089", 1)]
    later = history.state_as_of(con, (T0 + timedelta(days=3)).date())
    assert [(s.nct_id, s.version) for s in later] == [("NCT00973089", 2), ("NCT06171568", 1)]
    assert history.state_as_of(con, date(2020, 1, 1)) == []


def test_a_datetime_counts_by_its_utc_day_on_the_registry_clock(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """The registry dates versions by day: any instant of day 2 (UTC) sees version 2."""
    start_of_day_two = day_start((T0 + timedelta(days=2)).date())
    states = history.state_as_of(con, start_of_day_two)
    assert [(s.nct_id, s.version) for s in states] == [("NCT00973089", 2)]


def test_the_observed_clock_is_what_runs_had_seen_before_an_instant(
    con: duckdb.DuckDBPyConnection,
) -> None:
    seen_at = T0 + timedelta(days=2)
    at = history.state_as_of(con, seen_at, clock="observed")
    assert [(s.nct_id, s.version) for s in at] == [("NCT00973089", 2)]
    just_before = history.state_as_of(con, seen_at - timedelta(microseconds=1), clock="observed")
    assert [(s.nct_id, s.version) for s in just_before] == [("NCT00973089", 1)]
    found = history.record_as_of(con, "NCT00973089", seen_at.date(), clock="observed")
    assert found.version == 2


def test_the_documented_sql_recipe_agrees_with_state_as_of(con: duckdb.DuckDBPyConnection) -> None:
    docs = (ROOT / "docs" / "changes.md").read_text("utf-8")
    recipe = next(
        block
        for block in re.findall(r"```sql\n(.*?)```", docs, re.DOTALL)
        if "registry_date <= DATE '2024-06-30'" in block
    )
    day = (T0 + timedelta(days=4)).date()
    rows = con.execute(recipe.replace("DATE '2024-06-30'", f"DATE '{day}'")).fetchall()
    assert (
        [(r[0], r[1]) for r in rows]
        == [(s.nct_id, s.version) for s in history.state_as_of(con, day)]
        == [("NCT00973089", 2), ("NCT06171568", 1)]
    )


def test_record_as_of_picks_the_version_valid_then(con: duckdb.DuckDBPyConnection) -> None:
    found = history.record_as_of(con, "NCT00973089", (T0 + timedelta(days=4)).date())
    assert (found.version, found.valid_from, found.valid_to) == (
        2,
        day_start((T0 + timedelta(days=2)).date()),
        day_start((T0 + timedelta(days=5)).date()),
    )
    assert found.record == posted(
        with_status(study_record("NCT00973089"), "RECRUITING"), T0 + timedelta(days=2)
    )
    assert history.record_as_of(con, "NCT00973089").version == 3
    with pytest.raises(history.NotTrackedYetError, match="not posted by the registry yet"):
        history.record_as_of(con, "NCT00973089", date(2020, 1, 1))


def test_the_last_run_cutoff_is_the_previous_successful_sync(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert history.last_run_cutoff(con) is None
    add_run(con, "run-1", 0, "succeeded")
    assert history.last_run_cutoff(con) is None
    add_run(con, "run-2", 2, "failed")
    assert history.last_run_cutoff(con) == T0 + timedelta(hours=1)
    add_run(con, "run-3", 3, "partial")
    add_run(con, "run-4", 5, "running", finished=False)
    assert history.last_run_cutoff(con) == T0 + timedelta(days=3, hours=1)

    cutoff, events = history.events_since_last_run(con)
    assert cutoff == T0 + timedelta(days=3, hours=1)
    assert [(e.nct_id, e.version, e.event_type) for e in events] == [
        ("NCT00973089", 3, "status_changed"),
    ]


def test_versions_carry_a_summary_and_a_change_count(con: duckdb.DuckDBPyConnection) -> None:
    versions = history.list_versions(con, "NCT00973089")
    assert [(v.version, v.change_count, v.summary) for v in versions] == [
        (1, 0, "first seen (NOT_YET_RECRUITING)"),
        (2, 2, "status NOT_YET_RECRUITING → RECRUITING"),
        (3, 2, "status RECRUITING → WITHDRAWN"),
    ]
    assert versions[0].valid_to == versions[1].valid_from


def test_a_version_with_only_bookkeeping_changes_says_so(con: duckdb.DuckDBPyConnection) -> None:
    record = with_status(study_record("NCT00973089"), "WITHDRAWN")
    record["protocolSection"]["statusModule"]["statusVerifiedDate"] = "2030-01"
    add_version(con, "NCT00973089", record, T0 + timedelta(days=9))
    assert history.list_versions(con, "NCT00973089")[-1].summary == history.NO_EVENT_SUMMARY
