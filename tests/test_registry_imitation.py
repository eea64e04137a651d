"""The registry client over real HTTP against the imitation registry: data, paging, faults."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from imitation import Catalog, FaultKind, FaultPlan, FaultRule, ImitationServer, RequestRecord
from imitation.catalog import STUDIES_DIR
from registry import (
    BadRequestError,
    RateLimitedError,
    RateLimiter,
    RegistryClient,
    RegistryConfig,
    RegistryHTTPError,
    RegistryResponseError,
    RegistryUnavailableError,
    StudyNotFoundError,
)
from tests.test_registry_support import fast_config

DAY = date(2024, 12, 20)
"""NCT00184067 is missing on this day and NCT06835140 not yet posted."""
BASE_DAY = date(2024, 11, 15)
"""The day NCT06690827's real record was posted: it is served as the file's exact bytes."""
DEMO_STUDY = "NCT06690827"
UNKNOWN_ID = "NCT09999999"
STUDIES_PREFIX = "/api/v2/studies"
EVERY_STUDY_TYPE = "AREA[StudyType]INTERVENTIONAL OR AREA[StudyType]OBSERVATIONAL"
LOG_SETTLE_S = 2.0
"""The imitation logs a request after writing its answer, so the log can trail the client."""
SHORT_READ_TIMEOUT_S = 0.2
SLOW_DELAY_S = 0.6


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load_default()


@pytest.fixture
def server() -> Iterator[ImitationServer]:
    with ImitationServer(as_of=DAY) as running:
        yield running


class Client:
    """A client on the imitation that records its backoff waits instead of sleeping."""

    def __init__(self, config: RegistryConfig) -> None:
        self.backoff: list[float] = []
        limiter = RateLimiter(config.requests_per_minute, sleep=lambda seconds: None)
        self.registry = RegistryClient(config, sleep=self.backoff.append, rate_limiter=limiter)


def client_for(server: ImitationServer, **overrides: object) -> Client:
    return Client(fast_config(base_url=server.url, **overrides))


def settled_log(server: ImitationServer, expected: int) -> list[RequestRecord]:
    """The request log once it holds `expected` records (or after LOG_SETTLE_S)."""
    deadline = time.monotonic() + LOG_SETTLE_S
    while len(server.request_log) < expected and time.monotonic() < deadline:
        time.sleep(0.01)
    return server.request_log


def served_statuses(server: ImitationServer, expected: int) -> list[int | None]:
    return [record.status for record in settled_log(server, expected)]


def test_version_moves_with_the_served_day(server: ImitationServer):
    with client_for(server).registry as registry:
        version = registry.version()
    assert version.api_version == "2.0.5"
    assert version.data_timestamp == datetime(2024, 12, 20, 9, 0, 5, tzinfo=UTC)


def test_fetch_studies_returns_what_is_served_and_reports_the_rest_missing(
    server: ImitationServer, catalog: Catalog
):
    requested = [*catalog.nct_ids(), UNKNOWN_ID]
    served = {version.nct_id for version in catalog.served_as_of(DAY)}
    absent = [nct for nct in catalog.nct_ids() if nct not in served]
    assert absent, "the chosen day must have missing studies for this test to mean anything"
    with client_for(server, ids_per_request=4).registry as registry:
        result = registry.fetch_studies([nct.lower() for nct in requested])
    assert result.missing == [*absent, UNKNOWN_ID]
    assert sorted(s.nct_id for s in result.studies) == sorted(set(requested) - set(result.missing))
    for study in result.studies:
        assert study.record == catalog.record_as_of(study.nct_id, DAY)
    confirmations = [f"{STUDIES_PREFIX}/{nct}" for nct in result.missing]
    pages = -(-len(requested) // 4)
    assert [r.path for r in settled_log(server, pages + len(confirmations))] == [
        *[STUDIES_PREFIX] * pages,
        *confirmations,
    ]


def test_a_missing_study_comes_back_when_the_registry_shows_it_again(
    server: ImitationServer, catalog: Catalog
):
    gone = catalog.absences("NCT00184067")[0]
    assert gone.end is not None
    with client_for(server).registry as registry:
        assert registry.fetch_studies(["NCT00184067"]).missing == ["NCT00184067"]
        server.set_date(gone.end)
        result = registry.fetch_studies(["NCT00184067"])
    assert result.missing == []
    assert [s.nct_id for s in result.studies] == ["NCT00184067"]


def test_fetch_study_text_is_the_exact_body(server: ImitationServer):
    server.set_date(BASE_DAY)
    with client_for(server).registry as registry:
        study = registry.fetch_study(DEMO_STUDY.lower())
    assert study.text == (STUDIES_DIR / f"{DEMO_STUDY}.json").read_text(encoding="utf-8")


def test_fetch_study_of_an_absent_study_is_not_found(server: ImitationServer):
    with client_for(server).registry as registry, pytest.raises(StudyNotFoundError) as caught:
        registry.fetch_study("NCT00184067")
    assert caught.value.nct_id == "NCT00184067"
    assert served_statuses(server, 1) == [404]


def test_paging_walks_every_study_once_with_tokens_tied_to_the_parameters(
    server: ImitationServer, catalog: Catalog
):
    served = {v.nct_id for v in catalog.served_as_of(DAY)}
    with client_for(server).registry as registry:
        pages = list(
            registry.iter_study_pages(
                {"pageSize": "3", "countTotal": "true", "filter.advanced": EVERY_STUDY_TYPE}
            )
        )
    seen = [s.nct_id for page in pages for s in page.studies]
    assert len(seen) == len(set(seen))
    assert set(seen) == served
    assert pages[0].total_count == len(served)
    assert all(page.total_count is None for page in pages[1:])
    assert pages[-1].next_page_token is None
    assert len(pages) >= len(served) // 3
    assert all(status == 200 for status in served_statuses(server, len(pages)))


def test_delta_sync_filter_pages_over_real_http(server: ImitationServer, catalog: Catalog):
    since = date(2024, 11, 15)
    changed = {v.nct_id for v in catalog.served_as_of(DAY) if v.date >= since}
    assert changed
    params = {"filter.advanced": f"AREA[LastUpdatePostDate]RANGE[{since.isoformat()},MAX]"}
    with client_for(server, page_size=1).registry as registry:
        pages = list(registry.iter_study_pages(params))
    assert {s.nct_id for page in pages for s in page.studies} == changed


TRANSIENT: list[FaultKind] = [
    "http_429",
    "http_500",
    "http_502",
    "http_503",
    "http_504",
    "reset",
    "truncated",
    "invalid_json",
]


@pytest.mark.parametrize("kind", TRANSIENT)
def test_transient_faults_are_retried_until_the_answer_arrives(
    server: ImitationServer, catalog: Catalog, kind: FaultKind
):
    server.set_faults(FaultPlan(rules=[FaultRule(kind=kind, first_n=2)]))
    with client_for(server).registry as registry:
        study = registry.fetch_study(DEMO_STUDY)
    assert study.record == catalog.record_as_of(DEMO_STUDY, DAY)
    assert [record.fault for record in settled_log(server, 3)] == [kind, kind, None]


def test_retry_after_from_the_server_is_the_wait(server: ImitationServer):
    rule = FaultRule(kind="http_429_retry_after", first_n=1, retry_after_seconds=4)
    server.set_faults(FaultPlan(rules=[rule]))
    client = client_for(server)
    with client.registry as registry:
        registry.fetch_study(DEMO_STUDY)
    assert client.backoff == [4.0]
    assert served_statuses(server, 2) == [429, 200]


def test_a_slow_answer_times_out_and_the_retry_succeeds(server: ImitationServer):
    rule = FaultRule(kind="slow", first_n=1, delay_seconds=SLOW_DELAY_S)
    server.set_faults(FaultPlan(rules=[rule]))
    with client_for(server, read_timeout_s=SHORT_READ_TIMEOUT_S).registry as registry:
        assert registry.fetch_study(DEMO_STUDY).nct_id == DEMO_STUDY


@pytest.mark.parametrize(
    "kind, error",
    [
        ("http_503", RegistryHTTPError),
        ("reset", RegistryUnavailableError),
        ("truncated", RegistryResponseError),
        ("invalid_json", RegistryResponseError),
    ],
)
def test_a_fault_on_every_attempt_ends_in_a_typed_error(
    server: ImitationServer, kind: FaultKind, error: type[Exception]
):
    server.set_faults(FaultPlan(rules=[FaultRule(kind=kind)]))
    with client_for(server).registry as registry, pytest.raises(error) as caught:
        list(registry.iter_study_pages({"query.cond": "lymphoma"}))
    assert f"{server.url}{STUDIES_PREFIX}" in str(caught.value)
    assert len(settled_log(server, 3)) == 3


def test_an_expired_page_token_is_a_bad_request_not_retried(server: ImitationServer):
    server.set_faults(FaultPlan(rules=[FaultRule(kind="expired_token", first_n=1)]))
    with client_for(server).registry as registry, pytest.raises(BadRequestError) as caught:
        list(registry.iter_study_pages({"pageSize": "2"}))
    assert "pageToken=" in caught.value.url
    assert served_statuses(server, 2) == [200, 400]


def test_a_batch_failing_mid_paging_falls_back_to_single_studies(
    server: ImitationServer, catalog: Catalog
):
    wanted = [v.nct_id for v in catalog.served_as_of(DAY)][:5]
    server.set_faults(FaultPlan(rules=[FaultRule(kind="expired_token", first_n=1)]))
    with client_for(server, page_size=2).registry as registry:
        result = registry.fetch_studies([*wanted, UNKNOWN_ID])
    assert sorted(s.nct_id for s in result.studies) == sorted(wanted)
    assert result.missing == [UNKNOWN_ID]
    paths = [r.path for r in settled_log(server, 8)]
    assert paths[:2] == [STUDIES_PREFIX] * 2
    assert paths[2:] == [f"{STUDIES_PREFIX}/{nct}" for nct in [*wanted, UNKNOWN_ID]]


def test_the_servers_rate_limit_ends_in_rate_limited_error_with_capped_waits():
    with ImitationServer(as_of=DAY, rate_limit_per_minute=2) as server:
        client = client_for(server, retry_after_cap_s=5)
        with client.registry as registry:
            registry.version()
            registry.version()
            with pytest.raises(RateLimitedError) as caught:
                registry.version()
        assert served_statuses(server, 5) == [200, 200, 429, 429, 429]
    assert caught.value.retry_after_s is not None and caught.value.retry_after_s > 5
    assert client.backoff == [5.0, 5.0]


def test_history_index_and_versions(server: ImitationServer, catalog: Catalog):
    posted = [v for v in catalog.versions(DEMO_STUDY) if v.date <= DAY]
    with client_for(server).registry as registry:
        changes = registry.fetch_history_index(DEMO_STUDY)
        last = registry.fetch_history_version(DEMO_STUDY, len(posted) - 1)
        with pytest.raises(StudyNotFoundError):
            registry.fetch_history_version(DEMO_STUDY, len(posted))
    assert [c["version"] for c in changes] == [v.index for v in posted]
    assert [c["moduleLabels"] for c in changes] == [v.module_labels for v in posted]
    assert last.nct_id == DEMO_STUDY
    served = posted[-1].record["protocolSection"]["statusModule"]
    assert last.record["protocolSection"]["statusModule"] == served


def test_a_study_without_history_has_an_empty_index(server: ImitationServer, catalog: Catalog):
    no_history = [nct for nct in catalog.nct_ids() if not catalog.has_history(nct)]
    assert no_history
    with client_for(server).registry as registry:
        assert registry.fetch_history_index(no_history[0]) == []
        with pytest.raises(StudyNotFoundError):
            registry.fetch_history_version(no_history[0], 0)
