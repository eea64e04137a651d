"""warehouse.console: read-only queries and their table, CSV and JSON formatting."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from tests.test_normalize_fixtures import build_real_warehouse
from warehouse.console import OutputFormat, QueryResult, format_result, run_query
from warehouse.errors import QueryError, ReadOnlyViolationError, WarehouseError


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("console") / "w.duckdb"
    build_real_warehouse(path).close()
    return path


def test_select_returns_columns_types_and_rows(db: Path) -> None:
    result = run_query(
        db,
        "SELECT nct_id, enrollment, phases FROM current_study_details "
        "WHERE nct_id IN ('NCT00763412', 'NCT02513394') ORDER BY nct_id",
    )
    assert result.columns == ["nct_id", "enrollment", "phases"]
    assert result.types == ["VARCHAR", "BIGINT", "VARCHAR[]"]
    assert result.rows == [("NCT00763412", 31, ["NA"]), ("NCT02513394", 5796, ["PHASE3"])]


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ("INSERT INTO runs (run_id, started_at, status) VALUES ('x', now(), 'running')", "INSERT"),
        ("DELETE FROM studies", "DELETE"),
        ("UPDATE studies SET acronym = 'X'", "UPDATE"),
        ("CREATE TABLE t (a INTEGER)", "CREATE"),
        ("DROP TABLE studies", "DROP"),
        ("COPY studies TO '/tmp/ctgov-console-test.csv'", "COPY"),
        ("ATTACH 'other.duckdb'", "ATTACH"),
        ("INSTALL spatial", "LOAD"),
    ],
)
def test_write_statements_are_refused_before_running(db: Path, sql: str, kind: str) -> None:
    with pytest.raises(ReadOnlyViolationError, match=f"{kind} statements are not allowed") as info:
        run_query(db, sql)
    assert "\n" not in str(info.value)
    assert run_query(db, "SELECT count(*) FROM studies").rows[0][0] > 0


def test_a_write_hidden_in_an_allowed_statement_is_refused_by_the_connection(
    db: Path, tmp_path: Path
) -> None:
    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "schema.sql").write_text("CREATE TABLE sneaky (a INTEGER);\n")
    (dump / "load.sql").write_text("")
    with pytest.raises(ReadOnlyViolationError, match="read-only") as info:
        run_query(db, f"PRAGMA import_database('{dump}')")
    assert "\n" not in str(info.value)
    assert not any(row[0] == "sneaky" for row in run_query(db, "SHOW TABLES").rows)


def test_empty_query_is_refused(db: Path) -> None:
    with pytest.raises(QueryError, match="no statement"):
        run_query(db, "  -- nothing\n")


@pytest.mark.parametrize(
    "sql", ["SET threads = 1; SELECT 42 AS answer", "SELECT 1; DELETE FROM studies"]
)
def test_one_statement_at_a_time(db: Path, sql: str) -> None:
    with pytest.raises(QueryError, match="statements given; run one statement at a time"):
        run_query(db, sql)


def test_describe_and_show_are_allowed(db: Path) -> None:
    assert ("nct_id",) in [row[:1] for row in run_query(db, "DESCRIBE locations").rows]
    assert any(row[0] == "studies" for row in run_query(db, "SHOW TABLES").rows)


def test_missing_database_is_a_warehouse_error(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="does not exist"):
        run_query(tmp_path / "none.duckdb", "SELECT 1")


SAMPLE = QueryResult(
    columns=["nct_id", "count", "when", "phases", "record", "missing"],
    types=["VARCHAR", "BIGINT", "DATE", "VARCHAR[]", "JSON", "VARCHAR"],
    rows=[
        ('NCT0001, "a"', 3, date(2024, 5, 1), ["PHASE1", "PHASE2"], '{"a": [1, 2]}', None),
    ],
)


def test_csv_format_quotes_and_serialises_nested_values() -> None:
    text = format_result(SAMPLE, OutputFormat.CSV)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        ["nct_id", "count", "when", "phases", "record", "missing"],
        ['NCT0001, "a"', "3", "2024-05-01", '["PHASE1", "PHASE2"]', '{"a": [1, 2]}', ""],
    ]


def test_json_format_embeds_json_columns_and_iso_dates() -> None:
    assert json.loads(format_result(SAMPLE, OutputFormat.JSON)) == [
        {
            "nct_id": 'NCT0001, "a"',
            "count": 3,
            "when": "2024-05-01",
            "phases": ["PHASE1", "PHASE2"],
            "record": {"a": [1, 2]},
            "missing": None,
        }
    ]


def test_cells_show_values_nulls_and_the_row_count() -> None:
    assert SAMPLE.cells() == [
        ['NCT0001, "a"', "3", "2024-05-01", '["PHASE1", "PHASE2"]', '{"a": [1, 2]}', "NULL"]
    ]
    assert SAMPLE.caption() == "1 row"


def test_real_result_round_trips_through_json(db: Path) -> None:
    result = run_query(
        db,
        "SELECT nct_id, start_date, record -> '$.hasResults' AS has_results "
        "FROM current_study_details JOIN study_versions USING (nct_id, version) "
        "WHERE nct_id = 'NCT00763412'",
    )
    assert json.loads(format_result(result, OutputFormat.JSON)) == [
        {"nct_id": "NCT00763412", "start_date": "2006-11-01", "has_results": True}
    ]
