"""The flows the deployments in ``prefect.yaml`` run: the CLI's work, made for running
unattended.

Each retries (:data:`RETRIES` times, :data:`RETRY_DELAY_S` apart: a registry outage rarely lasts
longer) and waits for another run on the same database to finish rather than failing
(``CTGOV_RUN_LOCK_WAIT_S``, set by ``prefect.yaml`` and ``ctgov serve``). Prefect 3's
``prefect.yaml`` has no field for flow retries, so they are declared here, on the flows it
names; schedules, time zones, parameters and concurrency are declared there.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from flows import discovery, pipeline, sources
from flows import ingest as flows
from flows.settings import Settings, settings_with
from flows.summary import RunSummary
from flows.watchlist import load_watchlist
from registry import RegistryClient
from registry.sources import Source
from warehouse import tracked
from warehouse.database import connect
from warehouse.lock import run_lock

RETRIES = 2
RETRY_DELAY_S = 600
UNATTENDED: dict[str, Any] = {
    "retries": RETRIES,
    "retry_delay_seconds": RETRY_DELAY_S,
    "log_prints": True,
}


@flow(name="watchlist-ingest", **UNATTENDED)
def watchlist_ingest(
    db: str | None = None, registry_url: str | None = None, watchlist: str | None = None
) -> RunSummary:
    """The watchlist's trials, as ``ctgov ingest`` with no IDs."""
    return flows.ingest.fn(db=db, registry_url=registry_url, watchlist=watchlist)


@flow(name="sync-saved-queries", **UNATTENDED)
def sync_saved_queries(
    db: str | None = None, registry_url: str | None = None, watchlist: str | None = None
) -> list[RunSummary]:
    """Every saved query with ``sync = true``: what changed since its last successful run
    (the whole query the first time). One run per query, so each keeps its own cursor."""
    settings = settings_with(db=db, registry_url=registry_url, watchlist=watchlist)
    saved = [q for q in load_watchlist(settings.watchlist).queries if q.sync]
    logger = get_run_logger()
    if not saved:
        logger.info("no saved query has sync = true in %s; nothing to sync", settings.watchlist)
    summaries = []
    for query in saved:
        params = sources.search_params(**query.search_fields())
        logger.info("syncing saved query %s (%s)", query.name, params)
        summary = flows.run_and_publish(settings, _saved(settings, params))
        _track_query_results(settings, summary.run_id, query.name)
        summaries.append(summary)
    return summaries


def _track_query_results(settings: Settings, run_id: str, query_name: str) -> None:
    with run_lock(settings.db, wait_s=settings.run_lock_wait_s), connect(settings.db) as con:
        tracked.track_query_results(con, run_id, query_name, datetime.now(UTC))


def _saved(settings: Settings, params: dict[str, str]) -> Callable[[RegistryClient], Source]:
    def build(client: RegistryClient) -> Source:
        return sources.saved_query_source(settings, client, params)

    return build


@flow(name="history-backfill", **UNATTENDED)
def history_backfill(
    nct_ids: list[str] | None = None,
    modules: list[str] | None = None,
    db: str | None = None,
    registry_url: str | None = None,
) -> RunSummary:
    """The registry's own earlier versions of tracked (or given) studies; resumable."""
    return flows.backfill_history.fn(
        nct_ids=nct_ids, modules=modules, db=db, registry_url=registry_url
    )


@flow(name="discover-related", **UNATTENDED)
def discover_related(
    add: int = 0,
    min_score: float = discovery.DEFAULT_MIN_SCORE,
    queries: list[str] | None = None,
    db: str | None = None,
    registry_url: str | None = None,
    watchlist: str | None = None,
) -> list[dict[str, Any]]:
    """The saved queries' candidates ranked against the watched trials, as ``ctgov discover``;
    ``add`` tracks the best ones. The ranking is the run's Markdown artifact."""
    settings = settings_with(db=db, registry_url=registry_url, watchlist=watchlist)
    chosen_queries = discovery.discovery_queries(settings, queries or [])
    with RegistryClient(pipeline.registry_config(settings)) as client:
        found = discovery.discover(settings, client, chosen_queries)
    chosen = found.top(add, min_score) if add else []
    if chosen:
        discovery.add(settings, chosen)
    create_markdown_artifact(
        key="related-trials",
        markdown=discovery.markdown(found, added=[c.match.nct_id for c in chosen]),
        description="Candidates of the saved queries, ranked against the watched trials",
    )
    get_run_logger().info(
        "%d candidates; tracked %s",
        len(found.candidates),
        ", ".join(c.match.nct_id for c in chosen) or "none",
    )
    return [c.as_json() for c in found.candidates[:50]]
