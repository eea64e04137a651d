"""The SQL-facing commands of the ``ctgov`` CLI: sql, export, schema-doc.

Thin wrappers over :mod:`warehouse.console`, :mod:`warehouse.export` and
:mod:`warehouse.schema_doc`. This module must not import Prefect: these commands only read the
DuckDB file (read-only connections) or the migrations. ``flows/cli.py`` adds them to its app::

    from flows import cli_sql
    cli_sql.register(app)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.table import Table

from flows.cli_common import DbOption, fail
from flows.settings import DEFAULT_DB_PATH, PARQUET_DIR_NAME
from warehouse.console import OutputFormat, build_table, format_result, run_query
from warehouse.database import connect
from warehouse.errors import WarehouseError
from warehouse.export import export_parquet
from warehouse.schema_doc import DEFAULT_SCHEMA_DOC, schema_doc_is_current, write_schema_doc

PARQUET_ENV_VAR = "CTGOV_PARQUET_DIR"
DEFAULT_PARQUET_DIR = DEFAULT_DB_PATH.parent / PARQUET_DIR_NAME


def register(app: typer.Typer) -> None:
    """Add ``sql``, ``export`` and ``schema-doc`` to ``app``."""
    app.command("sql")(sql_command)
    app.command("export")(export_command)
    app.command("schema-doc")(schema_doc_command)


def sql_command(
    query: Annotated[
        str, typer.Argument(help="SQL to run (read-only: SELECT, DESCRIBE, SHOW, ...).")
    ],
    fmt: Annotated[
        OutputFormat, typer.Option("--format", help="table for people; csv or json for programs.")
    ] = OutputFormat.TABLE,
    db: DbOption = DEFAULT_DB_PATH,
) -> None:
    """Run a read-only SQL query on the warehouse and print the result.

    Tables: docs/schema.md; example queries: docs/queries.md.

    Example: ctgov sql "SELECT nct_id, overall_status FROM current_study_details" --format csv
    """
    try:
        result = run_query(db, query)
    except WarehouseError as exc:
        fail(str(exc))
    except duckdb.Error as exc:
        fail(f"SQL error: {_first_line(exc)}")
    if fmt is OutputFormat.TABLE:
        Console(soft_wrap=False).print(build_table(result))
    else:
        sys.stdout.write(format_result(result, fmt))


def export_command(
    out: Annotated[
        Path,
        typer.Option(
            "--out", envvar=PARQUET_ENV_VAR, help=f"export directory (env {PARQUET_ENV_VAR})."
        ),
    ] = DEFAULT_PARQUET_DIR,
    db: DbOption = DEFAULT_DB_PATH,
) -> None:
    """Write every table to Parquet, partitioned by nct_shard, replacing the export atomically.

    Example: ctgov export --out data/parquet
    """
    try:
        con = connect(db, read_only=True)
        try:
            summary = export_parquet(con, out)
        finally:
            con.close()
    except WarehouseError as exc:
        fail(str(exc))
    table = Table("table", "rows", "layout", title=f"exported to {summary.out_dir}")
    for name, rows in summary.rows.items():
        layout = "nct_shard=NN/" if name in summary.partitioned else "one file"
        table.add_row(name, str(rows), layout)
    Console().print(table)


def schema_doc_command(
    check: Annotated[
        bool, typer.Option("--check", help="fail when the file differs instead of rewriting it.")
    ] = False,
    path: Annotated[Path, typer.Option("--path", help="the schema document.")] = DEFAULT_SCHEMA_DOC,
) -> None:
    """Regenerate the schema document from the migrations' COMMENT ON statements.

    Example: ctgov schema-doc --check
    """
    try:
        if check:
            if not schema_doc_is_current(path):
                fail(
                    f"{path} is out of date with the migrations; "
                    "run `ctgov schema-doc` and commit it"
                )
            _say(f"{path} is up to date")
            return
        changed = write_schema_doc(path)
    except WarehouseError as exc:
        fail(str(exc))
    _say(f"{path} {'regenerated' if changed else 'already up to date'}")


def _say(message: str) -> None:
    Console().print(message, highlight=False, soft_wrap=True)


def _first_line(exc: BaseException) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__
