"""The Prefect flow and `ctgov ingest`, on Prefect's test server, against the imitation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from imitation import Catalog, ImitationServer
from warehouse.database import connect
from warehouse.lock import run_lock

SEEDS = ["NCT06690827", "NCT06835140", "NCT04010877"]
runner = CliRunner()


def versions_posted_by(day: date) -> dict[str, int]:
    """How many versions the imitation's registry history holds of each seed on ``day``."""
    catalog = Catalog.load_default()
    return {nct: sum(v.date <= day for v in catalog.versions(nct)) for nct in SEEDS}


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ImitationServer]:
    monkeypatch.setenv("CTGOV_REQUESTS_PER_MINUTE", "10000")
    monkeypatch.setenv("CTGOV_BACKOFF_INITIAL_S", "0.01")
    catalog = Catalog.load_default()
    start = max(catalog.versions(nct)[0].date for nct in SEEDS)
    with ImitationServer(as_of=start) as srv:
        yield srv


def test_flow_stores_exports_and_publishes_a_summary(
    prefect_harness: None, server: ImitationServer, db_path: Path
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        ArtifactFilterKey,
    )

    from flows.ingest import ingest

    state = ingest(nct_ids=SEEDS, db=str(db_path), registry_url=server.url, return_state=True)
    assert state.is_completed(), state.message
    summary = state.result()
    assert {t.nct_id: t.outcome for t in summary.trials} == {nct: "new" for nct in SEEDS}
    assert summary.status == "succeeded"
    assert (db_path.parent / "parquet" / "study_versions").is_dir()

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=["ctgov-ingest-summary"]),
                flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id]),
            )
        )  # this run's own: other tests' runs share the session's Prefect server
    (artifact,) = artifacts
    markdown = artifact.data
    assert isinstance(markdown, str)
    for nct, count in versions_posted_by(server.as_of).items():
        backfilled = count - 1 or ""
        assert f"| {nct} | new | {count} | {backfilled} |" in markdown


