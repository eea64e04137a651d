"""The internal history API over real HTTP, compared with the real capture's shapes."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from imitation import Catalog, ImitationServer, markdown_to_html

CAPTURE = Path(__file__).parent / "fixtures/ctgov/history/NCT03690141.history-true.json"
LAST_DEMO_DAY = date(2025, 2, 18)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load_default()


@pytest.fixture(scope="module")
def captured() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(CAPTURE.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def registry(catalog: Catalog) -> Iterator[ImitationServer]:
    with ImitationServer(catalog=catalog, as_of=LAST_DEMO_DAY) as server:
        yield server


@pytest.fixture
def client(registry: ImitationServer) -> Iterator[httpx.Client]:
    registry.set_date(LAST_DEMO_DAY)
    with httpx.Client(base_url=registry.url, trust_env=False, timeout=10) as http:
        yield http


def test_history_true_has_the_shape_of_the_capture(
    client: httpx.Client, captured: dict[str, Any]
) -> None:
    body = client.get("/api/int/studies/NCT06690827", params={"history": "true"}).json()
    assert list(body) == list(captured) == ["study", "topics", "history"]
    assert list(body["history"]) == list(captured["history"])
    assert list(body["history"]["lastUpdateVersions"]) == list(
        captured["history"]["lastUpdateVersions"]
    )
    captured_change_keys = list(captured["history"]["changes"][0])
    for change in body["history"]["changes"]:
        assert list(change) == [
            "version",
            "date",
            "status",
            "studyType",
            "moduleLabels",
            "lastUpdateSubmitQcDate",
        ]
        assert [k for k in change if k in captured_change_keys] == captured_change_keys
    stems = [k.removesuffix("Same") for k in body["history"]["originalData"]]
    assert stems == [k.removesuffix("Same") for k in captured["history"]["originalData"]]
    assert list(body["study"]) == list(captured["study"])
    assert set(body["topics"]) == set(captured["topics"])


def test_history_index_lists_versions_up_to_the_served_day(
    registry: ImitationServer, client: httpx.Client, catalog: Catalog
) -> None:
    day = date(2024, 12, 10)
    registry.set_date(day)
    index = client.get("/api/int/studies/NCT06690827/history").json()
    assert list(index) == ["changes", "lastUpdateVersions", "originalData", "outcomesUpdateCount"]
    versions = [v for v in catalog.versions("NCT06690827") if v.date <= day]
    assert [c["version"] for c in index["changes"]] == list(range(len(versions)))
    assert [c["moduleLabels"] for c in index["changes"]] == [v.module_labels for v in versions]
    assert [c["status"] for c in index["changes"]] == [
        v.record["protocolSection"]["statusModule"]["overallStatus"] for v in versions
    ]
    assert all(c["date"] <= day.isoformat() for c in index["changes"])


def test_change_dates_are_the_submission_dates_like_the_capture(
    registry: ImitationServer, client: httpx.Client, catalog: Catalog
) -> None:
    registry.set_date(date(2025, 6, 2))
    index = client.get("/api/int/studies/NCT03934567/history").json()
    base = catalog.versions("NCT03934567")[2]
    status = base.record["protocolSection"]["statusModule"]
    assert status["lastUpdateSubmitDate"] < base.date.isoformat()
    assert index["changes"][2]["date"] == status["lastUpdateSubmitDate"]
    assert index["changes"][2]["lastUpdateSubmitQcDate"] == status["lastUpdateSubmitDate"]


def _outcomes(record: dict[str, Any]) -> Any:
    return record["protocolSection"].get("outcomesModule")


def _enrollment(record: dict[str, Any]) -> Any:
    return record["protocolSection"]["designModule"].get("enrollmentInfo")


def test_summary_fields_follow_the_versions(client: httpx.Client, catalog: Catalog) -> None:
    versions = [v for v in catalog.versions("NCT06690827") if v.date <= LAST_DEMO_DAY]
    index = client.get("/api/int/studies/NCT06690827/history").json()

    def last_change(pick: Any) -> int:
        changed = [
            b.index for a, b in itertools.pairwise(versions) if pick(a.record) != pick(b.record)
        ]
        return changed[-1] if changed else 0

    assert index["lastUpdateVersions"]["outcomes"] == last_change(_outcomes)
    assert index["lastUpdateVersions"]["enrollmentInfo"] == last_change(_enrollment)
    assert index["outcomesUpdateCount"] == sum(
        "Outcome Measures" in v.module_labels for v in versions
    )
    assert index["originalData"]["enrollmentInfo"] == _enrollment(versions[0].record)
    assert index["originalData"]["leadSponsorSame"] is True


def test_a_version_is_served_in_html_markup(client: httpx.Client, catalog: Catalog) -> None:
    version = catalog.versions("NCT06690827")[4]
    body = client.get("/api/int/studies/NCT06690827/history/4").json()
    assert list(body) == ["studyVersion", "study"]
    assert body["studyVersion"] == 4
    served = body["study"]["protocolSection"]
    markdown = version.record["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    assert served["eligibilityModule"]["eligibilityCriteria"] == markdown_to_html(markdown)
    assert served["eligibilityModule"]["eligibilityCriteria"].startswith(
        "<p>Inclusion Criteria</p><ol><li>"
    )
    assert served["statusModule"] == version.record["protocolSection"]["statusModule"]


def test_results_appear_in_the_version_that_posted_them(
    registry: ImitationServer, client: httpx.Client
) -> None:
    registry.set_date(date(2023, 1, 2))
    first = client.get("/api/int/studies/NCT05594173/history/0").json()["study"]
    second = client.get("/api/int/studies/NCT05594173/history/1").json()["study"]
    assert (first["hasResults"], second["hasResults"]) == (False, True)
    assert "resultsSection" in second and "resultsSection" not in first


def test_a_study_without_history_has_an_empty_index(client: httpx.Client) -> None:
    body = client.get("/api/int/studies/NCT00973089", params={"history": "true"}).json()
    assert body["history"]["changes"] == []
    assert body["study"]["protocolSection"]["identificationModule"]["nctId"] == "NCT00973089"
    assert client.get("/api/int/studies/NCT00973089/history/0").status_code == 404


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/int/studies/NCT06690827/history/11", 404),
        ("/api/int/studies/NCT06690827/history/x", 404),
        ("/api/int/studies/NCT09999999/history", 404),
        ("/api/int/studies/NCT06171568/history", 404),
        ("/api/int/studies/BAD1/history", 400),
    ],
)
def test_unknown_hidden_or_malformed_give_text_errors(
    client: httpx.Client, path: str, status: int
) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/plain")


def test_future_versions_are_not_listed(registry: ImitationServer, client: httpx.Client) -> None:
    registry.set_date(date(2024, 11, 15))
    assert len(client.get("/api/int/studies/NCT06690827/history").json()["changes"]) == 1
    assert client.get("/api/int/studies/NCT06690827/history/1").status_code == 404
