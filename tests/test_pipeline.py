"""The ingest pipeline end to end without Prefect: imitation over real HTTP -> DuckDB file."""

from __future__ import annotations

import copy
import json
import os
import signal
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.generate import synthetic_studies, write
from flows import pipeline
from flows.settings import Settings
from imitation import Catalog, FaultPlan, FaultRule, ImitationServer
from models.payload import Batch
from registry import RegistryClient
from registry.bulk import BulkSource
from registry.errors import RegistryUnavailableError
from registry.sources import IdsSource
from registry.types import RawStudy
from tests.conftest import study_record
from warehouse.database import connect
from warehouse.store import SnapshotStore

SEEDS = ["NCT06690827", "NCT06835140", "NCT04010877"]


def first_date(nct_id: str) -> date:
    return Catalog.load_default().versions(nct_id)[0].date


def change_dates(nct_id: str) -> list[date]:
    return [v.date for v in Catalog.load_default().versions(nct_id)]


@pytest.fixture
def server() -> Iterator[ImitationServer]:
    start = max(first_date(nct) for nct in SEEDS)
    with ImitationServer(as_of=start) as srv:
        yield srv


def settings_for(srv: ImitationServer, db_path: Path) -> Settings:
    return Settings(
        db=db_path,
        parquet_dir=db_path.parent / "parquet",
        registry_url=srv.url,
        requests_per_minute=10_000,
        backoff_initial_s=0.01,
    )


def run_once(
    settings: Settings, ids: list[str], history: pipeline.HistoryPolicy = "off"
) -> tuple[str, pipeline.RunReport, list]:
    """One ingest of ``ids`` through the pipeline (no Prefect)."""
    with RegistryClient(pipeline.registry_config(settings)) as client:
        report = pipeline.run_source(
            settings, IdsSource(client, ids), client=client, history=history
        )
    return report.run_id, report, report.results


def outcomes(stored: list) -> dict[str, tuple[str, int | None]]:
    return {s.nct_id: (s.outcome, s.version) for s in stored}


def test_three_seed_trials_are_stored_with_the_json_the_server_sent(
    server: ImitationServer, db_path: Path
) -> None:
    settings = settings_for(server, db_path)
    _, report, stored = run_once(settings, SEEDS)
    assert outcomes(stored) == {nct: ("new", 1) for nct in SEEDS}
    assert report.registry_version is not None
    assert report.registry_version.data_timestamp is not None
    with connect(db_path, read_only=True) as con:
        for nct in SEEDS:
            sent = httpx.get(f"{server.url}/api/v2/studies/{nct}", trust_env=False).json()
            (record,) = con.execute(
                "SELECT record::VARCHAR FROM study_versions WHERE nct_id = ?", [nct]
            ).fetchall()[0]
            kept = json.loads(record)
            assert kept == sent
            assert list(kept) == list(sent)
        (ts,) = con.execute("SELECT registry_data_timestamp FROM runs").fetchall()[0]
    assert ts == report.registry_version.data_timestamp.replace(tzinfo=None)


