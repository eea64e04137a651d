"""Every source gives the same versions for the same records; bulk loads resume; memory stays
flat whatever the run's size.

Sources: IDs (``filter.ids``), a query (the whole registry), an incremental sync, and the bulk
download format (a folder of ``NN/NCTxxxxxxxx.json`` built from what the imitation serves, and
the same as a zip).
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest

from flows import pipeline, sources
from flows.settings import Settings
from imitation import Catalog, ImitationServer
from registry import RegistryClient
from registry.bulk import BulkSource
from registry.sources import IdsSource, QuerySource
from tests import killable
from tests.conftest import ROOT
from warehouse import writer
from warehouse.database import connect

DAY = date(2025, 2, 18)
"""A day on which ten of the imitation's eleven studies are served."""
EARLIER = date(2024, 12, 10)


@pytest.fixture
def server() -> Iterator[ImitationServer]:
    with ImitationServer(as_of=DAY) as srv:
        yield srv


def settings_for(server: ImitationServer | None, db: Path) -> Settings:
    return Settings(
        db=db,
        registry_url=server.url if server else "http://127.0.0.1:9",
        requests_per_minute=60_000,
        backoff_initial_s=0.01,
        export=False,
        batch_size=4,
        bulk_batch_size=3,
    )


def run(settings: Settings, make: object) -> pipeline.RunReport:
    with RegistryClient(pipeline.registry_config(settings)) as client:
        source = make(client)  # type: ignore[operator]
        return pipeline.run_source(settings, source, client=client, history="off")


def versions(db: Path) -> list[tuple[object, ...]]:
    with connect(db, read_only=True) as con:
        return con.execute(
            "SELECT nct_id, version, content_hash, registry_date, valid_to FROM study_versions "
            "ORDER BY nct_id, version"
        ).fetchall()


def normalized_counts(db: Path) -> list[tuple[object, ...]]:
    with connect(db, read_only=True) as con:
        return con.execute(
            "SELECT (SELECT count(*) FROM studies), (SELECT count(*) FROM locations), "
            "(SELECT count(*) FROM outcomes), (SELECT count(*) FROM study_events)"
        ).fetchall()


def served_ids(day: date) -> list[str]:
    return [v.nct_id for v in Catalog.load_default().served_as_of(day)]


def test_ids_query_and_bulk_give_the_same_versions(server: ImitationServer, tmp_path: Path) -> None:
    by_ids = tmp_path / "ids.duckdb"
    by_query = tmp_path / "query.duckdb"
    by_bulk = tmp_path / "bulk.duckdb"
    by_zip = tmp_path / "zip.duckdb"
    ids = served_ids(DAY)
    run(settings_for(server, by_ids), lambda c: IdsSource(c, ids))
    run(settings_for(server, by_query), lambda c: QuerySource(c, {}))
    folder = killable.bulk_folder(server.url, tmp_path / "bulk", server.as_of)
    run(settings_for(server, by_bulk), lambda c: BulkSource(folder, batch_size=3))
    archive = tmp_path / "ctg-studies.json.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted(folder.rglob("*.json")):
            out.write(path, path.relative_to(folder).as_posix())
    run(settings_for(server, by_zip), lambda c: BulkSource(archive, batch_size=3))

    expected = versions(by_ids)
    assert len(expected) == len(ids) >= 9
    assert versions(by_query) == versions(by_bulk) == versions(by_zip) == expected
    assert (
        normalized_counts(by_query)
        == normalized_counts(by_bulk)
        == normalized_counts(by_zip)
        == normalized_counts(by_ids)
    )


def test_an_incremental_sync_fetches_pages_of_changed_studies_only(tmp_path: Path) -> None:
    synced = tmp_path / "synced.duckdb"
    full = tmp_path / "full.duckdb"
    with ImitationServer(as_of=EARLIER) as srv:
        run(settings_for(srv, synced), lambda c: QuerySource(c, {}))
        run(settings_for(srv, full), lambda c: QuerySource(c, {}))
        srv.set_date(DAY)
        run(settings_for(srv, full), lambda c: QuerySource(c, {}))
        srv.clear_request_log()
        settings = settings_for(srv, synced)
        report = run(settings, lambda c: sources.query_source(settings, c, {}, since_last_run=True))
        requests = [r for r in srv.request_log if r.path.startswith("/api/v2/studies")]
    assert versions(synced) == versions(full)
    assert {r.path for r in requests} == {"/api/v2/studies"}
    catalog = Catalog.load_default()
    window = EARLIER - timedelta(days=1)
    updated = {
        v.nct_id
        for v in catalog.served_as_of(DAY)
        if date.fromisoformat(
            v.record["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"]
        )
        >= window
    }
    assert report.studies == len(updated) < len(served_ids(DAY))
    assert "AREA[LastUpdatePostDate]RANGE[" in unquote(requests[0].query)


