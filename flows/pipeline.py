"""The pipeline: a source's batches → state → plan → one writer, streamed; no Prefect here.

For each batch a source yields (:mod:`registry.sources`, :mod:`registry.bulk`)::

    read what the warehouse holds of its studies      warehouse.state.read_states
    (ingest) fetch the history of new/changed studies  registry.sources.HistorySource
    settle its unchanged studies, pool the rest        warehouse.plan.split_unchanged
    plan the pool (pure: here, or on a worker)         warehouse.plan.plan_batch
    write it, with the run's progress, in one tx       warehouse.writer.Writer
    (a bulk load's: one tx per group of batches)

then drop it: memory stays flat whatever the run's size. The pool is planned once it holds
a batch's worth of studies, so a first load plans and writes batch by batch, while a re-load
with few changes plans and writes up to :data:`GROUP_BATCHES` batches at a time. Planning
can run ahead of writing (``PlanRunner``: threads here, Dask under Prefect in
``flows/runners.py``) while one process writes, in the order the source yielded. A run
resumes from the cursor of an interrupted run of the same source (after its last written
group), and an incremental source's cursor moves only when a run succeeds.

The flows call :func:`run_source`; tests call it too, with no Prefect.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

import orjson

from flows.collections_gc import fewer_collections
from flows.interrupts import stop_between_batches
from flows.plan_worker import with_batch_texts
from flows.settings import Settings
from models.errors import interrupted
from models.payload import Batch, IndexEntry, RawStudy, Rejection
from registry import RegistryClient, RegistryConfig, RegistryVersion
from registry.config import DEFAULT_BACKOFF_JITTER_S
from registry.sources import HistorySource, Source
from warehouse.database import connect
from warehouse.errors import DatabaseLockedError
from warehouse.export import export_parquet
from warehouse.lock import run_lock
from warehouse.plan import (
    Plan,
    StoredStudy,
    StudyState,
    merge_plans,
    plan_batch,
    split_unchanged,
)
from warehouse.scratch import ScratchNormalizer
from warehouse.session import WarehouseSession
from warehouse.state import read_states
from warehouse.store import RunCounts, RunStatus, SnapshotStore, leave_failure
from warehouse.writer import Progress, Writer

ProgressCallback = Callable[[str, int, int | None], None]
"""``(phase, done, total)``: called after each written batch, for progress bars."""

HistoryPolicy = Literal["auto", "on", "off"]
"""Whether a run fetches the registry's history of new and changed studies: ``auto`` does for
runs by IDs (a watchlist) and not for queries, syncs and bulk loads; ``on`` / ``off`` always."""

DETAIL_CAP = 1000
"""Per-study results (and Prefect events) kept for a run's summary; beyond it, counts only."""


def _no_progress(phase: str, done: int, total: int | None) -> None:
    return None


class PlanFuture(Protocol):
    """A plan being made: a ``concurrent.futures``, Dask or Prefect future."""

    def result(self) -> Plan: ...


class PlanRunner(Protocol):
    """Where plans are made: in this process, on threads, on Dask workers."""

    window: int
    """Batches planned ahead of the writer."""

    def submit(
        self, batch: Batch, states: dict[str, StudyState], run_id: str, when: datetime
    ) -> PlanFuture: ...


@dataclass
class SerialRunner:
    """Plans each batch in this process, when it is submitted.

    Without a ``normalizer`` the writer derives the normalized rows in the warehouse, which in
    one process is cheaper than building them in a scratch database and copying them over.
    """

    window: int = 1
    normalizer: ScratchNormalizer | None = None

    def submit(
        self, batch: Batch, states: dict[str, StudyState], run_id: str, when: datetime
    ) -> Future[Plan]:
        done: Future[Plan] = Future()
        try:
            done.set_result(
                plan_batch(batch, states, run_id=run_id, when=when, normalizer=self.normalizer)
            )
        except BaseException as exc:
            done.set_exception(exc)
        return done


@dataclass
class StageTimes:
    """Where a run's seconds went, in the writer's process (``bench/bench_scale.py`` reads it).

    ``plan_s`` is planning done in this process (the serial runner plans when a batch is
    submitted); ``wait_s`` is the writer idle, waiting for a runner's plan. The writer's own
    share is ``source_s + state_s + write_s``: what no number of planning workers shortens.
    """

    source_s: float = 0.0
    """Reading the source's batches (registry pages, bulk files)."""
    state_s: float = 0.0
    """Reading the warehouse's state of each batch and settling unchanged studies."""
    plan_s: float = 0.0
    wait_s: float = 0.0
    write_s: float = 0.0
    """Applying plans and committing them (a held session commits them in groups)."""


