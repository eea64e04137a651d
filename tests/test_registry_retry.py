"""Retries: what is retried, how long the client waits, what it logs, and what it raises."""

from __future__ import annotations

import logging
import pickle
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from registry import (
    BadRequestError,
    RateLimitedError,
    RateLimiter,
    RegistryClient,
    RegistryHTTPError,
    RegistryResponseError,
    RegistryUnavailableError,
    StudyNotFoundError,
)
from registry.retry import parse_retry_after
from tests.test_registry_support import FakeRegistry, fast_config, synthetic_study

STUDY_ID = "NCT00000001"
MAX_ATTEMPTS = 3


def fresh_registry() -> FakeRegistry:
    return FakeRegistry([synthetic_study(STUDY_ID)])


def status(code: int, body: str = "", **headers: str):
    return lambda request: httpx.Response(code, text=body, headers=headers)


def raising(error: type[httpx.TransportError], message: str):
    def fault(request: httpx.Request) -> httpx.Response:
        raise error(message, request=request)

    return fault


class BrokenStream(httpx.SyncByteStream):
    """A body whose connection drops half-way, as when the peer closes mid-transfer."""

    def __iter__(self) -> Iterator[bytes]:
        yield b'{"protocolSection": {"identificationModule": '
        raise httpx.RemoteProtocolError("peer closed connection without sending complete body")


def dropped_body(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, stream=BrokenStream())


TRANSIENT_FAULTS = {
    "429 without Retry-After": status(429, "Too Many Requests"),
    "500": status(500, "Internal Server Error"),
    "502": status(502, "Bad Gateway"),
    "503": status(503, "upstream connect error"),
    "504": status(504, "Gateway Timeout"),
    "read timeout": raising(httpx.ReadTimeout, "timed out"),
    "connect timeout": raising(httpx.ConnectTimeout, "timed out"),
    "connection refused": raising(httpx.ConnectError, "[Errno 111] Connection refused"),
    "connection reset": raising(httpx.ReadError, "[Errno 104] Connection reset by peer"),
    "server disconnected": raising(httpx.RemoteProtocolError, "Server disconnected"),
    "truncated JSON": lambda request: httpx.Response(200, text='{"protocolSection": {"ident'),
    "invalid JSON": lambda request: httpx.Response(200, text="<html>maintenance</html>"),
    "body cut by the peer": dropped_body,
}


@pytest.mark.parametrize("fault", TRANSIENT_FAULTS.values(), ids=TRANSIENT_FAULTS.keys())
def test_transient_failures_are_retried_with_exponential_backoff(fault):
    registry = fresh_registry()
    registry.faults.extend([fault, fault])
    with registry.client() as client:
        study = client.fetch_study(STUDY_ID)
    assert study.nct_id == STUDY_ID
    assert len(registry.requests) == MAX_ATTEMPTS
    first, second = registry.backoff_sleeps
    assert 1.0 <= first <= 1.5
    assert 2.0 <= second <= 2.5


FINAL_ERRORS = {
    "429": (status(429, "slow down"), RateLimitedError),
    "503": (status(503, "busy"), RegistryHTTPError),
    "timeout": (raising(httpx.ReadTimeout, "timed out"), RegistryUnavailableError),
    "connect": (raising(httpx.ConnectError, "Connection refused"), RegistryUnavailableError),
    "invalid JSON": (lambda request: httpx.Response(200, text="{"), RegistryResponseError),
    "body cut": (dropped_body, RegistryResponseError),
}


@pytest.mark.parametrize("fault, error", FINAL_ERRORS.values(), ids=FINAL_ERRORS.keys())
def test_after_the_last_attempt_a_typed_one_line_error_names_the_url(fault, error):
    registry = fresh_registry()
    registry.faults.extend([fault] * MAX_ATTEMPTS)
    with registry.client() as client, pytest.raises(error) as caught:
        client.fetch_study(STUDY_ID)
    message = str(caught.value)
    assert len(registry.requests) == MAX_ATTEMPTS
    assert f"https://registry.test/api/v2/studies/{STUDY_ID}" in message
    assert "\n" not in message
    assert caught.value.attempts == MAX_ATTEMPTS


def test_unreachable_registry_message_says_what_to_check():
    registry = fresh_registry()
    registry.faults.extend([raising(httpx.ConnectError, "Connection refused")] * MAX_ATTEMPTS)
    with registry.client() as client, pytest.raises(RegistryUnavailableError) as caught:
        client.version()
    assert str(caught.value) == (
        "registry at https://registry.test/api/v2/version unreachable after 3 attempts: "
        "ConnectError: Connection refused; "
        "check --registry-url / CTGOV_REGISTRY_URL or your network"
    )


