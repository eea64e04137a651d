"""The client's data paths over a mocked transport: IDs, chunks, pages, aliases, history."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from models.nct import InvalidNctIdError
from registry import (
    DEFAULT_PAGE_SIZE,
    BadRequestError,
    RegistryClient,
    RegistryResponseError,
    StudyNotFoundError,
)
from tests.test_registry_support import (
    FakeRegistry,
    fast_config,
    fixture_json,
    fixture_text,
    nct_of,
    page_records,
    query_of,
    synthetic_study,
)

PHELAN_PAGES = (
    "biomcp_search_phelan_limit5_20260811.json",
    "biomcp_search_phelan_next_20260811.json",
)
FULL_STUDIES = "cyanheads_studies_2025-06-17T11-16-37-179Z.json"
UNKNOWN_ID = "NCT09999999"


def known_records() -> list[dict[str, Any]]:
    return page_records(*PHELAN_PAGES, FULL_STUDIES)


def requested_ids(registry: FakeRegistry) -> list[list[str]]:
    return [
        query_of(r)["filter.ids"].split(",")
        for r in registry.requests
        if "filter.ids" in query_of(r)
    ]


def test_version_parses_api_version_and_utc_timestamp():
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/v2/version"
        return httpx.Response(
            200, json={"apiVersion": "2.0.5", "dataTimestamp": "2026-08-10T09:00:05"}
        )

    registry = FakeRegistry()
    registry.faults.append(handler)
    with registry.client() as client:
        version = client.version()
    assert version.api_version == "2.0.5"
    assert version.data_timestamp == datetime(2026, 8, 10, 9, 0, 5, tzinfo=UTC)


def test_version_without_timestamp_gives_none():
    registry = FakeRegistry()
    registry.faults.append(lambda request: httpx.Response(200, json={"apiVersion": "2.0.5"}))
    with registry.client() as client:
        assert client.version().data_timestamp is None


def test_fetch_study_keeps_the_body_exactly_as_received():
    body = fixture_text("partial/biomcp_get_nct06382129_20260811.json")
    record = json.loads(body)
    registry = FakeRegistry([record], bodies={"NCT06382129": body})
    with registry.client() as client:
        study = client.fetch_study("nct6382129")
    assert registry.requests[0].url.path == "/api/v2/studies/NCT06382129"
    assert study.nct_id == "NCT06382129"
    assert study.text == body
    assert study.record == record


def test_fetch_study_sends_the_configured_user_agent():
    registry = FakeRegistry([synthetic_study("NCT00000001")])
    with registry.client(fast_config(user_agent="ua-under-test/1")) as client:
        client.fetch_study("NCT00000001")
    assert registry.requests[0].headers["User-Agent"] == "ua-under-test/1"


PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


def https_proxy_mounts(client: RegistryClient) -> list[httpx.BaseTransport | None]:
    return [
        transport
        for pattern, transport in client._http._mounts.items()
        if pattern.pattern == "https://"
    ]


def test_trust_env_reads_the_proxy_from_the_environment(monkeypatch):
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.test:3128")
    config = fast_config(trust_env=True, max_connections=3)
    with RegistryClient(config) as client:
        proxies = https_proxy_mounts(client)
        pool = client._http._transport._pool
    assert len(proxies) == 1 and isinstance(proxies[0], httpx.HTTPTransport)
    assert pool._max_connections == 3
    with RegistryClient(fast_config(trust_env=False)) as client:
        assert https_proxy_mounts(client) == []


def test_fetch_study_unknown_id_raises_study_not_found_naming_it():
    registry = FakeRegistry()
    with registry.client() as client, pytest.raises(StudyNotFoundError) as caught:
        client.fetch_study(UNKNOWN_ID)
    assert caught.value.nct_id == UNKNOWN_ID
    assert caught.value.status == 404
    assert UNKNOWN_ID in str(caught.value) and "\n" not in str(caught.value)
    assert len(registry.requests) == 1


def test_fetch_study_follows_the_alias_redirect_to_the_canonical_study():
    registry = FakeRegistry([synthetic_study("NCT09000001", aliases=["NCT09000002"])])
    with registry.client() as client:
        study = client.fetch_study("NCT09000002")
    assert study.nct_id == "NCT09000001"
    assert [r.url.path for r in registry.requests] == [
        "/api/v2/studies/NCT09000002",
        "/api/v2/studies/NCT09000001",
    ]


def test_ids_are_normalised_and_a_malformed_one_fails_before_any_request():
    registry = FakeRegistry(known_records())
    with registry.client() as client, pytest.raises(InvalidNctIdError, match="'NCT-bogus'"):
        client.fetch_studies(["NCT02710084", "NCT-bogus"])
    assert registry.requests == []


def test_a_bare_string_is_refused_rather_than_read_as_characters():
    registry = FakeRegistry()
    with registry.client() as client, pytest.raises(TypeError, match="NCT02710084"):
        client.fetch_studies("NCT02710084")
    assert registry.requests == []


def test_fetch_studies_normalises_dedupes_and_keeps_request_order():
    registry = FakeRegistry(known_records())
    with registry.client() as client:
        result = client.fetch_studies(
            [" nct2710084", "NCT05105685", "NCT02710084", "NCT0000001525901"]
        )
    assert requested_ids(registry) == [["NCT02710084", "NCT05105685", "NCT01525901"]]
    assert query_of(registry.requests[0])["pageSize"] == str(DEFAULT_PAGE_SIZE)
    assert sorted(s.nct_id for s in result.studies) == ["NCT01525901", "NCT02710084", "NCT05105685"]
    assert result.missing == []


def test_fetch_studies_chunks_ids_per_request():
    records = known_records()
    ids = [nct_of(r) for r in records][:7]
    registry = FakeRegistry(records)
    with registry.client(fast_config(ids_per_request=3)) as client:
        result = client.fetch_studies(ids)
    assert requested_ids(registry) == [ids[0:3], ids[3:6], ids[6:7]]
    assert {s.nct_id for s in result.studies} == set(ids)
    assert result.missing == []


def test_fetch_studies_follows_next_page_token_within_a_batch():
    records = known_records()
    ids = [nct_of(r) for r in records][:5]
    registry = FakeRegistry(records)
    with registry.client(fast_config(page_size=2)) as client:
        result = client.fetch_studies(ids)
    queries = [query_of(r) for r in registry.requests]
    assert [q.get("pageToken") for q in queries] == [None, "tok-2", "tok-4"]
    assert all(q["filter.ids"] == ",".join(ids) and q["pageSize"] == "2" for q in queries)
    assert [s.nct_id for s in result.studies] == ids


def test_ids_the_registry_does_not_return_are_confirmed_missing_by_a_404():
    registry = FakeRegistry(known_records(), reject_unknown_ids=False)
    with registry.client() as client:
        result = client.fetch_studies(["NCT02710084", UNKNOWN_ID, "NCT05105685"])
    assert [s.nct_id for s in result.studies] == ["NCT02710084", "NCT05105685"]
    assert result.missing == [UNKNOWN_ID]
    assert [r.url.path for r in registry.requests] == [
        "/api/v2/studies",
        f"/api/v2/studies/{UNKNOWN_ID}",
    ]


def test_a_batch_rejected_with_400_is_fetched_one_by_one():
    records = known_records()
    good = [nct_of(r) for r in records][:3]
    registry = FakeRegistry(records)
    with registry.client(fast_config(ids_per_request=4)) as client:
        result = client.fetch_studies([good[0], UNKNOWN_ID, good[1], "NCT00000002", good[2]])
    paths = [r.url.path for r in registry.requests]
    assert paths == [
        "/api/v2/studies",
        *(f"/api/v2/studies/{nct}" for nct in [good[0], UNKNOWN_ID, good[1], "NCT00000002"]),
        "/api/v2/studies",
    ]
    assert [s.nct_id for s in result.studies] == good
    assert result.missing == [UNKNOWN_ID, "NCT00000002"]


def test_a_study_is_matched_to_the_alias_it_was_requested_by():
    registry = FakeRegistry(
        [synthetic_study("NCT09000001", aliases=["NCT09000002"]), *known_records()],
        reject_unknown_ids=False,
    )
    with registry.client() as client:
        result = client.fetch_studies(["NCT09000002", "NCT02710084"])
    assert sorted(s.nct_id for s in result.studies) == ["NCT02710084", "NCT09000001"]
    assert result.missing == []
    assert result.aliases == {"NCT09000002": "NCT09000001"}


def test_alias_and_canonical_in_different_batches_yield_the_study_once():
    registry = FakeRegistry([synthetic_study("NCT09000001", aliases=["NCT09000002"])])
    with registry.client(fast_config(ids_per_request=1)) as client:
        result = client.fetch_studies(["NCT09000001", "NCT09000002"])
    assert [s.nct_id for s in result.studies] == ["NCT09000001"]
    assert result.missing == []
    assert result.aliases == {"NCT09000002": "NCT09000001"}


def test_alias_matching_survives_the_400_fallback():
    registry = FakeRegistry([synthetic_study("NCT09000001", aliases=["NCT09000002"])])
    with registry.client() as client:
        result = client.fetch_studies(["NCT09000002", UNKNOWN_ID])
    assert [s.nct_id for s in result.studies] == ["NCT09000001"]
    assert result.missing == [UNKNOWN_ID]
    assert result.aliases == {"NCT09000002": "NCT09000001"}


def test_empty_id_list_makes_no_request():
    registry = FakeRegistry()
    with registry.client() as client:
        result = client.fetch_studies([])
    assert (result.studies, result.missing, registry.requests) == ([], [], [])


def serve_real_pages(registry: FakeRegistry) -> None:
    """Page 1 and 2 of a real Phelan-McDermid search, then a real last page (no token)."""
    first, second = (fixture_text(f"lists/{name}") for name in PHELAN_PAGES)
    last = fixture_text("lists/biomcp_search_nsclc_egfr_l858r_20260811.json")
    tokens = {
        None: first,
        json.loads(first)["nextPageToken"]: second,
        json.loads(second)["nextPageToken"]: last,
    }

    def page(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text=tokens[query_of(request).get("pageToken")])

    registry.faults.extend([page] * 3)


def test_iter_study_pages_repeats_every_parameter_on_every_page():
    registry = FakeRegistry()
    serve_real_pages(registry)
    params = {
        "query.cond": "Phelan-McDermid Syndrome",
        "filter.advanced": "AREA[LastUpdatePostDate]RANGE[2026-08-09,MAX]",
        "countTotal": "true",
    }
    with registry.client() as client:
        pages = list(client.iter_study_pages(params))
    queries = [query_of(r) for r in registry.requests]
    first_token = fixture_json(f"lists/{PHELAN_PAGES[0]}")["nextPageToken"]
    second_token = fixture_json(f"lists/{PHELAN_PAGES[1]}")["nextPageToken"]
    assert [q.get("pageToken") for q in queries] == [None, first_token, second_token]
    for query in queries:
        assert {k: query[k] for k in params} == params
        assert query["pageSize"] == str(DEFAULT_PAGE_SIZE)
    assert [len(p.studies) for p in pages] == [5, 5, 2]
    assert [p.total_count for p in pages] == [21, None, 2]
    assert [p.next_page_token for p in pages] == [first_token, second_token, None]
    assert pages[0].studies[0].nct_id == "NCT02710084"


def test_list_page_study_text_is_compact_json_in_received_key_order():
    registry = FakeRegistry()
    serve_real_pages(registry)
    with registry.client() as client:
        first = next(iter(client.iter_study_pages({"query.cond": "Phelan-McDermid Syndrome"})))
    received = json.loads(
        fixture_text(f"lists/{PHELAN_PAGES[0]}"), object_pairs_hook=lambda pairs: pairs
    )
    studies = dict(received)["studies"]
    non_ascii = [s for s in first.studies if not s.text.isascii()]
    assert non_ascii, "the fixture page holds non-ASCII text, which must stay unescaped"
    for study, pairs in zip(first.studies, studies, strict=True):
        assert [key for key, _ in json.loads(study.text, object_pairs_hook=list)] == [
            key for key, _ in pairs
        ]
        compact = json.dumps(json.loads(study.text), ensure_ascii=False, separators=(",", ":"))
        assert study.text == compact and "\\u" not in study.text
        assert json.loads(study.text) == study.record


def test_a_page_token_that_repeats_stops_paging_with_a_named_error():
    registry = FakeRegistry()
    looping = {"studies": [synthetic_study("NCT00000001")], "nextPageToken": "same"}
    registry.faults.extend([lambda request: httpx.Response(200, json=looping)] * 2)
    with registry.client() as client, pytest.raises(RegistryResponseError, match="same") as caught:
        list(client.iter_study_pages({"query.term": "x"}))
    assert caught.value.page_token == "same"
    assert len(registry.requests) == 2


def test_a_page_study_without_nct_id_is_refused_with_advice():
    registry = FakeRegistry()
    page: dict[str, Any] = {"studies": [{"protocolSection": {"statusModule": {}}}]}
    registry.faults.append(lambda request: httpx.Response(200, json=page))
    with registry.client() as client, pytest.raises(RegistryResponseError, match="NCTId"):
        list(client.iter_study_pages({"fields": "BriefTitle"}))


def test_a_400_on_a_search_is_a_bad_request_error_quoting_the_registry():
    registry = FakeRegistry()
    registry.faults.append(
        lambda request: httpx.Response(400, text="`query.bogus` is unknown parameter")
    )
    with registry.client() as client, pytest.raises(BadRequestError) as caught:
        list(client.iter_study_pages({"query.bogus": "x"}))
    assert "`query.bogus` is unknown parameter" in str(caught.value)
    assert "query.bogus=x" in caught.value.url
    assert len(registry.requests) == 1


HISTORY_TRUE = "history/NCT03690141.history-true.json"


def test_history_index_from_the_history_endpoint():
    index = fixture_json(HISTORY_TRUE)["history"]
    registry = FakeRegistry()
    registry.faults.append(lambda request: httpx.Response(200, json=index))
    with registry.client() as client:
        changes = client.fetch_history_index("nct3690141")
    assert registry.requests[0].url.path == "/api/int/studies/NCT03690141/history"
    assert [c["version"] for c in changes] == list(range(10))
    assert changes[1]["moduleLabels"] == ["Study Status", "Contacts/Locations"]


def test_history_index_falls_back_to_history_true_on_404():
    body = fixture_text(HISTORY_TRUE)
    registry = FakeRegistry()
    registry.faults.extend(
        [
            lambda request: httpx.Response(404, text="not found"),
            lambda request: httpx.Response(200, text=body),
        ]
    )
    with registry.client() as client:
        changes = client.fetch_history_index("NCT03690141")
    second = registry.requests[1]
    assert second.url.path == "/api/int/studies/NCT03690141"
    assert query_of(second) == {"history": "true"}
    assert changes == json.loads(body)["history"]["changes"]


def test_history_index_of_an_unknown_study_raises_not_found():
    registry = FakeRegistry()
    with registry.client() as client, pytest.raises(StudyNotFoundError, match=UNKNOWN_ID):
        client.fetch_history_index(UNKNOWN_ID)
    assert len(registry.requests) == 2


def test_history_version_returns_the_study_of_that_version():
    study = fixture_json(HISTORY_TRUE)["study"]
    registry = FakeRegistry()
    registry.faults.append(
        lambda request: httpx.Response(200, json={"studyVersion": 3, "study": study})
    )
    with registry.client() as client:
        version = client.fetch_history_version("NCT03690141", 3)
    assert registry.requests[0].url.path == "/api/int/studies/NCT03690141/history/3"
    assert version.nct_id == "NCT03690141"
    assert version.record == study
    assert json.loads(version.text) == study


def test_history_version_mismatch_is_a_response_error():
    study = fixture_json(HISTORY_TRUE)["study"]
    registry = FakeRegistry()
    registry.faults.append(
        lambda request: httpx.Response(200, json={"studyVersion": 2, "study": study})
    )
    with registry.client() as client, pytest.raises(RegistryResponseError, match="version 3"):
        client.fetch_history_version("NCT03690141", 3)


def test_history_version_must_not_be_negative():
    registry = FakeRegistry()
    with registry.client() as client, pytest.raises(ValueError, match="start at 0"):
        client.fetch_history_version("NCT03690141", -1)
    assert registry.requests == []