@dataclass
class RunReport:
    """What a run did, for the summary, the artifact and the CLI (bounded in size)."""

    run_id: str
    kind: str
    source: str
    status: RunStatus
    counts: RunCounts
    drift: int
    registry_version: RegistryVersion | None
    results: list[StoredStudy]
    aliases: dict[str, str]
    notes: dict[str, str]
    studies: int
    seconds: float
    detail_truncated: bool = False
    resumed_from: Any = None
    described: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    """NCT ID → (overall status, brief title) of the current version, for the results."""
    stages: StageTimes = field(default_factory=StageTimes)


@dataclass
class _Tally:
    results: list[StoredStudy] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)
    drift: int = 0
    studies: int = 0
    truncated: bool = False
    incomplete: bool = False

    def add(self, planned: _Planned) -> None:
        plan = planned.plan
        self.studies += planned.studies + planned.missing
        self.drift += plan.drift_count
        self.aliases.update(planned.aliases)
        self.incomplete = self.incomplete or bool(plan.missing or plan.rejections)
        room = DETAIL_CAP - len(self.results)
        self.results.extend(plan.results[: max(room, 0)])
        self.truncated = self.truncated or len(plan.results) > room


def registry_config(settings: Settings) -> RegistryConfig:
    return RegistryConfig(
        base_url=settings.registry_url,
        requests_per_minute=settings.requests_per_minute,
        max_attempts=settings.max_attempts,
        backoff_initial_s=settings.backoff_initial_s,
        read_timeout_s=settings.read_timeout_s,
        retry_budget_s=settings.retry_budget_s,
        backoff_jitter_s=min(DEFAULT_BACKOFF_JITTER_S, settings.backoff_initial_s),
    )


def run_source(
    settings: Settings,
    source: Source,
    *,
    client: RegistryClient | None = None,
    history: HistoryPolicy = "auto",
    runner: PlanRunner | None = None,
    progress: ProgressCallback = _no_progress,
    flow_run_id: str | None = None,
    hold: bool = False,
    registry_version: RegistryVersion | None = None,
) -> RunReport:
    """Run ``source`` into the warehouse: every batch planned and written, the run recorded.

    Holds the run lock for its whole length; the DuckDB file only while it reads or writes a
    batch (``hold`` keeps it open for the run, for bulk loads). ``registry_version`` is the
    registry's ``/version`` when the caller asked it already.
    """
    runner = runner or SerialRunner()
    started = time.monotonic()
    with (
        run_lock(settings.db, wait_s=settings.run_lock_wait_s),
        WarehouseSession(
            settings.db,
            hold=hold,
            memory_limit=settings.duckdb_memory_limit,
            lock_wait_s=settings.lock_wait_s,
        ) as session,
        fewer_collections(),
    ):
        with session.connection() as con:
            store = SnapshotStore(con)
            resume = _interrupted_cursor(con, source.key)
            run_id = store.start_run(
                registry_url=settings.registry_url,
                requested=source.total() or 0,
                flow_run_id=flow_run_id,
                kind=source.kind,  # type: ignore[arg-type]
                source=source.description,
            )
        tally = _Tally()
        stages = StageTimes()
        try:
            if registry_version is None and client is not None:
                registry_version = client.version()
            if registry_version is not None:
                with session.connection() as con:
                    SnapshotStore(con).set_registry_version(
                        run_id, registry_version.api_version, registry_version.data_timestamp
                    )
            fetch_history = _history_source(settings, source, client, history)
            planned = _planned(session, source, runner, run_id, resume, fetch_history, stages)
            with stop_between_batches() as check_interrupt, Writer(session) as writer:
                for done in planned:
                    began = time.perf_counter()
                    writer.apply(done.plan, Progress(source.key, done.studies, source.total()))
                    stages.write_s += time.perf_counter() - began
                    tally.add(done)
                    progress(source.kind, tally.studies, source.total())
                    check_interrupt()
            notes = dict(getattr(source, "notes", {}))
            if fetch_history is not None:
                notes.update(fetch_history.notes)
            status: RunStatus = "partial" if tally.incomplete or notes else "succeeded"
            with session.connection() as con:
                store = SnapshotStore(con)
                counts = store.finish_run(
                    run_id, status=status, error=_left_out(notes), drift=tally.drift
                )
                _finish_progress(con, run_id, source.key)
                _advance_cursor(con, source, run_id, registry_version)
                described = _describe(con, tally.results)
        except BaseException as exc:
            if interrupted(exc):
                _record_failure(session, run_id, INTERRUPTED, tally.drift)
                if not isinstance(exc, KeyboardInterrupt):
                    raise KeyboardInterrupt from exc
                raise
            _record_failure(session, run_id, _one_line(exc), tally.drift)
            raise
    return RunReport(
        run_id=run_id,
        kind=source.kind,
        source=source.description,
        status=status,
        counts=counts,
        drift=tally.drift,
        registry_version=registry_version,
        results=tally.results,
        aliases=tally.aliases,
        notes=notes,
        studies=tally.studies,
        seconds=time.monotonic() - started,
        detail_truncated=tally.truncated,
        resumed_from=resume,
        described=described,
        stages=stages,
    )


