"""``ctgov sql`` is a sandbox by construction: no file read or written but the warehouse, no
setting changed, one query at a time.

Each vector a tester found is tried as given, through the command; then Hypothesis builds
statements from prefixes (comments, case, whitespace, EXPLAIN, WITH), payloads and suffixes
(a second statement) and checks nothing outside the warehouse was touched and nothing
changed, whatever the statement.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from flows.cli import app
from tests.test_normalize_fixtures import build_real_warehouse
from warehouse.console import run_query
from warehouse.errors import QueryError, ReadOnlyViolationError


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sandbox") / "w.duckdb"
    build_real_warehouse(path).close()
    return path


def _sql(db: Path, query: str) -> object:
    """``--`` ends the options, so a statement that starts with ``--`` (a comment) is a query."""
    return CliRunner().invoke(app, ["sql", "--db", str(db), "--", query])


VECTORS = [
    "EXPLAIN ANALYZE COPY (SELECT 'x') TO '{out}/other.duckdb'",
    "EXPLAIN ANALYZE COPY (SELECT * FROM study_versions) TO '{out}/exfil.parquet'",
    "COPY (SELECT * FROM study_versions) TO '{out}/exfil.csv'",
    "SET log_query_path='{out}/queries.log'",
    "SET profiling_output='{out}/profile.json'",
    "SET enable_external_access=false",
    "SET enable_external_access=true",
    "RESET lock_configuration",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/proc/self/environ')",
    "SELECT * FROM glob('/etc/*')",
    "SELECT * FROM read_parquet('{out}/*.parquet')",
    "ATTACH '{out}/attached.duckdb' AS a",
    "INSTALL httpfs",
    "LOAD httpfs",
    "PRAGMA enable_profiling",
    "CALL pragma_version()",
    "CHECKPOINT",
    "SELECT 1; SELECT 2",
    "SELECT 1; COPY (SELECT 1) TO '{out}/second.csv'",
    "-- hi",
    "EXPORT DATABASE '{out}/dump'",
    "CREATE TABLE t AS SELECT 1",
    "DELETE FROM studies",
]


@pytest.mark.parametrize("vector", VECTORS)
def test_each_vector_is_refused_in_one_line_and_touches_nothing(
    db: Path, tmp_path: Path, vector: str
) -> None:
    query = vector.format(out=tmp_path)
    result = _sql(db, query)
    assert result.exit_code == 2, (query, result.output)
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_plain_queries_still_work(db: Path) -> None:
    for query in (
        "SELECT count(*) FROM study_versions",
        "  /* a comment */ select nct_id from current_study_details limit 1",
        "DESCRIBE studies",
        "SHOW TABLES",
        "SUMMARIZE SELECT enrollment FROM studies",
        "FROM runs",
        "WITH s AS (SELECT 1 AS x) SELECT * FROM s",
        "EXPLAIN SELECT * FROM studies",
        "EXPLAIN ANALYZE SELECT count(*) FROM locations",
        "VALUES (1, 2)",
    ):
        assert run_query(db, query).columns, query


def test_settings_cannot_be_read_to_leak_the_environment(db: Path) -> None:
    result = run_query(db, "SELECT current_setting('enable_external_access')")
    assert result.rows == [(False,)]


PREFIXES = st.sampled_from(
    [
        "",
        " ",
        "\n",
        "-- c\n",
        "/* c */ ",
        "explain ",
        "EXPLAIN ANALYZE ",
        "(",
        "with x as (select 1) ",
    ]
)
PAYLOADS = st.sampled_from(
    [
        "COPY (SELECT 1) TO '{out}/f.csv'",
        "copy studies to '{out}/f.parquet' (format parquet)",
        "SELECT * FROM read_text('/etc/hostname')",
        "select * from glob('{out}/*')",
        "SELECT * FROM read_json_auto('/proc/self/status')",
        "attach '{out}/a.duckdb'",
        "set memory_limit='1GB'",
        "pragma threads=1",
        "install json",
        "select 1",
        "select * from studies limit 1",
        "insert into runs (run_id, started_at, status) values ('x', now(), 'running')",
    ]
)
SUFFIXES = st.sampled_from(["", ";", "; select 1", ";\nCOPY (SELECT 2) TO '{out}/g.csv'", ")"])


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(prefix=PREFIXES, payload=PAYLOADS, suffix=SUFFIXES, upper=st.booleans())
def test_fuzzed_statement_forms_never_reach_past_the_warehouse(
    db: Path, tmp_path: Path, prefix: str, payload: str, suffix: str, upper: bool
) -> None:
    out = tmp_path / "fuzz"
    out.mkdir(exist_ok=True)
    query = (prefix + payload + suffix).format(out=out)
    if upper:
        query = query.upper().replace(str(out).upper(), str(out))
    before = os.stat(db).st_mtime_ns
    answered = True
    try:
        run_query(db, query)
    except (ReadOnlyViolationError, QueryError):
        answered = False
    assert list(out.iterdir()) == [], query
    assert os.stat(db).st_mtime_ns == before, query
    if answered:
        assert "read_text" not in query.lower() and "glob" not in query.lower(), query
    counts = run_query(db, "SELECT count(*) FROM runs WHERE run_id = 'x'")
    assert counts.rows == [(0,)]
