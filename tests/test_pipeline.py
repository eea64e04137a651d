"""The ingest pipeline end to end without Prefect: imitation over real HTTP -> DuckDB file."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from flows import pipeline
from flows.settings import Settings
from imitation import Catalog, FaultPlan, FaultRule, ImitationServer
from registry.errors import RegistryUnavailableError
from registry.types import RawStudy
from tests.conftest import study_record
from warehouse.database import connect

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


def run_once(settings: Settings, ids: list[str]) -> tuple[str, pipeline.Fetched, list]:
    run_id = pipeline.begin_run(settings, len(ids))
    fetched = pipeline.fetch(settings, ids)
    validated = pipeline.validate(fetched.studies)
    stored = pipeline.store(settings, run_id, fetched, validated)
    pipeline.finish_run(
        settings,
        run_id,
        status=pipeline.run_status(fetched, validated),
        drift=validated.drift_count,
    )
    return run_id, fetched, stored


def outcomes(stored: list) -> dict[str, tuple[str, int | None]]:
    return {s.nct_id: (s.outcome, s.version) for s in stored}


def test_three_seed_trials_are_stored_with_the_json_the_server_sent(
    server: ImitationServer, db_path: Path
) -> None:
    settings = settings_for(server, db_path)
    _, fetched, stored = run_once(settings, SEEDS)
    assert outcomes(stored) == {nct: ("new", 1) for nct in SEEDS}
    assert fetched.registry_version.data_timestamp is not None
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
    assert ts == fetched.registry_version.data_timestamp.replace(tzinfo=None)


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
    run_id, fetched, stored = run_once(settings, ["NCT06690827", "NCT09999999"])
    assert fetched.missing == ["NCT09999999"]
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
        _, fetched, stored = run_once(settings, ["NCT09594173"])
        redirected = httpx.get(
            f"{srv.url}/api/v2/studies/NCT09594173", trust_env=False, follow_redirects=False
        )
    assert (redirected.status_code, redirected.headers["Location"]) == (
        301,
        "/api/v2/studies/NCT05594173",
    )
    assert fetched.aliases == {"NCT09594173": "NCT05594173"}
    assert fetched.missing == []
    assert outcomes(stored) == {"NCT05594173": ("new", 1)}


def test_transient_server_errors_are_retried(server: ImitationServer, db_path: Path) -> None:
    server.set_faults(
        FaultPlan(rules=[FaultRule(kind="http_503", first_n=2, path_prefix="/api/v2/studies")])
    )
    _, _, stored = run_once(settings_for(server, db_path), SEEDS)
    assert outcomes(stored) == {nct: ("new", 1) for nct in SEEDS}


def test_unreachable_registry_is_one_clear_error(db_path: Path) -> None:
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
        pipeline.fetch(settings, SEEDS)
    assert url in str(error.value) and "\n" not in str(error.value)


def test_a_record_that_does_not_fit_the_model_is_quarantined_not_lost() -> None:
    good = study_record("NCT00973089")
    bad = copy.deepcopy(good)
    bad["protocolSection"]["designModule"]["enrollmentInfo"]["count"] = "thirty"
    bad_text = json.dumps(bad)
    validated = pipeline.validate(
        [RawStudy("NCT00973089", good, json.dumps(good)), RawStudy("NCT00000000", bad, bad_text)]
    )
    assert [s.nct_id for s in validated.observed] == ["NCT00973089"]
    (rejection,) = validated.rejections
    assert rejection.stage == "validate" and rejection.payload == bad_text
    assert "enrollmentInfo" in rejection.error


def test_quarantined_records_land_in_rejected_records_with_their_payload(
    server: ImitationServer, db_path: Path
) -> None:
    settings = settings_for(server, db_path)
    fetched = pipeline.fetch(settings, ["NCT06690827"])
    bad = copy.deepcopy(fetched.studies[0].record)
    bad["protocolSection"]["statusModule"] = "RECRUITING"
    bad_raw = RawStudy("NCT06835140", bad, json.dumps(bad))
    validated = pipeline.validate([*fetched.studies, bad_raw])
    run_id = pipeline.begin_run(settings, 2)
    stored = pipeline.store(settings, run_id, fetched, validated)
    counts = pipeline.finish_run(settings, run_id, status=pipeline.run_status(fetched, validated))
    assert outcomes(stored) == {"NCT06690827": ("new", 1)}
    assert (counts.new, counts.rejected) == (1, 1)
    with connect(db_path, read_only=True) as con:
        rows = con.execute("SELECT nct_id, stage, error, payload FROM rejected_records").fetchall()
        status = con.execute("SELECT status FROM runs").fetchall()
    ((nct_id, stage, error, payload),) = rows
    assert (nct_id, stage, payload) == ("NCT06835140", "validate", bad_raw.text)
    assert "statusModule" in error
    assert status == [("partial",)]
