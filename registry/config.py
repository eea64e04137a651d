"""Settings of the registry client, each default a named constant.

The registry documents no rate limit; the community figure is ~50 requests per minute per IP,
and `robots.txt` asks for a one-second crawl delay, so the default stays at 50 per minute.

>>> config = RegistryConfig(requests_per_minute=30)
>>> config.timeout.read
60.0
"""

from __future__ import annotations

import httpx
from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT_REGISTRY_URL = "https://clinicaltrials.gov"
"""The registry's root; the client appends `/api/v2/...` and `/api/int/...`."""

DEFAULT_REQUESTS_PER_MINUTE = 50.0
DEFAULT_CONNECT_TIMEOUT_S = 10.0
DEFAULT_READ_TIMEOUT_S = 60.0
"""A 1,000-study page is ~17 MB of JSON; reads need far longer than httpx's 5 s default."""
DEFAULT_WRITE_TIMEOUT_S = 10.0
DEFAULT_POOL_TIMEOUT_S = 10.0
DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_BACKOFF_INITIAL_S = 1.0
DEFAULT_BACKOFF_MAX_S = 60.0
DEFAULT_BACKOFF_JITTER_S = 1.0
DEFAULT_RETRY_BUDGET_S = 180.0
"""No attempt of one request starts later than this after its first: a hanging registry
fails in about this plus one read timeout, not attempts × timeout."""
DEFAULT_RETRY_AFTER_CAP_S = 300.0
"""The longest `Retry-After` honoured; a larger value is cut to this."""
DEFAULT_IDS_PER_REQUEST = 100
"""NCT IDs per `filter.ids` request: 100 IDs keep the URL near 1,300 characters."""
MAX_PAGE_SIZE = 1000
"""The registry clamps larger `pageSize` values to 1,000."""
DEFAULT_PAGE_SIZE = MAX_PAGE_SIZE
DEFAULT_MAX_CONNECTIONS = 4
DEFAULT_USER_AGENT = "ctgov-warehouse/0.1.0 (+python-httpx)"
DEFAULT_TRUST_ENV = True
"""Read proxy settings from the environment (tests turn this off)."""


def normalize_base_url(value: str) -> str:
    """The registry root without a trailing slash; anything but an http(s) URL is refused.

    >>> normalize_base_url(" http://127.0.0.1:8765/ ")
    'http://127.0.0.1:8765'
    """
    url = value.strip().rstrip("/")
    if not url.startswith(("http://", "https://")) or len(url.split("://", 1)[1]) == 0:
        raise ValueError(
            f"registry URL {value!r} must start with http:// or https://, "
            f"e.g. {DEFAULT_REGISTRY_URL}"
        )
    return url


class RegistryConfig(BaseModel):
    """Where the registry is and how politely and patiently to talk to it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str = DEFAULT_REGISTRY_URL
    requests_per_minute: float = Field(default=DEFAULT_REQUESTS_PER_MINUTE, gt=0)
    connect_timeout_s: float = Field(default=DEFAULT_CONNECT_TIMEOUT_S, gt=0)
    read_timeout_s: float = Field(default=DEFAULT_READ_TIMEOUT_S, gt=0)
    write_timeout_s: float = Field(default=DEFAULT_WRITE_TIMEOUT_S, gt=0)
    pool_timeout_s: float = Field(default=DEFAULT_POOL_TIMEOUT_S, gt=0)
    max_attempts: int = Field(default=DEFAULT_MAX_ATTEMPTS, ge=1)
    backoff_initial_s: float = Field(default=DEFAULT_BACKOFF_INITIAL_S, ge=0)
    backoff_max_s: float = Field(default=DEFAULT_BACKOFF_MAX_S, ge=0)
    backoff_jitter_s: float = Field(default=DEFAULT_BACKOFF_JITTER_S, ge=0)
    retry_after_cap_s: float = Field(default=DEFAULT_RETRY_AFTER_CAP_S, ge=0)
    retry_budget_s: float = Field(default=DEFAULT_RETRY_BUDGET_S, gt=0)
    ids_per_request: int = Field(default=DEFAULT_IDS_PER_REQUEST, ge=1, le=500)
    page_size: int = Field(default=DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    max_connections: int = Field(default=DEFAULT_MAX_CONNECTIONS, ge=1)
    user_agent: str = DEFAULT_USER_AGENT
    trust_env: bool = DEFAULT_TRUST_ENV

    @field_validator("base_url")
    @classmethod
    def _strip_base_url(cls, value: str) -> str:
        return normalize_base_url(value)

    @property
    def timeout(self) -> httpx.Timeout:
        return httpx.Timeout(
            connect=self.connect_timeout_s,
            read=self.read_timeout_s,
            write=self.write_timeout_s,
            pool=self.pool_timeout_s,
        )

    @property
    def limits(self) -> httpx.Limits:
        """Connection limits of the transports httpx builds (an injected one keeps its own)."""
        return httpx.Limits(
            max_connections=self.max_connections,
            max_keepalive_connections=self.max_connections,
        )
