"""Which source a run reads, from a flow's or a command's parameters.

>>> search_params(condition="AML", intervention="CAR-NK", status=["RECRUITING"])
{'query.cond': 'AML', 'query.intr': 'CAR-NK', 'filter.overallStatus': 'RECRUITING'}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flows.settings import Settings
from flows.watchlist import resolve_ids
from models.errors import InputError
from registry import RegistryClient
from registry.bulk import BulkSource
from registry.sources import (
    HistorySource,
    IdsSource,
    QuerySource,
    Source,
    SweepSource,
    canonical_query,
    incremental,
)
from warehouse import tracked
from warehouse.database import connect

INCREMENTAL_OVERLAP = timedelta(days=1)
"""An incremental run asks from a day before the last successful run's data date: the
registry posts a day's updates at once, and one day again costs only hashes."""

SEARCH_PARAMETERS: dict[str, str] = {
    "query": "query.term",
    "condition": "query.cond",
    "intervention": "query.intr",
    "sponsor": "query.spons",
    "title": "query.titles",
    "location": "query.locn",
    "outcome": "query.outc",
}
"""CLI/flow names of the registry's query areas (API-NOTES §2)."""


class NothingToSyncError(InputError):
    """``--since-last-run`` for a source that never ran successfully."""


def search_params(
    *,
    query: str | None = None,
    condition: str | None = None,
    intervention: str | None = None,
    sponsor: str | None = None,
    title: str | None = None,
    location: str | None = None,
    outcome: str | None = None,
    status: Sequence[str] = (),
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The registry's ``GET /studies`` parameters for a search; empty means the whole registry."""
    given = {
        "query": query,
        "condition": condition,
        "intervention": intervention,
        "sponsor": sponsor,
        "title": title,
        "location": location,
        "outcome": outcome,
    }
    params = {SEARCH_PARAMETERS[name]: value for name, value in given.items() if value}
    if status:
        params["filter.overallStatus"] = ",".join(s.strip().upper() for s in status if s.strip())
    params.update(extra or {})
    return params


def ids_source(
    settings: Settings, client: RegistryClient, nct_ids: Sequence[str] | None
) -> IdsSource:
    """The IDs given, or the watchlist's and those tracked in the warehouse besides
    (``ctgov discover --add``, ``ctgov track``)."""
    ids = resolve_ids(nct_ids, settings.watchlist)
    if not nct_ids:
        ids = list(dict.fromkeys([*ids, *tracked_extra_ids(settings, ids)]))
    return IdsSource(client, ids)


def query_source(
    settings: Settings,
    client: RegistryClient,
    params: Mapping[str, str],
    *,
    since_last_run: bool = False,
    since: date | None = None,
) -> QuerySource:
    """A search, whole or (``since_last_run`` / ``since``) only what changed since."""
    if since is None and since_last_run:
        since = _since_last_success(settings, f"query:{canonical_query(params)}")
    if since is None:
        return QuerySource(client, params)
    return incremental(client, params, since)


def history_source(
    settings: Settings,
    client: RegistryClient,
    nct_ids: Sequence[str] | None,
    modules: Sequence[str] = (),
) -> HistorySource:
    """The history of the given studies, default every study the warehouse tracks."""
    ids = list(nct_ids) if nct_ids else tracked_ids(settings)
    if not ids:
        raise InputError(
            "nothing to backfill: the warehouse tracks no study yet; pass NCT IDs or run "
            "`ctgov ingest` first"
        )
    known = _held_registry_versions(settings)
    return HistorySource(
        client,
        ids,
        held=lambda nct_id: known.get(nct_id, set()),
        modules=frozenset(m.strip() for m in modules if m.strip()),
    )


def bulk_source(settings: Settings, path: Path) -> BulkSource:
    return BulkSource(path, batch_size=settings.bulk_batch_size)


def sweep_source(
    settings: Settings, client: RegistryClient, params: Mapping[str, str]
) -> SweepSource:
    return SweepSource(client, tracked_ids(settings), params)


def saved_query_source(
    settings: Settings, client: RegistryClient, params: Mapping[str, str]
) -> QuerySource:
    """A saved query for the daily sync: what changed since its last successful run, or the
    whole query the first time."""
    try:
        return query_source(settings, client, params, since_last_run=True)
    except NothingToSyncError:
        return query_source(settings, client, params)


def tracked_ids(settings: Settings) -> list[str]:
    """Every study the warehouse holds a version of."""
    if not settings.db.exists():
        return []
    con = connect(settings.db, read_only=True)
    try:
        rows = con.execute("SELECT DISTINCT nct_id FROM study_versions ORDER BY 1").fetchall()
    finally:
        con.close()
    return [row[0] for row in rows]


def tracked_extra_ids(settings: Settings, seeds: Sequence[str] = ()) -> list[str]:
    """Studies tracked by similarity or by hand (``tracked_studies``), for the watchlist
    ingest; ``seeds`` (the watchlist's trials) are recorded as tracked first. Read-write, so a
    database from before ``tracked_studies`` is brought up to date."""
    if not settings.db.exists() and not seeds:
        return []
    con = connect(settings.db)
    try:
        if seeds:
            tracked.track_seeds(con, seeds, datetime.now(UTC))
        return tracked.ids_to_fetch(con)
    finally:
        con.close()


def _held_registry_versions(settings: Settings) -> dict[str, set[int]]:
    if not settings.db.exists():
        return {}
    con = connect(settings.db, read_only=True)
    try:
        rows = con.execute(
            "SELECT nct_id, list(registry_version) FROM study_versions "
            "WHERE registry_version IS NOT NULL GROUP BY nct_id"
        ).fetchall()
    finally:
        con.close()
    return {nct_id: set(versions) for nct_id, versions in rows}


def _since_last_success(settings: Settings, cursor_key: str) -> date:
    from flows.pipeline import last_success_date

    last = last_success_date(settings, cursor_key)
    if last is None:
        what = cursor_key.removeprefix("query:") or "the whole registry"
        raise NothingToSyncError(
            f"--since-last-run: no successful run of {what} yet; run it once without "
            "--since-last-run"
        )
    return last - INCREMENTAL_OVERLAP


__all__ = [
    "INCREMENTAL_OVERLAP",
    "NothingToSyncError",
    "Source",
    "bulk_source",
    "history_source",
    "ids_source",
    "query_source",
    "search_params",
    "sweep_source",
    "tracked_ids",
]
