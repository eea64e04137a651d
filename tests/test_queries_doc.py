"""Every SQL example in docs/queries.md runs on a warehouse holding the real records.

The database holds every real record as version 1 and, for the history questions, synthetic
later versions of two of them (derived in code from the real record; the files are untouched):
NCT06171568 starts recruiting with a primary completion 181 days later, then completes with an
actual enrollment; NCT06690827 adds a site five days ago.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from markdown_it import MarkdownIt

from tests.test_normalize_fixtures import (
    derived_version,
    insert_version,
    normalize_keys,
    real_records,
)
from warehouse.database import connect
from warehouse.export import export_parquet

QUERIES_DOC = Path(__file__).resolve().parents[1] / "docs" / "queries.md"
MIN_EXAMPLES = 10
PARQUET_PREFIX = "data/parquet/"
NEW_SITE = {
    "facility": "West China Hospital (synthetic test site)",
    "status": "RECRUITING",
    "city": "Chengdu",
    "country": "China",
}


def sql_blocks() -> list[tuple[str, str]]:
    """(heading, sql) for every ```sql fence, under the nearest heading above it."""
    tokens = MarkdownIt().parse(QUERIES_DOC.read_text("utf-8"))
    heading = ""
    blocks: list[tuple[str, str]] = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            heading = tokens[index + 1].content
        if token.type == "fence" and token.info.strip() == "sql":
            blocks.append((heading, token.content))
    return blocks


def _start_recruiting(record: dict[str, Any]) -> None:
    status = record["protocolSection"]["statusModule"]
    status["overallStatus"] = "RECRUITING"
    status["primaryCompletionDateStruct"] = {"date": "2025-08-01", "type": "ESTIMATED"}


def _complete(record: dict[str, Any]) -> None:
    _start_recruiting(record)
    status = record["protocolSection"]["statusModule"]
    status["overallStatus"] = "COMPLETED"
    status["primaryCompletionDateStruct"]["type"] = "ACTUAL"
    record["protocolSection"]["designModule"]["enrollmentInfo"] = {"count": 352, "type": "ACTUAL"}


@pytest.fixture(scope="module")
def warehouse(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[duckdb.DuckDBPyConnection, Path]]:
    root = tmp_path_factory.mktemp("queries")
    con = connect(root / "w.duckdb")
    now = datetime.now(UTC)
    first_seen = now - timedelta(days=200)
    records = real_records()
    history = {
        "NCT06171568": [
            (now - timedelta(days=40), _start_recruiting),
            (now - timedelta(days=10), _complete),
        ],
        "NCT06690827": [
            (
                now - timedelta(days=5),
                lambda r: r["protocolSection"]["contactsLocationsModule"]["locations"].append(
                    NEW_SITE
                ),
            )
        ],
    }
    keys = []
    for nct_id, text in records.items():
        changes = history.get(nct_id, [])
        moments = [first_seen] + [when for when, _ in changes]
        texts = [text] + [derived_version(text, change) for _, change in changes]
        for version, (valid_from, version_text) in enumerate(zip(moments, texts, strict=True), 1):
            valid_to = moments[version] if version < len(moments) else None
            insert_version(
                con, nct_id, version, version_text, valid_from=valid_from, valid_to=valid_to
            )
            keys.append((nct_id, version))
    normalize_keys(con, keys)
    parquet = root / "parquet"
    export_parquet(con, parquet)
    yield con, parquet
    con.close()


def run(warehouse: tuple[duckdb.DuckDBPyConnection, Path], sql: str) -> list[tuple[Any, ...]]:
    con, parquet = warehouse
    return con.execute(sql.replace(PARQUET_PREFIX, f"{parquet}/")).fetchall()


def test_the_doc_has_enough_examples() -> None:
    headings = [heading for heading, _ in sql_blocks()]
    numbered = [h for h in headings if re.match(r"^\d+\. ", h)]
    assert len(numbered) >= MIN_EXAMPLES
    assert len(set(numbered)) == len(numbered)


@pytest.mark.parametrize(("heading", "sql"), sql_blocks(), ids=[h for h, _ in sql_blocks()])
def test_every_example_runs(
    warehouse: tuple[duckdb.DuckDBPyConnection, Path], heading: str, sql: str
) -> None:
    rows = run(warehouse, sql)
    assert isinstance(rows, list), heading


def _example(prefix: str) -> str:
    matches = [sql for heading, sql in sql_blocks() if heading.startswith(prefix)]
    assert len(matches) == 1, prefix
    return matches[0]


def test_cd123_cell_therapy_trials_by_country(
    warehouse: tuple[duckdb.DuckDBPyConnection, Path],
) -> None:
    rows = run(warehouse, _example("1. "))
    assert rows == [("China", 1, "NCT06690827", 2)]


def test_primary_completion_slip(warehouse: tuple[duckdb.DuckDBPyConnection, Path]) -> None:
    rows = run(warehouse, _example("2. "))
    assert [(r[0], r[1], r[2], r[5]) for r in rows] == [("NCT06171568", 1, 2, 181)]


def test_days_in_each_status(warehouse: tuple[duckdb.DuckDBPyConnection, Path]) -> None:
    rows = [r for r in run(warehouse, _example("3. ")) if r[0] == "NCT06171568"]
    assert rows == [
        ("NCT06171568", "NOT_YET_RECRUITING", 160),
        ("NCT06171568", "RECRUITING", 30),
        ("NCT06171568", "COMPLETED", 10),
    ]


def test_sites_added_in_the_last_month(warehouse: tuple[duckdb.DuckDBPyConnection, Path]) -> None:
    rows = run(warehouse, _example("4. "))
    assert [(r[0], r[1], r[3], r[4], r[5]) for r in rows] == [
        ("NCT06690827", 2, NEW_SITE["facility"], "Chengdu", "China")
    ]


def test_results_posting_lag(warehouse: tuple[duckdb.DuckDBPyConnection, Path]) -> None:
    with_results = {
        nct_id
        for nct_id, text in real_records().items()
        if "resultsFirstPostDateStruct" in json.loads(text)["protocolSection"]["statusModule"]
    }
    rows = run(warehouse, _example("5. "))
    assert {r[0] for r in rows} == with_results
    assert all(r[5] > 0 for r in rows)


def test_enrollment_estimate_against_actual(
    warehouse: tuple[duckdb.DuckDBPyConnection, Path],
) -> None:
    assert run(warehouse, _example("6. ")) == [("NCT06171568", 400, 352, 88.0)]


def test_primary_outcome_results(warehouse: tuple[duckdb.DuckDBPyConnection, Path]) -> None:
    record = json.loads(real_records()["NCT02513394"])
    expected = [
        m["value"]
        for measure in record["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"]
        if measure["type"] == "PRIMARY"
        for c in measure.get("classes", [])
        for k in c.get("categories", [])
        for m in k.get("measurements", [])
    ]
    rows = run(warehouse, _example("7. "))
    assert [r[5] for r in rows] == expected
    assert all(r[2] for r in rows)


def test_parquet_examples_match_the_database(
    warehouse: tuple[duckdb.DuckDBPyConnection, Path],
) -> None:
    parquet_status = [sql for h, sql in sql_blocks() if "read_parquet" in sql and "GROUP BY" in sql]
    assert len(parquet_status) == 1
    from_db = run(
        warehouse,
        "SELECT overall_status, count(*) AS trials FROM current_study_details "
        "GROUP BY overall_status ORDER BY trials DESC",
    )
    assert sorted(run(warehouse, parquet_status[0])) == sorted(from_db)
