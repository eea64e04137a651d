"""Normalized, AACT-style tables for every stored version of every study.

The snapshot store calls :func:`normalize_versions` inside its batch transaction, after it has
inserted the new ``study_versions`` rows and listed them in the temp table
``batch_versions(nct_id VARCHAR, version INTEGER)``::

    con.execute("BEGIN")
    ...  # insert study_versions rows, fill batch_versions
    counts = normalize_versions(con)   # {"studies": 12, "locations": 340, ...}
    con.execute("COMMIT")

Each record of the batch is parsed once (``sql/normalize/parse_batch.sql``, in pieces of
:data:`PARSE_PIECE_ROWS`) with ``from_json`` into the temp table ``normalize_batch``, one typed
struct column per registry module; every table is then one ``INSERT ... SELECT`` over those
columns (``sql/normalize/<table>.sql``), so the JSON is never re-read per table. Lists are
unnested in the SELECT list with ``generate_subscripts`` for the ordinal, which DuckDB runs far
faster than a lateral join. The raw record stays in ``study_versions.record``: whatever has no
column here is still there, unchanged.
"""

from __future__ import annotations

import re

import duckdb

from warehouse.errors import WarehouseError
from warehouse.sql_text import load_sql
from warehouse.transactions import transaction

SQL_AREA = "normalize"

NORMALIZED_TABLES: tuple[str, ...] = (
    "studies",
    "calculated_values",
    "secondary_ids",
    "conditions",
    "keywords",
    "designs",
    "eligibilities",
    "sponsors",
    "interventions",
    "intervention_other_names",
    "arm_groups",
    "arm_group_interventions",
    "outcomes",
    "locations",
    "location_contacts",
    "central_contacts",
    "overall_officials",
    "study_references",
    "see_also_links",
    "mesh_terms",
    "documents",
    "result_groups",
    "participant_flow",
    "baseline_counts",
    "baseline_measurements",
    "outcome_measures",
    "outcome_counts",
    "outcome_measurements",
    "outcome_analyses",
    "adverse_events",
)
"""Every normalized table, in the order they are filled; each has ``sql/normalize/<name>.sql``."""

STUDY_DETAILS_VIEW = "current_study_details"
"""The current view of ``studies``: ``current_studies`` is taken by change tracking (0002)."""

RENORMALIZE_CHUNK_SIZE = 2_000
"""Versions parsed at a time by :func:`renormalize_all`, to bound memory on large databases."""

BATCH_TABLE = "batch_versions"
PARSED_TABLE = "temp.normalize_batch"
"""The batch's records parsed, one struct column per module, that each table's SQL reads."""
INPUT_RELATION = "normalize_input"
"""What the parse reads: ``(nct_id, version, record, piece)``, a temp view over stored versions
or, off the writer, a registered Arrow table of records (:mod:`warehouse.scratch`)."""
MISSING_EXAMPLES = 5

PARSE_PIECE_ROWS = 500
"""Records parsed by one statement. DuckDB's JSON functions keep every document parsed from a
vector (up to 2,048 rows) until the vector is done: a batch of 2,000 bulk studies (36 MB of
JSON) parsed at once held ~220 MB more of the allocator's memory than the parsed rows need
(measured 2026-12-06). Pieces of 500 keep that to a quarter for one statement more each."""

_SCOPE_FROM_BATCH = f"""
CREATE OR REPLACE TEMP TABLE normalize_scope AS
SELECT nct_id, version,
    (row_number() OVER (ORDER BY nct_id, version) - 1) // {PARSE_PIECE_ROWS} AS piece
FROM (SELECT DISTINCT nct_id, version FROM {BATCH_TABLE})
"""

_INPUT_FROM_SCOPE = f"""
CREATE OR REPLACE TEMP VIEW {INPUT_RELATION} AS
SELECT v.nct_id, v.version, v.record, scope.piece
FROM study_versions AS v
JOIN normalize_scope AS scope ON scope.nct_id = v.nct_id AND scope.version = v.version
"""

