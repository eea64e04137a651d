"""The snapshot store: runs, and batches of studies stored through plan and writer.

A study gets a new row in ``study_versions`` only when its content changes; every look at a
study is logged in ``observations`` anyway, so "unchanged since" is a query. Storing a batch is
three steps, each its own module: read what the warehouse holds of the batch's studies
(:mod:`warehouse.state`), plan the rows (:mod:`warehouse.plan`, pure), write them in one
transaction (:mod:`warehouse.writer`). :class:`SnapshotStore` runs the three in one process
for callers that do not plan elsewhere (tests, small runs); the pipeline calls them itself.

Example (not run)::

    store = SnapshotStore(connect("data/ctgov.duckdb"))
    run_id = store.start_run(registry_url="http://127.0.0.1:8765", requested=3)
    results = store.store_batch(run_id, studies)
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import duckdb

from models.payload import Batch, RawStudy, Rejection
from warehouse.plan import Outcome, Plan, StoredStudy, plan_batch
from warehouse.sql_text import load_sql
from warehouse.state import read_states
from warehouse.writer import Progress, apply_plan

__all__ = [
    "INTERRUPTED_RUN_ERROR",
    "ObservedStudy",
    "Outcome",
    "Rejection",
    "RunCounts",
    "RunKind",
    "RunStatus",
    "SnapshotStore",
    "StoredStudy",
    "leave_failure",
    "utc_now",
]

RunStatus = Literal["running", "succeeded", "partial", "failed"]
RunKind = Literal["ingest", "query", "sync", "bulk", "backfill", "sweep", "reprocess"]

INTERRUPTED_RUN_ERROR = "interrupted: the process ended before the run finished"

ObservedStudy = RawStudy
"""A study record as received: the parsed JSON and its text exactly as the registry sent it."""


@dataclass(frozen=True)
class RunCounts:
    requested: int
    fetched: int
    new: int
    changed: int
    unchanged: int
    missing: int
    rejected: int
    not_found: int = 0
    backfilled: int = 0


FAILURE_SUFFIX = ".run.failed"


def failure_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + FAILURE_SUFFIX)


def leave_failure(db_path: Path, run_id: str, error: str) -> None:
    """Leave a run's failure beside the database for the next run to record (the file was
    held by someone else when the run ended)."""
    path = failure_path(db_path)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps({"run_id": run_id, "error": error}) + "\n")


def _database_path(con: duckdb.DuckDBPyConnection) -> Path | None:
    rows = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()
    return Path(rows[0][0]) if rows and rows[0][0] else None


def _left_failures(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    db = _database_path(con)
    path = failure_path(db) if db else None
    if path is None or not path.exists():
        return {}
    found: dict[str, str] = {}
    for line in path.read_text("utf-8").splitlines():
        try:
            entry = json.loads(line)
            found[str(entry["run_id"])] = str(entry["error"])
        except (ValueError, KeyError, TypeError):
            continue
    return found


def _clear_failures(con: duckdb.DuckDBPyConnection) -> None:
    db = _database_path(con)
    if db is not None:
        with suppress(FileNotFoundError):
            failure_path(db).unlink()


def utc_now() -> datetime:
    return datetime.now(UTC)


def _naive_utc(value: datetime | None) -> datetime | None:
    """``runs.registry_data_timestamp`` is a TIMESTAMP (UTC, as the registry states it): store
    an aware value as its naive UTC time, whatever the session's time zone."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