INTERRUPTED = "KeyboardInterrupt"
"""A run stopped by Ctrl-C is recorded failed with this error, whether Python or DuckDB took
the signal (:func:`models.errors.interrupted`)."""

GROUP_BATCHES = 10
"""At most this many source batches are planned and written together."""
GROUP_SECONDS = 5.0
"""A group is planned once this old, so a slow source still writes (and records its cursor)
every few seconds, and its observations are timed within that."""


@dataclass
class _Planned:
    """A plan and what it stands for: the studies and missing IDs its source batches held
    (for the run's progress), and their aliases."""

    plan: Plan
    studies: int
    missing: int
    aliases: Mapping[str, str]


@dataclass
class _Group:
    """Source batches whose unchanged studies are settled and whose other studies are pooled,
    to be planned as one batch and written in one transaction.

    A re-load with few changes (1 % of a bulk dump) otherwise pays, per 2,000-study batch, a
    plan for a handful of studies and a write of some 40 statements for them. Measured on a
    100,000-study re-load with 1,000 changed (2026-12-06): writing took 9-11 s batch by batch
    (0.19 s a batch) and 1.5 s in groups; the re-load 17.5-20 s and 12.5 s.
    """

    when: datetime
    began: float
    batches: int = 0
    studies: list[RawStudy] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    index: list[IndexEntry] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)
    requested: int = 0
    cursor: Any = None
    states: dict[str, StudyState] = field(default_factory=dict)
    unchanged: list[Plan] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    read: int = 0
    read_missing: int = 0
    size: int = 1
    """The first source batch's size: the pool is planned once it holds as many studies."""

    def add(
        self, batch: Batch, rest: Batch, states: dict[str, StudyState], unchanged: Plan
    ) -> None:
        """Pool ``rest``, what is left of ``batch`` once ``unchanged`` settled its studies."""
        if not self.batches:
            self.size = max(len(batch.studies) + len(batch.missing), 1)
        self.batches += 1
        self.studies.extend(rest.studies)
        self.missing.extend(rest.missing)
        self.rejections.extend(rest.rejections)
        self.index.extend(rest.index)
        self.aliases.update(rest.aliases)
        self.requested += rest.requested
        self.cursor = rest.cursor
        self.states.update(states)
        self.unchanged.append(unchanged)
        self.ids |= _named(batch)
        self.read += len(batch.studies)
        self.read_missing += len(batch.missing)

    def ready(self) -> bool:
        """Whether to plan the pool now: it holds as many studies as a source batch (so a
        first load, all of whose studies are new, plans each batch as it comes, and memory
        stays that of a batch), or :data:`GROUP_BATCHES` batches, or is
        :data:`GROUP_SECONDS` old."""
        return (
            len(self.studies) + len(self.missing) >= self.size
            or self.batches >= GROUP_BATCHES
            or time.monotonic() - self.began >= GROUP_SECONDS
        )

    def rest(self) -> Batch:
        """The pooled studies as one batch, with the last source batch's cursor."""
        return Batch(
            studies=self.studies,
            missing=self.missing,
            rejections=self.rejections,
            index=self.index,
            cursor=self.cursor,
            requested=self.requested,
            aliases=self.aliases,
        )


