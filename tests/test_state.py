"""The state reader gives the planner the current record of each study whose payload changed,
read by row id, and only those; a reload in big or small batches gives the same warehouse."""

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


def test_changed_studies_and_only_those_get_their_held_record(
    dumps: tuple[Path, Path, set[str]], tmp_path: Path
) -> None:
    first, second, changed = dumps
    db = tmp_path / "w.duckdb"
    load(first, db, batch=STUDIES)
    (whole,) = BulkSource(second, batch_size=STUDIES).batches(None)
    small = list(BulkSource(second, batch_size=3).batches(None))
    with connect(db, read_only=True) as con:
        held = {
            nct_id: orjson.loads(text)
            for nct_id, text in con.execute(
                "SELECT nct_id, CAST(record AS VARCHAR) FROM study_versions"
            ).fetchall()
        }
        read = {n: s.records for n, s in state.read_states(con, whole).items() if s.records}
        in_threes = {
            n: s.records
            for batch in small
            for n, s in state.read_states(con, batch).items()
            if s.records
        }
    assert set(read) == changed
    assert in_threes == read
    for nct_id, records in read.items():
        assert records == {1: (held[nct_id], "markdown")}


def test_a_changed_reload_in_big_or_small_batches_gives_the_same_warehouse(
    dumps: tuple[Path, Path, set[str]], tmp_path: Path
) -> None:
    first, second, changed = dumps
    dbs = []
    for batch in (STUDIES, 4):  # 40 changed in one batch; one or two a batch
        db = tmp_path / f"b{batch}" / "w.duckdb"
        load(first, db, batch=STUDIES)
        load(second, db, batch=batch)
        dbs.append(contents(db))
    big, small = dbs
    assert len(big["study_versions"]) == STUDIES + len(changed)
    assert len(big["study_changes"]) >= len(changed)
    assert big == small
