"""Nothing is lost: every leaf of every real record is in a normalized column or reachable in
the raw JSON of its version, which is stored unchanged."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import duckdb
import pytest

from tests.test_normalize_fixtures import build_real_warehouse, real_records

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PATH_IN_COMMENT = re.compile(
    r"^((?:protocolSection|resultsSection|derivedSection|documentSection)(?:\.[A-Za-z0-9]+)+"
    r"|hasResults)"
)


def leaves(node: Any, path: str = "$") -> Iterator[tuple[str, Any]]:
    """(JSONPath, value) of every scalar, empty list and empty object under ``node``."""
    if isinstance(node, dict) and node:
        for key, value in node.items():
            assert IDENTIFIER.match(key), key
            yield from leaves(value, f'{path}."{key}"')
    elif isinstance(node, list) and node:
        for index, value in enumerate(node):
            yield from leaves(value, f"{path}[{index}]")
    else:
        yield path, node


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    con = build_real_warehouse(tmp_path_factory.mktemp("lossless") / "w.duckdb")
    yield con
    con.close()


def test_raw_records_are_stored_unchanged(warehouse: duckdb.DuckDBPyConnection) -> None:
    stored = dict(warehouse.execute("SELECT nct_id, record FROM study_versions").fetchall())
    assert stored == real_records()


def test_every_leaf_is_reachable_with_json_extract(warehouse: duckdb.DuckDBPyConnection) -> None:
    compared = 0
    lost: list[tuple[str, str]] = []
    for nct_id, text in real_records().items():
        found = list(leaves(json.loads(text)))
        paths = [path for path, _ in found]
        # One json_extract call with the record's whole list of paths parses the record once.
        row = warehouse.execute(
            "SELECT json_extract(record, $paths) FROM study_versions "
            "WHERE nct_id = $nct_id AND version = 1",
            {"paths": paths, "nct_id": nct_id},
        ).fetchone()
        assert row is not None, nct_id
        for (path, value), extracted in zip(found, row[0], strict=True):
            compared += 1
            if extracted is None or json.loads(extracted) != value:
                lost.append((nct_id, path))
    assert compared > 10_000
    assert lost == []


def _as_json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _date_matches(normalized: date, text: str) -> bool:
    """A DATE column holds the first day of a partial registry date."""
    padded = {4: f"{text}-01-01", 7: f"{text}-01"}.get(len(text), text)
    return normalized.isoformat() == padded


def test_studies_columns_agree_with_the_paths_their_comments_name(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    columns = warehouse.execute(
        "SELECT column_name, data_type, comment FROM duckdb_columns() "
        "WHERE table_name = 'studies' ORDER BY column_index"
    ).fetchall()
    mapped = []
    for name, data_type, comment in columns:
        match = PATH_IN_COMMENT.match(comment or "")
        if match:
            mapped.append((name, data_type, match.group(1)))
    assert len(mapped) > 80
    names = ", ".join(name for name, _, _ in mapped)
    records = {k: json.loads(v) for k, v in real_records().items()}
    checked = 0
    for row in warehouse.execute(f"SELECT nct_id, {names} FROM studies").fetchall():
        record = records[row[0]]
        for (name, data_type, path), value in zip(mapped, row[1:], strict=True):
            node: Any = record
            for key in path.split("."):
                node = node.get(key) if isinstance(node, dict) else None
            if name == "phase":
                continue
            if node is None:
                assert value is None, (row[0], name)
                continue
            checked += 1
            if data_type == "DATE" and isinstance(node, str):
                assert _date_matches(value, node), (row[0], name, value, node)
            else:
                assert _as_json_value(value) == node, (row[0], name, value, node)
    assert checked > 300
