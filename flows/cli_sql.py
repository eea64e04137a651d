"""The SQL-facing commands of the ``ctgov`` CLI: sql, export, schema-doc.

Thin wrappers over :mod:`warehouse.console`, :mod:`warehouse.export` and
:mod:`warehouse.schema_doc`. This module must not import Prefect: these commands only read the
DuckDB file (read-only connections) or the migrations. ``export`` imports its module when it
runs, so ``ctgov sql`` and ``--help`` do not pay for it.
``flows/cli.py`` adds them to its app::

    from flows import cli_sql
    cli_sql.register(app)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from flows.cli_common import DbOption, fail
from flows.output import print_table, stdout_console
from flows.paths import DEFAULT_DB_PATH, EXPORT_URL_ENV_VAR, PARQUET_DIR_ENV_VAR, export_dir
from warehouse.console import OutputFormat, format_result, run_query
from warehouse.schema_doc import DEFAULT_SCHEMA_DOC, schema_doc_is_current, write_schema_doc


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

    A table that does not fit the terminal is shown one row per block; piped, it is plain
    aligned text. Tables: docs/schema.md; example queries: docs/queries.md.

    Example: ctgov sql "SELECT nct_id, overall_status FROM current_study_details" --format csv
    """
    result = run_query(db, query)
    if fmt is OutputFormat.TABLE:
        print_table(
            stdout_console(),
            result.columns,
            result.cells(),
            right=result.numeric_columns(),
            caption=result.caption(),
        )
    else:
        sys.stdout.write(format_result(result, fmt))


def export_command(
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            help=f"export directory, or s3://bucket/prefix [env {PARQUET_DIR_ENV_VAR} or "
            f"{EXPORT_URL_ENV_VAR}; default: parquet/ beside --db]",
        ),
    ] = None,
    db: DbOption = DEFAULT_DB_PATH,
) -> None:
    """Write every table to Parquet, partitioned by nct_shard, replacing the export atomically;
    to object storage (s3://bucket/prefix: each table a new generation, the manifest last),
    the local export beside the database is the staging copy.

    Example: ctgov export --db data/ctgov.duckdb --out data/parquet
    """
    from warehouse.database import connect
    from warehouse.export import export_parquet

    url = out if out and out.startswith("s3://") else None
    if out is None and os.environ.get(EXPORT_URL_ENV_VAR):
        url = os.environ[EXPORT_URL_ENV_VAR]
    local = export_dir(db, None if url else (Path(out) if out else _env_path(PARQUET_DIR_ENV_VAR)))
    con = connect(db, read_only=True)
    try:
        if url:
            from warehouse.object_export import export_to_object_store

            remote = export_to_object_store(con, url, local)
            summary = remote.local
        else:
            summary = export_parquet(con, local)
    finally:
        con.close()
    console = stdout_console()
    if url:
        kept = len(summary.rows) - len(remote.uploaded)
        console.print(
            f"exported to {url} ({len(remote.uploaded)} table(s) uploaded, {kept} unchanged; "
            f"staged in {summary.out_dir})"
        )
    else:
        console.print(f"exported to {summary.out_dir}")
    rows = [
        [name, str(count), "nct_shard=NN/" if name in summary.partitioned else "one file"]
        for name, count in summary.rows.items()
    ]
    print_table(console, ["table", "rows", "layout"], rows, right={1})


def schema_doc_command(
    check: Annotated[
        bool, typer.Option("--check", help="fail when the file differs instead of rewriting it.")
    ] = False,
    path: Annotated[Path, typer.Option("--path", help="the schema document.")] = DEFAULT_SCHEMA_DOC,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="document this database's schema (default: a fresh one from the migrations).",
        ),
    ] = None,
) -> None:
    """Regenerate the schema document from the migrations' COMMENT ON statements.

    Example: ctgov schema-doc --check
    """
    console = stdout_console()
    if check:
        if not schema_doc_is_current(path, db):
            fail(f"{path} is out of date with the migrations; run `ctgov schema-doc` and commit it")
        console.print(f"{path} is up to date")
        return
    changed = write_schema_doc(path, db)
    console.print(f"{path} {'regenerated' if changed else 'already up to date'}")


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None
