"""Backfilling the registry's own version history, against the imitation's timeline.

The imitation serves each study's recorded versions through the internal history API, so a
backfill must yield exactly those versions, with the registry's numbers and dates, the changes
between them that the timeline declares, and never fetch a version twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flows import pipeline, sources
from flows.settings import Settings
from imitation import Catalog, FaultPlan, FaultRule, ImitationServer
from registry import RegistryClient
from registry.errors import RegistryError
from registry.sources import IdsSource
from warehouse.database import connect

LATE = max(day for nct in Catalog.load_default().nct_ids()
           for day in [v.date for v in Catalog.load_default().versions(nct)])  # fmt: skip
"""The day of the last version of any imitated study: every history is whole."""
TRIAL = "NCT06690827"


@pytest.fixture
def catalog() -> Catalog:
    return Catalog.load_default()


@pytest.fixture
def server() -> Iterator[ImitationServer]:
    with ImitationServer(as_of=LATE) as srv:
        yield srv


def settings_for(server: ImitationServer, db: Path) -> Settings:
    return Settings(
        db=db,
        registry_url=server.url,
        requests_per_minute=60_000,
        backoff_initial_s=0.01,
        max_attempts=2,
    )


def backfill(
    settings: Settings, ids: list[str] | None, modules: tuple[str, ...] = ()
) -> pipeline.RunReport:
    with RegistryClient(pipeline.registry_config(settings)) as client:
        source = sources.history_source(settings, client, ids, modules)
        return pipeline.run_source(settings, source, client=client, history="off")


def ingest(settings: Settings, ids: list[str], history: str = "off") -> pipeline.RunReport:
    with RegistryClient(pipeline.registry_config(settings)) as client:
        return pipeline.run_source(
            settings,
            IdsSource(client, ids),
            client=client,
            history=history,  # type: ignore[arg-type]
        )


def stored_versions(db: Path, nct_id: str) -> list[tuple[object, ...]]:
    with connect(db, read_only=True) as con:
        return con.execute(
            "SELECT version, position, registry_version, registry_date, source, "
            "observed_at IS NOT NULL, markup FROM study_versions WHERE nct_id = ? "
            "ORDER BY position",
            [nct_id],
        ).fetchall()


def history_requests(server: ImitationServer) -> list[str]:
    return [r.path for r in server.request_log if r.path.startswith("/api/int/")]


def test_backfill_yields_exactly_the_registry_versions_with_their_numbers_and_dates(
    server: ImitationServer, catalog: Catalog, db_path: Path
) -> None:
    report = backfill(settings_for(server, db_path), [TRIAL])
    timeline = catalog.versions(TRIAL)
    assert stored_versions(db_path, TRIAL) == [
        (v.index + 1, v.index + 1, v.index, v.date, "registry", False, "html") for v in timeline
    ]
    assert report.counts.backfilled == len(timeline)
    assert report.status == "succeeded"


def test_the_changes_between_backfilled_versions_are_the_timelines_edits(
    server: ImitationServer, catalog: Catalog, db_path: Path
) -> None:
    ids = [
        nct
        for nct in catalog.nct_ids()
        if catalog.has_history(nct) and catalog.record_as_of(nct, LATE) is not None
    ]
    assert len(ids) >= 8
    backfill(settings_for(server, db_path), ids)
    with connect(db_path, read_only=True) as con:
        rows = con.execute(
            "SELECT e.nct_id, v.registry_version, list(DISTINCT e.event_type ORDER BY e.event_type)"
            " FROM study_events AS e JOIN study_versions AS v USING (nct_id, version) "
            "GROUP BY ALL ORDER BY ALL"
        ).fetchall()
    stored = {(nct, version): set(kinds) for nct, version, kinds in rows}
    for nct_id in ids:
        for version in catalog.versions(nct_id):
            expected = set(version.expected_events)
            assert stored.get((nct_id, version.index), set()) == expected, (nct_id, version.index)


def test_backfilled_versions_are_diffed_and_normalized_like_observed_ones(
    server: ImitationServer, catalog: Catalog, db_path: Path
) -> None:
    backfill(settings_for(server, db_path), [TRIAL])
    count = len(catalog.versions(TRIAL))
    with connect(db_path, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM studies WHERE nct_id = ?", [TRIAL]).fetchall() == [
            (count,)
        ]
        changed = con.execute(
            "SELECT count(DISTINCT to_version) FROM study_changes WHERE nct_id = ?", [TRIAL]
        ).fetchall()
        sites = con.execute(
            "SELECT version, count(*) FROM locations WHERE nct_id = ? GROUP BY 1 ORDER BY 1",
            [TRIAL],
        ).fetchall()
    assert changed == [(count - 1,)]
    expected_sites = [
        len(v.record["protocolSection"]["contactsLocationsModule"]["locations"])
        for v in catalog.versions(TRIAL)
    ]
    assert [n for _, n in sites] == expected_sites


def test_a_second_backfill_fetches_only_the_index(server: ImitationServer, db_path: Path) -> None:
    settings = settings_for(server, db_path)
    backfill(settings, [TRIAL])
    server.clear_request_log()
    report = backfill(settings, [TRIAL])
    assert history_requests(server) == [f"/api/int/studies/{TRIAL}/history"]
    assert report.counts.backfilled == 0


def test_an_observed_copy_of_the_latest_version_is_linked_not_a_new_version(
    server: ImitationServer, catalog: Catalog, db_path: Path
) -> None:
    settings = settings_for(server, db_path)
    backfill(settings, [TRIAL])
    report = ingest(settings, [TRIAL])
    (result,) = report.results
    count = len(catalog.versions(TRIAL))
    assert (result.outcome, result.version) == ("unchanged", count)
    latest = stored_versions(db_path, TRIAL)[-1]
    assert latest == (count, count, count - 1, catalog.versions(TRIAL)[-1].date, "registry", True,
                      "markdown")  # fmt: skip
    with connect(db_path, read_only=True) as con:
        (has_html,) = con.execute(
            "SELECT registry_record IS NOT NULL FROM study_versions WHERE nct_id = ? "
            "AND version = ?",
            [TRIAL, count],
        ).fetchone() or (None,)
    assert has_html


def test_backfilling_an_observed_study_slots_older_versions_before_it(
    catalog: Catalog, db_path: Path
) -> None:
    """v1 was observed first; the registry's earlier versions get v2.. but come before it."""
    timeline = catalog.versions(TRIAL)
    with ImitationServer(as_of=timeline[4].date) as srv:
        settings = settings_for(srv, db_path)
        ingest(settings, [TRIAL])
        backfill(settings, [TRIAL])
    rows = stored_versions(db_path, TRIAL)
    assert [(version, position, registry) for version, position, registry, *_ in rows] == [
        (2, 1, 0), (3, 2, 1), (4, 3, 2), (5, 4, 3), (1, 5, 4)
    ]  # fmt: skip
    with connect(db_path, read_only=True) as con:
        first_seen = con.execute(
            "SELECT version FROM study_events WHERE event_type = 'first_seen'"
        ).fetchall()
        v1_events = con.execute(
            "SELECT event_type FROM study_events WHERE version = 1 ORDER BY event_id"
        ).fetchall()
    assert first_seen == [(2,)]
    assert [e for (e,) in v1_events] == list(timeline[4].expected_events)


