"""A re-load with few changes plans and writes its batches in groups (flows.pipeline._Group):
the warehouse is row for row what writing each batch gives, in fewer transactions, and a run
interrupted between two groups resumes after the last written one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench.generate import changed_dump, synthetic_studies, write
from flows import pipeline
from flows.settings import Settings
from registry.bulk import BulkSource
from tests.test_runners import contents
from warehouse import writer
from warehouse.database import connect
from warehouse.plan import Plan

STUDIES = 60
BATCH = 5


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A warehouse after a first load of STUDIES studies, and the dump after 5 % changed."""
    root = tmp_path_factory.mktemp("grouping")
    write(synthetic_studies(STUDIES), root / "first", as_dir=True)
    changed, names = changed_dump(STUDIES, 0.05)
    write(changed, root / "changed", as_dir=True)
    assert len(names) == 3
    db = root / "first.duckdb"
    assert _load(root / "first", db) == STUDIES // BATCH, "a first load writes every batch"
    return db, root / "changed"


def _load(
    folder: Path, db: Path, *, crash_after: int | None = None, seconds: float = 3600.0
) -> int:
    """Load ``folder`` into ``db`` (a group planned once ``seconds`` old); the number of
    transactions written (one per plan: the writer's own grouping is tests/test_writer.py's)."""
    written: list[Plan] = []
    real_apply = writer.apply_plan

    def counting(con, plan, progress=None):  # type: ignore[no-untyped-def]
        if crash_after is not None and len(written) == crash_after:
            raise KeyboardInterrupt("killed")
        real_apply(con, plan, progress)
        written.append(plan)

    settings = Settings(db=db, export=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(writer, "apply_plan", counting)
        patch.setattr(writer, "GROUP_COMMIT_PLANS", 1)
        patch.setattr(pipeline, "GROUP_SECONDS", seconds)
        pipeline.run_source(
            settings, BulkSource(folder, batch_size=BATCH), history="off", hold=True
        )
    return len(written)


def _copy(db: Path, name: str) -> Path:
    target = db.with_name(name)
    shutil.copy(db, target)
    return target


def test_a_reload_with_few_changes_is_written_in_groups_as_batch_by_batch(
    loaded: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, changed = loaded
    grouped = _copy(first, "grouped.duckdb")
    assert _load(changed, grouped) == 2, "12 batches, at most 10 in a group"
    by_batch = _copy(first, "by-batch.duckdb")
    monkeypatch.setattr(pipeline, "GROUP_BATCHES", 1)
    assert _load(changed, by_batch) == STUDIES // BATCH
    assert contents(grouped) == contents(by_batch)
    monkeypatch.undo()
    timed_out = _copy(first, "timed-out.duckdb")
    assert _load(changed, timed_out, seconds=0.0) == STUDIES // BATCH, "no group waits"
    assert contents(timed_out) == contents(by_batch)
    for db in (grouped, by_batch, timed_out):
        assert _last_run_outcomes(db) == {"changed": 3, "unchanged": STUDIES - 3}


def _last_run_outcomes(db: Path) -> dict[str, int]:
    """What the latest run observed, per outcome (each study once)."""
    with connect(db, read_only=True) as con:
        rows = con.execute(
            "SELECT outcome, count(*) FROM observations WHERE run_id = "
            "(SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1) GROUP BY ALL"
        ).fetchall()
    return dict(rows)


def test_a_reload_interrupted_between_groups_resumes_after_the_last_written(
    loaded: tuple[Path, Path],
) -> None:
    first, changed = loaded
    complete = _copy(first, "complete.duckdb")
    _load(changed, complete)
    resumed = _copy(first, "resumed.duckdb")
    with pytest.raises(KeyboardInterrupt):
        _load(changed, resumed, crash_after=1)
    assert _load(changed, resumed) == 1, "the two batches after the first group"
    assert contents(resumed) == contents(complete)
    assert sum(_last_run_outcomes(resumed).values()) == 2 * BATCH, "each study once"