class SnapshotStore:
    """Runs and batches through one DuckDB connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def start_run(
        self,
        *,
        registry_url: str,
        requested: int,
        flow_run_id: str | None = None,
        started_at: datetime | None = None,
        kind: RunKind = "ingest",
        source: str | None = None,
    ) -> str:
        """Open a run row; runs left ``running`` by a crashed process are marked failed first."""
        self.close_interrupted_runs()
        run_id = str(uuid.uuid4())
        self.con.execute(
            "INSERT INTO runs (run_id, flow_run_id, started_at, status, registry_url, "
            "requested_count, kind, source) VALUES (?, ?, ?, 'running', ?, ?, ?, ?)",
            [run_id, flow_run_id, started_at or utc_now(), registry_url, requested, kind, source],
        )
        return run_id

    def close_interrupted_runs(self) -> int:
        """Mark runs still ``running`` as failed.

        Only one writer can hold the database file, and every run finishes its row before it
        lets go of the run lock, so a ``running`` row seen by a new run is from a dead process,
        or from one that could not get the file back to say it failed (it left the reason in
        ``<db>.run.failed``).
        """
        left = _left_failures(self.con)
        for run_id, error in left.items():
            self.con.execute(
                "UPDATE runs SET status = 'failed', error = ?, finished_at = now() "
                "WHERE run_id = ? AND status = 'running'",
                [error, run_id],
            )
        rows = self.con.execute(
            "UPDATE runs SET status = 'failed', error = ? "
            "WHERE status = 'running' RETURNING run_id",
            [INTERRUPTED_RUN_ERROR],
        ).fetchall()
        _clear_failures(self.con)
        return len(rows) + len(left)

    def set_registry_version(
        self, run_id: str, api_version: str | None, data_timestamp: datetime | None
    ) -> None:
        self.con.execute(
            "UPDATE runs SET registry_api_version = ?, registry_data_timestamp = ? "
            "WHERE run_id = ?",
            [api_version, _naive_utc(data_timestamp), run_id],
        )

    def plan(self, run_id: str, batch: Batch, *, when: datetime | None = None) -> Plan:
        """The plan of ``batch`` against what the warehouse holds now."""
        return plan_batch(
            batch, read_states(self.con, batch), run_id=run_id, when=when or utc_now()
        )

    def apply(self, plan: Plan, progress: Progress | None = None) -> list[StoredStudy]:
        apply_plan(self.con, plan, progress)
        return plan.results

    def store_batch(
        self,
        run_id: str,
        studies: Sequence[RawStudy],
        *,
        observed_at: datetime | None = None,
    ) -> list[StoredStudy]:
        """Store one batch in one transaction and say, per study, what it did."""
        return self.apply(self.plan(run_id, Batch(studies=studies), when=observed_at))

    def record_missing(
        self, run_id: str, nct_ids: Sequence[str], *, observed_at: datetime | None = None
    ) -> list[StoredStudy]:
        """Log studies the registry has no study for (confirmed by a 404).

        A tracked study (one with stored versions) is ``missing`` and gets a ``study_missing``
        event the first time; an ID never stored is ``not_found`` and gets no event.
        """
        if not nct_ids:
            return []
        return self.apply(self.plan(run_id, Batch(missing=nct_ids), when=observed_at))

    def record_rejected(
        self, run_id: str, rejections: Sequence[Rejection], *, observed_at: datetime | None = None
    ) -> None:
        """Quarantine payloads with their error; each named study gets a `rejected` observation."""
        if rejections:
            self.apply(self.plan(run_id, Batch(rejections=rejections), when=observed_at))

    def finish_run(
        self,
        run_id: str,
        *,
        status: RunStatus,
        error: str | None = None,
        fetched: int | None = None,
        drift: int = 0,
        finished_at: datetime | None = None,
    ) -> RunCounts:
        """Close the run row with counts taken from its observations."""
        self.con.execute(
            load_sql("finish_run.sql", "write"),
            {
                "run_id": run_id,
                "status": status,
                "error": error,
                "fetched": fetched,
                "drift": drift,
                "finished_at": finished_at or utc_now(),
            },
        )
        return self.run_counts(run_id)

    def run_counts(self, run_id: str) -> RunCounts:
        rows = self.con.execute(
            "SELECT requested_count, fetched_count, new_count, changed_count, unchanged_count, "
            "missing_count, rejected_count, not_found_count, backfilled_count "
            "FROM runs WHERE run_id = ?",
            [run_id],
        ).fetchall()
        if not rows:
            raise KeyError(run_id)
        return RunCounts(*rows[0])
