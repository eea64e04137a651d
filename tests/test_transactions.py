"""Units of work compose: a ``transaction`` inside another joins it, on a real DuckDB file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from warehouse.transactions import transaction


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(tmp_path / "t.duckdb"))
    con.execute("CREATE TABLE t (a INTEGER)")
    return con


def _rows(con: duckdb.DuckDBPyConnection) -> list[int]:
    return [a for (a,) in con.execute("SELECT a FROM t ORDER BY a").fetchall()]


def test_an_inner_unit_joins_the_outer_and_commits_with_it(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    with transaction(con):
        with transaction(con):
            con.execute("INSERT INTO t VALUES (1)")
        with transaction(con):
            con.execute("INSERT INTO t VALUES (2)")
        other = duckdb.connect(str(tmp_path / "t.duckdb"), read_only=False)
        assert other.execute("SELECT count(*) FROM t").fetchone() == (0,), "not yet committed"
        other.close()
    assert _rows(con) == [1, 2]


def test_the_outer_failing_rolls_back_what_inner_units_did(
    con: duckdb.DuckDBPyConnection,
) -> None:
    with pytest.raises(RuntimeError, match="later"), transaction(con):
        with transaction(con):
            con.execute("INSERT INTO t VALUES (1)")
        raise RuntimeError("later")
    assert _rows(con) == []
    with transaction(con):
        con.execute("INSERT INTO t VALUES (3)")
    assert _rows(con) == [3], "the connection is usable after the rollback"


def test_an_inner_failure_rolls_back_the_whole_unit(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ValueError, match="inner"), transaction(con):
        con.execute("INSERT INTO t VALUES (1)")
        with transaction(con):
            con.execute("INSERT INTO t VALUES (2)")
            raise ValueError("inner")
    assert _rows(con) == []
