"""export_parquet: every table to real Parquet, partitioned by nct_shard, swapped atomically."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.test_normalize_fixtures import build_real_warehouse
from warehouse import export as export_module
from warehouse.database import connect
from warehouse.errors import WarehouseError
from warehouse.export import MANIFEST_NAME, SHARD_COLUMN, export_parquet
from warehouse.normalize import NORMALIZED_TABLES


@pytest.fixture(scope="module")
def warehouse_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "w.duckdb"
    build_real_warehouse(path).close()
    return path


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        row[0]
        for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary"
        ).fetchall()
    }


def _read(out: Path, table: str) -> str:
    return f"read_parquet('{out / table}/**/*.parquet', hive_partitioning = true)"


def test_every_table_is_exported_with_its_row_count(warehouse_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "parquet"
    con = connect(warehouse_path, read_only=True)
    summary = export_parquet(con, out)
    tables = _tables(con)
    assert set(summary.rows) == tables
    assert set(NORMALIZED_TABLES) <= tables
    reader = duckdb.connect()
    for table in tables:
        expected = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()
        assert expected == (summary.rows[table],), table
        assert reader.execute(f"SELECT count(*) FROM {_read(out, table)}").fetchone() == expected
    manifest = json.loads((out / MANIFEST_NAME).read_text())
    entry = manifest["tables"]["studies"]
    assert (entry["rows"], entry["partitioned"]) == (summary.rows["studies"], True)
    assert set(entry["fingerprint"]["parts"]) == {
        row[0] for row in con.execute("SELECT DISTINCT right(nct_id, 2) FROM studies").fetchall()
    }
    assert summary.total_rows == sum(summary.rows.values())
    con.close()


def test_study_tables_are_partitioned_by_the_last_two_digits(
    warehouse_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "parquet"
    con = connect(warehouse_path, read_only=True)
    summary = export_parquet(con, out)
    con.close()
    assert {"study_versions", "studies", "locations", "adverse_events"} <= summary.partitioned
    assert "runs" not in summary.partitioned and "schema_migrations" not in summary.partitioned
    assert (out / "studies" / f"{SHARD_COLUMN}=94" / "data_0.parquet").exists()
    assert (out / "runs" / "data_0.parquet").exists()
    reader = duckdb.connect()
    mismatched = reader.execute(
        f"SELECT count(*) FROM {_read(out, 'locations')} WHERE {SHARD_COLUMN} <> right(nct_id, 2)"
    ).fetchone()
    assert mismatched == (0,)


def test_exported_rows_equal_the_tables(warehouse_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "parquet"
    con = connect(warehouse_path, read_only=True)
    export_parquet(con, out)
    for table in ("studies", "outcome_measurements", "study_versions"):
        columns = [
            row[0]
            for row in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ? "
                "ORDER BY column_index",
                [table],
            ).fetchall()
        ]
        selected = ", ".join(f'"{c}"' for c in columns)
        original = con.execute(f"SELECT {selected} FROM {table} ORDER BY ALL").fetchall()
        exported = con.execute(
            f"SELECT {selected} FROM {_read(out, table)} ORDER BY ALL"
        ).fetchall()
        assert exported == original, table
    con.close()


def test_a_new_export_replaces_the_old_one_completely(warehouse_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "parquet"
    out.mkdir()
    (out / "stale_table").mkdir()
    (out / "stale_table" / "data_0.parquet").write_text("old")
    con = connect(warehouse_path, read_only=True)
    export_parquet(con, out)
    export_parquet(con, out)
    con.close()
    assert not (out / "stale_table").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parquet"]


def test_a_failed_export_leaves_the_previous_one_untouched(
    warehouse_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "parquet"
    con = connect(warehouse_path, read_only=True)
    export_parquet(con, out)
    before = sorted(str(p.relative_to(out)) for p in out.rglob("*"))
    real_export_table = export_module._export_table
    calls = {"n": 0}

    def failing_after_three(*args: object, **kwargs: object) -> tuple[int, bool]:
        calls["n"] += 1
        if calls["n"] > 3:
            con.execute("SELECT * FROM no_such_table")
        return real_export_table(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(export_module, "_export_table", failing_after_three)
    with pytest.raises(WarehouseError, match="previous export is untouched"):
        export_parquet(con, out)
    con.close()
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parquet"]


def test_empty_tables_export_a_readable_file_with_the_shard_column(tmp_path: Path) -> None:
    con = connect(tmp_path / "empty.duckdb")
    summary = export_parquet(con, tmp_path / "parquet")
    con.close()
    assert summary.rows["locations"] == 0
    assert "locations" not in summary.partitioned
    reader = duckdb.connect()
    columns = [
        row[0]
        for row in reader.execute(
            f"DESCRIBE SELECT * FROM {_read(tmp_path / 'parquet', 'locations')}"
        ).fetchall()
    ]
    assert columns[:3] == ["nct_id", "version", "ordinal"]
    assert columns[-1] == SHARD_COLUMN


def test_a_file_in_the_way_is_a_clear_error(warehouse_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "parquet"
    target.write_text("not a directory")
    con = connect(warehouse_path, read_only=True)
    with pytest.raises(WarehouseError, match="not a directory"):
        export_parquet(con, target)
    con.close()


def _files(out: Path) -> dict[str, int]:
    """Every Parquet file of an export, by path, with its inode."""
    return {str(p.relative_to(out)): p.stat().st_ino for p in out.rglob("*.parquet")}


def _contents(con: duckdb.DuckDBPyConnection, out: Path) -> dict[str, list[tuple[object, ...]]]:
    contents = {}
    for table in sorted(_tables(con)):
        columns = con.execute(
            "SELECT string_agg('\"' || column_name || '\"', ', ' ORDER BY column_index) "
            "FROM duckdb_columns() WHERE table_name = ?",
            [table],
        ).fetchall()[0][0]
        query = f"SELECT {columns} FROM {_read(out, table)} ORDER BY ALL"
        contents[table] = con.execute(query).fetchall()
    return contents


def test_an_unchanged_warehouse_rewrites_nothing(tmp_path: Path) -> None:
    con = build_real_warehouse(tmp_path / "w.duckdb")
    out = tmp_path / "parquet"
    first = export_parquet(con, out)
    files = _files(out)
    again = export_parquet(con, out)
    assert first.reused == 0 and first.written == len(files)
    assert (again.written, again.reused) == (0, len(files))
    assert _files(out) == files, "every file is the previous export's, hard-linked"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no staging left"
    con.close()


def test_a_changed_study_rewrites_only_its_shard_of_the_changed_table(tmp_path: Path) -> None:
    con = build_real_warehouse(tmp_path / "w.duckdb")
    out = tmp_path / "parquet"
    export_parquet(con, out)
    before = _files(out)
    con.execute(
        "UPDATE studies SET brief_title = brief_title || ' (amended)' WHERE nct_id = 'NCT06690827'"
    )
    summary = export_parquet(con, out)
    after = _files(out)
    changed = {path for path in after if before.get(path) != after[path]}
    assert changed == {f"studies/{SHARD_COLUMN}=27/data_0.parquet"}
    assert (summary.written, summary.reused) == (1, len(after) - 1)
    fresh = tmp_path / "fresh"
    export_parquet(con, fresh)
    assert _contents(con, out) == _contents(con, fresh)
    con.close()


def test_a_damaged_previous_export_is_rewritten_whole(tmp_path: Path) -> None:
    con = build_real_warehouse(tmp_path / "w.duckdb")
    out = tmp_path / "parquet"
    export_parquet(con, out)
    (out / MANIFEST_NAME).write_text("{not json")
    shutil.rmtree(out / "studies" / f"{SHARD_COLUMN}=27")
    summary = export_parquet(con, out)
    assert summary.reused == 0
    fresh = tmp_path / "fresh"
    export_parquet(con, fresh)
    assert _contents(con, out) == _contents(con, fresh)
    con.close()
