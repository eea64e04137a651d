"""``ctgov export`` through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tests.test_normalize_fixtures import build_real_warehouse, real_records
from warehouse.export import MANIFEST_NAME


def _app() -> typer.Typer:
    from flows.cli import app

    return app


def test_export_writes_the_parquet_tree_and_prints_counts(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    build_real_warehouse(db).close()
    out = tmp_path / "parquet"
    result = CliRunner().invoke(_app(), ["export", "--out", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / MANIFEST_NAME).read_text())
    studies, runs = manifest["tables"]["studies"], manifest["tables"]["runs"]
    assert (studies["rows"], studies["partitioned"]) == (len(real_records()), True)
    assert (runs["rows"], runs["partitioned"]) == (0, False)
    studies_line = next(line for line in result.stdout.splitlines() if line.startswith("studies "))
    assert studies_line.split() == ["studies", str(len(real_records())), "nct_shard=NN/"]


def test_export_of_another_database_lands_beside_it_not_in_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CTGOV_PARQUET_DIR", raising=False)
    db = tmp_path / "elsewhere" / "w.duckdb"
    build_real_warehouse(db).close()
    result = CliRunner().invoke(_app(), ["export", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert (db.parent / "parquet" / MANIFEST_NAME).exists()
    assert not (tmp_path / "data").exists()


def test_export_honours_the_parquet_dir_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "w.duckdb"
    build_real_warehouse(db).close()
    target = tmp_path / "shared" / "export"
    monkeypatch.setenv("CTGOV_PARQUET_DIR", str(target))
    result = CliRunner().invoke(_app(), ["export", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert (target / MANIFEST_NAME).exists()
    assert not (tmp_path / "parquet").exists()


def test_export_of_a_missing_database_fails_in_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        _app(), ["export", "--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "p")]
    )
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "does not exist yet" in result.stderr
    assert not (tmp_path / "p").exists()
