"""The httpx client for ClinicalTrials.gov's API v2 and internal history API.

>>> from registry import RegistryClient, RegistryConfig
>>> with RegistryClient(RegistryConfig()) as registry:      # doctest: +SKIP
...     study = registry.fetch_study("NCT04010877")
"""

from models.nct import InvalidNctIdError
from registry.client import RegistryClient
from registry.config import (
    DEFAULT_BACKOFF_INITIAL_S,
    DEFAULT_BACKOFF_JITTER_S,
    DEFAULT_BACKOFF_MAX_S,
    DEFAULT_CONNECT_TIMEOUT_S,
    DEFAULT_IDS_PER_REQUEST,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_PAGE_SIZE,
    DEFAULT_POOL_TIMEOUT_S,
    DEFAULT_READ_TIMEOUT_S,
    DEFAULT_REGISTRY_URL,
    DEFAULT_REQUESTS_PER_MINUTE,
    DEFAULT_RETRY_AFTER_CAP_S,
    DEFAULT_TRUST_ENV,
    DEFAULT_USER_AGENT,
    DEFAULT_WRITE_TIMEOUT_S,
    MAX_PAGE_SIZE,
    RegistryConfig,
)
from registry.errors import (
    BadRequestError,
    RateLimitedError,
    RegistryError,
    RegistryHTTPError,
    RegistryResponseError,
    RegistryUnavailableError,
    StudyNotFoundError,
)
from registry.ratelimit import RateLimiter
from registry.types import FetchResult, Page, RawStudy, RegistryVersion

__all__ = [
    "DEFAULT_BACKOFF_INITIAL_S",
    "DEFAULT_BACKOFF_JITTER_S",
    "DEFAULT_BACKOFF_MAX_S",
    "DEFAULT_CONNECT_TIMEOUT_S",
    "DEFAULT_IDS_PER_REQUEST",
    "DEFAULT_MAX_ATTEMPTS",
    "DEFAULT_MAX_CONNECTIONS",
    "DEFAULT_PAGE_SIZE",
    "DEFAULT_POOL_TIMEOUT_S",
    "DEFAULT_READ_TIMEOUT_S",
    "DEFAULT_REGISTRY_URL",
    "DEFAULT_REQUESTS_PER_MINUTE",
    "DEFAULT_RETRY_AFTER_CAP_S",
    "DEFAULT_TRUST_ENV",
    "DEFAULT_USER_AGENT",
    "DEFAULT_WRITE_TIMEOUT_S",
    "MAX_PAGE_SIZE",
    "BadRequestError",
    "FetchResult",
    "InvalidNctIdError",
    "Page",
    "RateLimitedError",
    "RateLimiter",
    "RawStudy",
    "RegistryClient",
    "RegistryConfig",
    "RegistryError",
    "RegistryHTTPError",
    "RegistryResponseError",
    "RegistryUnavailableError",
    "RegistryVersion",
    "StudyNotFoundError",
]
