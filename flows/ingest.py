"""The ``ingest`` flow: watchlist -> registry -> models -> versioned snapshots -> Parquet.

The flow body is the pipeline's table of contents; each task is one call into
:mod:`flows.pipeline`, where the work is done and tested without Prefect.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger, runtime, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from flows import pipeline, progress
from flows.prefect_events import emit_study_events
from flows.settings import Settings, settings_with
from flows.summary import RunSummary, build_summary, to_markdown
from flows.watchlist import resolve_ids
from registry.types import RawStudy
from warehouse.lock import run_lock
from warehouse.store import RunCounts, RunStatus, StoredStudy

TASK_OPTIONS: dict[str, Any] = {"cache_policy": NO_CACHE}
"""Inputs can be 600k records: never hash them for a cache key."""


@task(name="resolve watchlist", **TASK_OPTIONS)
def resolve_watchlist(settings: Settings, nct_ids: list[str] | None) -> list[str]:
    """The NCT IDs to fetch: the ones given, else the watchlist's."""
    return resolve_ids(nct_ids, settings.watchlist)


@task(name="start run", **TASK_OPTIONS)
def start_run(settings: Settings, requested: int) -> str:
    """Open the run row (and close runs a crashed process left open)."""
    return pipeline.begin_run(settings, requested, flow_run_id=runtime.flow_run.id)


@task(name="fetch", **TASK_OPTIONS)
def fetch(settings: Settings, nct_ids: list[str]) -> pipeline.Fetched:
    """Fetch the studies from the registry API v2; unreturned IDs come back as missing."""
    return pipeline.fetch(settings, nct_ids)


@task(name="validate", **TASK_OPTIONS)
def validate(studies: list[RawStudy]) -> pipeline.Validated:
    """Validate each record against the lossless models; quarantine what does not fit."""
    return pipeline.validate(studies)


@task(name="store", **TASK_OPTIONS)
def store(
    settings: Settings, run_id: str, fetched: pipeline.Fetched, validated: pipeline.Validated
) -> list[StoredStudy]:
    """Store versions, observations and rejections, one transaction per batch."""
    return pipeline.store(settings, run_id, fetched, validated, progress=progress.report)


@task(name="finish run", **TASK_OPTIONS)
def finish(
    settings: Settings,
    run_id: str,
    status: RunStatus,
    fetched: pipeline.Fetched,
    validated: pipeline.Validated,
) -> RunCounts:
    """Close the run row with its counts and status."""
    return pipeline.finish_run(
        settings,
        run_id,
        status=status,
        fetched=len(fetched.studies),
        drift=validated.drift_count,
    )


@task(name="export", **TASK_OPTIONS)
def export(settings: Settings) -> dict[str, int]:
    """Rewrite the Parquet export atomically."""
    return pipeline.export(settings)


@task(name="summarise", **TASK_OPTIONS)
def summarise(summary: RunSummary) -> None:
    """Publish the run summary as a Markdown artifact and each change as a Prefect event."""
    create_markdown_artifact(
        key="ctgov-ingest-summary", markdown=to_markdown(summary), description=summary.headline()
    )
    emit_study_events(summary.events)


@flow(name="ingest", log_prints=True)
def ingest(
    nct_ids: list[str] | None = None,
    db: str | None = None,
    registry_url: str | None = None,
    watchlist: str | None = None,
    export_parquet: bool | None = None,
) -> RunSummary:
    """Fetch the watched trials and store a new version of each one whose content changed."""
    settings = settings_with(
        db=db, registry_url=registry_url, watchlist=watchlist, export=export_parquet
    )
    ids = resolve_watchlist(settings, nct_ids)
    with run_lock(settings.db):
        run_id = start_run(settings, len(ids))
        try:
            fetched = fetch(settings, ids)
            validated = validate(fetched.studies)
            stored = store(settings, run_id, fetched, validated)
            status = pipeline.run_status(fetched, validated)
            counts = finish(settings, run_id, status, fetched, validated)
        except Exception as exc:
            pipeline.finish_run(settings, run_id, status="failed", error=str(exc))
            raise
        if settings.export:
            export(settings)
    summary = build_summary(run_id, status, counts, fetched, validated, stored)
    summarise(summary)
    get_run_logger().info(summary.headline())
    return summary
