"""Every fault kind over real HTTP, the rule counters, seeded draws and the rate limit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest

from imitation import (
    Catalog,
    FaultPlan,
    FaultRule,
    FaultSpecError,
    ImitationServer,
    parse_fault_spec,
)
from imitation.faults import RateLimiter

DAY = date(2024, 11, 15)
STUDIES = "/api/v2/studies"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load_default()


@pytest.fixture
def registry(catalog: Catalog) -> Iterator[ImitationServer]:
    with ImitationServer(catalog=catalog, as_of=DAY) as server:
        yield server


def _client(registry: ImitationServer, timeout: float = 5.0) -> httpx.Client:
    return httpx.Client(base_url=registry.url, trust_env=False, timeout=timeout)


@pytest.mark.parametrize(
    ("kind", "status"),
    [("http_429", 429), ("http_500", 500), ("http_502", 502), ("http_503", 503), ("http_504", 504)],
)
def test_status_faults_hit_the_first_n_matching_requests(
    registry: ImitationServer, kind: str, status: int
) -> None:
    registry.set_faults(FaultPlan(rules=[FaultRule(kind=kind, first_n=2, path_prefix=STUDIES)]))  # type: ignore[arg-type]
    with _client(registry) as http:
        assert http.get("/api/v2/version").status_code == 200
        answers = [http.get(f"{STUDIES}/NCT06690827") for _ in range(3)]
    assert [a.status_code for a in answers] == [status, status, 200]
    assert answers[0].headers["content-type"].startswith("text/plain")
    assert "retry-after" not in answers[0].headers
    faults = [(r.path, r.status, r.fault) for r in registry.request_log]
    assert faults[1:3] == [(f"{STUDIES}/NCT06690827", status, kind)] * 2


def test_429_with_retry_after(registry: ImitationServer) -> None:
    rule = FaultRule(kind="http_429_retry_after", first_n=1, retry_after_seconds=7)
    registry.set_faults(FaultPlan(rules=[rule]))
    with _client(registry) as http:
        limited = http.get(STUDIES)
        assert http.get(STUDIES).status_code == 200
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "7")


def test_slow_response_outlasts_a_client_timeout(registry: ImitationServer) -> None:
    registry.set_faults(FaultPlan(rules=[FaultRule(kind="slow", first_n=1, delay_seconds=0.6)]))
    with _client(registry, timeout=0.2) as http, pytest.raises(httpx.ReadTimeout):
        http.get("/api/v2/version")
    with _client(registry) as http:
        assert http.get("/api/v2/version").status_code == 200


def test_reset_closes_the_connection_without_a_response(registry: ImitationServer) -> None:
    registry.set_faults(FaultPlan(rules=[FaultRule(kind="reset", first_n=1)]))
    with _client(registry) as http:
        with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
            http.get("/api/v2/version")
        assert http.get("/api/v2/version").status_code == 200
    first = registry.request_log[0]
    assert (first.status, first.fault) == (None, "reset")


def test_truncated_body_is_shorter_than_its_content_length(registry: ImitationServer) -> None:
    registry.set_faults(FaultPlan(rules=[FaultRule(kind="truncated", first_n=1)]))
    with _client(registry) as http:
        with pytest.raises(httpx.RemoteProtocolError):
            http.get(f"{STUDIES}/NCT06690827")
        assert http.get(f"{STUDIES}/NCT06690827").status_code == 200


def test_invalid_json_is_a_200_with_a_broken_body(registry: ImitationServer) -> None:
    registry.set_faults(FaultPlan(rules=[FaultRule(kind="invalid_json", first_n=1)]))
    with _client(registry) as http:
        broken = http.get(STUDIES)
        whole = http.get(STUDIES)
    assert broken.status_code == 200
    assert broken.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        broken.json()
    assert whole.content.startswith(broken.content)


def test_expired_token_only_hits_requests_that_carry_a_token(registry: ImitationServer) -> None:
    registry.set_faults(FaultPlan(rules=[FaultRule(kind="expired_token", first_n=1)]))
    params: dict[str, Any] = {"pageSize": 2, "fields": "NCTId"}
    with _client(registry) as http:
        first = http.get(STUDIES, params=params)
        token = first.json()["nextPageToken"]
        expired = http.get(STUDIES, params={**params, "pageToken": token})
        again = http.get(STUDIES, params={**params, "pageToken": token})
    assert first.status_code == 200
    assert (expired.status_code, token in expired.text) == (400, True)
    assert again.status_code == 200


def _pattern(catalog: Catalog, seed: int) -> list[int]:
    plan = FaultPlan(rules=[FaultRule(kind="http_503", probability=0.5)], seed=seed)
    with (
        ImitationServer(catalog=catalog, as_of=DAY, faults=plan) as server,
        _client(server) as http,
    ):
        return [http.get("/api/v2/version").status_code for _ in range(24)]


def test_probabilistic_faults_are_reproducible_with_a_seed(catalog: Catalog) -> None:
    first, again, other = _pattern(catalog, 7), _pattern(catalog, 7), _pattern(catalog, 8)
    assert first == again
    assert set(first) == {200, 503}
    assert other != first


def test_a_rule_only_hits_its_path_prefix(registry: ImitationServer) -> None:
    registry.set_faults(FaultPlan(rules=[FaultRule(kind="http_500", path_prefix="/api/int/")]))
    with _client(registry) as http:
        assert http.get(f"{STUDIES}/NCT06690827").status_code == 200
        assert http.get("/api/int/studies/NCT06690827/history").status_code == 500


def test_rate_limit_answers_429_with_retry_after(catalog: Catalog) -> None:
    with (
        ImitationServer(catalog=catalog, as_of=DAY, rate_limit_per_minute=3) as server,
        _client(server) as http,
    ):
        answers = [http.get("/api/v2/version") for _ in range(4)]
        admin = http.get("/_imitation/date")
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert 1 <= int(answers[3].headers["retry-after"]) <= 60
    assert admin.status_code == 200


def test_rate_limiter_window_slides() -> None:
    now = [100.0]
    limiter = RateLimiter(2, clock=lambda: now[0])
    assert [limiter.retry_after("a"), limiter.retry_after("a")] == [None, None]
    assert limiter.retry_after("a") == 60
    assert limiter.retry_after("b") is None
    now[0] = 145.5
    assert limiter.retry_after("a") == 15
    now[0] = 160.0
    assert limiter.retry_after("a") is None


def test_fault_plan_through_the_admin_endpoint(registry: ImitationServer) -> None:
    plan = {"rules": [{"kind": "http_502", "first_n": 1, "path_prefix": STUDIES}], "seed": 3}
    with _client(registry) as http:
        stored = http.put("/_imitation/faults", json=plan).json()
        assert stored["rules"][0]["kind"] == "http_502" and stored["seed"] == 3
        assert http.get(STUDIES).status_code == 502
        assert (
            http.put("/_imitation/faults", json={"rules": [{"kind": "meteor"}]}).status_code == 400
        )
        http.put("/_imitation/faults", json=plan)
        assert http.delete("/_imitation/faults").json() == {"rules": [], "seed": 0}
        assert http.get(STUDIES).status_code == 200


def test_fault_specs_from_the_command_line() -> None:
    rule = parse_fault_spec("http_503:first=2:path=/api/v2/studies")
    assert rule == FaultRule(kind="http_503", first_n=2, path_prefix="/api/v2/studies")
    slow = parse_fault_spec("slow:p=0.25:delay=3")
    assert (slow.probability, slow.delay_seconds) == (0.25, 3.0)
    with pytest.raises(FaultSpecError, match="unknown kind"):
        parse_fault_spec("meteor")
    with pytest.raises(FaultSpecError, match="not both"):
        parse_fault_spec("reset:first=1:p=0.5")
    with pytest.raises(FaultSpecError, match="first needs a number"):
        parse_fault_spec("reset:first=x")
