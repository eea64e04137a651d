"""``tracked_studies``: which studies are tracked, how (seed, query, similarity, manual) and why.

The watchlist file stays the place people list their trials (the seeds); this table adds the
ones discovery or a person added without editing the file, and keeps, for every study, the
reason it is in the warehouse. Untracking dates the row instead of deleting it, so "why did we
ever track this" still has an answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import duckdb

from warehouse.sql_text import load_sql

How = Literal["seed", "query", "similarity", "manual"]
FETCHED_BY_WATCHLIST_INGEST: tuple[How, ...] = ("seed", "similarity", "manual")
"""Studies tracked by a saved query are kept current by that query's sync, not by ID."""


@dataclass(frozen=True)
class Tracking:
    """Why one study is tracked."""

    nct_id: str
    how: How
    why: str
    query_name: str | None = None
    score: float | None = None
    closest: str | None = None


@dataclass(frozen=True)
class TrackedRow:
    nct_id: str
    how: str
    why: str
    query_name: str | None
    score: float | None
    closest: str | None
    since: datetime
    untracked_at: datetime | None
    status: str | None
    title: str | None


def track(con: duckdb.DuckDBPyConnection, items: Iterable[Tracking], at: datetime) -> None:
    """Track each study; one tracked already keeps how and since it is tracked (seeds win)."""
    sql = load_sql("track.sql")
    for item in items:
        con.execute(
            sql,
            {
                "nct_id": item.nct_id,
                "how": item.how,
                "why": item.why,
                "query_name": item.query_name,
                "score": item.score,
                "closest": item.closest,
                "since": at,
            },
        )


def track_seeds(con: duckdb.DuckDBPyConnection, nct_ids: Sequence[str], at: datetime) -> None:
    track(con, (Tracking(n, "seed", "listed in watchlist.toml") for n in nct_ids), at)


def untrack(con: duckdb.DuckDBPyConnection, nct_ids: Sequence[str], at: datetime) -> list[str]:
    """Stop tracking each study; returns those that were not tracked."""
    sql = load_sql("untrack.sql")
    not_tracked = []
    for nct_id in nct_ids:
        if not con.execute(sql, {"nct_id": nct_id, "at": at}).fetchall():
            not_tracked.append(nct_id)
    return not_tracked


def track_query_results(
    con: duckdb.DuckDBPyConnection, run_id: str, query_name: str, at: datetime
) -> None:
    """Record the studies a saved query's run stored as tracked by that query."""
    con.execute(
        load_sql("track_query_results.sql"),
        {"run_id": run_id, "query_name": query_name, "since": at},
    )


def tracked(con: duckdb.DuckDBPyConnection, *, include_untracked: bool = False) -> list[TrackedRow]:
    rows = con.execute(load_sql("tracked.sql", "read"), {"all": include_untracked}).fetchall()
    return [TrackedRow(*row) for row in rows]


def ids_to_fetch(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tracked studies the watchlist ingest fetches by ID besides the watchlist's own."""
    return [row.nct_id for row in tracked(con) if row.how in FETCHED_BY_WATCHLIST_INGEST]
