"""What the models could not take, in the ``ctgov`` CLI: ``drift`` and ``reprocess``.

``drift`` only reads (no Prefect, no registry client, no generated models: a test checks it).
``reprocess`` writes, without Prefect or the registry: it re-runs payloads already held.
"""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path
from typing import Annotated

import typer

from flows.cli_common import DbOption
from flows.cli_tracking import FormatOption, OutputFormat, parse_when
from flows.output import print_table, stdout_console
from flows.paths import DB_ENV_VAR, DEFAULT_DB_PATH
from warehouse.database import connect
from warehouse.drift import drift_report

VALUE_LIMIT = 40
"""Longest value in the text table; ``--format json`` gives full values."""


def register(app: typer.Typer) -> None:
    """Add ``drift`` and ``reprocess`` to ``app``."""
    app.command("drift")(drift_command)
    app.command("reprocess")(reprocess_command)


def drift_command(
    since: Annotated[
        str | None,
        typer.Option(
            "--since", help="only versions observed from this day (YYYY-MM-DD, UTC) or instant"
        ),
    ] = None,
    output: FormatOption = OutputFormat.text,
    db: DbOption = DEFAULT_DB_PATH,
) -> None:
    """List what the registry sent that the models do not know (unknown fields and enum
    values) and what broke the spec's rules (finding:<rule>), by JSON pointer: how many
    studies and versions, first and last posted and seen, one example study.

    Example: ctgov drift --since 2026-11-01
    """
    start = parse_when(since, "--since")
    with connect(db, read_only=True) as con:
        rows = drift_report(con, start)
    if output is OutputFormat.json:
        typer.echo(json.dumps([row.as_json() for row in rows], ensure_ascii=False, indent=2))
        return
    console = stdout_console()
    if not rows:
        when = f" since {since}" if since else ""
        console.print(f"no drift{when}: every version matched the models")
        return
    headers = ["kind", "pointer", "value", "studies", "versions", "posted", "last seen", "e.g."]
    cells = [
        [
            row.kind,
            row.pointer,
            _short(row.value),
            str(row.studies),
            str(row.versions),
            _span(row.first_posted, row.last_posted),
            f"{row.last_seen.astimezone(UTC):%Y-%m-%d}" if row.last_seen else "",
            row.example,
        ]
        for row in rows
    ]
    print_table(console, headers, cells, right={3, 4})


def _short(value: str) -> str:
    return value if len(value) <= VALUE_LIMIT else value[: VALUE_LIMIT - 1] + "…"


def _span(first: object, last: object) -> str:
    if first is None:
        return ""
    return str(first) if first == last else f"{first}…{last}"


def reprocess_command(
    db: Annotated[
        Path | None,
        typer.Option("--db", help=f"DuckDB file [env {DB_ENV_VAR}; default: data/ctgov.duckdb]"),
    ] = None,
    no_export: Annotated[
        bool, typer.Option("--no-export", help="skip the Parquet export after the run")
    ] = False,
) -> None:
    """Re-run the quarantined payloads (rejected_records) after a code fix: those that now
    become versions are stored like any observation and marked resolved.

    Example: ctgov reprocess --db data/ctgov.duckdb
    """
    from flows import pipeline
    from flows.reprocess import reprocess
    from flows.settings import settings_with

    settings = settings_with(db=db)
    report = reprocess(settings)
    console = stdout_console()
    if report.run is None:
        console.print("nothing quarantined: every payload held is a version")
        return
    console.print(
        f"reprocessed {report.tried} quarantined payload(s): {report.resolved} stored and "
        f"resolved, {report.still_quarantined} still quarantined"
        + (f", {report.unnamed} still name no study" if report.unnamed else "")
    )
    if report.still_quarantined or report.unnamed:
        console.print(
            'see them: ctgov sql "SELECT nct_id, error FROM rejected_records '
            'WHERE resolved_at IS NULL"'
        )
    if report.resolved and settings.export and not no_export:
        pipeline.export(settings)