def _planned(
    session: WarehouseSession,
    source: Source,
    runner: PlanRunner,
    run_id: str,
    resume: Any,
    fetch_history: HistorySource | None,
    stages: StageTimes,
) -> Iterator[_Planned]:
    """Each group of batches with its plan, in source order, planning up to
    ``runner.window`` groups ahead.

    Studies whose payload is their head's are settled here (one observation each) and never
    shipped to the runner; only the rest of a batch is planned, pooled with the rest of the
    batches after it (:class:`_Group`) until the pool is big enough, old enough, or holds
    :data:`GROUP_BATCHES` batches. A batch that names a study of a batch not yet written
    waits for it to be written, so its state is read after that write.
    """
    inflight: deque[tuple[_Group, Batch, PlanFuture]] = deque()
    group: _Group | None = None

    def settle() -> _Planned:
        done, planned, future = inflight.popleft()
        began = time.perf_counter()
        plan = with_batch_texts(future.result(), planned)
        stages.wait_s += time.perf_counter() - began
        for unchanged in done.unchanged:
            plan = merge_plans(plan, unchanged)
        return _Planned(plan, done.read, done.read_missing, done.aliases)

    def submit(done: _Group) -> None:
        rest = done.rest()
        planner = runner if rest.studies or rest.missing or rest.index else _IN_PROCESS
        began = time.perf_counter()
        future = planner.submit(rest, done.states, run_id, done.when)
        stages.plan_s += time.perf_counter() - began
        inflight.append((done, rest, future))

    for batch in _timed(source.batches(resume), stages):
        ids = _named(batch)
        if group is not None and ids & group.ids:
            submit(group)
            group = None
        while inflight and any(ids & pending.ids for pending, _, _ in inflight):
            yield settle()
        began = time.perf_counter()
        with session.connection() as con:
            states = read_states(con, batch)
        if fetch_history is not None:
            batch = _with_history(batch, states, fetch_history)
            with session.connection() as con:
                states = read_states(con, batch)
        if group is None:
            group = _Group(when=datetime.now(UTC), began=time.monotonic())
        unchanged, rest = split_unchanged(batch, states, run_id=run_id, when=group.when)
        rest_states = {nct_id: states[nct_id] for nct_id in _named(rest) if nct_id in states}
        group.add(batch, rest, rest_states, unchanged)
        stages.state_s += time.perf_counter() - began
        if group.ready():
            submit(group)
            group = None
        while len(inflight) >= max(runner.window, 1):
            yield settle()
    if group is not None:
        submit(group)
    while inflight:
        yield settle()


def _timed(batches: Iterable[Batch], stages: StageTimes) -> Iterator[Batch]:
    """The source's batches, the time spent producing each added to ``stages.source_s``."""
    iterator = iter(batches)
    while True:
        began = time.perf_counter()
        batch = next(iterator, None)
        stages.source_s += time.perf_counter() - began
        if batch is None:
            return
        yield batch


_IN_PROCESS = SerialRunner()
"""Plans what is too small to ship to a runner (a batch with nothing left but bookkeeping)."""


def _named(batch: Batch) -> set[str]:
    return {s.nct_id for s in batch.studies} | set(batch.missing)


def _history_source(
    settings: Settings, source: Source, client: RegistryClient | None, policy: HistoryPolicy
) -> HistorySource | None:
    wanted = policy == "on" or (policy == "auto" and source.kind == "ingest")
    if not wanted or not settings.history or client is None or source.kind == "backfill":
        return None
    return HistorySource(client, [], held=lambda nct_id: set())  # used study by study


def _with_history(batch: Batch, states: dict[str, StudyState], history: HistorySource) -> Batch:
    """The batch plus the history of each study that is new, or whose payload changed: so a
    new study comes with its past, and versions posted between two runs are not lost."""
    extra: list[RawStudy] = []
    index = list(batch.index)
    for raw in batch.studies:
        if raw.from_history:
            continue
        state = states.get(raw.nct_id)
        current = state.current if state else None
        if current is not None and current.payload_hash == raw.payload_hash:
            continue
        held = {
            v.registry_version
            for v in (state.versions if state else [])
            if v.registry_version is not None
        }
        fetched = history.study_batch(raw.nct_id, held=held)
        extra.extend(fetched.studies)
        index.extend(fetched.index)
    if not extra and not index:
        return batch
    return Batch(
        studies=[*extra, *batch.studies],
        missing=batch.missing,
        rejections=batch.rejections,
        index=index,
        cursor=batch.cursor,
        requested=batch.requested,
        aliases=batch.aliases,
    )


def _record_failure(session: WarehouseSession, run_id: str, error: str, drift: int) -> None:
    """Mark the run failed; when the file cannot be had (a reader holds it), leave the reason
    beside it for the next run to record, so no run stays ``running``."""
    try:
        with session.connection() as con:
            SnapshotStore(con).finish_run(run_id, status="failed", error=error, drift=drift)
    except DatabaseLockedError:
        leave_failure(session.db, run_id, error)