def test_since_last_run_needs_a_successful_run_first(
    tmp_path: Path, server: ImitationServer
) -> None:
    settings = settings_for(server, tmp_path / "w.duckdb")
    with (
        RegistryClient(pipeline.registry_config(settings)) as client,
        pytest.raises(sources.NothingToSyncError, match="run it once without"),
    ):
        sources.query_source(settings, client, {"query.cond": "AML"}, since_last_run=True)


@pytest.mark.parametrize("hold", [False, True], ids=["per-batch", "held"])
def test_an_interrupted_bulk_load_resumes_after_its_last_written_batch(
    server: ImitationServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hold: bool
) -> None:
    """Held for the whole run (as ``ctgov load-bulk`` holds it, plans committed two at a time
    here) or opened per batch, what the failed run committed stays and the next run resumes
    after it."""
    folder = killable.bulk_folder(server.url, tmp_path / "bulk", server.as_of)
    clean = tmp_path / "clean.duckdb"
    run(settings_for(server, clean), lambda c: BulkSource(folder, batch_size=3))

    resumed = tmp_path / "resumed.duckdb"
    real_apply = writer.apply_plan
    written: list[int] = []
    monkeypatch.setattr(writer, "GROUP_COMMIT_PLANS", 2)

    def crash_on_third(con, plan, progress=None):  # type: ignore[no-untyped-def]
        if len(written) == 2:
            raise KeyboardInterrupt("killed")
        real_apply(con, plan, progress)
        written.append(len(plan.results))

    monkeypatch.setattr(writer, "apply_plan", crash_on_third)
    with pytest.raises(KeyboardInterrupt):
        pipeline.run_source(
            settings_for(server, resumed), BulkSource(folder, batch_size=3), hold=hold
        )
    monkeypatch.setattr(writer, "apply_plan", real_apply)
    report = run(settings_for(server, resumed), lambda c: BulkSource(folder, batch_size=3))

    assert report.resumed_from is not None
    assert report.studies == len(served_ids(DAY)) - sum(written)
    assert versions(resumed) == versions(clean)
    with connect(resumed, read_only=True) as con:
        observed_twice = con.execute(
            "SELECT nct_id FROM observations GROUP BY nct_id HAVING count(*) > 1"
        ).fetchall()
        statuses = con.execute("SELECT status FROM runs ORDER BY started_at").fetchall()
    assert observed_twice == []
    assert statuses == [("failed",), ("succeeded",)]


def test_bad_files_in_a_bulk_folder_are_rejections_not_a_stop(tmp_path: Path) -> None:
    folder = tmp_path / "bulk"
    (folder / "77").mkdir(parents=True)
    good = ROOT / "imitation" / "data" / "studies" / "NCT06690827.json"
    (folder / "27").mkdir()
    (folder / "27" / "NCT06690827.json").write_bytes(good.read_bytes())
    (folder / "77" / "NCT00000077.json").write_text('{"protocolSection": ')
    (folder / "77" / "NCT00000177.json").write_text(json.dumps({"hasResults": False}))
    (folder / "77" / "notes.json").write_text("{}")
    settings = settings_for(None, tmp_path / "w.duckdb")
    report = pipeline.run_source(settings, BulkSource(folder), history="off")
    assert report.counts.new == 1 and report.status == "partial"
    with connect(settings.db, read_only=True) as con:
        rejected = con.execute(
            "SELECT nct_id, stage, error FROM rejected_records ORDER BY error"
        ).fetchall()
    assert [(n, s) for n, s, _ in rejected] == [
        ("NCT00000077", "parse"),
        ("NCT00000177", "parse"),
        (None, "parse"),
    ]
    assert "not a study file" in rejected[2][2]


MEMORY_PROBE = """
import resource, sys
from pathlib import Path
from bench.generate import synthetic_studies, write
from flows import pipeline
from flows.settings import Settings
from registry.bulk import BulkSource
count, root = int(sys.argv[1]), Path(sys.argv[2])
write(synthetic_studies(count), root / "bulk", as_dir=True)
settings = Settings(db=root / "w.duckdb", export=False)
pipeline.run_source(settings, BulkSource(root / "bulk", batch_size=50), history="off", hold=True)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def test_memory_does_not_grow_with_the_number_of_studies(tmp_path: Path) -> None:
    """Peak RSS of a bulk load of 2N studies stays within a small margin of N's."""
    peaks = {}
    for count in (300, 600):
        root = tmp_path / str(count)
        root.mkdir()
        probe = subprocess.run(
            [sys.executable, "-c", MEMORY_PROBE, str(count), str(root)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        peaks[count] = int(probe.stdout.strip().splitlines()[-1]) / 1024
    assert peaks[600] <= peaks[300] * 1.15 + 16, peaks
