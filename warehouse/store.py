"""The snapshot store: runs, observations and versions of study records.

A study gets a new row in ``study_versions`` only when the canonical content hash of its record
changes; every look at a study is logged in ``observations`` anyway, so "unchanged since" is a
query. Each batch is one transaction: observations, versions, the previous versions' ``valid_to``,
change tracking and normalized rows commit together or not at all.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import duckdb
import pyarrow as pa

from models.hashing import content_hash
from models.payload import RawStudy
from warehouse import normalize, tracking
from warehouse.events import Event
from warehouse.sql_text import load_sql
from warehouse.transactions import transaction

Outcome = Literal["new", "changed", "unchanged", "missing", "not_found", "rejected"]
"""What a run saw of a requested study; ``missing`` is a tracked study the registry no longer
returns, ``not_found`` an ID it has no study for and that was never stored."""
RunStatus = Literal["running", "succeeded", "partial", "failed"]
Source = Literal["observed", "registry"]

INTERRUPTED_RUN_ERROR = "interrupted: the process ended before the run finished"


ObservedStudy = RawStudy
"""A study record as received: the parsed JSON and its text exactly as the registry sent it."""


@dataclass(frozen=True)
class Rejection:
    """A payload that cannot become a version, kept with the reason so nothing is lost."""

    nct_id: str | None
    stage: Literal["fetch", "parse", "validate", "store"]
    error: str
    payload: str | None


@dataclass(frozen=True)
class StoredStudy:
    """What storing one observed study did."""

    nct_id: str
    outcome: Outcome
    version: int | None
    content_hash: str | None
    previous_version: int | None = None
    events: list[Event] = field(default_factory=list)


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


@dataclass(frozen=True)
class _Current:
    version: int
    content_hash: str


VERSION_STAGE_SCHEMA = pa.schema(
    [
        ("nct_id", pa.string()),
        ("version", pa.int32()),
        ("content_hash", pa.string()),
        ("valid_from", pa.timestamp("us", tz="UTC")),
        ("source", pa.string()),
        ("registry_version", pa.int32()),
        ("run_id", pa.string()),
        ("record", pa.string()),
    ]
)

_OBSERVATION_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("nct_id", pa.string()),
        ("observed_at", pa.timestamp("us", tz="UTC")),
        ("outcome", pa.string()),
        ("content_hash", pa.string()),
        ("version", pa.int32()),
    ]
)


def utc_now() -> datetime:
    return datetime.now(UTC)


def _naive_utc(value: datetime | None) -> datetime | None:
    """``runs.registry_data_timestamp`` is a TIMESTAMP (UTC, as the registry states it): store
    an aware value as its naive UTC time, whatever the session's time zone."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


