"""The ingest pipeline's steps as plain functions: the flow's tasks call them, tests call them too.

Each step opens what it needs and closes it again, so the DuckDB file is held read-write only
while a step writes (readers get in between), and each step can be run on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from flows.settings import Settings
from models import DriftItem, StudyValidationError, parse_study
from registry import RegistryClient, RegistryConfig, RegistryVersion
from registry.config import DEFAULT_BACKOFF_JITTER_S
from registry.types import RawStudy
from warehouse.database import connect
from warehouse.export import export_parquet
from warehouse.store import (
    ObservedStudy,
    Rejection,
    RunCounts,
    RunStatus,
    SnapshotStore,
    StoredStudy,
)

ProgressCallback = Callable[[str, int, int], None]
"""``(phase, done, total)``: called as batches complete, for progress bars on long runs."""


def _no_progress(phase: str, done: int, total: int) -> None:
    return None


@dataclass(frozen=True)
class Fetched:
    """What the registry returned for the requested IDs, and when its data was refreshed."""

    studies: list[RawStudy]
    missing: list[str]
    """Requested IDs the registry answered 404 for (tracked or never seen: the store tells)."""
    registry_version: RegistryVersion
    aliases: dict[str, str] = field(default_factory=dict)
    """Requested ID → the NCT ID of the study that answered it, where they differ."""


@dataclass(frozen=True)
class Validated:
    """Studies ready to store, payloads to quarantine, and the schema drift seen on the way."""

    observed: list[ObservedStudy]
    rejections: list[Rejection]
    drift: dict[str, list[DriftItem]] = field(default_factory=dict)

    @property
    def drift_count(self) -> int:
        return sum(len(items) for items in self.drift.values())


def registry_config(settings: Settings) -> RegistryConfig:
    return RegistryConfig(
        base_url=settings.registry_url,
        requests_per_minute=settings.requests_per_minute,
        max_attempts=settings.max_attempts,
        backoff_initial_s=settings.backoff_initial_s,
        backoff_jitter_s=min(DEFAULT_BACKOFF_JITTER_S, settings.backoff_initial_s),
    )


def begin_run(settings: Settings, requested: int, flow_run_id: str | None = None) -> str:
    with connect(settings.db) as con:
        return SnapshotStore(con).start_run(
            registry_url=settings.registry_url, requested=requested, flow_run_id=flow_run_id
        )


def fetch(settings: Settings, nct_ids: Sequence[str]) -> Fetched:
    """Ask the registry for the studies; IDs it does not return come back as ``missing``."""
    with RegistryClient(registry_config(settings)) as client:
        version = client.version()
        result = client.fetch_studies(nct_ids)
    return Fetched(
        studies=result.studies,
        missing=result.missing,
        registry_version=version,
        aliases=result.aliases,
    )


def validate(studies: Sequence[RawStudy]) -> Validated:
    """Check each record against the models; a record that does not fit is quarantined, not lost."""
    observed: list[ObservedStudy] = []
    rejections: list[Rejection] = []
    drift: dict[str, list[DriftItem]] = {}
    for raw in studies:
        try:
            parsed = parse_study(raw.record)
        except StudyValidationError as exc:
            rejections.append(
                Rejection(nct_id=raw.nct_id, stage="validate", error=str(exc), payload=raw.text)
            )
            continue
        if parsed.drift:
            drift[raw.nct_id] = parsed.drift
        observed.append(raw)
    return Validated(observed=observed, rejections=rejections, drift=drift)


def store(
    settings: Settings,
    run_id: str,
    fetched: Fetched,
    validated: Validated,
    progress: ProgressCallback = _no_progress,
) -> list[StoredStudy]:
    """Store every batch (one transaction each), then the rejections and the missing studies."""
    stored: list[StoredStudy] = []
    total = len(validated.observed)
    with connect(settings.db) as con:
        snapshots = SnapshotStore(con)
        snapshots.set_registry_version(
            run_id, fetched.registry_version.api_version, fetched.registry_version.data_timestamp
        )
        for batch in _batches(validated.observed, settings.batch_size):
            stored.extend(snapshots.store_batch(run_id, batch))
            progress("store", len(stored), total)
        snapshots.record_rejected(run_id, validated.rejections)
        stored.extend(snapshots.record_missing(run_id, fetched.missing))
    return stored


def finish_run(
    settings: Settings,
    run_id: str,
    *,
    status: RunStatus,
    error: str | None = None,
    fetched: int | None = None,
    drift: int = 0,
) -> RunCounts:
    with connect(settings.db) as con:
        return SnapshotStore(con).finish_run(
            run_id, status=status, error=error, fetched=fetched, drift=drift
        )


def run_status(fetched: Fetched, validated: Validated) -> RunStatus:
    """``partial`` when any requested study is missing, not found or rejected, else
    ``succeeded``."""
    return "partial" if fetched.missing or validated.rejections else "succeeded"


def export(settings: Settings) -> dict[str, int]:
    """Write the Parquet export; returns rows per table."""
    with connect(settings.db) as con:
        summary = export_parquet(con, settings.export_dir)
    return dict(summary.rows)


def _batches(items: Sequence[ObservedStudy], size: int) -> Iterator[Sequence[ObservedStudy]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