def test_second_run_adds_observations_only(server: ImitationServer, db_path: Path) -> None:
    settings = settings_for(server, db_path)
    run_once(settings, SEEDS)
    _, _, stored = run_once(settings, SEEDS)
    assert outcomes(stored) == {nct: ("unchanged", 1) for nct in SEEDS}
    with connect(db_path, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM study_versions").fetchall() == [(3,)]
        assert con.execute("SELECT count(*) FROM observations").fetchall() == [(6,)]


def test_a_registry_update_yields_version_two_with_the_old_one_closed(
    server: ImitationServer, db_path: Path
) -> None:
    settings = settings_for(server, db_path)
    first, second = change_dates("NCT06690827")[:2]
    server.set_date(first)
    run_once(settings, ["NCT06690827"])
    server.set_date(second)
    _, _, stored = run_once(settings, ["NCT06690827"])
    assert outcomes(stored) == {"NCT06690827": ("changed", 2)}
    assert stored[0].events
    with connect(db_path, read_only=True) as con:
        versions = con.execute(
            "SELECT version, valid_to IS NULL FROM study_versions ORDER BY version"
        ).fetchall()
    assert versions == [(1, False), (2, True)]


def test_an_id_the_registry_never_had_is_not_found_not_missing(
    server: ImitationServer, db_path: Path
) -> None:
    settings = settings_for(server, db_path)
    run_id, _, stored = run_once(settings, ["NCT06690827", "NCT09999999"])
    assert outcomes(stored)["NCT09999999"] == ("not_found", None)
    assert [s.events for s in stored if s.nct_id == "NCT09999999"] == [[]]
    with connect(db_path, read_only=True) as con:
        assert con.execute(
            "SELECT status, missing_count, not_found_count FROM runs WHERE run_id = ?", [run_id]
        ).fetchall() == [("partial", 0, 1)]
        assert con.execute(
            "SELECT outcome FROM observations WHERE nct_id = 'NCT09999999'"
        ).fetchall() == [("not_found",)]


def test_a_study_first_posted_after_it_was_not_found_is_first_seen_not_reappeared(
    db_path: Path,
) -> None:
    posted = first_date("NCT06835140")
    with ImitationServer(as_of=first_date("NCT06690827")) as srv:
        settings = settings_for(srv, db_path)
        _, _, before = run_once(settings, ["NCT06835140"])
        srv.set_date(posted)
        _, _, after = run_once(settings, ["NCT06835140"])
    assert outcomes(before) == {"NCT06835140": ("not_found", None)}
    (study,) = after
    assert (study.outcome, [e.event_type for e in study.events]) == ("new", ["first_seen"])
    with connect(db_path, read_only=True) as con:
        assert con.execute(
            "SELECT event_type FROM study_events WHERE nct_id = 'NCT06835140'"
        ).fetchall() == [("first_seen",)]


def test_a_tracked_study_that_disappears_is_missing_and_then_reappears(db_path: Path) -> None:
    (gone,) = Catalog.load_default().absences("NCT00184067")
    assert gone.end is not None
    with ImitationServer(as_of=gone.start - timedelta(days=1)) as srv:
        settings = settings_for(srv, db_path)
        run_once(settings, ["NCT00184067"])
        srv.set_date(gone.start)
        _, _, missing = run_once(settings, ["NCT00184067"])
        srv.set_date(gone.end)
        _, _, back = run_once(settings, ["NCT00184067"])
    (study,) = missing
    assert (study.outcome, [e.event_type for e in study.events]) == ("missing", ["study_missing"])
    assert "study_reappeared" in [e.event_type for e in back[0].events]


def test_an_alias_is_answered_by_its_study_and_stored_under_its_own_id(db_path: Path) -> None:
    merged = Catalog.load_default().versions("NCT05594173")[-1]
    assert merged.record["protocolSection"]["identificationModule"]["nctIdAliases"] == [
        "NCT09594173"
    ]
    with ImitationServer(as_of=merged.date) as srv:
        settings = settings_for(srv, db_path)
        _, report, stored = run_once(settings, ["NCT09594173"])
        redirected = httpx.get(
            f"{srv.url}/api/v2/studies/NCT09594173", trust_env=False, follow_redirects=False
        )
    assert (redirected.status_code, redirected.headers["Location"]) == (
        301,
        "/api/v2/studies/NCT05594173",
    )
    assert report.aliases == {"NCT09594173": "NCT05594173"}
    assert outcomes(stored) == {"NCT05594173": ("new", 1)}


def test_transient_server_errors_are_retried(server: ImitationServer, db_path: Path) -> None:
    server.set_faults(
        FaultPlan(rules=[FaultRule(kind="http_503", first_n=2, path_prefix="/api/v2/studies")])
    )
    _, _, stored = run_once(settings_for(server, db_path), SEEDS)
    assert outcomes(stored) == {nct: ("new", 1) for nct in SEEDS}


def test_unreachable_registry_is_one_clear_error_and_a_failed_run(db_path: Path) -> None:
    with ImitationServer() as srv:
        url = srv.url
    settings = Settings(
        db=db_path,
        registry_url=url,
        requests_per_minute=10_000,
        backoff_initial_s=0.01,
        max_attempts=2,
    )
    with pytest.raises(RegistryUnavailableError) as error:
        run_once(settings, SEEDS)
    assert url in str(error.value) and "\n" not in str(error.value)
    with connect(db_path, read_only=True) as con:
        assert con.execute("SELECT status FROM runs").fetchall() == [("failed",)]


def test_a_record_that_breaks_the_spec_is_kept_as_a_version_with_findings(
    server: ImitationServer, db_path: Path
) -> None:
    """The registry does not always follow its spec: the version is kept, what failed noted."""
    good = study_record("NCT00973089")
    bad = copy.deepcopy(good)
    bad["protocolSection"]["designModule"]["enrollmentInfo"]["count"] = "thirty"
    bad["protocolSection"]["eligibilityModule"]["minimumAge"] = "eighteen"
    with connect(db_path) as con:
        store = SnapshotStore(con)
        run = store.start_run(registry_url=server.url, requested=1)
        (result,) = store.store_batch(run, [RawStudy("NCT00973089", bad, json.dumps(bad))])
        findings = con.execute(
            "SELECT path, rule, CAST(value AS VARCHAR) FROM version_findings ORDER BY ordinal"
        ).fetchall()
        stored = con.execute("SELECT count(*) FROM study_versions").fetchall()
    assert (result.outcome, result.version) == ("new", 1)
    assert stored == [(1,)]
    paths = {path for path, _, _ in findings}
    assert "/protocolSection/designModule/enrollmentInfo/count" in paths
    assert "/protocolSection/eligibilityModule/minimumAge" in paths
    assert ('"thirty"') in {value for _, _, value in findings}


def test_a_payload_that_is_not_json_is_quarantined_with_its_text(db_path: Path) -> None:
    with connect(db_path) as con:
        store = SnapshotStore(con)
        run = store.start_run(registry_url="http://x", requested=1)
        results = store.store_batch(run, [RawStudy("NCT00973089", None, '{"truncated": ')])
        rows = con.execute("SELECT nct_id, stage, payload FROM rejected_records").fetchall()
        observed = con.execute("SELECT outcome FROM observations").fetchall()
    assert results == []
    assert rows == [("NCT00973089", "parse", '{"truncated": ')]
    assert observed == [("rejected",)]


class _CtrlCAtSecondBatch(BulkSource):
    """A bulk source whose reader is interrupted by Ctrl-C as it hands over its second batch."""

    def batches(self, resume: Any = None) -> Iterator[Batch]:
        for number, batch in enumerate(super().batches(resume), start=1):
            if number == 2:
                os.kill(os.getpid(), signal.SIGINT)
            yield batch


def test_ctrl_c_during_a_run_stops_it_after_the_batch_being_written(tmp_path: Path) -> None:
    """Ctrl-C while the second batch is read: that batch is still planned and written (one
    transaction), then the run stops, recorded as interrupted, ``KeyboardInterrupt`` raised
    to the caller. Raised where it landed, it stopped the run inside the batch (or, inside a
    DuckDB statement, as DuckDB's own error)."""
    folder = tmp_path / "registry"
    write(synthetic_studies(120), folder, as_dir=True)
    db = tmp_path / "w.duckdb"
    with pytest.raises(KeyboardInterrupt):
        pipeline.run_source(
            Settings(db=db, export=False, bulk_batch_size=40),
            _CtrlCAtSecondBatch(folder, batch_size=40),
            history="off",
            hold=True,
        )
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with connect(db, read_only=True) as con:
        runs = con.execute("SELECT status, error FROM runs").fetchall()
        written = con.execute("SELECT count(*) FROM study_versions").fetchone()
    assert runs == [("failed", pipeline.INTERRUPTED)]
    assert written == (80,)
