"""Contract tests of the imitated API v2 over real HTTP, against API-NOTES and real captures."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from imitation import Catalog, ImitationServer
from imitation.catalog import STUDIES_DIR
from imitation.timeline import build_study_timeline
from tests.conftest import REAL_STUDY_IDS
from tests.test_imitation_fields import _leaf_paths

FIXTURES = Path(__file__).parent / "fixtures/ctgov"
DEMO_START = date(2024, 11, 15)
TEN_VISIBLE = date(2024, 12, 2)
"""On this day exactly ten studies are served (NCT06835140 and the near misses not yet posted)."""
REAL_RECORDS = tuple(REAL_STUDY_IDS)
TOKEN = re.compile(r"^[A-Za-z0-9_-]+$")
BIOMCP_FIELDS = (
    "NCTId,BriefTitle,OverallStatus,Phase,StudyType,Condition,InterventionName,"
    "LeadSponsorName,EnrollmentCount,BriefSummary,StartDate,CompletionDate,MinimumAge,MaximumAge"
)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load_default()


@pytest.fixture(scope="module")
def registry(catalog: Catalog) -> Iterator[ImitationServer]:
    with ImitationServer(catalog=catalog, as_of=DEMO_START) as server:
        yield server


@pytest.fixture
def client(registry: ImitationServer) -> Iterator[httpx.Client]:
    registry.set_date(DEMO_START)
    registry.set_faults(None)
    with httpx.Client(base_url=registry.url, trust_env=False, timeout=10) as http:
        yield http


def _served_ids(catalog: Catalog, day: date) -> list[str]:
    return [version.nct_id for version in catalog.served_as_of(day)]


def _walk(client: httpx.Client, params: dict[str, Any]) -> list[dict[str, Any]]:
    pages = [client.get("/api/v2/studies", params=params).json()]
    while "nextPageToken" in pages[-1]:
        follow = {**params, "pageToken": pages[-1]["nextPageToken"]}
        response = client.get("/api/v2/studies", params=follow)
        assert response.status_code == 200, response.text
        pages.append(response.json())
    return pages


def test_version_reports_the_data_timestamp_of_the_served_day(
    registry: ImitationServer, client: httpx.Client
) -> None:
    assert client.get("/api/v2/version").json() == {
        "apiVersion": "2.0.5",
        "dataTimestamp": "2024-11-15T09:00:05",
    }
    registry.set_date(date(2025, 1, 21))
    assert client.get("/api/v2/version").json()["dataTimestamp"] == "2025-01-21T09:00:05"


def test_list_pages_have_the_key_order_of_real_pages(client: httpx.Client) -> None:
    first_real = json.loads(
        (FIXTURES / "lists/biomcp_search_phelan_limit5_20260811.json").read_text()
    )
    next_real = json.loads((FIXTURES / "lists/biomcp_search_phelan_next_20260811.json").read_text())
    params: dict[str, Any] = {"fields": "NCTId", "pageSize": 2, "countTotal": "true"}
    first = client.get("/api/v2/studies", params=params).json()
    follow = {**params, "pageToken": first["nextPageToken"]}
    second = client.get("/api/v2/studies", params=follow).json()
    assert list(first) == list(first_real) == ["studies", "totalCount", "nextPageToken"]
    assert list(second) == list(next_real) == ["studies", "nextPageToken"]


def test_a_pagination_walk_sees_every_served_study_once(
    catalog: Catalog, client: httpx.Client
) -> None:
    pages = _walk(client, {"fields": "NCTId", "pageSize": 3, "countTotal": "true"})
    ids = [
        s["protocolSection"]["identificationModule"]["nctId"] for p in pages for s in p["studies"]
    ]
    assert ids == _served_ids(catalog, DEMO_START)
    assert pages[0]["totalCount"] == len(ids)
    assert all("totalCount" not in page for page in pages[1:])
    assert "nextPageToken" not in pages[-1]
    assert all(TOKEN.match(page["nextPageToken"]) for page in pages[:-1])


def test_a_full_last_page_is_followed_by_an_empty_page(
    registry: ImitationServer, client: httpx.Client, catalog: Catalog
) -> None:
    registry.set_date(TEN_VISIBLE)
    assert len(_served_ids(catalog, TEN_VISIBLE)) == 10
    pages = _walk(client, {"fields": "NCTId", "pageSize": 5})
    assert [len(page["studies"]) for page in pages] == [5, 5, 0]
    assert list(pages[-1]) == ["studies"]
    default = _walk(client, {"fields": "NCTId"})
    assert [len(page["studies"]) for page in default] == [10, 0]


def _synthetic_catalog(count: int, day: date) -> Catalog:
    timelines = {}
    for number in range(1, count + 1):
        nct_id = f"NCT{number:08d}"
        record = {
            "protocolSection": {
                "identificationModule": {"nctId": nct_id},
                "statusModule": {
                    "overallStatus": "RECRUITING",
                    "lastUpdatePostDateStruct": {"date": day.isoformat(), "type": "ACTUAL"},
                },
            },
            "hasResults": False,
        }
        document = {
            "nctId": nct_id,
            "entries": [
                {
                    "date": day.isoformat(),
                    "base": True,
                    "moduleLabels": [],
                    "expectedEvents": ["first_seen"],
                }
            ],
        }
        timelines[nct_id] = build_study_timeline(
            nct_id, json.dumps(record).encode(), document, nct_id
        )
    return Catalog(timelines)


def test_page_size_defaults_to_10_and_is_clamped_to_1000() -> None:
    day = date(2024, 1, 2)
    synthetic = _synthetic_catalog(1003, day)
    with (
        ImitationServer(catalog=synthetic, as_of=day) as server,
        httpx.Client(base_url=server.url, trust_env=False, timeout=10) as http,
    ):
        sizes = {
            raw: len(
                http.get("/api/v2/studies", params={"pageSize": raw, "fields": "NCTId"}).json()[
                    "studies"
                ]
            )
            for raw in ("0", "7", "5000")
        }
        absent = http.get("/api/v2/studies", params={"fields": "NCTId"}).json()
        clamped = http.get("/api/v2/studies", params={"pageSize": 5000, "fields": "NCTId"}).json()
    assert sizes == {"0": 10, "7": 7, "5000": 1000}
    assert len(absent["studies"]) == 10
    assert "nextPageToken" in clamped


def test_projected_list_studies_have_the_shape_of_real_list_pages(client: httpx.Client) -> None:
    real_paths: set[str] = set()
    for path in (FIXTURES / "lists").glob("biomcp_*.json"):
        for study in json.loads(path.read_text())["studies"]:
            real_paths |= _leaf_paths(study)
    page = client.get("/api/v2/studies", params={"fields": BIOMCP_FIELDS, "pageSize": 20}).json()
    assert page["studies"]
    for study in page["studies"]:
        assert _leaf_paths(study) <= real_paths
        assert "/protocolSection/identificationModule/nctId" in _leaf_paths(study)


@pytest.mark.parametrize("nct_id", REAL_RECORDS)
def test_real_records_are_served_exactly_at_their_real_date(
    registry: ImitationServer, client: httpx.Client, nct_id: str
) -> None:
    raw = (STUDIES_DIR / f"{nct_id}.json").read_bytes()
    record = json.loads(raw)
    registry.set_date(
        date.fromisoformat(
            record["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"]
        )
    )
    single = client.get(f"/api/v2/studies/{nct_id}")
    assert single.status_code == 200
    assert single.content == raw
    listed = client.get("/api/v2/studies", params={"filter.ids": nct_id}).json()["studies"]
    assert json.dumps(listed) == json.dumps([record])


def test_filter_ids_accepts_commas_pipes_and_loose_forms(client: httpx.Client) -> None:
    page = client.get(
        "/api/v2/studies",
        params={"filter.ids": "nct6690827|NCT00973089,NCT00000001", "fields": "NCTId"},
    )
    ids = [s["protocolSection"]["identificationModule"]["nctId"] for s in page.json()["studies"]]
    assert ids == ["NCT00973089", "NCT06690827"]


@pytest.mark.parametrize(
    ("params", "body"),
    [
        ({"query.bogus": "x"}, "`query.bogus` is unknown parameter"),
        (
            {"filter.overallStatus": "RECRUITING,FOO"},
            "Invalid value in parameter `overallStatus`: `FOO`",
        ),
        (
            {"fields": "NCTId,StudyDesign"},
            "Parameter 'fields' contains invalid field name: 'StudyDesign'",
        ),
        ({"query.term": "(cancer"}, "Error parsing query in Other terms: missing ')' at '<EOF>'"),
        (
            {"filter.advanced": "AREA[Nope]x"},
            "Error parsing query in advanced filter: Unknown area name: `Nope`",
        ),
    ],
)
def test_bad_parameters_get_the_registry_error_bodies(
    client: httpx.Client, params: dict[str, str], body: str
) -> None:
    response = client.get("/api/v2/studies", params=params)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == body


@pytest.mark.parametrize(
    "params",
    [
        {"filter.ids": "NCT123X"},
        {"filter.ids": "NCT00000000"},
        {"format": "csv"},
        {"pageSize": "-1"},
        {"pageSize": "ten"},
        {"countTotal": "yes"},
        {"sort": "BriefTitle"},
        {"fields": ""},
        {"pageToken": "not-a-token"},
    ],
)
def test_other_malformed_requests_are_400_text(
    client: httpx.Client, params: dict[str, str]
) -> None:
    response = client.get("/api/v2/studies", params=params)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text


def test_page_tokens_are_tied_to_the_date_and_the_query(
    registry: ImitationServer, client: httpx.Client
) -> None:
    params: dict[str, Any] = {"fields": "NCTId", "pageSize": 2}
    token = client.get("/api/v2/studies", params=params).json()["nextPageToken"]
    other = client.get(
        "/api/v2/studies", params={**params, "fields": "NCTId,BriefTitle", "pageToken": token}
    )
    assert other.status_code == 400
    resized = client.get("/api/v2/studies", params={**params, "pageSize": 4, "pageToken": token})
    assert resized.status_code == 200
    registry.set_date(date(2024, 11, 19))
    stale = client.get("/api/v2/studies", params={**params, "pageToken": token})
    assert stale.status_code == 400
    assert token in stale.text


def test_last_update_range_and_status_filters(
    registry: ImitationServer, client: httpx.Client, catalog: Catalog
) -> None:
    day = date(2025, 1, 21)
    registry.set_date(day)

    def last_update(nct_id: str) -> str:
        record = catalog.record_as_of(nct_id, day)
        assert record is not None
        return str(record["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"])

    served = _served_ids(catalog, day)
    expected = [n for n in served if last_update(n) >= "2024-11-01"]
    for name in ("query.term", "filter.advanced"):
        page = client.get(
            "/api/v2/studies",
            params={name: "AREA[LastUpdatePostDate]RANGE[2024-11-01,MAX]", "fields": "NCTId"},
        ).json()
        assert [
            s["protocolSection"]["identificationModule"]["nctId"] for s in page["studies"]
        ] == expected
    assert expected and len(expected) < len(served)
    statuses = client.get(
        "/api/v2/studies",
        params={
            "filter.overallStatus": "COMPLETED|TERMINATED",
            "fields": "OverallStatus",
            "pageSize": 50,
        },
    ).json()
    found = {s["protocolSection"]["statusModule"]["overallStatus"] for s in statuses["studies"]}
    assert found == {"COMPLETED", "TERMINATED"}


def test_simple_condition_and_intervention_queries(client: httpx.Client) -> None:
    def ids(params: dict[str, str]) -> list[str]:
        page = client.get("/api/v2/studies", params={**params, "fields": "NCTId"}).json()
        return [s["protocolSection"]["identificationModule"]["nctId"] for s in page["studies"]]

    assert ids({"query.cond": "acute myeloid LEUKEMIA"}) == ["NCT04010877", "NCT06690827"]
    assert ids({"query.intr": "repaglinide"}) == ["NCT00763412"]
    assert ids({"query.cond": "leukemia", "query.intr": "NK cells"}) == ["NCT06690827"]
    assert ids({"query.term": "NCT06690827", "filter.overallStatus": "COMPLETED"}) == [
        "NCT06690827"
    ]


def test_sort_by_last_update_date_descending(
    registry: ImitationServer, client: httpx.Client, catalog: Catalog
) -> None:
    page = client.get(
        "/api/v2/studies",
        params={"sort": "LastUpdatePostDate", "fields": "NCTId,LastUpdatePostDate"},
    ).json()
    dates = [
        s["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"]
        for s in page["studies"]
    ]
    assert dates == sorted(dates, reverse=True)
    ascending = client.get(
        "/api/v2/studies", params={"sort": "LastUpdatePostDate:asc", "fields": "LastUpdatePostDate"}
    ).json()
    assert [
        s["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"]
        for s in ascending["studies"]
    ] == sorted(dates)


def test_single_study_errors_and_projection(client: httpx.Client) -> None:
    malformed = client.get("/api/v2/studies/NCT12X")
    assert (malformed.status_code, "incorrect format" in malformed.text) == (400, True)
    unknown = client.get("/api/v2/studies/NCT09999999")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("text/plain")
    not_yet = client.get("/api/v2/studies/NCT06835140")
    assert not_yet.status_code == 404
    projected = client.get("/api/v2/studies/nct6690827", params={"fields": "NCTId,Phase"})
    assert projected.json() == {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT06690827"},
            "designModule": {"phases": ["PHASE1"]},
        }
    }
    assert client.get("/api/v2/studies/NCT06690827", params={"query.cond": "x"}).status_code == 400


def test_a_missing_study_is_404_and_absent_from_lists(
    registry: ImitationServer, client: httpx.Client
) -> None:
    registry.set_date(date(2024, 12, 16))
    assert client.get("/api/v2/studies/NCT00184067").status_code == 404
    listed = client.get("/api/v2/studies", params={"fields": "NCTId", "pageSize": 50}).json()
    assert "NCT00184067" not in {
        s["protocolSection"]["identificationModule"]["nctId"] for s in listed["studies"]
    }
    registry.set_date(date(2025, 1, 13))
    assert client.get("/api/v2/studies/NCT00184067").status_code == 200


def test_each_change_date_serves_the_catalog_version(
    registry: ImitationServer, client: httpx.Client, catalog: Catalog
) -> None:
    for day in catalog.change_dates(since=DEMO_START, until=date(2025, 2, 18)):
        registry.set_date(day)
        for nct_id in ("NCT06690827", "NCT00184067", "NCT06171568"):
            response = client.get(f"/api/v2/studies/{nct_id}")
            expected = catalog.record_as_of(nct_id, day)
            if expected is None:
                assert response.status_code == 404, (nct_id, day)
            else:
                assert response.json() == expected, (nct_id, day)


def test_etag_allows_a_conditional_get(client: httpx.Client) -> None:
    first = client.get("/api/v2/studies/NCT06690827")
    again = client.get(
        "/api/v2/studies/NCT06690827", headers={"If-None-Match": first.headers["etag"]}
    )
    assert (again.status_code, again.content) == (304, b"")


def test_endpoints_outside_the_imitation(client: httpx.Client) -> None:
    assert client.get("/api/v2/studies/metadata").status_code == 501
    assert client.get("/api/v2/studies/NCT06690827/history").status_code == 404
    assert client.get("/nowhere").status_code == 404
    assert client.post("/api/v2/studies").status_code == 405


def test_admin_endpoints_set_the_date_and_read_the_log(
    registry: ImitationServer, client: httpx.Client, catalog: Catalog
) -> None:
    registry.clear_request_log()
    moved = client.put("/_imitation/date", json={"date": "2025-01-07"})
    assert moved.json() == {"asOf": "2025-01-07", "dataTimestamp": "2025-01-07T09:00:05"}
    assert registry.as_of == date(2025, 1, 7)
    assert client.put("/_imitation/date", json={"date": "07/01/2025"}).status_code == 400
    days = client.get("/_imitation/change-dates").json()["dates"]
    assert days == [d.isoformat() for d in catalog.change_dates()]
    client.get("/api/v2/version")
    log = client.get("/_imitation/requests").json()["requests"]
    assert [(r["method"], r["path"], r["status"]) for r in log] == [("GET", "/api/v2/version", 200)]
    assert [r.path for r in registry.request_log] == ["/api/v2/version"]


def test_stop_ends_idle_connections_joins_threads_and_frees_the_port(catalog: Catalog) -> None:
    others = set(threading.enumerate())
    server = ImitationServer(catalog=catalog, as_of=DEMO_START).start()
    port = int(server.url.rsplit(":", 1)[1])
    clients = [httpx.Client(base_url=server.url, trust_env=False, timeout=5) for _ in range(8)]
    try:
        assert {c.get("/api/v2/version").status_code for c in clients} == {200}
        server.stop()
        handlers = [
            t for t in threading.enumerate() if t not in others and "process_request" in t.name
        ]
        assert handlers == []
        with ImitationServer(catalog=catalog, as_of=DEMO_START, port=port) as again:
            assert again.url.endswith(f":{port}")
    finally:
        for client in clients:
            client.close()
