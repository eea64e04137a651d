"""The read-only tracking commands of the ``ctgov`` CLI: history, diff, show, changes.

Thin wrappers over :mod:`warehouse.history`. This module must not import Prefect, the registry
client or the generated models (a test checks it): these commands only read the DuckDB file,
through a read-only connection, and an analyst runs them dozens of times an hour.

``flows/cli.py`` adds them to its app::

    from flows.cli_tracking import register
    register(app)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.text import Text

from flows.cli_common import DEFAULT_DB_PATH, DbOption
from flows.output import print_listing, stdout_console
from models.errors import InputError
from models.nct import normalize_nct_id
from warehouse import history
from warehouse.database import connect
from warehouse.diff import Change, JsonValue
from warehouse.textdiff import Hunk, is_long_text, render_plain, word_hunks

TEXT_VALUE_LIMIT = 160
"""Longest value shown by ``diff --format text``; ``--format json`` always gives full values."""

OP_STYLES: dict[str, tuple[str, str]] = {
    "added": ("+", "green"),
    "removed": ("-", "red"),
    "changed": ("~", "yellow"),
}
REMOVED_STYLE = "red strike"
ADDED_STYLE = "bold green"
HUNK_INDENT = "    "


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


ObservedOption = Annotated[
    bool,
    typer.Option(
        "--observed",
        help="use the observed clock (when our runs saw each version), not the registry's.",
    ),
]


def history_command(nct_id: NctArgument, db: DbOption = DEFAULT_DB_PATH) -> None:
    """List the stored versions of a study on the registry's clock: the day the registry
    posted each, when we observed it (or that it came from the registry's history), the
    registry's own version number, the status, and what each one changed.

    Example: ctgov history NCT02513394
    """
    study = normalize_nct_id(nct_id)
    with _reading(db) as con:
        versions = history.list_versions(con, study)
    console = stdout_console()
    console.print(
        Text(f"{study}: {len(versions)} version(s), oldest first on the registry's clock", "bold")
    )
    rows: list[list[str | Text]] = [
        [
            Text(f"v{item.version}", style="bold cyan"),
            f"posted {item.registry_date or '-'}",
            Text(_seen(item), style="dim"),
            Text(
                "-" if item.registry_version is None else f"reg #{item.registry_version}",
                style="dim",
            ),
            Text(item.overall_status or "-", style="magenta"),
            item.summary,
        ]
        for item in versions
    ]
    print_listing(console, rows)


def _seen(item: history.VersionSummary) -> str:
    if item.observed_at is not None:
        return f"seen {item.observed_at.astimezone(UTC):%Y-%m-%d %H:%M}"
    return "from history"


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

    Long texts show the changed words in context. JSON output is an array of {"path",
    "pointer", "position", "label", "op", "old", "new", "hunks"} objects (docs/changes.md).

    Example: ctgov diff NCT02513394 --from 1 --to 3 --format json
    """
    study = normalize_nct_id(nct_id)
    with _reading(db) as con:
        result = history.diff_versions(con, study, from_version=from_version, to_version=to_version)
    if output is OutputFormat.json:
        typer.echo(
            json.dumps([_change_json(c) for c in result.changes], ensure_ascii=False, indent=2)
        )
        return
    console = stdout_console()
    console.print(
        Text(
            f"{result.nct_id} v{result.from_version} → v{result.to_version}: "
            f"{len(result.changes)} change(s)",
            style="bold",
        )
    )
    for change in result.changes:
        for line in change_lines(change, styled=console.is_terminal):
            console.print(line)


def show_command(
    nct_id: NctArgument,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Date (YYYY-MM-DD, end of that day UTC) or ISO timestamp; default: now.",
        ),
    ] = None,
    observed: ObservedOption = False,
    db: DbOption = DEFAULT_DB_PATH,
) -> None:
    """Print the JSON record of a study: now, or as the registry showed it at the end of a day
    (--observed: as our runs had observed it by then).

    Example: ctgov show NCT02513394 --as-of 2024-01-31
    """
    study = normalize_nct_id(nct_id)
    moment = parse_when(as_of, "--as-of")
    with _reading(db) as con:
        found = history.record_as_of(con, study, moment, clock=_clock(observed))
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
    observed: ObservedOption = False,
    output: FormatOption = OutputFormat.text,
    db: DbOption = DEFAULT_DB_PATH,
) -> None:
    """List change events across all studies, oldest first, dated by the registry's posting
    day of the version each belongs to (--observed: by when our runs recorded them).

    Example: ctgov changes --since 2024-01-01 --kind status_changed,site_added
    """
    if since is not None and since_last_run:
        raise InputError("give --since or --since-last-run, not both")
    start = parse_when(since, "--since")
    kinds = [part.strip() for value in kind or [] for part in value.split(",") if part.strip()]
    with _reading(db) as con:
        if since_last_run:
            _, events = history.events_since_last_run(con, kinds=kinds)
        else:
            events = history.events_since(con, start, kinds=kinds, clock=_clock(observed))
    if output is OutputFormat.json:
        typer.echo(json.dumps([e.as_json() for e in events], ensure_ascii=False, indent=2))
        return
    console = stdout_console()
    if not events:
        console.print("no events")
        return
    by_observation = observed or since_last_run
    rows: list[list[str | Text]] = [
        [
            f"{event.occurred_at.astimezone(UTC):%Y-%m-%d %H:%M}"
            if by_observation
            else event.day.isoformat(),
            Text(event.nct_id, style="bold cyan"),
            f"v{event.version if event.version is not None else '-'}",
            event.summary,
        ]
        for event in events
    ]
    print_listing(console, rows)