def test_a_bad_page_names_its_page_token():
    registry = fresh_registry()
    registry.faults.extend([lambda request: httpx.Response(200, text='{"studies": [')] * 3)
    with registry.client() as client, pytest.raises(RegistryResponseError) as caught:
        list(client.iter_study_pages({"query.term": "x", "pageToken": "NF0g5JCG"}))
    assert caught.value.page_token == "NF0g5JCG"
    assert "page token NF0g5JCG" in str(caught.value)


def test_retry_after_seconds_are_honoured():
    registry = fresh_registry()
    registry.faults.append(status(429, "slow down", **{"Retry-After": "7"}))
    with registry.client() as client:
        client.fetch_study(STUDY_ID)
    assert registry.backoff_sleeps == [7.0]


def test_retry_after_is_capped():
    registry = fresh_registry()
    registry.faults.append(status(429, "slow down", **{"Retry-After": "3600"}))
    with registry.client(fast_config(retry_after_cap_s=30)) as client:
        client.fetch_study(STUDY_ID)
    assert registry.backoff_sleeps == [30.0]


def test_retry_after_http_date_is_honoured_and_capped():
    later = format_datetime(datetime.now(UTC) + timedelta(hours=2), usegmt=True)
    registry = fresh_registry()
    registry.faults.append(status(429, "slow down", **{"Retry-After": later}))
    with registry.client(fast_config(retry_after_cap_s=30)) as client:
        client.fetch_study(STUDY_ID)
    assert registry.backoff_sleeps == [30.0]


def test_rate_limited_error_reports_the_last_retry_after():
    registry = fresh_registry()
    registry.faults.extend([status(429, "slow down", **{"Retry-After": "2"})] * MAX_ATTEMPTS)
    with registry.client() as client, pytest.raises(RateLimitedError) as caught:
        client.fetch_study(STUDY_ID)
    assert caught.value.retry_after_s == 2.0
    assert registry.backoff_sleeps == [2.0, 2.0]


def test_parse_retry_after_forms():
    now = datetime(2026, 8, 10, 9, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Mon, 10 Aug 2026 09:00:45 GMT", now=now) == 45.0
    assert parse_retry_after("Mon, 10 Aug 2026 08:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after("") is None
    assert parse_retry_after(None) is None


@pytest.mark.parametrize(
    "code, error",
    [
        (400, BadRequestError),
        (404, StudyNotFoundError),
        (403, RegistryHTTPError),
        (410, RegistryHTTPError),
    ],
)
def test_client_errors_are_not_retried(code, error):
    registry = fresh_registry()
    registry.faults.append(status(code, "nope"))
    with registry.client() as client, pytest.raises(error) as caught:
        client.fetch_study(STUDY_ID)
    assert caught.value.status == code
    assert len(registry.requests) == 1
    assert registry.backoff_sleeps == []


def test_each_retry_is_logged_at_warning_with_url_and_reason(caplog):
    registry = fresh_registry()
    registry.faults.extend([status(503, "busy"), raising(httpx.ReadTimeout, "timed out")])
    with caplog.at_level(logging.WARNING, logger="registry"), registry.client() as client:
        client.fetch_study(STUDY_ID)
    records = [r for r in caplog.records if r.name == "registry"]
    assert [r.levelno for r in records] == [logging.WARNING, logging.WARNING]
    url = f"https://registry.test/api/v2/studies/{STUDY_ID}"
    assert url in records[0].getMessage() and "HTTP 503" in records[0].getMessage()
    assert "attempt 1 of 3" in records[0].getMessage()
    assert "ReadTimeout" in records[1].getMessage() and "attempt 2 of 3" in records[1].getMessage()


def test_every_attempt_takes_a_rate_limiter_slot():
    slots: list[float] = []
    registry = fresh_registry()
    registry.faults.extend([status(503, "busy"), status(503, "busy")])
    config = fast_config(requests_per_minute=60)
    limiter = RateLimiter(60, clock=lambda: 0.0, sleep=slots.append)
    with RegistryClient(
        config, transport=httpx.MockTransport(registry), sleep=lambda s: None, rate_limiter=limiter
    ) as client:
        client.fetch_study(STUDY_ID)
    assert slots == [1.0, 2.0]


ERRORS = [
    RegistryUnavailableError("https://registry.test/x", 3, "ConnectError: refused"),
    RegistryHTTPError(503, "https://registry.test/x", "busy\nnow", attempts=3),
    StudyNotFoundError(STUDY_ID, "https://registry.test/api/v2/studies/NCT00000001", "gone"),
    BadRequestError("https://registry.test/x", "Invalid value in parameter\n`overallStatus`"),
    RateLimitedError("https://registry.test/x", "slow", attempts=3, retry_after_s=5.0),
    RegistryResponseError("https://registry.test/x", "truncated", page_token="tok", attempts=3),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_errors_are_one_line_and_survive_pickling(error):
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert copy.__dict__ == error.__dict__
    assert "\n" not in str(error)
    assert "https://registry.test/" in str(error)
