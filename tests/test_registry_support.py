"""Shared pieces for the registry client tests: fixture loading and an in-memory fake registry.

The fake answers through `httpx.MockTransport`, so the client's own request building, status
mapping, redirects and body parsing all run; only the socket is replaced.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

import httpx

from registry import RateLimiter, RegistryClient, RegistryConfig
from tests import conftest

FIXTURES = conftest.FIXTURES / "ctgov"
TEST_REGISTRY_URL = "https://registry.test"
FAST_REQUESTS_PER_MINUTE = 6_000_000.0

Fault = Callable[[httpx.Request], httpx.Response]


def fixture_text(relative: str) -> str:
    return (FIXTURES / relative).read_text(encoding="utf-8")


def fixture_json(relative: str) -> Any:
    return json.loads(fixture_text(relative))


def page_records(*names: str) -> list[dict[str, Any]]:
    """The study objects of real list pages under fixtures/ctgov/lists/."""
    return [study for name in names for study in fixture_json(f"lists/{name}")["studies"]]


def nct_of(record: dict[str, Any]) -> str:
    return str(record["protocolSection"]["identificationModule"]["nctId"])


def synthetic_study(nct_id: str, aliases: list[str] | None = None) -> dict[str, Any]:
    """A minimal made-up record (not a real study) for cases the real samples lack: aliases."""
    identification: dict[str, Any] = {"nctId": nct_id, "briefTitle": f"Synthetic {nct_id}"}
    if aliases:
        identification["nctIdAliases"] = aliases
    return {"protocolSection": {"identificationModule": identification}, "hasResults": False}


def fast_config(**overrides: Any) -> RegistryConfig:
    settings: dict[str, Any] = {
        "base_url": TEST_REGISTRY_URL,
        "requests_per_minute": FAST_REQUESTS_PER_MINUTE,
        "max_attempts": 3,
        "backoff_initial_s": 1.0,
        "backoff_max_s": 8.0,
        "backoff_jitter_s": 0.5,
        "retry_after_cap_s": 30.0,
        "trust_env": False,
    }
    settings.update(overrides)
    return RegistryConfig(**settings)


def query_of(request: httpx.Request) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(request.url.query.decode()).items()}


class FakeRegistry:
    """Serves `/api/v2/studies` (filter.ids, paging) and `/api/v2/studies/{id}` from records.

    `faults` are answered first, one per request, before normal service resumes. With
    `reject_unknown_ids`, a `filter.ids` list naming an unknown study fails whole with 400, as
    the real registry reportedly does.
    """

    def __init__(
        self,
        records: Iterable[dict[str, Any]] = (),
        *,
        bodies: dict[str, str] | None = None,
        reject_unknown_ids: bool = True,
    ) -> None:
        self.records = {nct_of(record): record for record in records}
        self.aliases = {
            alias: nct
            for nct, record in self.records.items()
            for alias in record["protocolSection"]["identificationModule"].get("nctIdAliases", [])
        }
        self.bodies = bodies or {}
        self.reject_unknown_ids = reject_unknown_ids
        self.requests: list[httpx.Request] = []
        self.faults: list[Fault] = []
        self.backoff_sleeps: list[float] = []

    def client(self, config: RegistryConfig | None = None) -> RegistryClient:
        config = config or fast_config()
        limiter = RateLimiter(config.requests_per_minute, clock=lambda: 0.0, sleep=lambda s: None)
        return RegistryClient(
            config,
            transport=httpx.MockTransport(self),
            sleep=self.backoff_sleeps.append,
            rate_limiter=limiter,
        )

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.faults:
            return self.faults.pop(0)(request)
        path = request.url.path
        if path == "/api/v2/studies":
            return self._list(request)
        if path.startswith("/api/v2/studies/"):
            return self._single(path.rsplit("/", 1)[1])
        return httpx.Response(404, text=f"no route {path}")

    def _single(self, nct_id: str) -> httpx.Response:
        if nct_id in self.aliases:
            canonical = self.aliases[nct_id]
            return httpx.Response(301, headers={"Location": f"/api/v2/studies/{canonical}"})
        if nct_id not in self.records:
            return httpx.Response(404, text=f"Study {nct_id} not found")
        body = self.bodies.get(nct_id) or json.dumps(self.records[nct_id], ensure_ascii=False)
        return httpx.Response(200, text=body, headers={"Content-Type": "application/json"})

    def _list(self, request: httpx.Request) -> httpx.Response:
        query = query_of(request)
        ids = query.get("filter.ids", "").split(",") if "filter.ids" in query else None
        if ids is None:
            selected = list(self.records.values())
        else:
            unknown = [i for i in ids if i not in self.records and i not in self.aliases]
            if unknown and self.reject_unknown_ids:
                return httpx.Response(400, text="filter.ids has incorrect format")
            wanted = {self.aliases.get(i, i) for i in ids}
            selected = [record for nct, record in self.records.items() if nct in wanted]
        size = int(query.get("pageSize", "10"))
        offset = int(query.get("pageToken", "tok-0").removeprefix("tok-"))
        page: dict[str, Any] = {"studies": selected[offset : offset + size]}
        if query.get("countTotal") == "true" and "pageToken" not in query:
            page["totalCount"] = len(selected)
        if offset + size < len(selected):
            page["nextPageToken"] = f"tok-{offset + size}"
        return httpx.Response(200, json=page)
