"""Read-only SQL over the warehouse, formatted as a rich table, CSV or JSON.

    sql = "SELECT overall_status, count(*) FROM current_study_details GROUP BY 1"
    result = run_query(Path("data/ctgov.duckdb"), sql)
    print(format_result(result, OutputFormat.CSV))

The console is a sandbox by construction, not by a list of forbidden words: queries run on a
read-only connection with DuckDB's external access off (no file read or written but the
warehouse itself: no ``COPY … TO``, ``read_csv('/etc/passwd')``, ``glob``, ``ATTACH``, extension
installs) and its configuration locked (no ``SET log_query_path``, ``SET profiling_output`` or
``SET enable_external_access``). On top, only one statement runs, and only a query: ``SELECT``
and what parses as one (``DESCRIBE``, ``SHOW``, ``SUMMARIZE``, ``FROM …``, ``VALUES``, ``WITH``)
or ``EXPLAIN [ANALYZE]`` of a query; ``SET``, ``PRAGMA``, ``CALL``, ``CHECKPOINT`` and every
write are refused with :class:`~warehouse.errors.ReadOnlyViolationError` before they run.
Errors in the user's SQL itself (parser, catalog, binder, conversion, a refused file access)
are raised as :class:`~warehouse.errors.QueryError` with DuckDB's first line.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any
from uuid import UUID

import duckdb

from warehouse.database import connect
from warehouse.errors import QueryError, ReadOnlyViolationError

SANDBOX_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "enable_external_access": False,
    "lock_configuration": True,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
}
"""The console's connection: no file but the warehouse, no setting changed after opening."""

_EXPLAIN_PREFIX = re.compile(
    r"^\s*(?:(?:--[^\n]*(?:\n|$)|/\*.*?\*/)\s*)*EXPLAIN\s+(?:ANALY[SZ]E\s+)?",
    re.IGNORECASE | re.DOTALL,
)
ALLOWED = "use SELECT (or DESCRIBE, SHOW, SUMMARIZE, FROM …, WITH …) or EXPLAIN of a query"

NULL_TEXT = "NULL"
JSON_TYPE_NAME = "JSON"


class OutputFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


@dataclass(frozen=True)
class QueryResult:
    """Column names, DuckDB type names and rows of the last statement of a query."""

    columns: list[str]
    types: list[str]
    rows: list[tuple[Any, ...]]

    def cells(self) -> list[list[str]]:
        """Every value as display text: ``NULL``, ISO dates, JSON for nested values."""
        return [[cell_text(value) for value in row] for row in self.rows]

    def numeric_columns(self) -> set[int]:
        """Indexes of the columns of a numeric type (right-aligned in tables)."""
        return {index for index, name in enumerate(self.types) if _is_numeric(name)}

    def caption(self) -> str:
        return f"{len(self.rows)} row{'s' if len(self.rows) != 1 else ''}"


def run_query(db_path: Path, sql: str) -> QueryResult:
    """Run ``sql`` on a sandboxed read-only connection to ``db_path``."""
    con = connect(db_path, read_only=True, config=SANDBOX_CONFIG)
    try:
        return execute_read_only(con, sql)
    finally:
        con.close()


def execute_read_only(con: duckdb.DuckDBPyConnection, sql: str) -> QueryResult:
    """Run ``sql`` after checking it is exactly one query; return its result."""
    statement = only_query(con, sql)
    try:
        cursor = con.execute(statement)
    except duckdb.Error as exc:
        message = first_line(exc)
        if "read-only" in message.lower():
            raise ReadOnlyViolationError(message) from None
        raise QueryError(f"SQL error: {message}") from None
    description = cursor.description or []
    columns = [str(column[0]) for column in description]
    types = [str(column[1]) for column in description]
    rows = [tuple(row) for row in cursor.fetchall()] if description else []
    return QueryResult(columns, types, rows)


def only_query(con: duckdb.DuckDBPyConnection, sql: str) -> duckdb.Statement:
    """The one query in ``sql``; anything else is refused before it runs."""
    statements = _parse(con, sql)
    if not statements:
        raise QueryError("no statement to run (only comments or blanks); pass a SELECT")
    if len(statements) > 1:
        raise QueryError(f"{len(statements)} statements given; run one statement at a time")
    (statement,) = statements
    if statement.type is duckdb.StatementType.SELECT:
        return statement
    if statement.type is duckdb.StatementType.EXPLAIN:
        inner = _EXPLAIN_PREFIX.sub("", statement.query, count=1)
        explained = _parse(con, inner) if inner != statement.query else []
        if len(explained) == 1 and explained[0].type is duckdb.StatementType.SELECT:
            return statement
        raise ReadOnlyViolationError(f"EXPLAIN of anything but a query is not allowed; {ALLOWED}")
    kind = statement.type.name.replace("_", " ")
    raise ReadOnlyViolationError(f"{kind} statements are not allowed here; {ALLOWED}")


def _parse(con: duckdb.DuckDBPyConnection, sql: str) -> list[duckdb.Statement]:
    try:
        return list(con.extract_statements(sql))
    except duckdb.Error as exc:
        raise QueryError(f"SQL error: {first_line(exc)}") from None


def first_line(exc: BaseException) -> str:
    """The first non-blank line of an error's message (DuckDB's run to several)."""
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def format_result(result: QueryResult, fmt: OutputFormat) -> str:
    """The result as CSV with a header row, or as a JSON array of objects.

    Tables for people are drawn by the CLI (``flows/output.py``) from :meth:`QueryResult.cells`.
    """
    if fmt is OutputFormat.CSV:
        return _to_csv(result)
    if fmt is OutputFormat.JSON:
        return _to_json(result)
    raise ValueError(f"format_result writes csv or json, not {fmt}")


def _to_csv(result: QueryResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow("" if value is None else cell_text(value) for value in row)
    return buffer.getvalue()


def _to_json(result: QueryResult) -> str:
    records = [
        {
            name: _json_value(value, type_name)
            for name, value, type_name in zip(result.columns, row, result.types, strict=True)
        }
        for row in result.rows
    ]
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def cell_text(value: Any) -> str:
    if value is None:
        return NULL_TEXT
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(_plain(value), ensure_ascii=False)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value)


def _json_value(value: Any, type_name: str) -> Any:
    """Values as JSON: JSON columns embedded as parsed JSON, dates as ISO text."""
    if value is not None and type_name == JSON_TYPE_NAME and isinstance(value, str):
        return json.loads(value)
    return _plain(value)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, Sequence):
        return [_plain(item) for item in value]
    return str(value)


def _is_numeric(type_name: str) -> bool:
    base = type_name.split("(")[0]
    return base in {
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "HUGEINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
        "UHUGEINT",
        "FLOAT",
        "DOUBLE",
        "DECIMAL",
    }
