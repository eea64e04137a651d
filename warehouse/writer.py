"""The writer: applies a :class:`~warehouse.plan.Plan` to the warehouse in one transaction.

Every row a batch writes, and the run's progress after it, commit together or not at all, so
a crash leaves the warehouse as it was after the last written batch, and the run resumes from
the cursor recorded with that batch. The writer only inserts and updates what the planner
decided; the few things it derives are set work for SQL: versions' positions and ``valid_to``
on the registry's clock, event ordinals, key columns from the raw JSON, and (when the planner
did not build them) the normalized rows.

SQL lives in ``warehouse/sql/write/*.sql``; staged rows reach it as Arrow tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import orjson
import pyarrow as pa

from warehouse import normalize
from warehouse.normalize import BATCH_TABLE, NORMALIZED_TABLES
from warehouse.plan import Plan
from warehouse.sql_text import load_sql
from warehouse.transactions import transaction

SQL_AREA = "write"

VERSION_SCHEMA = pa.schema(
    [
        ("nct_id", pa.string()),
        ("version", pa.int32()),
        ("content_hash", pa.string()),
        ("payload_hash", pa.string()),
        ("valid_from", pa.timestamp("us", tz="UTC")),
        ("source", pa.string()),
        ("registry_version", pa.int32()),
        ("registry_date", pa.date32()),
        ("observed_at", pa.timestamp("us", tz="UTC")),
        ("markup", pa.string()),
        ("run_id", pa.string()),
        ("record", pa.string()),
        ("registry_record", pa.string()),
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
            _stage(con, "staged_versions", plan.versions, VERSION_SCHEMA)
            con.execute(load_sql("insert_versions.sql", SQL_AREA))
        if plan.links:
            _stage(con, "staged_links", [_full_link(link) for link in plan.links], LINK_SCHEMA)
            con.execute(load_sql("apply_links.sql", SQL_AREA))
        if plan.touched:
            _stage_ids(con, "touched_studies", plan.touched)
            con.execute(load_sql("order_versions.sql", SQL_AREA))
        if plan.replaced:
            _stage(con, "replaced_versions", _keys(plan.replaced), KEY_SCHEMA)
            con.execute(load_sql("delete_replaced_tracking.sql", SQL_AREA))
        if plan.tracking is not None and not plan.tracking.empty:
            plan.tracking.flush(con)
        if plan.observations:
            _stage(con, "staged_observations", plan.observations, OBSERVATION_SCHEMA)
            con.execute(
                "INSERT OR REPLACE INTO observations BY NAME SELECT * FROM staged_observations"
            )
        if plan.normalize:
            _write_derived(con, plan)
        if plan.index or plan.touched:
            _write_index(con, plan)
        if plan.rejections:
            _write_rejections(con, plan)
        if progress is not None:
            _save_progress(con, plan, progress)


def _write_derived(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    """Findings, drift and normalized rows of the versions the plan (re)builds."""
    keys = [(nct_id, version) for nct_id, version, _ in plan.normalize]
    _stage(con, "derived_versions", _keys(keys), KEY_SCHEMA)
    for table in ("version_findings", "version_drift"):
        con.execute(
            f"DELETE FROM {table} AS t USING derived_versions AS d "
            "WHERE t.nct_id = d.nct_id AND t.version = d.version"
        )
    if plan.findings:
        _stage(con, "staged_findings", plan.findings, FINDING_SCHEMA)
        con.execute(
            "INSERT INTO version_findings SELECT nct_id, version, ordinal, path, rule, "
            "CAST(value AS JSON), message FROM staged_findings"
        )
    if plan.drift:
        _stage(con, "staged_drift", plan.drift, DRIFT_SCHEMA)
        con.execute("INSERT INTO version_drift BY NAME SELECT * FROM staged_drift")
    if plan.normalized is None:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {BATCH_TABLE} AS FROM derived_versions")
        normalize.normalize_versions(con)
        return
    for table in NORMALIZED_TABLES:
        con.execute(
            f"DELETE FROM {table} AS t USING derived_versions AS d "
            "WHERE t.nct_id = d.nct_id AND t.version = d.version"
        )
        rows = plan.normalized.get(table)
        if rows is not None and rows.num_rows:
            con.register("staged_normalized", rows)
            try:
                con.execute(f"INSERT INTO {table} SELECT * FROM staged_normalized")
            finally:
                con.unregister("staged_normalized")


def _write_index(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    if plan.index:
        _stage(con, "staged_index", plan.index, INDEX_SCHEMA)
        con.execute(
            "INSERT OR REPLACE INTO registry_history "
            "(nct_id, registry_version, index_date, overall_status, module_labels, entry, "
            "indexed_at, version, skipped) "
            "SELECT nct_id, registry_version, index_date, overall_status, module_labels, "
            "CAST(entry AS JSON), indexed_at, NULL, skipped FROM staged_index"
        )
    studies = plan.touched | {row["nct_id"] for row in plan.index}
    _stage_ids(con, "touched_history", studies)
    con.execute(load_sql("link_history.sql", SQL_AREA))


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
    staged_rejections = pa.Table.from_pylist(rows)  # noqa: F841 (scanned by SQL)
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
        _stage(con, "staged_observations", observed, OBSERVATION_SCHEMA)
        con.execute("INSERT OR IGNORE INTO observations BY NAME SELECT * FROM staged_observations")


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


def _stage(
    con: duckdb.DuckDBPyConnection, name: str, rows: Sequence[dict[str, Any]], schema: pa.Schema
) -> None:
    """Create (or replace) temp table ``name`` from ``rows``."""
    table = pa.Table.from_pylist(list(rows), schema=schema)
    con.register(f"{name}_arrow", table)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
    finally:
        con.unregister(f"{name}_arrow")


def _stage_ids(con: duckdb.DuckDBPyConnection, name: str, ids: set[str]) -> None:
    rows = [{"nct_id": nct_id} for nct_id in sorted(ids)]
    _stage(con, name, rows, pa.schema([("nct_id", pa.string())]))