_SCOPE_NOT_STORED = """
SELECT scope.nct_id, scope.version
FROM normalize_scope AS scope
ANTI JOIN study_versions AS v ON v.nct_id = scope.nct_id AND v.version = scope.version
ORDER BY ALL
"""

_SCOPE_ALREADY_NORMALIZED = """
SELECT count(*)
FROM studies
SEMI JOIN normalize_scope AS scope
    ON scope.nct_id = studies.nct_id AND scope.version = studies.version
"""

_DELETE_SCOPE = """
DELETE FROM {table} AS t
USING normalize_scope AS scope
WHERE t.nct_id = scope.nct_id AND t.version = scope.version
"""

_RENORMALIZE_PLAN = """
CREATE OR REPLACE TEMP TABLE renormalize_plan AS
SELECT nct_id, version, (row_number() OVER (ORDER BY nct_id, version) - 1) // $chunk_size AS chunk
FROM study_versions
"""

_SCOPE_FROM_PLAN = f"""
CREATE OR REPLACE TEMP TABLE normalize_scope AS
SELECT nct_id, version,
    (row_number() OVER (ORDER BY nct_id, version) - 1) // {PARSE_PIECE_ROWS} AS piece
FROM renormalize_plan WHERE chunk = $chunk
"""

_DROP_WORK_TABLES = (
    f"DROP VIEW IF EXISTS temp.{INPUT_RELATION}",
    "DROP TABLE IF EXISTS temp.normalize_scope",
)


_INSERT_HEAD = re.compile(r"\s*(?:--[^\n]*\n\s*)*INSERT INTO (\w+)\s+")
"""The comment lines and ``INSERT INTO <table>`` that open each table's statement."""


def current_view_name(table: str) -> str:
    """The ``current_*`` view over ``table`` (the rows of each study's current version)."""
    return STUDY_DETAILS_VIEW if table == "studies" else f"current_{table}"


def normalize_versions(con: duckdb.DuckDBPyConnection, *, fresh: bool = False) -> dict[str, int]:
    """Derive the normalized rows of the versions listed in temp table ``batch_versions``.

    Runs inside the caller's transaction and returns the rows inserted per table. A version
    that already has normalized rows is rebuilt rather than duplicated. ``fresh`` says the
    caller just inserted the versions and they have no normalized rows yet (the writer): the
    two checks that would scan every stored version and every ``studies`` row are skipped,
    which keeps a batch's cost independent of the warehouse's size.
    """
    if not _temp_table_exists(con, BATCH_TABLE):
        raise WarehouseError(
            f"normalize_versions needs the temp table {BATCH_TABLE}(nct_id VARCHAR, version "
            "INTEGER) listing the versions to normalize; create and fill it in the same "
            "transaction first"
        )
    con.execute(_SCOPE_FROM_BATCH)
    if not fresh:
        _check_scope_stored(con)
    return _normalize_scope(con, fresh=fresh)


