"""The writer: applies a :class:`~warehouse.plan.Plan` to the warehouse in one transaction.

Every row a batch writes, and the run's progress after it, commit together or not at all, so
a crash leaves the warehouse as it was after the last written batch, and the run resumes from
the cursor recorded with that batch. A bulk load's :class:`Writer` commits several batches'
plans together (each still with its cursor): a crash then loses the group it was writing.

The writer only inserts and updates what the planner decided; the few things it derives are
set work for SQL: versions' positions and ``valid_to`` on the registry's clock, event
ordinals, key columns from the raw JSON, and (when the planner did not build them) the
normalized rows.

SQL lives in ``warehouse/sql/write/*.sql``; staged rows reach it as Arrow tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import duckdb
import orjson
import pyarrow as pa

from warehouse import normalize
from warehouse.database import ROW_GROUP_SIZE
from warehouse.normalize import BATCH_TABLE, NORMALIZED_TABLES
from warehouse.plan import Plan
from warehouse.session import WarehouseSession
from warehouse.sql_text import load_sql
from warehouse.staging import staged
from warehouse.transactions import transaction

SQL_AREA = "write"

VERSION_SCHEMA = pa.schema(
    [
        ("nct_id", pa.string()),
        ("version", pa.int32()),
        ("content_hash", pa.string()),
        ("payload_hash", pa.string()),
        ("valid_from", pa.timestamp("us", tz="UTC")),
        ("valid_to", pa.timestamp("us", tz="UTC")),
        ("position", pa.int32()),
        ("source", pa.string()),
        ("registry_version", pa.int32()),
        ("registry_date", pa.date32()),
        ("observed_at", pa.timestamp("us", tz="UTC")),
        ("markup", pa.string()),
        ("run_id", pa.string()),
        ("record", pa.string()),
        ("registry_record", pa.string()),
        ("overall_status", pa.string()),
        ("last_update_post_date", pa.date32()),
        ("brief_title", pa.string()),
        ("phases", pa.list_(pa.string())),
        ("enrollment_count", pa.int64()),
    ]
)

LINK_SCHEMA = pa.schema(
    [
        ("nct_id", pa.string()),
        ("version", pa.int32()),
        ("observed_at", pa.timestamp("us", tz="UTC")),
        ("registry_version", pa.int32()),
        ("payload_hash", pa.string()),
        ("record", pa.string()),
        ("markup", pa.string()),
        ("registry_record", pa.string()),
    ]
)

OBSERVATION_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("nct_id", pa.string()),
        ("observed_at", pa.timestamp("us", tz="UTC")),
        ("outcome", pa.string()),
        ("content_hash", pa.string()),
        ("version", pa.int32()),
    ]
)

FINDING_SCHEMA = pa.schema(
    [
        ("nct_id", pa.string()),
        ("version", pa.int32()),
        ("ordinal", pa.int32()),
        ("path", pa.string()),
        ("rule", pa.string()),
        ("value", pa.string()),
        ("message", pa.string()),
    ]
)

DRIFT_SCHEMA = pa.schema(
    [
        ("nct_id", pa.string()),
        ("version", pa.int32()),
        ("pointer", pa.string()),
        ("kind", pa.string()),
        ("value", pa.string()),
    ]
)

INDEX_SCHEMA = pa.schema(
    [
        ("nct_id", pa.string()),
        ("registry_version", pa.int32()),
        ("index_date", pa.date32()),
        ("overall_status", pa.string()),
        ("module_labels", pa.list_(pa.string())),
        ("entry", pa.string()),
        ("indexed_at", pa.timestamp("us", tz="UTC")),
        ("skipped", pa.string()),
    ]
)

KEY_SCHEMA = pa.schema([("nct_id", pa.string()), ("version", pa.int32())])

MOVE_SCHEMA = pa.schema(
    [
        ("nct_id", pa.string()),
        ("version", pa.int32()),
        ("position", pa.int32()),
        ("valid_to", pa.timestamp("us", tz="UTC")),
    ]
)

HEAD_SCHEMA = pa.schema(
    [
        ("nct_id", pa.string()),
        ("version", pa.int32()),
        ("max_version", pa.int32()),
        ("position", pa.int32()),
        ("content_hash", pa.string()),
        ("payload_hash", pa.string()),
        ("registry_version", pa.int32()),
        ("registry_date", pa.date32()),
        ("observed_at", pa.timestamp("us", tz="UTC")),
        ("valid_from", pa.timestamp("us", tz="UTC")),
        ("markup", pa.string()),
        ("missing", pa.bool_()),
    ]
)

HEAD_UPDATE_SCHEMA = pa.schema(
    [
        ("nct_id", pa.string()),
        ("max_version", pa.int32()),
        ("position", pa.int32()),
        ("observed_at", pa.timestamp("us", tz="UTC")),
        ("registry_version", pa.int32()),
        ("payload_hash", pa.string()),
        ("markup", pa.string()),
        ("missing", pa.bool_()),
    ]
)

REJECTION_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("nct_id", pa.string()),
        ("rejected_at", pa.timestamp("us", tz="UTC")),
        ("stage", pa.string()),
        ("error", pa.string()),
        ("payload", pa.string()),
    ]
)

HISTORY_LINK_SCHEMA = pa.schema(
    [("nct_id", pa.string()), ("registry_version", pa.int32()), ("version", pa.int32())]
)


@dataclass(frozen=True)
class Progress:
    """What a batch advances: the run's source and its cursor after the batch."""

    source_key: str
    studies: int
    total: int | None = None
    done: bool = False