def _clock(observed: bool) -> history.Clock:
    return history.OBSERVED_CLOCK if observed else history.REGISTRY_CLOCK


@contextmanager
def _reading(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection, closed after the block; errors reach the CLI's group."""
    con = connect(db, read_only=True)
    try:
        yield con
    finally:
        con.close()


def parse_when(text: str | None, option: str) -> datetime | date | None:
    """A ``--since`` / ``--as-of`` value: ``YYYY-MM-DD`` or an ISO timestamp."""
    if text is None:
        return None
    value = text.strip()
    try:
        moment: datetime | date = (
            date.fromisoformat(value)
            if len(value) == len("YYYY-MM-DD")
            else datetime.fromisoformat(value)
        )
    except ValueError:
        raise InputError(
            f"{option} {text!r} is not a date; use YYYY-MM-DD or an ISO timestamp like "
            "2024-01-31T12:00"
        ) from None
    if moment.year >= date.max.year:
        raise InputError(f"{option} {text!r} is too far in the future; use a date before 9999")
    return moment


def change_lines(change: Change, *, styled: bool) -> list[Text]:
    """A change as text: one line, or a heading line and a line per hunk for long texts.

    ``styled`` colours removed and added words (a terminal); otherwise they are marked
    ``[-old-]{+new+}`` so the change survives a pipe.
    """
    sign, style = OP_STYLES.get(change.op, ("?", "white"))
    line = Text(f"{sign} ", style=style)
    line.append(change.label or change.path, style="bold")
    line.append(": ")
    if change.op == "changed" and is_long_text(change.old, change.new):
        hunks = word_hunks(change.old, change.new)
        line.append(f"text changed in {len(hunks)} place(s)")
        return [line, *(Text.assemble(HUNK_INDENT, _hunk_text(hunk, styled)) for hunk in hunks)]
    if change.op == "added":
        line.append(_short(change.new), style=style)
    elif change.op == "removed":
        line.append(_short(change.old), style=style)
    else:
        line.append(_short(change.old), style="red")
        line.append(" → ")
        line.append(_short(change.new), style="green")
    return [line]


def _hunk_text(hunk: Hunk, styled: bool) -> Text:
    if not styled:
        return Text(render_plain(hunk))
    text = Text("…" if hunk.leading else "")
    for segment in hunk.segments:
        if segment.op == "removed":
            text.append(segment.text, style=REMOVED_STYLE)
        elif segment.op == "added":
            text.append(segment.text, style=ADDED_STYLE)
        else:
            text.append(segment.text)
    if hunk.trailing:
        text.append("…")
    return text


def _change_json(change: Change) -> dict[str, JsonValue]:
    """The documented JSON of a change, with ``hunks`` for a text that changed."""
    hunks = None
    if change.op == "changed" and isinstance(change.old, str) and isinstance(change.new, str):
        hunks = [hunk.as_json() for hunk in word_hunks(change.old, change.new)]
    return {**change.as_json(), "hunks": hunks}


def _short(value: JsonValue) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= TEXT_VALUE_LIMIT else text[: TEXT_VALUE_LIMIT - 1] + "…"
