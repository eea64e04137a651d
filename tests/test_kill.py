"""SIGKILL at spread points of an ingest, a history backfill, a bulk load and an export (eight
each), each on a fresh copy of the state before it.

After every kill the file opens, each study holds either what it held before the run or
exactly what a complete run stores (a batch is one transaction, also in a bulk load that
holds the file for its whole run), the heads agree with the versions, and at most the killed
run is ``running``. The next run closes it as failed, resumes
and ends in the complete run's tables. A killed export leaves the previous export in place or
the new one, never a mix, and the next export removes its staging copy.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from imitation import ImitationServer
from tests import killable
from tests.conftest import ROOT
from warehouse.database import connect
from warehouse.errors import WarehouseError
from warehouse.export import MANIFEST_NAME
from warehouse.store import INTERRUPTED_RUN_ERROR

KILLS = 8
Rows = dict[str, set[tuple[object, ...]]]
PER_RUN = {"runs", "run_progress", "observations"}
"""Rows per run: a killed run's committed batches were observed, and are logged as such."""


@pytest.fixture(scope="module")
def server() -> Iterator[ImitationServer]:
    with ImitationServer(as_of=killable.DAY) as srv:
        yield srv


@pytest.fixture(scope="module")
def folder(server: ImitationServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return killable.bulk_folder(server.url, tmp_path_factory.mktemp("bulk") / "registry")


@pytest.fixture(scope="module")
def states(
    server: ImitationServer, folder: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """``ingested`` (after a complete ingest), ``backfilled`` (then a complete backfill) and
    ``bulked`` (a complete bulk load into a new file)."""
    root = tmp_path_factory.mktemp("states")
    ingested = root / "ingested" / "w.duckdb"
    ingested.parent.mkdir()
    killable.run("ingest", ingested, server.url)
    backfilled = root / "backfilled" / "w.duckdb"
    backfilled.parent.mkdir()
    shutil.copy(ingested, backfilled)
    killable.run("backfill", backfilled, server.url)
    bulked = root / "bulked" / "w.duckdb"
    bulked.parent.mkdir()
    killable.run("bulk", bulked, server.url, folder)
    return {"ingested": ingested, "backfilled": backfilled, "bulked": bulked}


def _copy(state: Path | None, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    db = dest / "w.duckdb"
    if state is not None:
        shutil.copy(state, db)
    return db


def _child(mode: str, db: Path, url: str, *extra: str) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.killable", mode, str(db), url, *extra],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "go"
    return child


def _duration(mode: str, base: Path | None, tmp: Path, url: str, *extra: str) -> float:
    """How long the run takes from ``go`` to its end, uninterrupted."""
    db = _copy(base, tmp / "timing")
    child = _child(mode, db, url, *extra)
    started = time.monotonic()
    assert child.wait(timeout=120) == 0
    return time.monotonic() - started


def _kill_at(mode: str, db: Path, url: str, delay: float, *extra: str) -> bool:
    """Run ``mode`` on ``db`` and SIGKILL it ``delay`` s after it began; True if it was
    killed (not finished first)."""
    child = _child(mode, db, url, *extra)
    time.sleep(delay)
    child.kill()
    return child.wait(timeout=60) == -9


def _by_study(db: Path) -> Rows:
    if not db.exists():
        return {}
    rows: Rows = {}
    with connect(db, read_only=True) as con:
        for nct_id, *rest in con.execute(
            "SELECT nct_id, version, content_hash, registry_date, valid_from, valid_to "
            "FROM study_versions"
        ).fetchall():
            rows.setdefault(nct_id, set()).add(tuple(rest))
    return rows


def _runs(db: Path) -> list[tuple[object, ...]]:
    with connect(db, read_only=True) as con:
        return con.execute("SELECT status, error FROM runs ORDER BY started_at").fetchall()


def _midway(db: Path, earlier_runs: int) -> bool:
    """Whether the kill came before the run finished (it left no run row, or ``running``)."""
    if not _schema_complete(db):
        return True
    runs = _runs(db)[earlier_runs:]
    return not runs or runs[-1][0] == "running"


def _schema_complete(db: Path) -> bool:
    try:
        connect(db, read_only=True).close()
    except WarehouseError as exc:
        assert "older schema" in str(exc) or "does not exist" in str(exc), exc
        return False
    return True


def _counts(db: Path) -> dict[str, int]:
    with connect(db, read_only=True) as con:
        tables = [t for (t,) in con.execute("SHOW TABLES").fetchall() if t not in PER_RUN]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # type: ignore[index]


def _assert_consistent(db: Path, before: Rows, complete: Rows) -> None:
    """What a killed run may leave: each study as before or as complete, heads in step. A
    new file killed while its schema was being made holds no study and is upgraded by the next
    run (each migration is one transaction)."""
    if not before and not _schema_complete(db):
        return
    for nct_id, rows in _by_study(db).items():
        assert rows in (before.get(nct_id), complete[nct_id]), nct_id
    with connect(db, read_only=True) as con:
        stray = con.execute(
            "SELECT count(*) FROM study_heads h FULL JOIN "
            "(SELECT * FROM study_versions WHERE valid_to IS NULL) v USING (nct_id) "
            "WHERE h.content_hash IS DISTINCT FROM v.content_hash "
            "OR h.version IS DISTINCT FROM v.version"
        ).fetchone()
        running = con.execute("SELECT count(*) FROM runs WHERE status = 'running'").fetchone()
    assert stray == (0,) and running is not None and running[0] <= 1


@pytest.mark.parametrize(
    ("mode", "start", "end"),
    [
        ("ingest", None, "ingested"),
        ("backfill", "ingested", "backfilled"),
        ("bulk", None, "bulked"),
    ],
)
def test_a_killed_run_leaves_a_consistent_file_and_the_next_run_completes_it(
    server: ImitationServer,
    folder: Path,
    states: dict[str, Path],
    tmp_path: Path,
    mode: str,
    start: str | None,
    end: str,
) -> None:
    base = states[start] if start else None
    before = _by_study(base) if base else {}
    complete = _by_study(states[end])
    expected = _counts(states[end])
    finished = _runs(states[end])[-1][0]
    earlier_runs = len(_runs(base)) if base else 0
    extra = (str(folder),) if mode == "bulk" else ()
    span = _duration(mode, base, tmp_path, server.url, *extra)
    midway = 0
    for i in range(KILLS):
        db = _copy(base, tmp_path / f"kill{i}")
        _kill_at(mode, db, server.url, span * (i + 0.5) / KILLS, *extra)
        _assert_consistent(db, before, complete)
        midway += _midway(db, earlier_runs)
        killable.run(mode, db, server.url, folder)
        assert _by_study(db) == complete
        assert _counts(db) == expected
        statuses = _runs(db)
        *killed_runs, (last, _) = statuses[earlier_runs:]
        assert last in (finished, "succeeded"), "partial only for what the resumed run covers"
        assert len(killed_runs) <= 1
        assert all(
            run == ("failed", INTERRUPTED_RUN_ERROR) or run[0] in (finished, "succeeded")
            for run in killed_runs
        ), "a killed run is closed as interrupted, or had finished before the kill"
    assert midway >= KILLS - 3, f"only {midway} of {KILLS} runs were killed mid-way"


def _export_rows(out: Path) -> dict[str, int] | None:
    """Rows per table as the manifest says, checked against the Parquet files themselves."""
    if not out.exists():
        return None
    manifest = json.loads((out / MANIFEST_NAME).read_text("utf-8"))
    rows = {name: table["rows"] for name, table in manifest["tables"].items()}
    files = str(out / "study_versions" / "**" / "*.parquet")
    ((found,),) = duckdb.sql(f"SELECT count(*) FROM read_parquet('{files}')").fetchall()
    assert found == rows["study_versions"]
    return rows


def test_a_killed_export_leaves_one_whole_export_and_the_next_cleans_up(
    server: ImitationServer, states: dict[str, Path], tmp_path: Path
) -> None:
    previous_db = _copy(states["ingested"], tmp_path / "previous")
    killable.run("export", previous_db, server.url)
    previous = previous_db.parent / "parquet"
    old_rows = _export_rows(previous)
    span = _duration("export", states["backfilled"], tmp_path, server.url)
    new_rows = _export_rows(tmp_path / "timing" / "parquet")
    assert new_rows is not None and new_rows != old_rows
    killed = 0
    for i in range(KILLS):
        db = _copy(states["backfilled"], tmp_path / f"kill{i}")
        shutil.copytree(previous, db.parent / "parquet")
        killed += _kill_at("export", db, server.url, span * (i + 0.5) / KILLS)
        assert _export_rows(db.parent / "parquet") in (old_rows, new_rows)
        killable.run("export", db, server.url)
        assert _export_rows(db.parent / "parquet") == new_rows
        assert sorted(p.name for p in db.parent.iterdir()) == ["parquet", "w.duckdb"]
    assert killed >= KILLS - 2, f"only {killed} of {KILLS} exports were killed mid-way"