def apply_plan(
    con: duckdb.DuckDBPyConnection, plan: Plan, progress: Progress | None = None
) -> None:
    """Write every row of ``plan`` (and the run's progress) in one transaction."""
    with transaction(con):
        if plan.versions:
            with staged(con, "staged_versions", plan.versions, VERSION_SCHEMA):
                con.execute(load_sql("insert_versions.sql", SQL_AREA))
        if plan.links:
            links = [_full_link(link) for link in plan.links]
            with staged(con, "staged_links", links, LINK_SCHEMA):
                con.execute(load_sql("apply_links.sql", SQL_AREA))
        if plan.chain_updates:
            with staged(con, "staged_moves", plan.chain_updates, MOVE_SCHEMA):
                con.execute(load_sql("move_versions.sql", SQL_AREA))
        if plan.heads:
            with staged(con, "staged_heads", plan.heads, HEAD_SCHEMA):
                con.execute(load_sql("upsert_heads.sql", SQL_AREA))
        if plan.head_updates:
            updates = [
                {name: update.get(name) for name in HEAD_UPDATE_SCHEMA.names}
                for update in plan.head_updates
            ]
            with staged(con, "staged_head_updates", updates, HEAD_UPDATE_SCHEMA):
                con.execute(load_sql("update_heads.sql", SQL_AREA))
        if plan.replaced:
            with staged(con, "replaced_versions", _keys(plan.replaced), KEY_SCHEMA):
                con.execute(load_sql("delete_replaced_tracking.sql", SQL_AREA))
        if plan.tracking is not None and not plan.tracking.empty:
            plan.tracking.flush(con)
        if plan.observations:
            with staged(con, "staged_observations", plan.observations, OBSERVATION_SCHEMA):
                con.execute(
                    "INSERT OR REPLACE INTO observations BY NAME SELECT * FROM staged_observations"
                )
        if plan.normalize:
            _write_derived(con, plan)
        if plan.index:
            _write_index(con, plan)
        if plan.history_links:
            with staged(con, "staged_history_links", plan.history_links, HISTORY_LINK_SCHEMA):
                con.execute(load_sql("link_history.sql", SQL_AREA))
        if plan.rejections:
            _write_rejections(con, plan)
        if progress is not None:
            _save_progress(con, plan, progress)


GROUP_COMMIT_PLANS = 8
"""At most this many plans share a transaction of a held session (see :class:`Writer`)."""

REOPEN_VERSIONS = 8 * ROW_GROUP_SIZE
"""A held session is reopened once committed groups have added this many versions since it
was opened (:meth:`~warehouse.session.WarehouseSession.reopen` says why): 9 times in a
600,000-study first load, each a checkpoint the log would soon have forced anyway."""


