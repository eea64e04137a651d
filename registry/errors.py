"""Registry client errors, each with a one-line message that names the data and the next step.

RegistryError (a models.errors.CtgovError)
 ├── RegistryUnavailableError  connection failures or timeouts on every attempt
 ├── RegistryHTTPError         a status the client does not turn into data (status, url, body)
 │    ├── StudyNotFoundError   404 for one study (nct_id)
 │    ├── BadRequestError      400; the registry's text/plain reason is in the message
 │    └── RateLimitedError     429 on every attempt
 └── RegistryResponseError     a truncated, invalid or wrongly shaped body (url, page_token)

Every error pickles with its attributes intact, so it survives a trip between processes.
"""

from __future__ import annotations

from typing import Any

from models.errors import CtgovError

BODY_EXCERPT_CHARS = 200
"""How much of an error body a message quotes."""
SERVER_ERROR_MIN = 500


def _attempts(attempts: int) -> str:
    return "1 attempt" if attempts == 1 else f"{attempts} attempts"


def _on_all(attempts: int) -> str:
    return "on its only attempt" if attempts == 1 else f"on all {attempts} attempts"


def excerpt(text: str, limit: int = BODY_EXCERPT_CHARS) -> str:
    """Collapse whitespace so the quote stays on one line, and cut it to `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class RegistryError(CtgovError):
    """Base of every error raised by the registry package.

    ``note`` adds a clause to the message (e.g. that the retry budget ran out)."""

    note: str | None = None

    def __str__(self) -> str:
        text = super().__str__()
        return f"{text} ({self.note})" if self.note else text

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(
    cls: type[RegistryError], args: tuple[Any, ...], state: dict[str, Any]
) -> RegistryError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class RegistryUnavailableError(RegistryError):
    def __init__(self, url: str, attempts: int, detail: str) -> None:
        self.url = url
        self.attempts = attempts
        self.detail = detail
        super().__init__(
            f"registry at {url} unreachable after {_attempts(attempts)}: {excerpt(detail)}; "
            "check --registry-url / CTGOV_REGISTRY_URL or your network"
        )


class RegistryHTTPError(RegistryError):
    def __init__(
        self, status: int, url: str, body: str, *, attempts: int = 1, message: str | None = None
    ) -> None:
        self.status = status
        self.url = url
        self.body = body
        self.attempts = attempts
        tries = f" on all {attempts} attempts" if attempts > 1 else ""
        advice = (
            "the registry is failing; try again later"
            if status >= SERVER_ERROR_MIN
            else "check --registry-url / CTGOV_REGISTRY_URL and the request"
        )
        super().__init__(
            message
            or f"registry answered HTTP {status} for {url}{tries}: {excerpt(body) or '(no body)'}; "
            f"{advice}, and report the URL if it persists"
        )


class StudyNotFoundError(RegistryHTTPError):
    def __init__(self, nct_id: str, url: str, body: str = "") -> None:
        self.nct_id = nct_id
        super().__init__(
            404,
            url,
            body,
            message=f"study {nct_id} not found at the registry ({url}); "
            "check the NCT ID, or drop it from the watch list",
        )


class BadRequestError(RegistryHTTPError):
    def __init__(self, url: str, body: str) -> None:
        super().__init__(
            400,
            url,
            body,
            message=f"registry rejected {url} with HTTP 400: {excerpt(body) or '(no body)'}; "
            "fix the parameter that message names",
        )


class RateLimitedError(RegistryHTTPError):
    def __init__(
        self, url: str, body: str, *, attempts: int, retry_after_s: float | None = None
    ) -> None:
        self.retry_after_s = retry_after_s
        wait = f" (last Retry-After {retry_after_s:g} s)" if retry_after_s is not None else ""
        super().__init__(
            429,
            url,
            body,
            attempts=attempts,
            message=f"registry rate-limited {url} with HTTP 429 {_on_all(attempts)}{wait}; "
            "lower the requests per minute (CTGOV_REQUESTS_PER_MINUTE) or try again later",
        )


class RegistryResponseError(RegistryError):
    def __init__(
        self, url: str, detail: str, *, page_token: str | None = None, attempts: int = 1
    ) -> None:
        self.url = url
        self.detail = detail
        self.page_token = page_token
        self.attempts = attempts
        token = f" (page token {page_token})" if page_token else ""
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        super().__init__(
            f"registry sent an unusable response for {url}{token}{tries}: {excerpt(detail)}; "
            "try again later, and report the URL if it persists",
        )
