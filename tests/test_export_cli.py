"""``ctgov export`` through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from flows import cli_sql
from tests.test_normalize_fixtures import build_real_warehouse, real_records
from warehouse.export import MANIFEST_NAME


def _app() -> typer.Typer:
    application = typer.Typer()
    cli_sql.register(application)
    return application


def test_export_writes_the_parquet_tree_and_prints_counts(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    build_real_warehouse(db).close()
    out = tmp_path / "parquet"
    result = CliRunner().invoke(_app(), ["export", "--out", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / MANIFEST_NAME).read_text())
    assert manifest["tables"]["studies"] == {"rows": len(real_records()), "partitioned": True}
    assert manifest["tables"]["runs"] == {"rows": 0, "partitioned": False}
    studies_line = next(line for line in result.stdout.splitlines() if " studies " in line)
    assert str(len(real_records())) in studies_line and "nct_shard=NN/" in studies_line


def test_export_of_a_missing_database_fails_in_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        _app(), ["export", "--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "p")]
    )
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "does not exist yet" in result.stderr
    assert not (tmp_path / "p").exists()