class Writer:
    """Applies a run's plans in order; on a held session (a bulk load), several plans share a
    transaction, committed once they hold :data:`~warehouse.database.ROW_GROUP_SIZE` new
    versions or :data:`GROUP_COMMIT_PLANS` plans.

    DuckDB writes a transaction's rows of a table straight to the file, compressed, once they
    fill a row group; fewer go through the write-ahead log, are held in memory (spilled past
    the memory limit) and compressed again at each checkpoint. A first load's batch holds
    fewer versions than a row group, so it is the group of batches that fills one.

    Each plan is whole and carries the run's cursor, so committing a group keeps the promise
    of :func:`apply_plan`: the warehouse is as it was after some batch, and a run resumes from
    that batch's cursor. A group whose last plan was applied whole is committed even when the
    run then stops (Ctrl-C between batches, a source's error); one that a failure interrupted
    mid-plan is rolled back, and the run resumes before it.

    Between groups, once they have added :data:`REOPEN_VERSIONS` versions, it reopens the held
    session, so the writer's memory stays flat whatever the load's size.
    """

    def __init__(self, session: WarehouseSession) -> None:
        self.session = session
        self._open: AbstractContextManager[None] | None = None
        self._versions = 0
        self._plans = 0
        self._since_open = 0

    def apply(self, plan: Plan, progress: Progress) -> None:
        """Apply ``plan`` (and the run's progress); commit the group if it is full, roll it
        back if the plan fails part-way."""
        with self.session.connection() as con:
            if self.session.hold and self._open is None:
                self._open = transaction(con)
                self._open.__enter__()
            try:
                apply_plan(con, plan, progress)
            except BaseException as exc:
                self._close(type(exc), exc, exc.__traceback__)
                raise
        self._versions += len(plan.versions)
        self._plans += 1
        if self._versions >= ROW_GROUP_SIZE or self._plans >= GROUP_COMMIT_PLANS:
            self.commit()

    def commit(self) -> None:
        """Commit the open group, if any; reopen a held session that has written enough."""
        self._since_open += self._versions
        self._close(None, None, None)
        if self.session.hold and self._since_open >= REOPEN_VERSIONS:
            self._since_open = 0
            self.session.reopen()

    def __enter__(self) -> Writer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        """Commit the open group when the run's loop ends or stops between plans (a plan
        that failed part-way rolled its group back already)."""
        self.commit()

    def _close(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        group, self._open = self._open, None
        self._versions = self._plans = 0
        if group is not None:
            group.__exit__(kind, error, trace)


def _write_derived(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    """Findings, drift and normalized rows of the versions the plan (re)builds; held versions
    whose record changed lose their old ones first (new versions have none to delete)."""
    if plan.rederive:
        with staged(con, "rederived_versions", _keys(plan.rederive), KEY_SCHEMA):
            for table in ("version_findings", "version_drift", *NORMALIZED_TABLES):
                con.execute(
                    f"DELETE FROM {table} AS t USING rederived_versions AS d "
                    "WHERE t.nct_id = d.nct_id AND t.version = d.version"
                )
    if plan.findings:
        with staged(con, "staged_findings", plan.findings, FINDING_SCHEMA):
            con.execute(
                "INSERT INTO version_findings SELECT nct_id, version, ordinal, path, rule, "
                "CAST(value AS JSON), message FROM staged_findings"
            )
    if plan.drift:
        with staged(con, "staged_drift", plan.drift, DRIFT_SCHEMA):
            con.execute("INSERT INTO version_drift BY NAME SELECT * FROM staged_drift")
    if plan.normalized is None:
        keys = [(nct_id, version) for nct_id, version, _ in plan.normalize]
        with staged(con, "derived_versions", _keys(keys), KEY_SCHEMA):
            con.execute(f"CREATE OR REPLACE TEMP TABLE {BATCH_TABLE} AS FROM derived_versions")
        normalize.normalize_versions(con, fresh=True)
        return
    for table in NORMALIZED_TABLES:
        rows = plan.normalized.get(table)
        if rows is not None and rows.num_rows:
            with staged(con, "staged_normalized", rows):
                con.execute(f"INSERT INTO {table} SELECT * FROM staged_normalized")


def _write_index(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    with staged(con, "staged_index", plan.index, INDEX_SCHEMA):
        con.execute(
            "INSERT OR REPLACE INTO registry_history "
            "(nct_id, registry_version, index_date, overall_status, module_labels, entry, "
            "indexed_at, version, skipped) "
            "SELECT s.nct_id, s.registry_version, s.index_date, s.overall_status, "
            "s.module_labels, CAST(s.entry AS JSON), s.indexed_at, v.version, s.skipped "
            "FROM staged_index AS s LEFT JOIN study_versions AS v "
            "ON v.nct_id = s.nct_id AND v.registry_version = s.registry_version"
        )


def _write_rejections(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    rows = [
        {
            "run_id": plan.run_id,
            "nct_id": rejection.nct_id,
            "rejected_at": plan.when,
            "stage": rejection.stage,
            "error": rejection.error,
            "payload": rejection.payload,
        }
        for rejection in plan.rejections
    ]
    with staged(con, "staged_rejections", rows, REJECTION_SCHEMA):
        con.execute("INSERT INTO rejected_records BY NAME SELECT * FROM staged_rejections")
    named = list(dict.fromkeys(r.nct_id for r in plan.rejections if r.nct_id is not None))
    observed = [
        {
            "run_id": plan.run_id,
            "nct_id": nct_id,
            "observed_at": plan.when,
            "outcome": "rejected",
            "content_hash": None,
            "version": None,
        }
        for nct_id in named
    ]
    if observed:
        with staged(con, "staged_observations", observed, OBSERVATION_SCHEMA):
            con.execute(
                "INSERT OR IGNORE INTO observations BY NAME SELECT * FROM staged_observations"
            )


def _save_progress(con: duckdb.DuckDBPyConnection, plan: Plan, progress: Progress) -> None:
    con.execute(
        load_sql("save_progress.sql", SQL_AREA),
        {
            "run_id": plan.run_id,
            "source_key": progress.source_key,
            "cursor": orjson.dumps(plan.cursor).decode(),
            "studies": progress.studies,
            "total": progress.total,
            "updated_at": plan.when,
            "done": progress.done,
        },
    )


def _full_link(link: dict[str, Any]) -> dict[str, Any]:
    return {name: link.get(name) for name in LINK_SCHEMA.names}


def _keys(keys: Sequence[tuple[str, int]]) -> list[dict[str, Any]]:
    return [{"nct_id": nct_id, "version": version} for nct_id, version in keys]
