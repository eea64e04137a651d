"""The deployments of ``prefect.yaml``: what they declare, each one's flow run under Prefect
against the imitation, and runs on one database queueing instead of failing."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows import deployments, pipeline
from flows.serve import chosen, load_specs
from imitation import ImitationServer
from models.errors import InputError
from registry import RegistryClient
from registry.sources import IdsSource
from tests import killable
from warehouse.database import connect
from warehouse.errors import RunInProgressError
from warehouse.lock import run_lock

SEEDS = ["NCT06690827", "NCT06835140", "NCT04010877"]


@pytest.fixture(scope="module")
def server() -> Iterator[ImitationServer]:
    with ImitationServer(as_of=killable.DAY) as srv:
        yield srv


def test_prefect_yaml_declares_the_unattended_runs() -> None:
    specs = {spec.name: spec for spec in load_specs()}
    assert set(specs) == {"ingest-weekdays", "sync-daily", "discover-weekly", "backfill-on-demand"}
    assert specs["ingest-weekdays"].crons == (("30 10 * * 1-5", "UTC"),)
    assert specs["sync-daily"].crons == (("0 11 * * *", "UTC"),)
    assert specs["discover-weekly"].crons == (("0 12 * * 1", "UTC"),)
    assert specs["discover-weekly"].parameters == {"add": 0, "min_score": 3.0}
    assert specs["backfill-on-demand"].crons == ()
    for spec in specs.values():
        assert spec.concurrency == {"limit": 1, "collision_strategy": "ENQUEUE"}
        assert spec.env == {"CTGOV_RUN_LOCK_WAIT_S": "3600"}
        assert spec.description
    with pytest.raises(InputError, match="no deployment named nightly"):
        chosen(list(specs.values()), ["nightly"])


def test_every_deployment_names_a_flow_that_retries() -> None:
    for spec in load_specs():
        module, _, name = spec.entrypoint.partition(":")
        assert module == "flows/deployments.py"
        flow = getattr(deployments, name)
        assert flow.retries == deployments.RETRIES and flow.retry_delay_seconds == 600
        assert set(spec.parameters) <= set(flow.parameters.properties)


def _watchlist(tmp_path: Path) -> Path:
    path = tmp_path / "watchlist.toml"
    path.write_text(
        "".join(f'[[trials]]\nnct_id = "{nct}"\n\n' for nct in SEEDS)
        + '[[queries]]\nname = "aml"\ncondition = "Acute Myeloid Leukemia"\nsync = true\n',
        "utf-8",
    )
    return path


def _runs(db: Path) -> list[tuple[object, ...]]:
    with connect(db, read_only=True) as con:
        return con.execute("SELECT kind, status, source FROM runs ORDER BY started_at").fetchall()


def test_each_deployments_flow_runs_with_its_declared_parameters(
    prefect_harness: None, server: ImitationServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "w.duckdb"
    monkeypatch.setenv("CTGOV_EXPORT", "false")
    common = {"db": str(db), "registry_url": server.url}
    specs = {spec.name: spec for spec in load_specs()}
    watchlist = str(_watchlist(tmp_path))
    deployments.watchlist_ingest(
        **specs["ingest-weekdays"].parameters, **common, watchlist=watchlist
    )
    first = deployments.sync_saved_queries(
        **specs["sync-daily"].parameters, **common, watchlist=watchlist
    )
    again = deployments.sync_saved_queries(
        **specs["sync-daily"].parameters, **common, watchlist=watchlist
    )
    ranked = deployments.discover_related(
        **{**specs["discover-weekly"].parameters, "add": 1}, **common, watchlist=watchlist
    )
    deployments.history_backfill(**specs["backfill-on-demand"].parameters, **common)
    runs = _runs(db)
    assert [kind for kind, _, _ in runs] == ["ingest", "query", "sync", "backfill"]
    assert all(status in ("succeeded", "partial") for _, status, _ in runs)
    assert "query.cond=Acute+Myeloid+Leukemia" in str(runs[1][2])
    assert "LastUpdatePostDate" in str(runs[2][2]), "the second sync is incremental"
    assert first[0].trials and len(again) == 1
    with connect(db, read_only=True) as con:
        how = dict(con.execute("SELECT nct_id, how FROM tracked_studies").fetchall())
    assert {n for n, h in how.items() if h == "seed"} == set(SEEDS)
    assert "query" in how.values(), "studies the sync stored are tracked by its query"
    assert ranked and how[ranked[0]["nct_id"]] == "similarity", "add=1 tracked the best"


def test_a_run_waits_for_another_on_the_same_database(
    server: ImitationServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Scheduled runs queue (CTGOV_RUN_LOCK_WAIT_S); an ad-hoc one still fails at once."""
    db = tmp_path / "w.duckdb"
    held = threading.Event()

    def other_run() -> None:
        with run_lock(db):
            held.set()
            time.sleep(1.5)

    thread = threading.Thread(target=other_run)
    thread.start()
    held.wait()
    settings = killable.settings_for(db, server.url)
    with RegistryClient(killable.config_for(server.url)) as client:
        with pytest.raises(RunInProgressError):
            pipeline.run_source(settings, IdsSource(client, SEEDS), client=client, history="off")
        queued = settings.model_copy(update={"run_lock_wait_s": 30})
        with caplog.at_level(logging.WARNING, logger="warehouse"):
            report = pipeline.run_source(
                queued, IdsSource(client, SEEDS), client=client, history="off"
            )
    thread.join()
    assert report.status == "succeeded"
    assert any("waiting up to 30 s" in r.getMessage() for r in caplog.records)