def _describe(con: Any, results: list[StoredStudy]) -> dict[str, tuple[str | None, str | None]]:
    """Status and title of each reported study's current version (from the key columns)."""
    ids = sorted({r.nct_id for r in results if r.version is not None})
    if not ids:
        return {}
    rows = con.execute(
        "SELECT nct_id, overall_status, brief_title FROM study_versions "
        "WHERE valid_to IS NULL AND list_contains(?, nct_id)",
        [ids],
    ).fetchall()
    return {nct_id: (status, title) for nct_id, status, title in rows}


def _interrupted_cursor(con: Any, source_key: str) -> Any:
    """The cursor of the latest unfinished run of ``source_key``, to resume after; None when
    the last run of that source finished."""
    rows = con.execute(
        "SELECT p.cursor, p.done FROM run_progress AS p JOIN runs AS r USING (run_id) "
        "WHERE p.source_key = ? ORDER BY r.started_at DESC LIMIT 1",
        [source_key],
    ).fetchall()
    if not rows or rows[0][1] or rows[0][0] is None:
        return None
    return orjson.loads(rows[0][0])


def _finish_progress(con: Any, run_id: str, source_key: str) -> None:
    con.execute(
        "INSERT INTO run_progress AS p (run_id, source_key, updated_at, done) "
        "VALUES (?, ?, now(), true) ON CONFLICT (run_id) DO UPDATE SET done = true, "
        "updated_at = excluded.updated_at",
        [run_id, source_key],
    )


def _advance_cursor(
    con: Any, source: Source, run_id: str, registry_version: RegistryVersion | None
) -> None:
    """Record that this source last succeeded now (what --since-last-run starts from)."""
    data_date = (
        registry_version.data_timestamp.date()
        if registry_version and registry_version.data_timestamp
        else None
    )
    con.execute(
        "INSERT INTO source_cursors AS c (source_key, description, last_success_run_id, "
        "last_success_started_at, last_success_data_date, updated_at) "
        "SELECT ?, ?, run_id, started_at, ?, now() FROM runs WHERE run_id = ? "
        "ON CONFLICT (source_key) DO UPDATE SET description = excluded.description, "
        "last_success_run_id = excluded.last_success_run_id, "
        "last_success_started_at = excluded.last_success_started_at, "
        "last_success_data_date = excluded.last_success_data_date, updated_at = now()",
        [source.cursor_key, source.description, data_date, run_id],
    )


def last_success_date(settings: Settings, source_key: str) -> date | None:
    """The registry data date of the last successful run of ``source_key`` (None if none)."""
    if not settings.db.exists():
        return None
    con = connect(settings.db, read_only=True)
    try:
        rows = con.execute(
            "SELECT coalesce(last_success_data_date, CAST(timezone('UTC', "
            "last_success_started_at) AS DATE)) FROM source_cursors WHERE source_key = ?",
            [source_key],
        ).fetchall()
    finally:
        con.close()
    found = rows[0][0] if rows else None
    return found if isinstance(found, date) else None


def build_site(settings: Settings, until: date | None = None) -> Path:
    """Rebuild the static site of ``settings.db`` (``ctgov report``'s default set of trials,
    dated ``until``, default today in UTC); returns its index page."""
    from warehouse.site import build_site as build

    day = until or datetime.now(UTC).date()
    return build(settings.db, settings.site_out, until=day).index


def export(settings: Settings) -> dict[str, int]:
    """Write the Parquet export (and publish it to ``settings.export_url``, if set); returns
    rows per table."""
    con = connect(settings.db)
    try:
        if settings.export_url:
            from warehouse.object_export import export_to_object_store

            rows = export_to_object_store(con, settings.export_url, settings.export_dir).rows
        else:
            rows = export_parquet(con, settings.export_dir).rows
    finally:
        con.close()
    return dict(rows)


def _left_out(notes: dict[str, str]) -> str | None:
    """A partial run's notes as one line for ``runs.error`` (what was left out, and why)."""
    if not notes:
        return None
    shown = "; ".join(f"{key}: {why}" for key, why in sorted(notes.items())[:5])
    more = f"; and {len(notes) - 5} more" if len(notes) > 5 else ""
    return f"{shown}{more}"


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


__all__ = [
    "DETAIL_CAP",
    "HistoryPolicy",
    "PlanRunner",
    "RunReport",
    "SerialRunner",
    "export",
    "last_success_date",
    "registry_config",
    "run_source",
]
