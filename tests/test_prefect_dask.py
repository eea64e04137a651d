"""The flows' dask runner is prefect-dask's DaskTaskRunner: each batch a `plan-batch` task run
on a local cluster of two worker processes, the warehouse the same row for row as a serial
load's, and task runs counted by batches, never by studies."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.generate import synthetic_studies, write
from flows.runners import runner_for
from tests.test_runners import bulk_load, contents

STUDIES = 240
BATCH = 40


@pytest.fixture
def dump(tmp_path: Path) -> Path:
    folder = tmp_path / "bulk"
    write(synthetic_studies(STUDIES), folder, as_dir=True)
    return folder


def test_the_bulk_flow_on_prefect_dask_plans_each_batch_as_a_task_run_and_equals_serial(
    prefect_harness: None, dump: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    from flows.ingest import load_bulk

    serial = tmp_path / "serial" / "w.duckdb"
    bulk_load(dump, serial, runner_for("serial", workers=1))
    monkeypatch.setenv("CTGOV_TASK_RUNNER", "dask")
    monkeypatch.setenv("CTGOV_WORKERS", "2")
    monkeypatch.setenv("CTGOV_BULK_BATCH_SIZE", str(BATCH))
    db = tmp_path / "dask" / "w.duckdb"

    state = load_bulk(path=str(dump), db=str(db), export_parquet=False, return_state=True)

    assert state.is_completed(), state.message
    assert contents(db) == contents(serial)
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(
                id=FlowRunFilterId(any_=[state.state_details.flow_run_id])
            )
        )
    planned = [run for run in runs if run.name.startswith("plan-batch")]
    assert len(planned) == STUDIES // BATCH
    assert all(run.state is not None and run.state.is_completed() for run in planned)
    assert len(runs) < len(planned) + 5  # a few more tasks (summary, ...), none per study
