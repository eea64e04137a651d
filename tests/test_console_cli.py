"""``ctgov sql`` through typer's CliRunner, on a real database file."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tests.test_normalize_fixtures import build_real_warehouse

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    from flows.cli import app as ctgov

    return ctgov


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "w.duckdb"
    build_real_warehouse(path).close()
    return path


def test_sql_prints_csv(app: typer.Typer, db: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "sql",
            "SELECT nct_id, enrollment FROM current_study_details WHERE nct_id = 'NCT00763412'",
            "--format",
            "csv",
            "--db",
            str(db),
        ],
    )
    assert result.exit_code == 0, result.output
    assert list(csv.reader(io.StringIO(result.stdout))) == [
        ["nct_id", "enrollment"],
        ["NCT00763412", "31"],
    ]


def test_sql_prints_json_and_reads_the_db_from_the_environment(app: typer.Typer, db: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "sql",
            "SELECT nct_id, phases FROM current_study_details WHERE nct_id = 'NCT02513394'",
            "--format",
            "json",
        ],
        env={"CTGOV_DB": str(db)},
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"nct_id": "NCT02513394", "phases": ["PHASE3"]}]


def test_sql_prints_a_table(app: typer.Typer, db: Path) -> None:
    result = CliRunner().invoke(
        app, ["sql", "SELECT count(*) AS studies FROM current_study_details", "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    assert "studies" in result.stdout
    count = len(list((PROJECT_ROOT / "imitation" / "data" / "studies").glob("*.json")))
    assert str(count) in result.stdout


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("DELETE FROM studies", "DELETE statements are not allowed"),
        ("SELEC 1", "SQL error: Parser Error"),
        ("SELECT * FROM no_such_table", "SQL error: Catalog Error"),
    ],
)
def test_expected_failures_are_one_line_without_traceback(
    app: typer.Typer, db: Path, sql: str, message: str
) -> None:
    result = CliRunner().invoke(app, ["sql", sql, "--db", str(db)])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.output


def test_missing_database_is_one_line(app: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["sql", "SELECT 1", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "does not exist yet" in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["sql", "export", "schema-doc"])
def test_every_command_has_an_example_in_its_help(app: typer.Typer, command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout and f"ctgov {command}" in result.stdout


def test_the_module_does_not_import_prefect() -> None:
    code = "import sys, flows.cli_sql; print('prefect' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"
