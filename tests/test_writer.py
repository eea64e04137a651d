"""The writer of a held session (a bulk load) commits plans in groups: what a failure leaves is
the warehouse after some whole batch, and the next run resumes from there."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.generate import synthetic_studies, write
from flows import pipeline
from flows.settings import Settings
from registry.bulk import BulkSource
from tests.test_runners import contents
from warehouse import writer
from warehouse.database import connect
from warehouse.transactions import transaction

STUDIES = 20
BATCH = 2
GROUP = 3


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("writer") / "bulk"
    write(synthetic_studies(STUDIES), root, as_dir=True)
    return root


@pytest.fixture(scope="module")
def clean(folder: Path) -> Path:
    """A warehouse loaded in one go, batch by batch."""
    db = folder.with_name("clean.duckdb")
    pipeline.run_source(
        Settings(db=db, export=False), BulkSource(folder, batch_size=BATCH), history="off"
    )
    return db


def _load(folder: Path, db: Path, *, hold: bool = True) -> pipeline.RunReport:
    return pipeline.run_source(
        Settings(db=db, export=False),
        BulkSource(folder, batch_size=BATCH),
        history="off",
        hold=hold,
    )


def _studies(db: Path) -> int:
    with connect(db, read_only=True) as con:
        row = con.execute("SELECT count(*) FROM study_heads").fetchone()
    assert row is not None
    return int(row[0])


def _fail_in_plan(monkeypatch: pytest.MonkeyPatch, number: int) -> None:
    """The ``number``-th plan fails after its rows were written, inside its transaction."""
    real = writer.apply_plan
    applied: list[int] = []

    def failing(con, plan, progress=None):  # type: ignore[no-untyped-def]
        with transaction(con):
            real(con, plan, progress)
            applied.append(1)
            if len(applied) == number:
                raise RuntimeError("disk full")

    monkeypatch.setattr(writer, "apply_plan", failing)


@pytest.mark.parametrize(("hold", "kept"), [(True, GROUP), (False, 4)], ids=["held", "per-batch"])
def test_a_failure_mid_plan_loses_its_group_and_the_run_resumes_before_it(
    folder: Path,
    clean: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    hold: bool,
    kept: int,
) -> None:
    """Held: plans 1-3 are a committed group; plan 5 fails with plan 4 in its group, so both
    roll back. Opened per batch, each plan commits alone and only plan 5 is lost."""
    monkeypatch.setattr(writer, "GROUP_COMMIT_PLANS", GROUP)
    db = tmp_path / "w.duckdb"
    with monkeypatch.context() as failing:
        _fail_in_plan(failing, 5)
        with pytest.raises(RuntimeError, match="disk full"):
            _load(folder, db, hold=hold)
    assert _studies(db) == kept * BATCH
    report = _load(folder, db, hold=hold)
    assert report.resumed_from is not None
    assert report.studies == STUDIES - kept * BATCH
    assert contents(db) == contents(clean)


def test_a_stop_between_plans_commits_the_open_group(
    folder: Path, clean: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C is taken between batches: the plans applied whole before it stay."""
    monkeypatch.setattr(writer, "GROUP_COMMIT_PLANS", GROUP)
    db = tmp_path / "w.duckdb"

    def stop_after_five(phase: str, done: int, total: int | None) -> None:
        if done == 5 * BATCH:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        pipeline.run_source(
            Settings(db=db, export=False),
            BulkSource(folder, batch_size=BATCH),
            history="off",
            hold=True,
            progress=stop_after_five,
        )
    assert _studies(db) == 5 * BATCH
    report = _load(folder, db)
    assert report.studies == STUDIES - 5 * BATCH
    assert contents(db) == contents(clean)


def test_a_first_loads_group_is_committed_once_it_fills_a_row_group(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Groups end at ROW_GROUP_SIZE new versions, before GROUP_COMMIT_PLANS plans."""
    monkeypatch.setattr(writer, "ROW_GROUP_SIZE", 2 * BATCH)
    commits: list[int] = []
    real = writer.Writer.commit

    def counting(self: writer.Writer) -> None:
        if self._open is not None:
            commits.append(self._plans)
        real(self)

    monkeypatch.setattr(writer.Writer, "commit", counting)
    _load(folder, tmp_path / "w.duckdb")
    assert commits == [2] * (STUDIES // BATCH // 2)


@pytest.mark.parametrize(("hold", "reopened"), [(True, 3), (False, 0)], ids=["held", "per-batch"])
def test_a_held_session_is_reopened_between_groups_once_they_add_enough_versions(
    folder: Path,
    clean: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    hold: bool,
    reopened: int,
) -> None:
    """Groups of 3 plans of 2 versions: each full group reaches REOPEN_VERSIONS (6) and the
    held connection is closed after it, the last group (1 plan) does not. The warehouse
    ends as a clean load's, each group written through the connection opened after the
    previous reopen."""
    monkeypatch.setattr(writer, "GROUP_COMMIT_PLANS", GROUP)
    monkeypatch.setattr(writer, "REOPEN_VERSIONS", GROUP * BATCH)
    reopens: list[int] = []
    connections: list[object] = []
    real_reopen = writer.WarehouseSession.reopen
    real_apply = writer.apply_plan

    def counting(self: writer.WarehouseSession) -> None:
        reopens.append(1)
        real_reopen(self)

    def noting(con, plan, progress=None):  # type: ignore[no-untyped-def]
        if not any(con is seen for seen in connections):
            connections.append(con)
        real_apply(con, plan, progress)

    monkeypatch.setattr(writer.WarehouseSession, "reopen", counting)
    monkeypatch.setattr(writer, "apply_plan", noting)
    db = tmp_path / "w.duckdb"
    _load(folder, db, hold=hold)
    assert len(reopens) == reopened
    if hold:
        assert len(connections) == reopened + 1
    assert contents(db) == contents(clean)
