"""The Prefect flows: each reads like the pipeline's table of contents.

* ``ingest``: a watchlist, given IDs, or a search (``query``; ``since_last_run`` for only what
  changed since its last successful run) → versioned snapshots → Parquet.
* ``backfill_history``: the registry's own version history of tracked (or given) studies.
* ``load_bulk``: the registry's bulk download (a zip or a folder of study files).
* ``sweep``: the IDs the registry still has, to record the studies it no longer returns.

The work is in :mod:`flows.pipeline` and :mod:`flows.sources`, which tests call without
Prefect. Task counts follow batches, never studies: a 600,000-study load is one flow run, a
few tasks, and per-study Prefect events only for the first :data:`EVENT_CAP` studies.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, runtime, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from flows import pipeline, progress, sources
from flows.prefect_dask import flow_planning
from flows.prefect_events import emit_study_events
from flows.settings import Settings, settings_with
from flows.shared_limits import shared_limits
from flows.summary import RunSummary, build_summary, to_markdown
from registry import RegistryClient
from registry.sources import Source
from registry.types import RegistryVersion

TASK_OPTIONS: dict[str, Any] = {"cache_policy": NO_CACHE}
"""Inputs can be 600k records: never hash them for a cache key."""

EVENT_CAP = 100
"""Studies whose change events a run emits as Prefect events (all of a watchlist's)."""


@task(name="export", **TASK_OPTIONS)
def export(settings: Settings) -> dict[str, int]:
    """Rewrite the Parquet export atomically."""
    return pipeline.export(settings)


@task(name="site", **TASK_OPTIONS)
def publish_site(settings: Settings) -> str:
    """Rebuild the static site and link it from the run's artifacts."""
    index = pipeline.build_site(settings).resolve()
    create_link_artifact(
        key="ctgov-site",
        link=index.as_uri(),
        link_text=f"static site of {settings.db.name}",
        description="The trials, their timelines and changes (ctgov report), rebuilt by this run.",
    )
    return str(index)


@task(name="summarise", **TASK_OPTIONS)
def summarise(summary: RunSummary) -> None:
    """Publish the run summary as a Markdown artifact and its changes as Prefect events."""
    create_markdown_artifact(
        key=f"ctgov-{summary.kind}-summary",
        markdown=to_markdown(summary),
        description=summary.headline(),
    )
    watched = {t.nct_id for t in summary.trials[:EVENT_CAP]}
    emit_study_events([e for e in summary.events if e[0] in watched])


def run_and_publish(
    settings: Settings,
    build: Callable[[RegistryClient], Source],
    *,
    history: pipeline.HistoryPolicy = "auto",
    registry_version: RegistryVersion | None = None,
) -> RunSummary:
    """Build the source, run it through the pipeline, export, and publish the summary."""
    with (
        shared_limits(settings.requests_per_minute) as limiter,
        flow_planning(settings) as runner,
        RegistryClient(pipeline.registry_config(settings), rate_limiter=limiter) as client,
    ):
        report = pipeline.run_source(
            settings,
            build(client),
            client=client,
            history=history,
            progress=progress.report,
            flow_run_id=runtime.flow_run.id,
            runner=runner,
            registry_version=registry_version,
        )
    return _publish(settings, report)


def _publish(settings: Settings, report: pipeline.RunReport) -> RunSummary:
    if settings.export:
        export(settings)
    if settings.site:
        publish_site(settings)
    summary = build_summary(report)
    summarise(summary)
    get_run_logger().info(summary.headline())
    return summary


@flow(name="ingest", log_prints=True)
def ingest(
    nct_ids: list[str] | None = None,
    db: str | None = None,
    registry_url: str | None = None,
    watchlist: str | None = None,
    export_parquet: bool | None = None,
    query: dict[str, str] | None = None,
    since_last_run: bool = False,
    history: bool | None = None,
    registry_version: RegistryVersion | None = None,
    site: bool | None = None,
) -> RunSummary:
    """Fetch the watched trials (or a search) and store a new version of each that changed;
    ``site`` (or ``CTGOV_SITE``) rebuilds the static site after the run and links it.

    ``registry_version``: the registry's ``/version`` when the caller has just asked it (the
    CLI checks the registry answers before Prefect starts); otherwise the run asks.
    """
    settings = settings_with(
        db=db, registry_url=registry_url, watchlist=watchlist, export=export_parquet,
        history=history, site=site,
    )  # fmt: skip
    if query is not None:
        return run_and_publish(
            settings,
            lambda client: sources.query_source(
                settings, client, query, since_last_run=since_last_run
            ),
            registry_version=registry_version,
        )
    return run_and_publish(
        settings,
        lambda client: sources.ids_source(settings, client, nct_ids),
        registry_version=registry_version,
    )


@flow(name="backfill_history", log_prints=True)
def backfill_history(
    nct_ids: list[str] | None = None,
    db: str | None = None,
    registry_url: str | None = None,
    modules: list[str] | None = None,
    export_parquet: bool | None = None,
) -> RunSummary:
    """Store the registry's own earlier versions of tracked (or given) studies."""
    settings = settings_with(db=db, registry_url=registry_url, export=export_parquet)
    return run_and_publish(
        settings,
        lambda client: sources.history_source(settings, client, nct_ids, modules or ()),
        history="off",
    )


@flow(name="load_bulk", log_prints=True)
def load_bulk(path: str, db: str | None = None, export_parquet: bool | None = None) -> RunSummary:
    """Load the registry's bulk download (a zip or a folder of NN/NCTxxxxxxxx.json files)."""
    settings = settings_with(db=db, export=export_parquet)
    with (
        shared_limits(settings.requests_per_minute),
        flow_planning(settings, bulk=True) as runner,
    ):
        report = pipeline.run_source(
            settings,
            sources.bulk_source(settings, Path(path)),
            history="off",
            progress=progress.report,
            flow_run_id=runtime.flow_run.id,
            hold=True,
            runner=runner,
        )
    return _publish(settings, report)


@flow(name="sweep", log_prints=True)
def sweep(
    db: str | None = None,
    registry_url: str | None = None,
    query: dict[str, str] | None = None,
    export_parquet: bool | None = None,
) -> RunSummary:
    """Record as missing the tracked studies the registry no longer returns."""
    settings = settings_with(db=db, registry_url=registry_url, export=export_parquet)
    return run_and_publish(
        settings, lambda client: sources.sweep_source(settings, client, query or {}), history="off"
    )
