"""The state reader gives the planner the current record of each study whose payload changed:
read one by one by row id for a few, in one join for many, the same either way."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from bench.generate import changed_dump, synthetic_studies, write
from flows import pipeline
from flows.runners import runner_for
from flows.settings import Settings
from registry.bulk import BulkSource
from tests.test_runners import contents
from warehouse import state
from warehouse.database import connect

STUDIES = 80


def load(dump: Path, db: Path, batch: int) -> None:
    settings = Settings(db=db, export=False, bulk_batch_size=batch)
    pipeline.run_source(
        settings,
        BulkSource(dump, batch_size=batch),
        history="off",
        hold=True,
        runner=runner_for("serial", workers=1),
    )


@pytest.fixture
def dumps(tmp_path: Path) -> tuple[Path, Path, set[str]]:
    first, second = tmp_path / "first", tmp_path / "second"
    write(synthetic_studies(STUDIES), first, as_dir=True)
    studies, changed = changed_dump(STUDIES, 0.5)
    write(studies, second, as_dir=True)
    return first, second, changed


def test_changed_studies_get_their_held_record_by_row_id_or_by_join_alike(
    dumps: tuple[Path, Path, set[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second, changed = dumps
    db = tmp_path / "w.duckdb"
    load(first, db, batch=STUDIES)
    (batch,) = BulkSource(second, batch_size=STUDIES).batches(None)
    assert len(changed) > state.POINT_LOOKUPS  # the join path
    read = {}
    with connect(db, read_only=True) as con:
        held = {
            nct_id: orjson.loads(text)
            for nct_id, text in con.execute(
                "SELECT nct_id, CAST(record AS VARCHAR) FROM study_versions"
            ).fetchall()
        }
        for name, points in (("join", 0), ("by row id", STUDIES)):
            monkeypatch.setattr(state, "POINT_LOOKUPS", points)
            states = state.read_states(con, batch)
            read[name] = {n: s.records for n, s in states.items() if s.records}
    assert read["join"] == read["by row id"]
    assert set(read["join"]) == changed
    for nct_id, records in read["join"].items():
        assert records == {1: (held[nct_id], "markdown")}


def test_a_changed_reload_in_big_or_small_batches_gives_the_same_warehouse(
    dumps: tuple[Path, Path, set[str]], tmp_path: Path
) -> None:
    first, second, changed = dumps
    dbs = []
    for batch in (STUDIES, 4):  # 40 changed in one batch (join); one or two a batch (row id)
        db = tmp_path / f"b{batch}" / "w.duckdb"
        load(first, db, batch=STUDIES)
        load(second, db, batch=batch)
        dbs.append(contents(db))
    big, small = dbs
    assert len(big["study_versions"]) == STUDIES + len(changed)
    assert len(big["study_changes"]) >= len(changed)
    assert big == small
