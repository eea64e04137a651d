"""Related-trial discovery: run the saved queries, rank what they find against the watched
trials, and track the best.

The queries (``[[queries]]`` in ``watchlist.toml`` with ``discover = true``) say where to look;
:mod:`models.similarity` says how alike each candidate is to the closest watched trial, with
its reasons. Nothing is stored by looking: ``add`` records the chosen candidates in
``tracked_studies`` (how ``similarity``, the query that found each, the score and the reasons),
and the next watchlist ingest fetches them, with their registry history, like the seeds.

Plain functions, no Prefect: ``ctgov discover`` calls them directly, the ``discover-weekly``
deployment's flow wraps them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flows import sources
from flows.settings import Settings
from flows.watchlist import SavedQuery, load_watchlist
from models.errors import InputError
from models.similarity import Match, Profile, profile, rank
from registry import RegistryClient
from warehouse import tracked
from warehouse.database import connect
from warehouse.lock import run_lock
from warehouse.sql_text import load_sql

DEFAULT_PER_QUERY = 1000
"""Candidates read per query: one page, the registry's most relevant first."""
DEFAULT_MIN_SCORE = 3.0
"""Below this a candidate shares at most a phase or a broad modality: not worth tracking
automatically (``--add`` skips it; it is still listed)."""


class NoDiscoveryQueriesError(InputError):
    """The watchlist has no saved query to discover with."""


@dataclass(frozen=True)
class Candidate:
    match: Match
    queries: tuple[str, ...]
    """The saved queries that returned it."""

    def as_json(self) -> dict[str, Any]:
        return {
            "nct_id": self.match.nct_id,
            "title": self.match.title,
            "score": self.match.score,
            "closest": self.match.closest,
            "reasons": [{"weight": r.weight, "text": r.text} for r in self.match.reasons],
            "queries": list(self.queries),
        }


@dataclass(frozen=True)
class Discovery:
    watched: tuple[str, ...]
    queries: tuple[tuple[str, int], ...]
    """Each query's name and how many studies it returned."""
    candidates: tuple[Candidate, ...]
    """Best first; the watched studies left out (those a query's sync keeps are candidates)."""

    def top(self, n: int, min_score: float = DEFAULT_MIN_SCORE) -> list[Candidate]:
        return [c for c in self.candidates if c.match.score >= min_score][:n]


def discovery_queries(settings: Settings, names: Sequence[str] = ()) -> list[SavedQuery]:
    """The watchlist's discovery queries (``discover = true``), or those named."""
    watchlist = load_watchlist(settings.watchlist)
    if names:
        return [watchlist.query(name) for name in names]
    chosen = [q for q in watchlist.queries if q.discover]
    if not chosen:
        raise NoDiscoveryQueriesError(
            f"watchlist {settings.watchlist} has no [[queries]] with discover = true; add one "
            '(e.g. name = "aml", condition = "Acute Myeloid Leukemia")'
        )
    return chosen


def watched_ids(settings: Settings) -> list[str]:
    """The watchlist's trials and those tracked by similarity or by hand."""
    ids = load_watchlist(settings.watchlist).nct_ids
    return list(dict.fromkeys([*ids, *sources.tracked_extra_ids(settings)]))


def discover(
    settings: Settings,
    client: RegistryClient,
    queries: Sequence[SavedQuery],
    *,
    per_query: int = DEFAULT_PER_QUERY,
) -> Discovery:
    """Run ``queries`` and rank what they return against the watched trials."""
    watched = watched_ids(settings)
    profiles = _watched_profiles(settings, client, watched)
    skip = set(watched)
    found: dict[str, Profile] = {}
    by: dict[str, list[str]] = {}
    counts = []
    for query in queries:
        params = sources.search_params(**query.search_fields())
        returned = 0
        for page in client.iter_study_pages(params):
            for study in page.studies[: per_query - returned]:
                returned += 1
                by.setdefault(study.nct_id, []).append(query.name)
                if study.nct_id not in skip:
                    found.setdefault(study.nct_id, profile(study.record))
            if returned >= per_query:
                break
        counts.append((query.name, returned))
    ranked = rank(found.values(), profiles)
    return Discovery(
        watched=tuple(watched),
        queries=tuple(counts),
        candidates=tuple(Candidate(m, tuple(by[m.nct_id])) for m in ranked),
    )


def add(settings: Settings, chosen: Sequence[Candidate]) -> None:
    """Track ``chosen`` (how ``similarity``), with the seeds of the watchlist as seeds."""
    at = datetime.now(UTC)
    items = [
        tracked.Tracking(
            c.match.nct_id,
            "similarity",
            c.match.why,
            query_name=c.queries[0],
            score=c.match.score,
            closest=c.match.closest,
        )
        for c in chosen
    ]
    with run_lock(settings.db, wait_s=settings.run_lock_wait_s), connect(settings.db) as con:
        tracked.track_seeds(con, load_watchlist(settings.watchlist).nct_ids, at)
        tracked.track(con, items, at)


def _watched_profiles(
    settings: Settings, client: RegistryClient, nct_ids: Sequence[str]
) -> list[Profile]:
    """Profiles of the watched trials: their current version in the warehouse, else as the
    registry serves them now."""
    records = _held_records(settings, nct_ids)
    absent = [n for n in nct_ids if n not in records]
    if absent:
        for study in client.fetch_studies(absent).studies:
            records[study.nct_id] = study.record
    return [profile(records[n]) for n in nct_ids if n in records]


def _held_records(settings: Settings, nct_ids: Sequence[str]) -> dict[str, Any]:
    if not settings.db.exists() or not nct_ids:
        return {}
    with connect(settings.db) as con:
        rows = con.execute(load_sql("head_records.sql", "read"), {"ids": list(nct_ids)}).fetchall()
    return {nct_id: json.loads(record) for nct_id, record in rows}


def markdown(found: Discovery, *, added: Sequence[str] = (), limit: int = 30) -> str:
    """The ranking as a Markdown table (the flow's artifact)."""
    asked = ", ".join(f"{name} ({count})" for name, count in found.queries)
    lines = [
        f"{len(found.candidates)} candidates from {asked}, ranked against "
        f"{', '.join(found.watched)}.",
        "",
        "| # | NCT ID | score | like | title | why |",
        "|---|---|---|---|---|---|",
    ]
    for rank_, c in enumerate(found.candidates[:limit], 1):
        m = c.match
        cells = [str(rank_), m.nct_id, f"{m.score:.1f}", m.closest or "", m.title, m.why]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    lines += ["", f"Tracked now: {', '.join(added) or 'none'}."]
    return "\n".join(lines) + "\n"
