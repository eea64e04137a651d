"""The read-only tracking commands of the ``ctgov`` CLI: history, diff, show, changes.

Thin wrappers over :mod:`warehouse.history`. This module must not import Prefect (over a
second to import): these commands only read the DuckDB file, through a read-only connection,
so they work while no flow runs and fail with one line when a run holds the file.

``flows/cli.py`` adds them to its app::

    from flows.cli_tracking import register
    register(app)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.text import Text

from flows.cli_common import DEFAULT_DB_PATH, DbOption, fail
from models.nct import InvalidNctIdError, normalize_nct_id
from warehouse import history
from warehouse.database import connect
from warehouse.diff import Change, JsonValue
from warehouse.errors import WarehouseError

TEXT_VALUE_LIMIT = 160
"""Longest value shown by ``diff --format text``; ``--format json`` always gives full values."""

OP_STYLES: dict[str, tuple[str, str]] = {
    "added": ("+", "green"),
    "removed": ("-", "red"),
    "changed": ("~", "yellow"),
}


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


NctArgument = Annotated[str, typer.Argument(help="NCT ID, e.g. NCT02513394.", show_default=False)]
FormatOption = Annotated[
    OutputFormat, typer.Option("--format", help="text for people, json for programs.")
]


def register(app: typer.Typer) -> None:
    """Add ``history``, ``diff``, ``show`` and ``changes`` to ``app``."""
    app.command("history")(history_command)
    app.command("diff")(diff_command)
    app.command("show")(show_command)
    app.command("changes")(changes_command)


def history_command(nct_id: NctArgument, db: DbOption = DEFAULT_DB_PATH) -> None:
    """List the stored versions of a study: when, status, and what each one changed.

    Example: ctgov history NCT02513394
    """
    with _reading(db) as con:
        study = normalize_nct_id(nct_id)
        versions = history.list_versions(con, study)
    console = _console()
    console.print(Text(f"{study}: {len(versions)} version(s)", style="bold"))
    for item in versions:
        line = Text()
        line.append(f"v{item.version:<3} ", style="bold cyan")
        line.append(f"{item.valid_from:%Y-%m-%d %H:%M}  ")
        line.append(f"posted {item.last_update_post_date or '-'!s:<10}  ", style="dim")
        line.append(f"{item.overall_status or '-':<24}", style="magenta")
        line.append(item.summary)
        console.print(line)


def diff_command(
    nct_id: NctArgument,
    from_version: Annotated[
        int | None, typer.Option("--from", help="Older version (default: the one before --to).")
    ] = None,
    to_version: Annotated[
        int | None, typer.Option("--to", help="Newer version (default: the current one).")
    ] = None,
    output: FormatOption = OutputFormat.text,
    db: DbOption = DEFAULT_DB_PATH,
) -> None:
    """Show what changed between two versions of a study (default: the last two).

    JSON output is an array of {"path", "op", "old", "new"} objects.

    Example: ctgov diff NCT02513394 --from 1 --to 3 --format json
    """
    with _reading(db) as con:
        result = history.diff_versions(
            con, normalize_nct_id(nct_id), from_version=from_version, to_version=to_version
        )
    if output is OutputFormat.json:
        typer.echo(json.dumps([c.as_json() for c in result.changes], ensure_ascii=False, indent=2))
        return
    console = _console()
    console.print(
        Text(
            f"{result.nct_id} v{result.from_version} → v{result.to_version}: "
            f"{len(result.changes)} change(s)",
            style="bold",
        )
    )
    for change in result.changes:
        console.print(_change_line(change))


def show_command(
    nct_id: NctArgument,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Date (YYYY-MM-DD, end of that day UTC) or ISO timestamp; default: now.",
        ),
    ] = None,
    db: DbOption = DEFAULT_DB_PATH,
) -> None:
    """Print the JSON record of a study as stored, now or as of a date.

    Example: ctgov show NCT02513394 --as-of 2024-01-31
    """
    moment = _parse_when(as_of, "--as-of")
    with _reading(db) as con:
        found = history.record_as_of(con, normalize_nct_id(nct_id), moment)
    typer.echo(json.dumps(found.record, ensure_ascii=False, indent=2))


def changes_command(
    since: Annotated[
        str | None,
        typer.Option("--since", help="Date (YYYY-MM-DD, from its start UTC) or ISO timestamp."),
    ] = None,
    since_last_run: Annotated[
        bool,
        typer.Option(
            "--since-last-run",
            help="Only what the most recent run brought (after the previous successful run).",
        ),
    ] = False,
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", help="Event type(s) to keep, repeatable or comma-separated."),
    ] = None,
    output: FormatOption = OutputFormat.text,
    db: DbOption = DEFAULT_DB_PATH,
) -> None:
    """List change events across all studies, oldest first.

    Example: ctgov changes --since 2024-01-01 --kind status_changed,site_added
    """
    if since is not None and since_last_run:
        raise typer.BadParameter("give --since or --since-last-run, not both")
    start = _parse_when(since, "--since")
    kinds = [part.strip() for value in kind or [] for part in value.split(",") if part.strip()]
    with _reading(db) as con:
        if since_last_run:
            _, events = history.events_since_last_run(con, kinds=kinds)
        else:
            events = history.events_since(con, start, kinds=kinds)
    if output is OutputFormat.json:
        typer.echo(json.dumps([e.as_json() for e in events], ensure_ascii=False, indent=2))
        return
    console = _console()
    if not events:
        console.print("no events")
    for event in events:
        line = Text()
        line.append(f"{event.occurred_at:%Y-%m-%d %H:%M}  ")
        line.append(f"{event.nct_id} ", style="bold cyan")
        line.append(f"v{event.version if event.version is not None else '-'}  ")
        line.append(f"{event.event_type:<32}", style="magenta")
        line.append(event.summary)
        console.print(line)


@contextmanager
def _reading(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection; expected failures become one line on stderr and exit code 1."""
    con: duckdb.DuckDBPyConnection | None = None
    try:
        con = connect(db, read_only=True)
        yield con
    except (WarehouseError, InvalidNctIdError) as exc:
        fail(str(exc))
    finally:
        if con is not None:
            con.close()


def _parse_when(text: str | None, option: str) -> datetime | date | None:
    if text is None:
        return None
    value = text.strip()
    try:
        if len(value) == len("YYYY-MM-DD"):
            return date.fromisoformat(value)
        return datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a date; use YYYY-MM-DD or an ISO timestamp like 2024-01-31T12:00",
            param_hint=option,
        ) from None


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _change_line(change: Change) -> Text:
    sign, style = OP_STYLES.get(change.op, ("?", "white"))
    line = Text(f"{sign} ", style=style)
    line.append(change.label or change.path, style="bold")
    line.append(": ")
    if change.op == "added":
        line.append(_short(change.new), style=style)
    elif change.op == "removed":
        line.append(_short(change.old), style=style)
    else:
        line.append(_short(change.old), style="red")
        line.append(" → ")
        line.append(_short(change.new), style="green")
    return line


def _short(value: JsonValue) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= TEXT_VALUE_LIMIT else text[: TEXT_VALUE_LIMIT - 1] + "…"
