"""The export on object storage, against a real S3 API on loopback (moto's server mode), read
back by DuckDB through pyarrow's S3 filesystem."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow.fs as pafs
import pytest
from moto.server import ThreadedMotoServer
from typer.testing import CliRunner

from flows import pipeline
from flows.cli import app
from flows.settings import Settings
from tests.test_normalize_fixtures import build_real_warehouse
from warehouse.database import connect
from warehouse.errors import WarehouseError
from warehouse.export import MANIFEST_NAME
from warehouse.object_export import export_to_object_store, open_tables

BUCKET = "ctgov"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_env(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> pafs.S3FileSystem:
    monkeypatch.setenv("CTGOV_S3_ENDPOINT", s3_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    from warehouse.object_export import s3_filesystem

    fs = s3_filesystem()
    fs.create_dir(BUCKET)
    return fs


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    db = tmp_path / "w.duckdb"
    build_real_warehouse(db).close()
    return db


def _objects(fs: pafs.FileSystem, prefix: str) -> list[str]:
    infos = fs.get_file_info(pafs.FileSelector(prefix, recursive=True, allow_not_found=True))
    return sorted(i.path for i in infos if i.type == pafs.FileType.File)


def _manifest(fs: pafs.FileSystem, prefix: str) -> dict[str, object]:
    with fs.open_input_stream(f"{prefix}/{MANIFEST_NAME}") as stream:
        data: dict[str, object] = json.loads(stream.read())
    return data


def test_duckdb_reads_the_export_back_from_object_storage(
    s3_env: pafs.S3FileSystem, warehouse: Path, tmp_path: Path
) -> None:
    url = f"s3://{BUCKET}/first"
    with connect(warehouse, read_only=True) as con:
        summary = export_to_object_store(con, url, tmp_path / "parquet")
        expected = con.execute(
            "SELECT nct_id, version, brief_title, overall_status FROM studies ORDER BY ALL"
        ).fetchall()
        versions = con.execute("SELECT count(*) FROM study_versions").fetchone()
    assert set(summary.uploaded) == set(summary.rows) and summary.deleted == 0
    tables = open_tables(url)
    reader = duckdb.connect()
    reader.register("studies", tables["studies"])
    reader.register("study_versions", tables["study_versions"])
    got = reader.execute(
        "SELECT nct_id, version, brief_title, overall_status FROM studies ORDER BY ALL"
    ).fetchall()
    assert got == expected and len(got) > 10
    assert reader.execute("SELECT count(*) FROM study_versions").fetchone() == versions
    shards = reader.execute("SELECT count(DISTINCT nct_shard) FROM studies").fetchone()
    assert shards is not None and shards[0] > 1  # hive partitions read as a column


def test_only_changed_tables_are_uploaded_and_old_generations_go(
    s3_env: pafs.S3FileSystem, warehouse: Path, tmp_path: Path
) -> None:
    url, prefix = f"s3://{BUCKET}/incremental", f"{BUCKET}/incremental"
    local = tmp_path / "parquet"
    with connect(warehouse, read_only=True) as con:
        export_to_object_store(con, url, local)
    first = _manifest(s3_env, prefix)["tables"]
    with connect(warehouse, read_only=True) as con:
        again = export_to_object_store(con, url, local)
    assert again.uploaded == () and again.deleted == 0
    assert _manifest(s3_env, prefix)["tables"] == first
    before = _objects(s3_env, prefix)

    for change in ("'changed once'", "'changed twice'"):
        with connect(warehouse) as con:
            con.execute(f"UPDATE studies SET brief_title = {change} WHERE nct_id = 'NCT06690827'")
        with connect(warehouse, read_only=True) as con:
            summary = export_to_object_store(con, url, local)
        assert summary.uploaded == ("studies",)
    assert summary.deleted > 0  # the first generation of studies: no manifest names it
    tables = _manifest(s3_env, prefix)["tables"]
    assert isinstance(tables, dict) and isinstance(first, dict)
    assert {t: e["path"] for t, e in tables.items() if t != "studies"} == {
        t: e["path"] for t, e in first.items() if t != "studies"
    }
    after = _objects(s3_env, prefix)
    assert not any(f"/studies/{first['studies']['path'].split('/')[1]}/" in p for p in after)
    assert set(before) - set(after)
    reader = duckdb.connect()
    reader.register("studies", open_tables(url)["studies"])
    assert reader.execute(
        "SELECT brief_title FROM studies WHERE nct_id = 'NCT06690827'"
    ).fetchall() == [("changed twice",)]


def test_ctgov_export_to_s3_and_the_run_setting(s3_env: pafs.S3FileSystem, warehouse: Path) -> None:
    result = CliRunner().invoke(
        app, ["export", "--db", str(warehouse), "--out", f"s3://{BUCKET}/cli"]
    )
    assert result.exit_code == 0, result.output
    assert f"exported to s3://{BUCKET}/cli (" in result.stdout
    assert (warehouse.parent / "parquet" / MANIFEST_NAME).is_file()  # the staging copy
    settings = Settings(db=warehouse, export_url=f"s3://{BUCKET}/runs")
    rows = pipeline.export(settings)
    assert rows["studies"] > 0 and _objects(s3_env, f"{BUCKET}/runs")


def test_an_unreachable_object_store_is_one_line_and_keeps_the_local_export(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("CTGOV_S3_ENDPOINT", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    result = CliRunner().invoke(
        app, ["export", "--db", str(warehouse), "--out", f"s3://{BUCKET}/down"]
    )
    assert result.exit_code == 1
    assert result.output.startswith(f"error: export to s3://{BUCKET}/down failed:")
    assert len(result.output.strip().splitlines()) == 1
    assert (warehouse.parent / "parquet" / MANIFEST_NAME).is_file()


def test_a_url_that_is_not_s3_is_refused() -> None:
    from warehouse.object_export import split_url

    with pytest.raises(WarehouseError, match="not an s3://bucket/prefix URL"):
        split_url("s3:///nobucket")
