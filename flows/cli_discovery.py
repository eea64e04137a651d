"""The commands of related-trial discovery: discover, track, untrack, tracked.

``discover`` asks the registry (its saved queries), so it imports the registry client when it
runs; it needs no Prefect. ``tracked`` only reads the warehouse.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from flows.cli_common import DEFAULT_DB_PATH, DbOption
from flows.cli_runs import DbOverride, RegistryUrlOption
from flows.output import print_listing, stdout_console
from models.errors import InputError

if TYPE_CHECKING:
    from flows.discovery import Candidate

TITLE_WIDTH = 48


def register(app: typer.Typer) -> None:
    app.command("discover")(discover_command)
    app.command("track")(track_command)
    app.command("untrack")(untrack_command)
    app.command("tracked")(tracked_command)


def discover_command(
    add: Annotated[
        int,
        typer.Option(
            "--add",
            min=0,
            help="track the N best candidates (score ≥ --min-score); ingests then fetch them",
        ),
    ] = 0,
    query: Annotated[
        list[str] | None,
        typer.Option("--query", help="only this saved query of the watchlist (repeatable)"),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="candidates to show")] = 20,
    min_score: Annotated[
        float, typer.Option("--min-score", help="lowest score --add tracks")
    ] = 3.0,
    per_query: Annotated[
        int, typer.Option("--per-query", min=1, help="studies read per saved query")
    ] = 1000,
    as_json: Annotated[bool, typer.Option("--json", help="print candidates as JSON")] = False,
    watchlist: Annotated[
        str | None, typer.Option("--watchlist", help="watchlist TOML [env CTGOV_WATCHLIST]")
    ] = None,
    db: DbOverride = None,
    registry_url: RegistryUrlOption = None,
) -> None:
    """Run the watchlist's saved queries and rank the trials they find against the watched
    ones: shared target antigen, modality, conditions, MeSH terms, sponsor, phase, status,
    each named with its weight. Nothing is stored unless --add.

    Example: ctgov discover --add 2
    """
    from flows import discovery
    from flows.pipeline import registry_config
    from flows.settings import settings_with
    from registry import RegistryClient

    settings = settings_with(db=db, registry_url=registry_url, watchlist=watchlist)
    queries = discovery.discovery_queries(settings, query or [])
    with RegistryClient(registry_config(settings)) as client:
        found = discovery.discover(settings, client, queries, per_query=per_query)
    chosen = found.top(add, min_score) if add else []
    if chosen:
        discovery.add(settings, chosen)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "watched": list(found.watched),
                    "queries": [{"name": n, "returned": c} for n, c in found.queries],
                    "candidates": [c.as_json() for c in found.candidates[:limit]],
                    "added": [c.match.nct_id for c in chosen],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    out = stdout_console()
    asked = ", ".join(f"{name} ({count})" for name, count in found.queries)
    out.print(
        Text(
            f"{len(found.candidates)} candidates from {asked}, "
            f"ranked against {len(found.watched)} watched trials"
        )
    )
    shown = found.candidates[:limit]
    if shown:
        print_listing(
            out,
            [_row(rank, c) for rank, c in enumerate(shown, 1)],
            headers=["#", "nct_id", "score", "like", "title · why"],
            right={0, 2},
        )
    if add:
        added = ", ".join(c.match.nct_id for c in chosen) or "none"
        out.print(
            Text(
                f"tracked {len(chosen)} (score ≥ {min_score:g}): {added}; the next "
                "`ctgov ingest` fetches them with their history"
            )
        )


def _row(rank: int, candidate: Candidate) -> list[str | Text]:
    match = candidate.match
    title = match.title if len(match.title) <= TITLE_WIDTH else match.title[: TITLE_WIDTH - 1] + "…"
    why = match.why or "nothing in common"
    return [
        str(rank),
        match.nct_id,
        f"{match.score:.1f}",
        match.closest or "",
        Text(f"{title} · {why}"),
    ]


def track_command(
    nct_ids: Annotated[list[str], typer.Argument(help="NCT IDs to track")],
    why: Annotated[
        str, typer.Option("--why", help="why, in words (kept with it)")
    ] = "added by hand",
    db: DbOverride = None,
) -> None:
    """Track studies by hand (how: manual); the next `ctgov ingest` fetches them.

    Example: ctgov track NCT04010877 --why "same sponsor's CAR-T trial"
    """
    from flows.settings import settings_with
    from models.nct import normalize_nct_ids
    from warehouse import tracked
    from warehouse.database import connect
    from warehouse.lock import run_lock

    settings = settings_with(db=db)
    ids = normalize_nct_ids(nct_ids)
    with run_lock(settings.db, wait_s=settings.run_lock_wait_s), connect(settings.db) as con:
        tracked.track(con, [tracked.Tracking(n, "manual", why) for n in ids], datetime.now(UTC))
    stdout_console().print(Text(f"tracking {', '.join(ids)}; the next `ctgov ingest` fetches them"))


def untrack_command(
    nct_ids: Annotated[list[str], typer.Argument(help="NCT IDs to stop tracking")],
    db: DbOverride = None,
) -> None:
    """Stop tracking studies added by discovery, by hand or by a query; their versions stay.
    A trial listed in watchlist.toml is untracked by removing it there.

    Example: ctgov untrack NCT09900003
    """
    from flows.settings import settings_with
    from flows.watchlist import load_watchlist
    from models.nct import normalize_nct_ids
    from warehouse import tracked
    from warehouse.database import connect
    from warehouse.lock import run_lock

    settings = settings_with(db=db)
    ids = normalize_nct_ids(nct_ids)
    seeds = [n for n in ids if n in set(load_watchlist(settings.watchlist).nct_ids)]
    if seeds:
        raise InputError(
            f"{', '.join(seeds)} listed in {settings.watchlist}: remove it there to stop "
            "tracking it"
        )
    with run_lock(settings.db, wait_s=settings.run_lock_wait_s), connect(settings.db) as con:
        not_tracked = tracked.untrack(con, ids, datetime.now(UTC))
    if not_tracked:
        raise InputError(f"not tracked: {', '.join(not_tracked)} (see `ctgov tracked`)")
    stdout_console().print(Text(f"stopped tracking {', '.join(ids)}; their versions are kept"))


def tracked_command(
    all_rows: Annotated[
        bool, typer.Option("--all", help="include studies no longer tracked")
    ] = False,
    db: DbOption = DEFAULT_DB_PATH,
) -> None:
    """List the tracked studies: how (seed, query, similarity, manual), since when and why.

    Example: ctgov tracked --all
    """
    from warehouse import tracked
    from warehouse.database import connect

    with connect(db, read_only=True) as con:
        rows = tracked.tracked(con, include_untracked=all_rows)
    out = stdout_console()
    if not rows:
        out.print(
            Text("no tracked studies recorded yet (`ctgov discover` records the watchlist's)")
        )
        return
    print_listing(
        out,
        [
            [
                row.nct_id,
                row.how + (" (untracked)" if row.untracked_at else ""),
                f"{row.since.astimezone(UTC):%Y-%m-%d}",
                Text(row.why + (f" [{row.query_name}]" if row.query_name else "")),
            ]
            for row in rows
        ],
        headers=["nct_id", "how", "since", "why"],
    )