def test_cli_ingest_prints_the_summary_and_a_rerun_is_unchanged(
    prefect_harness: None, server: ImitationServer, db_path: Path
) -> None:
    args = ["ingest", *SEEDS, "--db", str(db_path), "--registry-url", server.url, "--no-export"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "3 new" in first.output
    second = runner.invoke(app, args)
    assert second.exit_code == 0, second.output
    assert "0 new, 0 changed, 3 unchanged" in second.output
    assert "0 backfilled" not in second.output
    with connect(db_path, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM study_versions").fetchall() == [
            (sum(versions_posted_by(server.as_of).values()),)
        ]
        assert con.execute("SELECT count(*) FROM runs WHERE status = 'succeeded'").fetchall() == [
            (2,)
        ]


def test_cli_ingest_reports_an_unreachable_registry_in_one_line(
    prefect_harness: None, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CTGOV_MAX_ATTEMPTS", "1")
    with ImitationServer() as srv:
        dead_url = srv.url
    result = runner.invoke(
        app, ["ingest", "NCT06690827", "--db", str(db_path), "--registry-url", dead_url]
    )
    assert result.exit_code == 1
    assert result.output.startswith("error: registry at")
    assert "Traceback" not in result.output
    assert not db_path.exists(), "checked before a run (or Prefect) starts"


def test_cli_rejects_a_malformed_id_before_anything_runs(db_path: Path) -> None:
    result = runner.invoke(app, ["ingest", "NCT-12", "--db", str(db_path)])
    assert result.exit_code == 2
    assert "'NCT-12' is not an NCT ID" in result.output
    assert "Traceback" not in result.output
    assert not db_path.exists()


def test_cli_refuses_a_second_run_at_once(db_path: Path) -> None:
    with run_lock(db_path):
        result = runner.invoke(app, ["ingest", "NCT06690827", "--db", str(db_path)])
    assert result.exit_code == 1
    assert "another ingest run is using" in result.output
    assert "Traceback" not in result.output


def test_each_change_is_emitted_as_a_prefect_event(
    prefect_harness: None, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from prefect.client.orchestration import get_client

    from flows.ingest import ingest

    monkeypatch.setenv("CTGOV_REQUESTS_PER_MINUTE", "10000")
    first, second = [v.date for v in Catalog.load_default().versions("NCT06690827")[:2]]
    with ImitationServer(as_of=first) as srv:
        ingest(nct_ids=["NCT06690827"], db=str(db_path), registry_url=srv.url)
        srv.set_date(second)
        summary = ingest(nct_ids=["NCT06690827"], db=str(db_path), registry_url=srv.url)
    expected = {f"ctgov.study.{event.event_type}" for _, _, event in summary.events}
    assert expected == {"ctgov.study.site_added"}

    query = {"filter": {"event": {"name": sorted(expected)}}, "limit": 50}
    deadline = time.monotonic() + 20
    seen: list[dict[str, object]] = []
    with get_client(sync_client=True) as client:
        while not seen and time.monotonic() < deadline:
            seen = client.request("POST", "/events/filter", json=query).json()["events"]
            time.sleep(0.3)
    assert seen, "no ctgov.study.site_added event reached the Prefect API"
    resource = seen[0]["resource"]
    assert isinstance(resource, dict)
    assert resource["prefect.resource.id"] == "ctgov.study.NCT06690827"


def test_cli_shows_registry_retries_while_it_waits(
    prefect_harness: None, server: ImitationServer, db_path: Path
) -> None:
    from imitation import FaultPlan, FaultRule

    server.set_faults(
        FaultPlan(rules=[FaultRule(kind="http_503", first_n=2, path_prefix="/api/v2/studies")])
    )
    args = ["ingest", *SEEDS, "--db", str(db_path), "--registry-url", server.url, "--no-export"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    retries = [line for line in result.output.splitlines() if line.startswith("registry: ")]
    assert len(retries) == 2
    assert all("HTTP 503" in line and "retrying in" in line for line in retries)
    assert "3 new" in result.output


def test_cli_summary_says_what_not_found_means_and_strict_makes_it_exit_2(
    prefect_harness: None, server: ImitationServer, db_path: Path
) -> None:
    args = ["ingest", "NCT06690827", "NCT09999999", "--db", str(db_path)]
    args += ["--registry-url", server.url, "--no-export"]
    lenient = runner.invoke(app, args)
    assert lenient.exit_code == 0, lenient.output
    assert "1 not found" in lenient.output
    advice = next(line for line in lenient.stdout.splitlines() if "not found: " in line)
    assert "NCT09999999" in advice and "typo" in advice and "--strict" in advice

    strict = runner.invoke(app, [*args, "--strict"])
    assert strict.exit_code == 2, strict.output
    (message,) = strict.stderr.strip().splitlines()
    assert message.startswith("error: --strict: the registry has no study for NCT09999999")
    with connect(db_path, read_only=True) as con:
        assert con.execute(
            "SELECT count(*) FROM observations WHERE nct_id = 'NCT06690827'"
        ).fetchall() == [(2,)]


def test_strict_can_come_from_the_environment(
    prefect_harness: None, server: ImitationServer, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CTGOV_STRICT", "true")
    args = ["ingest", "NCT09999999", "--db", str(db_path), "--registry-url", server.url]
    result = runner.invoke(app, [*args, "--no-export"])
    assert result.exit_code == 2, result.output


def test_a_missing_watchlist_message_keeps_its_brackets(tmp_path: Path, db_path: Path) -> None:
    result = runner.invoke(
        app, ["ingest", "--watchlist", str(tmp_path / "none.toml"), "--db", str(db_path)]
    )
    assert result.exit_code == 2
    assert "[[trials]]" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "fragment"),
    [
        ("CTGOV_BATCH_SIZE", "0", "CTGOV_BATCH_SIZE=0 is not valid"),
        ("CTGOV_REQUESTS_PER_MINUTE", "abc", "CTGOV_REQUESTS_PER_MINUTE=abc is not valid"),
        ("CTGOV_REGISTRY_URL", "clinicaltrials.gov", "must start with http://"),
    ],
)
def test_a_bad_setting_names_its_variable_and_exits_2(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, fragment: str
) -> None:
    monkeypatch.setenv(variable, value)
    result = runner.invoke(app, ["ingest", "NCT06690827", "--db", str(db_path)])
    assert result.exit_code == 2, result.output
    (message,) = result.stderr.strip().splitlines()
    assert fragment in message and "Traceback" not in message
    assert not db_path.exists()


def test_the_run_lock_file_is_removed_when_a_run_ends(
    prefect_harness: None, server: ImitationServer, db_path: Path
) -> None:
    args = ["ingest", "NCT06690827", "--db", str(db_path), "--registry-url", server.url]
    result = runner.invoke(app, [*args, "--no-export"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["ctgov.duckdb"]