def renormalize_all(
    con: duckdb.DuckDBPyConnection, *, chunk_size: int = RENORMALIZE_CHUNK_SIZE
) -> dict[str, int]:
    """Rebuild every normalized table from all stored versions; return the rows per table.

    Use after a migration adds or changes a normalized table. Runs in its own transaction (or
    the caller's, when one is open), so readers see either the old rows or the new ones.
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    with transaction(con):
        for table in NORMALIZED_TABLES:
            con.execute(f"DELETE FROM {table}")
        con.execute(_RENORMALIZE_PLAN, {"chunk_size": chunk_size})
        chunks = _scalar(con, "SELECT coalesce(max(chunk) + 1, 0) FROM renormalize_plan")
        totals = dict.fromkeys(NORMALIZED_TABLES, 0)
        for chunk in range(chunks):
            con.execute(_SCOPE_FROM_PLAN, {"chunk": chunk})
            for table, count in _normalize_scope(con).items():
                totals[table] += count
        con.execute("DROP TABLE IF EXISTS temp.renormalize_plan")
    return totals


def parse_pieces(con: duckdb.DuckDBPyConnection, pieces: int) -> None:
    """Parse ``normalize_input``'s records, piece by piece (``piece`` 0 to ``pieces - 1``), into
    the temp table ``normalize_batch`` that :func:`fill_tables` reads."""
    select = load_sql("parse_batch.sql", SQL_AREA)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {PARSED_TABLE} AS {select}", {"piece": 0})
    for piece in range(1, pieces):
        con.execute(f"INSERT INTO {PARSED_TABLE} {select}", {"piece": piece})


def fill_tables(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Insert every normalized table's rows from ``normalize_batch``, then drop it (its parsed
    records are the largest thing the normalization holds); the rows inserted per table."""
    counts = {
        table: _scalar(con, load_sql(f"{table}.sql", SQL_AREA)) for table in NORMALIZED_TABLES
    }
    con.execute(f"DROP TABLE IF EXISTS {PARSED_TABLE}")
    return counts


def table_select(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """``sql/normalize/<table>.sql`` as a query of the rows it would insert, each cast to the
    type of its column in ``table`` and named as it: the rows as ``SELECT * FROM <table>``
    would read them back, without inserting them (:mod:`warehouse.scratch`)."""
    statement = load_sql(f"{table}.sql", SQL_AREA)
    head = _INSERT_HEAD.match(statement)
    if head is None or head.group(1) != table:
        raise WarehouseError(
            f"sql/normalize/{table}.sql must be one INSERT INTO {table} SELECT ...; "
            "the scratch normalizer reads its rows from the SELECT"
        )
    columns = con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() "
        "WHERE table_name = ? AND schema_name = 'main' ORDER BY column_index",
        [table],
    ).fetchall()
    names = ", ".join(f"c{index}" for index in range(len(columns)))
    cast = ", ".join(
        f'CAST(c{index} AS {kind}) AS "{name}"' for index, (name, kind) in enumerate(columns)
    )
    return f"SELECT {cast} FROM ({statement[head.end() :]}) AS inserted({names})"


def _normalize_scope(con: duckdb.DuckDBPyConnection, *, fresh: bool = False) -> dict[str, int]:
    """Normalize the versions in temp table ``normalize_scope``."""
    if not fresh and _scalar(con, _SCOPE_ALREADY_NORMALIZED):
        for table in NORMALIZED_TABLES:
            con.execute(_DELETE_SCOPE.format(table=table))
    con.execute(_INPUT_FROM_SCOPE)
    parse_pieces(con, _scalar(con, "SELECT coalesce(max(piece) + 1, 0) FROM normalize_scope"))
    counts = fill_tables(con)
    for statement in _DROP_WORK_TABLES:
        con.execute(statement)
    return counts


def _check_scope_stored(con: duckdb.DuckDBPyConnection) -> None:
    missing = con.execute(_SCOPE_NOT_STORED).fetchall()
    if missing:
        shown = ", ".join(f"{nct_id} v{version}" for nct_id, version in missing[:MISSING_EXAMPLES])
        more = (
            f" and {len(missing) - MISSING_EXAMPLES} more"
            if len(missing) > MISSING_EXAMPLES
            else ""
        )
        raise WarehouseError(
            f"{BATCH_TABLE} lists versions that are not in study_versions ({shown}{more}); "
            "insert the versions before normalizing them"
        )


def _temp_table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        _scalar(
            con, "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = ?", [name]
        )
    )


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> int:
    """The single integer a statement returns (a count, or an INSERT's row count).

    Fetches every row so no unfinished result blocks the caller's next register() call.
    """
    rows = con.execute(sql, params).fetchall()
    return int(rows[0][0]) if rows else 0
