"""normalize_versions / renormalize_all against real records in a real DuckDB file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.test_normalize_fixtures import (
    FIRST_SEEN,
    build_real_warehouse,
    derived_version,
    insert_version,
    normalize_keys,
    real_records,
)
from warehouse.database import connect
from warehouse.errors import WarehouseError
from warehouse.normalize import (
    NORMALIZED_TABLES,
    PARSE_PIECE_ROWS,
    current_view_name,
    normalize_versions,
    renormalize_all,
)
from warehouse.scratch import ScratchNormalizer

RESULTS_STUDY = "NCT02513394"

ODD_TYPES: dict[str, Any] = {
    "protocolSection": {
        "identificationModule": {"nctId": "NCT00000001", "briefTitle": "Odd types"},
        "designModule": {"enrollmentInfo": {"count": "many", "type": "ESTIMATED"}},
        "contactsLocationsModule": {
            "locations": [{"facility": "Site", "geoPoint": {"lat": "north", "lon": 2.5}}]
        },
    },
    "hasResults": "maybe",
}
"""A record whose values have the wrong types: they normalize to NULL, never to a failure."""


def _get(record: dict[str, Any], *path: str) -> Any:
    node: Any = record
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _items(record: dict[str, Any], *path: str) -> list[Any]:
    return _get(record, *path) or []


def expected_counts(record: dict[str, Any]) -> dict[str, int]:
    """Rows each table should hold for one record, counted in Python from the JSON."""
    p = record["protocolSection"]
    r = record.get("resultsSection", {})
    interventions = _items(p, "armsInterventionsModule", "interventions")
    measures = _items(r, "outcomeMeasuresModule", "outcomeMeasures")
    periods = _items(r, "participantFlowModule", "periods")
    ae = r.get("adverseEventsModule", {})
    browse = [
        _items(record, "derivedSection", module, kind)
        for module in ("conditionBrowseModule", "interventionBrowseModule")
        for kind in ("meshes", "ancestors")
    ]
    baseline = r.get("baselineCharacteristicsModule", {})
    return {
        "studies": 1,
        "calculated_values": 1,
        "secondary_ids": len(_items(p, "identificationModule", "secondaryIdInfos")),
        "conditions": len(_items(p, "conditionsModule", "conditions")),
        "keywords": len(_items(p, "conditionsModule", "keywords")),
        "designs": int(_get(p, "designModule", "designInfo") is not None),
        "eligibilities": int("eligibilityModule" in p),
        "sponsors": int(_get(p, "sponsorCollaboratorsModule", "leadSponsor") is not None)
        + len(_items(p, "sponsorCollaboratorsModule", "collaborators")),
        "interventions": len(interventions),
        "intervention_other_names": sum(len(i.get("otherNames", [])) for i in interventions),
        "arm_groups": len(_items(p, "armsInterventionsModule", "armGroups")),
        "arm_group_interventions": sum(len(i.get("armGroupLabels", [])) for i in interventions),
        "outcomes": sum(
            len(_items(p, "outcomesModule", kind))
            for kind in ("primaryOutcomes", "secondaryOutcomes", "otherOutcomes")
        ),
        "locations": len(_items(p, "contactsLocationsModule", "locations")),
        "location_contacts": sum(
            len(loc.get("contacts", []))
            for loc in _items(p, "contactsLocationsModule", "locations")
        ),
        "central_contacts": len(_items(p, "contactsLocationsModule", "centralContacts")),
        "overall_officials": len(_items(p, "contactsLocationsModule", "overallOfficials")),
        "study_references": len(_items(p, "referencesModule", "references")),
        "see_also_links": len(_items(p, "referencesModule", "seeAlsoLinks")),
        "mesh_terms": sum(len(terms) for terms in browse),
        "documents": len(_items(record, "documentSection", "largeDocumentModule", "largeDocs")),
        "result_groups": len(_items(r, "participantFlowModule", "groups"))
        + len(baseline.get("groups", []))
        + sum(len(m.get("groups", [])) for m in measures)
        + len(ae.get("eventGroups", [])),
        "participant_flow": sum(
            len(m.get("achievements", []))
            for period in periods
            for m in period.get("milestones", [])
        )
        + sum(
            len(d.get("reasons", [])) for period in periods for d in period.get("dropWithdraws", [])
        ),
        "baseline_counts": sum(len(d.get("counts", [])) for d in baseline.get("denoms", [])),
        "baseline_measurements": sum(
            len(k.get("measurements", []))
            for m in baseline.get("measures", [])
            for c in m.get("classes", [])
            for k in c.get("categories", [])
        ),
        "outcome_measures": len(measures),
        "outcome_counts": sum(
            len(d.get("counts", [])) for m in measures for d in m.get("denoms", [])
        ),
        "outcome_measurements": sum(
            len(k.get("measurements", []))
            for m in measures
            for c in m.get("classes", [])
            for k in c.get("categories", [])
        ),
        "outcome_analyses": sum(len(m.get("analyses", [])) for m in measures),
        "adverse_events": sum(
            max(1, len(event.get("stats", [])))
            for kind in ("seriousEvents", "otherEvents")
            for event in ae.get(kind, [])
        ),
    }


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    con = build_real_warehouse(tmp_path_factory.mktemp("normalize") / "w.duckdb")
    yield con
    con.close()


@pytest.fixture(scope="module")
def records() -> dict[str, dict[str, Any]]:
    return {nct_id: json.loads(text) for nct_id, text in real_records().items()}


def _rows_per_study(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, int]:
    return dict(con.execute(f"SELECT nct_id, count(*) FROM {table} GROUP BY nct_id").fetchall())


def test_real_records_are_present() -> None:
    assert len(real_records()) >= 8
    assert RESULTS_STUDY in real_records()


@pytest.mark.parametrize("table", NORMALIZED_TABLES)
def test_row_counts_agree_with_the_json_for_every_record(
    warehouse: duckdb.DuckDBPyConnection, records: dict[str, dict[str, Any]], table: str
) -> None:
    actual = _rows_per_study(warehouse, table)
    expected = {nct_id: expected_counts(record)[table] for nct_id, record in records.items()}
    assert {k: actual.get(k, 0) for k in expected} == expected


def test_results_study_fills_every_results_table(warehouse: duckdb.DuckDBPyConnection) -> None:
    results_tables = [
        "result_groups",
        "participant_flow",
        "baseline_counts",
        "baseline_measurements",
        "outcome_measures",
        "outcome_counts",
        "outcome_measurements",
        "outcome_analyses",
        "adverse_events",
    ]
    for table in results_tables:
        row = warehouse.execute(
            f"SELECT count(*) FROM {table} WHERE nct_id = ?", [RESULTS_STUDY]
        ).fetchone()
        assert row and row[0] > 0, table


def test_locations_keep_order_and_values(
    warehouse: duckdb.DuckDBPyConnection, records: dict[str, dict[str, Any]]
) -> None:
    for nct_id, record in records.items():
        locations = _items(record["protocolSection"], "contactsLocationsModule", "locations")
        expected = [
            (
                loc.get("facility"),
                loc.get("city"),
                loc.get("country"),
                _get(loc, "geoPoint", "lat"),
                _get(loc, "geoPoint", "lon"),
            )
            for loc in locations
        ]
        actual = warehouse.execute(
            "SELECT facility, city, country, latitude, longitude FROM locations "
            "WHERE nct_id = ? ORDER BY ordinal",
            [nct_id],
        ).fetchall()
        assert actual == expected, nct_id


def test_outcome_measurements_keep_values_and_groups(
    warehouse: duckdb.DuckDBPyConnection, records: dict[str, dict[str, Any]]
) -> None:
    measures = records[RESULTS_STUDY]["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"]
    expected = [
        (o, m.get("groupId"), m.get("value"))
        for o, measure in enumerate(measures, start=1)
        for c in measure.get("classes", [])
        for k in c.get("categories", [])
        for m in k.get("measurements", [])
    ]
    actual = warehouse.execute(
        "SELECT outcome_ordinal, group_id, value FROM outcome_measurements WHERE nct_id = ? "
        "ORDER BY outcome_ordinal, class_ordinal, category_ordinal, ordinal",
        [RESULTS_STUDY],
    ).fetchall()
    assert actual == expected


def test_adverse_event_totals_match_the_json(
    warehouse: duckdb.DuckDBPyConnection, records: dict[str, dict[str, Any]]
) -> None:
    for nct_id, record in records.items():
        ae = _get(record, "resultsSection", "adverseEventsModule") or {}
        for kind, event_type in (("seriousEvents", "SERIOUS"), ("otherEvents", "OTHER")):
            expected = sum(
                s.get("numAffected", 0)
                for event in ae.get(kind, [])
                for s in event.get("stats", [])
            )
            row = warehouse.execute(
                "SELECT coalesce(sum(num_affected), 0) FROM adverse_events "
                "WHERE nct_id = ? AND event_type = ?",
                [nct_id, event_type],
            ).fetchone()
            assert row is not None and row[0] == expected, (nct_id, kind)


def test_arm_group_links_resolve_labels(warehouse: duckdb.DuckDBPyConnection) -> None:
    unresolved = warehouse.execute(
        "SELECT count(*) FROM arm_group_interventions WHERE arm_group_ordinal IS NULL"
    ).fetchone()
    linked = warehouse.execute(
        "SELECT count(*) FROM arm_group_interventions AS l JOIN arm_groups AS a "
        "ON a.nct_id = l.nct_id AND a.version = l.version AND a.ordinal = l.arm_group_ordinal "
        "AND a.label = l.arm_group_label"
    ).fetchone()
    total = warehouse.execute("SELECT count(*) FROM arm_group_interventions").fetchone()
    assert unresolved == (0,)
    assert linked == total


def test_calculated_values(
    warehouse: duckdb.DuckDBPyConnection, records: dict[str, dict[str, Any]]
) -> None:
    row = warehouse.execute(
        "SELECT number_of_facilities, has_us_facility, actual_duration_months, "
        "months_to_report_results, minimum_age_years, maximum_age_years "
        "FROM calculated_values WHERE nct_id = 'NCT00763412'"
    ).fetchone()
    status = records["NCT00763412"]["protocolSection"]["statusModule"]
    assert status["startDateStruct"]["date"] == "2006-11"
    assert status["primaryCompletionDateStruct"] == {"date": "2013-01", "type": "ACTUAL"}
    assert status["resultsFirstSubmitDate"] == "2016-07-11"
    # 2006-11-01 -> 2013-01-01 is 2253 days = 74.0 months; 2013-01-01 -> 2016-07-11 is 42.3.
    assert row == (1, True, 74, 42, 12.0, 24.0)


def test_age_and_date_macros(warehouse: duckdb.DuckDBPyConnection) -> None:
    row = warehouse.execute(
        "SELECT ctgov_age_years('18 Years'), ctgov_age_years('6 Months'), "
        "ctgov_age_years('2 Weeks'), ctgov_age_years('N/A'), ctgov_age_years(NULL), "
        "ctgov_partial_date('2019'), ctgov_partial_date('2019-07'), "
        "ctgov_partial_date('2019-07-05'), ctgov_partial_date('soon')"
    ).fetchone()
    assert row is not None
    assert row[:5] == (18.0, 0.5, 0.0383, None, None)
    assert [str(value) for value in row[5:8]] == ["2019-01-01", "2019-07-01", "2019-07-05"]
    assert row[8] is None


def test_only_the_batch_versions_are_normalized(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    records = real_records()
    for nct_id, text in records.items():
        insert_version(con, nct_id, 1, text)
    chosen = sorted(records)[:2]
    counts = normalize_keys(con, [(nct_id, 1) for nct_id in chosen])
    assert counts["studies"] == 2
    stored = [row[0] for row in con.execute("SELECT nct_id FROM studies ORDER BY 1").fetchall()]
    assert stored == chosen
    con.close()


def test_normalizing_twice_does_not_duplicate(tmp_path: Path) -> None:
    con = build_real_warehouse(tmp_path / "w.duckdb")
    before = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone() for t in NORMALIZED_TABLES}
    again = normalize_keys(con, [(nct_id, 1) for nct_id in real_records()])
    after = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone() for t in NORMALIZED_TABLES}
    assert after == before
    assert {t: (n,) for t, n in again.items()} == before
    con.close()


def test_returned_counts_match_the_tables(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    for nct_id, text in real_records().items():
        insert_version(con, nct_id, 1, text)
    counts = normalize_keys(con, [(nct_id, 1) for nct_id in real_records()])
    assert set(counts) == set(NORMALIZED_TABLES)
    for table, count in counts.items():
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone() == (count,), table
    con.close()


def test_missing_batch_table_is_a_clear_error(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    with pytest.raises(WarehouseError, match="temp table batch_versions"):
        normalize_versions(con)
    con.close()


def test_unknown_versions_in_the_batch_are_named(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    with pytest.raises(WarehouseError, match=r"NCT09999999 v3.*insert the versions"):
        normalize_keys(con, [("NCT09999999", 3)])
    con.close()


def test_normalize_rolls_back_with_the_callers_transaction(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    nct_id, text = next(iter(real_records().items()))
    con.execute("BEGIN TRANSACTION")
    insert_version(con, nct_id, 1, text)
    con.execute("CREATE TEMP TABLE batch_versions AS SELECT ? AS nct_id, 1 AS version", [nct_id])
    assert normalize_versions(con)["studies"] == 1
    con.execute("ROLLBACK")
    assert con.execute("SELECT count(*) FROM studies").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM study_versions").fetchone() == (0,)
    con.close()


def test_values_of_the_wrong_type_become_null_not_failures(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    insert_version(con, "NCT00000001", 1, json.dumps(ODD_TYPES))
    counts = normalize_keys(con, [("NCT00000001", 1)])
    assert counts["studies"] == 1 and counts["locations"] == 1
    assert con.execute(
        "SELECT brief_title, enrollment, enrollment_type, has_results FROM studies"
    ).fetchone() == ("Odd types", None, "ESTIMATED", None)
    assert con.execute("SELECT facility, latitude, longitude FROM locations").fetchone() == (
        "Site",
        None,
        2.5,
    )
    con.close()


def test_current_views_show_only_the_current_version(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    nct_id = "NCT06690827"
    text = real_records()[nct_id]
    new_site = {"facility": "Synthetic Test Site", "city": "Chengdu", "country": "China"}
    later = derived_version(
        text,
        lambda r: r["protocolSection"]["contactsLocationsModule"]["locations"].append(new_site),
    )
    changed_at = FIRST_SEEN + timedelta(days=30)
    insert_version(con, nct_id, 1, text, valid_to=changed_at)
    insert_version(con, nct_id, 2, later, valid_from=changed_at)
    normalize_keys(con, [(nct_id, 1), (nct_id, 2)])
    assert con.execute(
        "SELECT version, count(*) FROM locations GROUP BY ALL ORDER BY 1"
    ).fetchall() == [(1, 1), (2, 2)]
    assert con.execute(
        "SELECT version, facility FROM current_locations ORDER BY ordinal"
    ).fetchall()[-1] == (2, "Synthetic Test Site")
    for table in NORMALIZED_TABLES:
        versions = con.execute(
            f"SELECT DISTINCT version FROM {current_view_name(table)}"
        ).fetchall()
        assert versions in ([], [(2,)]), table
    con.close()


def test_renormalize_all_rebuilds_every_table(tmp_path: Path) -> None:
    con = build_real_warehouse(tmp_path / "w.duckdb")
    before = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone() for t in NORMALIZED_TABLES}
    con.execute("DELETE FROM adverse_events")
    con.execute("DELETE FROM locations WHERE ordinal > 1")
    totals = renormalize_all(con, chunk_size=3)
    after = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone() for t in NORMALIZED_TABLES}
    assert after == before
    assert {t: (n,) for t, n in totals.items()} == before
    con.close()


def test_renormalize_all_rejects_a_bad_chunk_size(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    with pytest.raises(ValueError, match="chunk_size"):
        renormalize_all(con, chunk_size=0)
    con.close()


def _copies_over_pieces() -> int:
    """Copies of each real record that make a batch span three parse pieces and a bit."""
    return -(-(3 * PARSE_PIECE_ROWS + 1) // len(real_records()))


def test_renormalize_parses_every_piece_of_a_large_chunk(
    tmp_path: Path, records: dict[str, dict[str, Any]]
) -> None:
    copies = _copies_over_pieces()
    con = build_real_warehouse(tmp_path / "w.duckdb")
    con.execute(
        "INSERT INTO study_versions SELECT v.* REPLACE (v.version + copy AS version) "
        "FROM study_versions AS v, range(1, $copies) AS copies(copy)",
        {"copies": copies},
    )
    totals = renormalize_all(con, chunk_size=copies * len(records))
    expected = {t: sum(expected_counts(r)[t] for r in records.values()) for t in NORMALIZED_TABLES}
    assert totals == {t: n * copies for t, n in expected.items()}
    studies = con.execute("SELECT count(DISTINCT (nct_id, version)) FROM studies").fetchall()
    assert studies == [(copies * len(records),)]
    con.close()


def test_scratch_rows_cover_every_piece_of_a_large_batch(
    records: dict[str, dict[str, Any]],
) -> None:
    copies = _copies_over_pieces()
    texts = real_records()
    versions = [
        (nct_id, copy, texts[nct_id]) for copy in range(1, copies + 1) for nct_id in sorted(texts)
    ]
    assert len(versions) > 3 * PARSE_PIECE_ROWS
    tables = ScratchNormalizer().rows(versions)
    expected = {t: sum(expected_counts(r)[t] for r in records.values()) for t in NORMALIZED_TABLES}
    assert {t: tables[t].num_rows for t in NORMALIZED_TABLES} == {
        t: n * copies for t, n in expected.items()
    }
    keys = set(
        zip(
            tables["studies"]["nct_id"].to_pylist(),
            tables["studies"]["version"].to_pylist(),
            strict=True,
        )
    )
    assert keys == {(nct_id, version) for nct_id, version, _ in versions}


def test_scratch_rows_are_the_rows_the_warehouse_derives(tmp_path: Path) -> None:
    """The scratch normalizer reads each table's rows from its statement's SELECT, cast to the
    table's columns, without inserting them: they are the rows (types, names, values, order
    aside) that the same statement inserts into the warehouse."""
    texts = real_records()
    tables = ScratchNormalizer().rows([(nct_id, 1, texts[nct_id]) for nct_id in sorted(texts)])
    warehouse = build_real_warehouse(tmp_path / "w.duckdb")
    for table in NORMALIZED_TABLES:
        stored = warehouse.sql(f"SELECT * FROM {table}").to_arrow_table()
        assert tables[table].schema == stored.schema, table
        keys = stored.column_names
        assert _sorted_rows(tables[table], keys) == _sorted_rows(stored, keys), table
    warehouse.close()


def test_scratch_rows_of_values_of_the_wrong_type_are_null_too() -> None:
    tables = ScratchNormalizer().rows([("NCT00000001", 1, json.dumps(ODD_TYPES).encode())])
    studies = tables["studies"].select(["brief_title", "enrollment", "has_results"])
    assert studies.to_pylist() == [
        {"brief_title": "Odd types", "enrollment": None, "has_results": None}
    ]
    locations = tables["locations"].select(["facility", "latitude", "longitude"])
    assert locations.to_pylist() == [{"facility": "Site", "latitude": None, "longitude": 2.5}]


def _sorted_rows(table: Any, keys: list[str]) -> list[tuple[Any, ...]]:
    return sorted((tuple(row[key] for key in keys) for row in table.to_pylist()), key=repr)
