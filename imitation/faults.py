"""Reproducible faults and an optional per-client rate limit.

A :class:`FaultPlan` holds ordered :class:`FaultRule` s. Every API request whose path starts with
a rule's ``path_prefix`` is *seen* by that rule; the rule fires on the first ``first_n`` requests
it sees, or with ``probability`` drawn from the plan's seeded generator, or on every request
when neither is set. The first rule that fires decides the request's fault.

>>> rule = FaultRule(kind="http_503", first_n=2, path_prefix="/api/v2/studies")
>>> plan = FaultPlan(rules=[rule], seed=7)

Kinds:

``http_429``              429 without ``Retry-After``
``http_429_retry_after``  429 with ``Retry-After: <retry_after_seconds>``
``http_500`` … ``http_504`` that status with a short text body
``slow``                  the normal answer after ``delay_seconds`` (past a client's timeout)
``reset``                 the connection is closed without any response
``truncated``             ``Content-Length`` of the full body, half of it sent, then close
``invalid_json``          200 ``application/json`` whose body is cut mid-document
``expired_token``         400 for a request that carries a ``pageToken`` (others pass)
``empty_page``            200 ``{"studies":[]}`` (a list request that asked for studies)
``foreign_studies``       200 with a page of other studies than the ones asked for
``repeated_page``         the normal page, but its ``nextPageToken`` is the one it was asked
                          with (a client following it would loop)
``wrong_content_type``    200 ``text/html`` with an HTML error page instead of JSON
``hang``                  nothing sent for ``delay_seconds`` (then the normal answer)
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, get_args

from imitation.errors import FaultSpecError

FaultKind = Literal[
    "http_429",
    "http_429_retry_after",
    "http_500",
    "http_502",
    "http_503",
    "http_504",
    "slow",
    "reset",
    "truncated",
    "invalid_json",
    "expired_token",
    "empty_page",
    "foreign_studies",
    "repeated_page",
    "wrong_content_type",
    "hang",
]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)

DEFAULT_PATH_PREFIX = "/api/"
DEFAULT_SLOW_DELAY_SECONDS = 5.0
DEFAULT_RETRY_AFTER_SECONDS = 1
RATE_WINDOW_SECONDS = 60.0


@dataclass(frozen=True)
class FaultRule:
    """One kind of fault, the paths it hits and how often."""

    kind: FaultKind
    path_prefix: str = DEFAULT_PATH_PREFIX
    first_n: int | None = None
    probability: float | None = None
    delay_seconds: float = DEFAULT_SLOW_DELAY_SECONDS
    retry_after_seconds: int = DEFAULT_RETRY_AFTER_SECONDS

    def __post_init__(self) -> None:
        spec = f"{self.kind}"
        if self.kind not in FAULT_KINDS:
            raise FaultSpecError(spec, f"unknown kind; choose one of {', '.join(FAULT_KINDS)}")
        if self.first_n is not None and self.probability is not None:
            raise FaultSpecError(spec, "give first_n or probability, not both")
        if self.first_n is not None and self.first_n < 0:
            raise FaultSpecError(spec, "first_n must be 0 or more")
        if self.probability is not None and not 0.0 <= self.probability <= 1.0:
            raise FaultSpecError(spec, "probability must be between 0 and 1")
        if self.delay_seconds < 0 or self.retry_after_seconds < 0:
            raise FaultSpecError(spec, "delay and retry_after must not be negative")


@dataclass(frozen=True)
class FaultPlan:
    """Ordered fault rules and the seed of their random draws."""

    rules: list[FaultRule] = field(default_factory=list)
    seed: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"rules": [asdict(rule) for rule in self.rules], "seed": self.seed}

    @classmethod
    def from_json(cls, data: Any) -> FaultPlan:
        """Build a plan from ``{"rules": [{"kind": …, …}], "seed": N}``."""
        if not isinstance(data, dict) or not isinstance(data.get("rules", []), list):
            raise FaultSpecError(str(data)[:80], 'expected {"rules": [...], "seed": N}')
        rules = []
        for item in data.get("rules", []):
            if not isinstance(item, dict):
                raise FaultSpecError(str(item)[:80], "each rule must be an object")
            try:
                rules.append(FaultRule(**item))
            except TypeError as exc:
                raise FaultSpecError(str(item)[:80], str(exc)) from None
        seed = data.get("seed", 0)
        if not isinstance(seed, int):
            raise FaultSpecError(str(seed), "seed must be an integer")
        return cls(rules=rules, seed=seed)


_SPEC_KEYS = {
    "first": "first_n",
    "p": "probability",
    "path": "path_prefix",
    "delay": "delay_seconds",
    "retry_after": "retry_after_seconds",
}


def parse_fault_spec(spec: str) -> FaultRule:
    """Parse a CLI ``--fault`` value, e.g. ``http_503:first=2:path=/api/v2/studies``."""
    kind, *options = spec.split(":")
    values: dict[str, Any] = {"kind": kind}
    for option in options:
        name, sep, raw = option.partition("=")
        if not sep or name not in _SPEC_KEYS:
            raise FaultSpecError(spec, f"unknown option {option!r}")
        target = _SPEC_KEYS[name]
        try:
            if target == "path_prefix":
                values[target] = raw
            elif target in ("first_n", "retry_after_seconds"):
                values[target] = int(raw)
            else:
                values[target] = float(raw)
        except ValueError:
            raise FaultSpecError(spec, f"{name} needs a number, got {raw!r}") from None
    try:
        return FaultRule(**values)
    except FaultSpecError as exc:
        raise FaultSpecError(spec, exc.detail) from None


class FaultInjector:
    """Decides, request by request, which rule of a plan fires (thread-safe)."""

    def __init__(self, plan: FaultPlan | None) -> None:
        self.plan = plan or FaultPlan()
        self._seen = [0] * len(self.plan.rules)
        self._random = random.Random(self.plan.seed)
        self._lock = threading.Lock()

    def choose(self, path: str, has_page_token: bool) -> FaultRule | None:
        chosen: FaultRule | None = None
        with self._lock:
            for position, rule in enumerate(self.plan.rules):
                if not path.startswith(rule.path_prefix):
                    continue
                if rule.kind == "expired_token" and not has_page_token:
                    continue
                self._seen[position] += 1
                if rule.first_n is not None:
                    fires = self._seen[position] <= rule.first_n
                elif rule.probability is not None:
                    fires = self._random.random() < rule.probability
                else:
                    fires = True
                if fires and chosen is None:
                    chosen = rule
        return chosen


class RateLimiter:
    """At most ``per_minute`` requests per client in any sliding 60-second window."""

    def __init__(self, per_minute: int, clock: Any = time.monotonic) -> None:
        if per_minute < 1:
            raise FaultSpecError(
                str(per_minute), "rate limit must be at least 1 request per minute"
            )
        self.per_minute = per_minute
        self._clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> int | None:
        """None if the request may pass (and is counted), else the seconds to wait."""
        now = self._clock()
        with self._lock:
            times = self._seen.setdefault(client, deque())
            while times and times[0] <= now - RATE_WINDOW_SECONDS:
                times.popleft()
            if len(times) < self.per_minute:
                times.append(now)
                return None
            return max(1, math.ceil(float(times[0]) + RATE_WINDOW_SECONDS - float(now)))