def test_modules_fetch_only_the_versions_touching_them_and_keep_the_whole_index(
    server: ImitationServer, catalog: Catalog, db_path: Path
) -> None:
    backfill(settings_for(server, db_path), [TRIAL], modules=("Eligibility",))
    timeline = catalog.versions(TRIAL)
    wanted = [v.index for v in timeline if v.index == 0 or "Eligibility" in v.module_labels]
    assert [row[2] for row in stored_versions(db_path, TRIAL)] == wanted
    with connect(db_path, read_only=True) as con:
        index = con.execute(
            "SELECT registry_version, version IS NOT NULL, skipped IS NOT NULL "
            "FROM registry_history WHERE nct_id = ? ORDER BY 1",
            [TRIAL],
        ).fetchall()
    assert [v for v, _, _ in index] == [v.index for v in timeline]
    assert [(v, held, not skipped) for v, held, skipped in index] == [
        (v.index, v.index in wanted, v.index in wanted) for v in timeline
    ]
    fetched = [p for p in history_requests(server) if "/history/" in p]
    assert len(fetched) == len(wanted)


def test_a_study_without_history_or_unknown_gets_a_note_and_does_not_stop_the_others(
    server: ImitationServer, catalog: Catalog, db_path: Path
) -> None:
    report = backfill(settings_for(server, db_path), ["NCT00973089", "NCT09999999", TRIAL])
    assert "no history" in report.notes["NCT00973089"]
    assert "404" in report.notes["NCT09999999"]
    assert len(stored_versions(db_path, TRIAL)) == len(catalog.versions(TRIAL))
    assert report.status == "partial"
    with connect(db_path, read_only=True) as con:
        (error,) = con.execute(
            "SELECT error FROM runs WHERE run_id = ?", [report.run_id]
        ).fetchone()  # type: ignore[misc]
    assert error.startswith("NCT00973089: the registry keeps no history") and "NCT09999999" in error


def test_an_interrupted_backfill_resumes_after_the_studies_it_stored(
    server: ImitationServer, catalog: Catalog, db_path: Path
) -> None:
    settings = settings_for(server, db_path)
    ids = ["NCT04010877", TRIAL, "NCT06835140"]
    server.set_faults(
        FaultPlan(rules=[FaultRule(kind="http_500", path_prefix=f"/api/int/studies/{TRIAL}")])
    )
    with pytest.raises(RegistryError):
        backfill(settings, ids)
    assert len(stored_versions(db_path, "NCT04010877")) == len(catalog.versions("NCT04010877"))
    server.set_faults(None)
    server.clear_request_log()
    backfill(settings, ids)
    assert not any("NCT04010877" in path for path in history_requests(server))
    for nct_id in ids:
        assert len(stored_versions(db_path, nct_id)) == len(catalog.versions(nct_id))


def test_ingest_of_a_new_study_brings_its_history_in_the_same_run(
    server: ImitationServer, catalog: Catalog, db_path: Path
) -> None:
    report = ingest(settings_for(server, db_path), [TRIAL], history="auto")
    (result,) = report.results
    count = len(catalog.versions(TRIAL))
    assert (result.outcome, result.version, result.backfilled) == ("new", count, count - 1)
    assert [row[0] for row in stored_versions(db_path, TRIAL)] == list(range(1, count + 1))


def test_versions_posted_between_two_runs_are_not_lost(catalog: Catalog, db_path: Path) -> None:
    """The registry posts v3 and v4 between two runs: the second run stores both."""
    timeline = catalog.versions(TRIAL)
    with ImitationServer(as_of=timeline[1].date) as srv:
        settings = settings_for(srv, db_path)
        ingest(settings, [TRIAL], history="auto")
        srv.set_date(timeline[3].date)
        report = ingest(settings, [TRIAL], history="auto")
    (result,) = report.results
    assert (result.outcome, result.version, result.backfilled) == ("changed", 4, 1)
    assert [row[2] for row in stored_versions(db_path, TRIAL)] == [0, 1, 2, 3]