class SnapshotStore:
    """Writes runs, observations and versions through one DuckDB connection.

    Example (not run)::

        store = SnapshotStore(connect("data/ctgov.duckdb"))
        run_id = store.start_run(registry_url="http://127.0.0.1:8765", requested=3)
    """

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def start_run(
        self,
        *,
        registry_url: str,
        requested: int,
        flow_run_id: str | None = None,
        started_at: datetime | None = None,
    ) -> str:
        """Open a run row; runs left ``running`` by a crashed process are marked failed first."""
        self.close_interrupted_runs()
        run_id = str(uuid.uuid4())
        self.con.execute(
            "INSERT INTO runs (run_id, flow_run_id, started_at, status, registry_url, "
            "requested_count) VALUES (?, ?, ?, 'running', ?, ?)",
            [run_id, flow_run_id, started_at or utc_now(), registry_url, requested],
        )
        return run_id

    def close_interrupted_runs(self) -> int:
        """Mark runs still ``running`` as failed.

        Only one writer can hold the database file, and every run finishes its row before it
        lets go of the run lock, so a ``running`` row seen by a new run is from a dead process.
        """
        rows = self.con.execute(
            "UPDATE runs SET status = 'failed', error = ? "
            "WHERE status = 'running' RETURNING run_id",
            [INTERRUPTED_RUN_ERROR],
        ).fetchall()
        return len(rows)

    def set_registry_version(
        self, run_id: str, api_version: str | None, data_timestamp: datetime | None
    ) -> None:
        self.con.execute(
            "UPDATE runs SET registry_api_version = ?, registry_data_timestamp = ? "
            "WHERE run_id = ?",
            [api_version, _naive_utc(data_timestamp), run_id],
        )

    def store_batch(
        self,
        run_id: str,
        studies: Sequence[ObservedStudy],
        *,
        observed_at: datetime | None = None,
        source: Source = "observed",
    ) -> list[StoredStudy]:
        """Store one batch in one transaction and say, per study, what it did."""
        when = observed_at or utc_now()
        unique = _dedupe(studies)
        with transaction(self.con):
            return self._store_batch(run_id, unique, when, source)

    def _store_batch(
        self, run_id: str, studies: list[ObservedStudy], when: datetime, source: Source
    ) -> list[StoredStudy]:
        ids = [study.nct_id for study in studies]
        current = self._current_versions(ids)
        was_missing = self._last_seen_missing(ids, run_id)
        hashes = {study.nct_id: content_hash(study.record) for study in studies}

        version_rows: list[dict[str, Any]] = []
        plans: list[tuple[ObservedStudy, Outcome, int, _Current | None]] = []
        for study in studies:
            digest = hashes[study.nct_id]
            previous = current.get(study.nct_id)
            if previous is not None and previous.content_hash == digest:
                plans.append((study, "unchanged", previous.version, previous))
                continue
            version = 1 if previous is None else previous.version + 1
            plans.append((study, "new" if previous is None else "changed", version, previous))
            version_rows.append(
                {
                    "nct_id": study.nct_id,
                    "version": version,
                    "content_hash": digest,
                    "valid_from": when,
                    "source": source,
                    "registry_version": None,
                    "run_id": run_id,
                    "record": study.text,
                }
            )

        previous_records = self._current_records(
            [study.nct_id for study, outcome, _, _ in plans if outcome == "changed"]
        )
        if version_rows:
            self._insert_versions(version_rows, when)

        batch = tracking.TrackingBatch(run_id, when)
        results: list[StoredStudy] = []
        for study, outcome, version, previous in plans:
            events: list[Event] = []
            if outcome != "unchanged":
                prior_version = previous.version if previous else None
                events = batch.add_version(
                    nct_id=study.nct_id,
                    version=version,
                    record=study.record,
                    previous_version=prior_version,
                    previous_record=previous_records.get(study.nct_id),
                )
            if previous is not None and study.nct_id in was_missing:
                events.append(
                    batch.add_presence(
                        nct_id=study.nct_id, version=version, event_type="study_reappeared"
                    )
                )
            results.append(
                StoredStudy(
                    nct_id=study.nct_id,
                    outcome=outcome,
                    version=version,
                    content_hash=hashes[study.nct_id],
                    previous_version=previous.version if previous else None,
                    events=events,
                )
            )
        batch.flush(self.con)

        self._insert_observations(
            [
                _observation(run_id, r.nct_id, when, r.outcome, r.content_hash, r.version)
                for r in results
            ]
        )
        if version_rows:
            self._normalize([(row["nct_id"], row["version"]) for row in version_rows])
        return results

    def record_missing(
        self, run_id: str, nct_ids: Sequence[str], *, observed_at: datetime | None = None
    ) -> list[StoredStudy]:
        """Log studies the registry has no study for (confirmed by a 404).

        A tracked study (one with stored versions) is ``missing`` and gets a ``study_missing``
        event the first time; an ID never stored is ``not_found`` and gets no event.
        """
        if not nct_ids:
            return []
        when = observed_at or utc_now()
        ids = list(dict.fromkeys(nct_ids))
        with transaction(self.con):
            current = self._current_versions(ids)
            already_missing = self._last_seen_missing(ids, run_id)
            batch = tracking.TrackingBatch(run_id, when)
            results: list[StoredStudy] = []
            for nct_id in ids:
                tracked = current.get(nct_id)
                events: list[Event] = []
                if tracked is not None and nct_id not in already_missing:
                    events.append(
                        batch.add_presence(
                            nct_id=nct_id, version=tracked.version, event_type="study_missing"
                        )
                    )
                results.append(
                    StoredStudy(
                        nct_id=nct_id,
                        outcome="missing" if tracked else "not_found",
                        version=tracked.version if tracked else None,
                        content_hash=None,
                        events=events,
                    )
                )
            batch.flush(self.con)
            self._insert_observations(
                [_observation(run_id, r.nct_id, when, r.outcome) for r in results]
            )
        return results

    def record_rejected(
        self, run_id: str, rejections: Sequence[Rejection], *, observed_at: datetime | None = None
    ) -> None:
        """Quarantine payloads with their error; each named study gets a `rejected` observation."""
        if not rejections:
            return
        when = observed_at or utc_now()
        with transaction(self.con):
            for rejection in rejections:
                self.con.execute(
                    "INSERT INTO rejected_records "
                    "(run_id, nct_id, rejected_at, stage, error, payload) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        run_id,
                        rejection.nct_id,
                        when,
                        rejection.stage,
                        rejection.error,
                        rejection.payload,
                    ],
                )
            named = list(dict.fromkeys(r.nct_id for r in rejections if r.nct_id is not None))
            self._insert_observations([_observation(run_id, n, when, "rejected") for n in named])

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
            load_sql("finish_run.sql"),
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
            "missing_count, rejected_count, not_found_count FROM runs WHERE run_id = ?",
            [run_id],
        ).fetchall()
        if not rows:
            raise KeyError(run_id)
        return RunCounts(*rows[0])

    def _current_versions(self, nct_ids: list[str]) -> dict[str, _Current]:
        if not nct_ids:
            return {}
        rows = self.con.execute(
            "SELECT nct_id, version, content_hash FROM study_versions "
            "WHERE valid_to IS NULL AND list_contains(?, nct_id)",
            [nct_ids],
        ).fetchall()
        return {nct_id: _Current(version, digest) for nct_id, version, digest in rows}

    def _last_seen_missing(self, nct_ids: list[str], run_id: str) -> set[str]:
        """Studies whose latest observation before this run says they were not returned."""
        if not nct_ids:
            return set()
        rows = self.con.execute(load_sql("last_seen_missing.sql"), [nct_ids, run_id]).fetchall()
        return {row[0] for row in rows}

    def _current_records(self, nct_ids: list[str]) -> dict[str, dict[str, Any]]:
        """The current version's record of each study (read before the batch closes it)."""
        if not nct_ids:
            return {}
        rows = self.con.execute(
            "SELECT nct_id, record FROM study_versions "
            "WHERE valid_to IS NULL AND list_contains(?, nct_id)",
            [nct_ids],
        ).fetchall()
        return {nct_id: json.loads(record) for nct_id, record in rows}

    def _insert_versions(self, rows: list[dict[str, Any]], when: datetime) -> None:
        staged_versions = pa.Table.from_pylist(rows, schema=VERSION_STAGE_SCHEMA)  # noqa: F841 (scanned by SQL)
        self.con.execute(load_sql("close_previous_versions.sql"), {"valid_to": when})
        self.con.execute(load_sql("insert_versions.sql"))

    def _insert_observations(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        staged_observations = pa.Table.from_pylist(rows, schema=_OBSERVATION_SCHEMA)  # noqa: F841 (scanned by SQL)
        self.con.execute(
            "INSERT OR REPLACE INTO observations BY NAME SELECT * FROM staged_observations"
        )

    def _normalize(self, keys: list[tuple[str, int]]) -> None:
        self.con.execute(
            "CREATE OR REPLACE TEMP TABLE batch_versions (nct_id VARCHAR, version INTEGER)"
        )
        staged_keys = pa.table(  # noqa: F841 (scanned by SQL)
            {
                "nct_id": pa.array([k[0] for k in keys], pa.string()),
                "version": pa.array([k[1] for k in keys], pa.int32()),
            }
        )
        self.con.execute("INSERT INTO batch_versions SELECT * FROM staged_keys")
        normalize.normalize_versions(self.con)


def _observation(
    run_id: str,
    nct_id: str,
    when: datetime,
    outcome: Outcome,
    digest: str | None = None,
    version: int | None = None,
) -> dict[str, Any]:
    """One ``observations`` row; missing and rejected ones have no hash and no version."""
    return {
        "run_id": run_id,
        "nct_id": nct_id,
        "observed_at": when,
        "outcome": outcome,
        "content_hash": digest,
        "version": version,
    }


def _dedupe(studies: Sequence[ObservedStudy]) -> list[ObservedStudy]:
    """One study per NCT ID per batch: the last copy wins, as it is the latest the registry sent."""
    by_id: dict[str, ObservedStudy] = {}
    for study in studies:
        by_id.pop(study.nct_id, None)
        by_id[study.nct_id] = study
    return list(by_id.values())
