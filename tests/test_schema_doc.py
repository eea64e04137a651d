"""docs/schema.md is generated from the migrations' comments and kept current."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import typer
from typer.testing import CliRunner

from warehouse.database import connect
from warehouse.normalize import NORMALIZED_TABLES, current_view_name
from warehouse.schema_doc import fresh_schema_doc

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SCHEMA_DOC = PROJECT_ROOT / "docs" / "schema.md"
SQL_DIR = PROJECT_ROOT / "warehouse" / "sql" / "normalize"


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = connect(tmp_path_factory.mktemp("schema") / "w.duckdb")
    yield connection
    connection.close()


def _app() -> typer.Typer:
    from flows.cli import app

    return app


def test_committed_schema_doc_matches_a_fresh_generation() -> None:
    assert SCHEMA_DOC.read_text("utf-8") == fresh_schema_doc(), (
        "docs/schema.md is stale: run `ctgov schema-doc` (python -m flows.cli schema-doc)"
    )


def test_every_object_and_column_appears_in_the_doc(con: duckdb.DuckDBPyConnection) -> None:
    text = SCHEMA_DOC.read_text("utf-8")
    relations = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
        "UNION ALL SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal"
    ).fetchall()
    for (name,) in relations:
        assert f"`{name}`" in text, name
        columns = con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [name]
        ).fetchall()
        section = text.split(f"### table `{name}`")[-1].split(f"### view `{name}`")[-1]
        for (column,) in columns:
            assert f"| `{column}` |" in section, (name, column)


def test_every_normalized_table_view_and_column_has_a_comment(
    con: duckdb.DuckDBPyConnection,
) -> None:
    relations = list(NORMALIZED_TABLES) + [current_view_name(t) for t in NORMALIZED_TABLES]
    missing_relations = con.execute(
        "SELECT name FROM (SELECT table_name AS name, comment FROM duckdb_tables() "
        "UNION ALL SELECT view_name, comment FROM duckdb_views()) "
        "WHERE list_contains($names, name) AND (comment IS NULL OR comment = '')",
        {"names": relations},
    ).fetchall()
    missing_columns = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE list_contains($names, table_name) AND (comment IS NULL OR comment = '')",
        {"names": relations},
    ).fetchall()
    present = con.execute(
        "SELECT count(DISTINCT table_name) FROM duckdb_columns() "
        "WHERE list_contains($names, table_name)",
        {"names": relations},
    ).fetchone()
    assert present == (len(relations),)
    assert missing_relations == []
    assert missing_columns == []


def test_current_views_repeat_their_tables_columns_and_comments(
    con: duckdb.DuckDBPyConnection,
) -> None:
    query = (
        "SELECT column_name, data_type, comment FROM duckdb_columns() "
        "WHERE table_name = ? ORDER BY column_index"
    )
    for table in NORMALIZED_TABLES:
        assert (
            con.execute(query, [current_view_name(table)]).fetchall()
            == con.execute(query, [table]).fetchall()
        ), table


def test_each_normalized_table_has_its_sql_file() -> None:
    files = {p.stem for p in SQL_DIR.glob("*.sql")} - {"parse_batch"}
    assert files == set(NORMALIZED_TABLES)


def test_schema_doc_command_regenerates_and_checks(tmp_path: Path) -> None:
    target = tmp_path / "schema.md"
    target.write_text("# outdated\n")
    check = CliRunner().invoke(_app(), ["schema-doc", "--check", "--path", str(target)])
    assert check.exit_code == 1
    assert "out of date" in check.stderr and len(check.stderr.strip().splitlines()) == 1
    write = CliRunner().invoke(_app(), ["schema-doc", "--path", str(target)])
    assert write.exit_code == 0, write.output
    assert target.read_text("utf-8") == SCHEMA_DOC.read_text("utf-8")
    again = CliRunner().invoke(_app(), ["schema-doc", "--check", "--path", str(target)])
    assert again.exit_code == 0 and "up to date" in again.stdout


def test_schema_doc_documents_a_given_database(tmp_path: Path) -> None:
    """--db documents that file's schema; an up-to-date database reads like a fresh one."""
    db = tmp_path / "w.duckdb"
    connect(db).close()
    target = tmp_path / "schema.md"
    write = CliRunner().invoke(_app(), ["schema-doc", "--path", str(target), "--db", str(db)])
    assert write.exit_code == 0, write.output
    assert target.read_text("utf-8") == SCHEMA_DOC.read_text("utf-8")
    missing = CliRunner().invoke(
        _app(), ["schema-doc", "--path", str(target), "--db", str(tmp_path / "none.duckdb")]
    )
    assert missing.exit_code == 1 and "does not exist yet" in missing.stderr
