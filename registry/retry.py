"""Retry policy: which failures are worth another attempt, how long to wait, and what to log.

A request gets at most ``max_attempts`` attempts and never starts one after
``retry_budget_s`` seconds: a registry that hangs fails in about the budget plus one read
timeout, and the error says so.

Retried: HTTP 429 (honouring `Retry-After`, capped), 500/502/503/504, timeouts, connection
errors (refused, reset, dropped) and bodies that arrive truncated or are not valid JSON. Never
retried: 400, 404 and every other 4xx, which would fail the same way again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import cast

from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_before_delay,
    wait_exponential_jitter,
)

from registry.config import RegistryConfig
from registry.errors import RegistryError

logger = logging.getLogger("registry")

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


class TransientFailure(Exception):
    """One failed attempt that may succeed when repeated.

    `final(attempts)` builds the typed error to raise when no attempt is left; `retry_after_s`
    is the server's own wait, when it gave one.
    """

    def __init__(
        self,
        reason: str,
        final: Callable[[int], RegistryError],
        *,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.final = final
        self.retry_after_s = retry_after_s


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or HTTP-date), or None.

    >>> parse_retry_after("7")
    7.0
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:05 GMT",
    ...                   now=datetime(2015, 10, 21, 7, 28, 0, tzinfo=UTC))
    5.0
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class BackoffWait:
    """Tenacity wait: the server's `Retry-After` (capped) if given, else exponential + jitter."""

    def __init__(self, config: RegistryConfig) -> None:
        self._cap_s = config.retry_after_cap_s
        self._exponential = wait_exponential_jitter(
            multiplier=config.backoff_initial_s,
            max=config.backoff_max_s,
            jitter=config.backoff_jitter_s,
        )

    def __call__(self, retry_state: RetryCallState) -> float:
        failure = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(failure, TransientFailure) and failure.retry_after_s is not None:
            return min(failure.retry_after_s, self._cap_s)
        return float(self._exponential(retry_state))


def build_retrying(config: RegistryConfig, url: str, sleep: Callable[[float], None]) -> Retrying:
    """A tenacity controller for one logical request; `url` names it in the log lines."""

    def log_retry(retry_state: RetryCallState) -> None:
        # Only a TransientFailure is retried, so only one reaches this hook.
        outcome = retry_state.outcome
        failure = cast(TransientFailure, outcome.exception() if outcome else None)
        wait = retry_state.next_action.sleep if retry_state.next_action else 0.0
        logger.warning(
            "GET %s failed (%s); attempt %d of %d, retrying in %.1f s",
            url,
            failure.reason,
            retry_state.attempt_number,
            config.max_attempts,
            wait,
        )

    return Retrying(
        stop=stop_after_attempt(config.max_attempts) | stop_before_delay(config.retry_budget_s),
        wait=BackoffWait(config),
        retry=retry_if_exception_type(TransientFailure),
        before_sleep=log_retry,
        sleep=sleep,
        reraise=True,
    )
