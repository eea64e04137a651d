"""The registry client: studies by ID, searches page by page, the version, the record history.

>>> with RegistryClient(RegistryConfig()) as registry:          # doctest: +SKIP
...     result = registry.fetch_studies(["NCT06690827", "nct4010877"])
...     result.missing
[]
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, NoReturn, Self

import httpx

from models.markup import HTML
from models.nct import InvalidNctIdError, normalize_nct_id, normalize_nct_ids
from registry.config import RegistryConfig
from registry.errors import (
    BadRequestError,
    RateLimitedError,
    RegistryError,
    RegistryHTTPError,
    RegistryResponseError,
    RegistryUnavailableError,
    StudyNotFoundError,
    excerpt,
)
from registry.ratelimit import RateLimiter, SlotLimiter
from registry.retry import RETRYABLE_STATUSES, TransientFailure, build_retrying, parse_retry_after
from registry.types import FetchResult, Page, RawStudy, RegistryVersion, compact_json

logger = logging.getLogger("registry")

VERSION_PATH = "/api/v2/version"
STUDIES_PATH = "/api/v2/studies"
STUDY_PATH = "/api/v2/studies/{nct_id}"
HISTORY_INDEX_PATH = "/api/int/studies/{nct_id}/history"
HISTORY_STUDY_PATH = "/api/int/studies/{nct_id}"
"""With `?history=true`, the study plus its history index (the form cthist uses)."""
HISTORY_VERSION_PATH = "/api/int/studies/{nct_id}/history/{version}"

IDS_PARAM = "filter.ids"
PAGE_SIZE_PARAM = "pageSize"
PAGE_TOKEN_PARAM = "pageToken"
ID_SEPARATOR = ","


PageCheck = Callable[[Any], str | None]
"""Names what is wrong with a page's JSON (None: nothing), inside the retry loop."""


@dataclass(frozen=True)
class _Reply:
    url: str
    text: str
    data: Any


class RegistryClient:
    """A polite, retrying client for ClinicalTrials.gov's API v2 and its internal history API.

    `transport`, `clock` and `sleep` are seams for tests: an `httpx.MockTransport` in place of
    the network, and a fake clock and sleep so neither the rate limiter nor the backoff waits.
    Without `transport`, httpx builds the transports itself: the configured connection limits
    apply to them, and with `trust_env` it reads the proxy variables (`HTTPS_PROXY`,
    `NO_PROXY`, ...). A `transport` given here has its own limits and no proxy from the
    environment.
    """

    def __init__(
        self,
        config: RegistryConfig | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rate_limiter: SlotLimiter | None = None,
    ) -> None:
        self.config = config or RegistryConfig()
        self._sleep = sleep
        self._limiter = rate_limiter or RateLimiter(
            self.config.requests_per_minute, clock=clock, sleep=sleep
        )
        self._http = httpx.Client(
            base_url=self.config.base_url,
            transport=transport,
            limits=self.config.limits,
            timeout=self.config.timeout,
            headers={"User-Agent": self.config.user_agent, "Accept": "application/json"},
            follow_redirects=True,
            trust_env=self.config.trust_env,
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def version(self) -> RegistryVersion:
        """`GET /api/v2/version`: the API version and the data timestamp (UTC)."""
        reply = self._get(VERSION_PATH)
        data = _expect_object(reply)
        api_version = data.get("apiVersion")
        if not isinstance(api_version, str):
            _unusable(reply, f"no apiVersion string in {compact_json(data)[:80]}")
        return RegistryVersion(api_version, _parse_timestamp(reply, data.get("dataTimestamp")))

    def fetch_study(self, nct_id: str) -> RawStudy:
        """One study by ID (an alias is redirected to its study); 404 → `StudyNotFoundError`."""
        nct = normalize_nct_id(nct_id)
        reply = self._get(STUDY_PATH.format(nct_id=nct), nct_id=nct)
        record = _expect_object(reply)
        return RawStudy(_record_nct_id(record, reply), record, reply.text)

    def fetch_studies(self, nct_ids: Sequence[str]) -> FetchResult:
        """The studies for `nct_ids`, `ids_per_request` at a time, and the IDs not found.

        Every ID is normalised and validated before the first request. A returned study answers
        a requested ID by its `nctId` or one of its `nctIdAliases`. A batch the registry rejects
        with 400 (it does so for a whole `filter.ids` list when one ID is unknown) is fetched
        again one study at a time, so only the unknown IDs end up in `missing`.

        An ID no list page answered is asked for once more on its own (`GET /studies/{id}`):
        it is `missing` only when that answers 404, so one short or wrong page never makes a
        study look gone. An alias is redirected there to its study, which answers it.
        """
        if isinstance(nct_ids, str):
            raise TypeError(f"fetch_studies takes a list of NCT IDs, not the string {nct_ids!r}")
        requested = normalize_nct_ids(nct_ids)
        wanted = set(requested)
        found: dict[str, RawStudy] = {}
        answered: dict[str, str] = {}
        confirmed_missing: set[str] = set()

        def take(study: RawStudy, asked: set[str]) -> None:
            hits = _study_ids(study) & asked
            if not hits:
                logger.warning(
                    "registry returned %s, which answers none of the requested IDs; kept",
                    study.nct_id,
                )
            for hit in hits:
                answered[hit] = study.nct_id
            found.setdefault(study.nct_id, study)

        for start in range(0, len(requested), self.config.ids_per_request):
            batch = requested[start : start + self.config.ids_per_request]
            studies, not_found = self._fetch_batch(batch)
            confirmed_missing.update(not_found)
            for study in studies:
                take(study, wanted)
        for nct in requested:
            if nct in answered or nct in confirmed_missing:
                continue
            try:
                study = self.fetch_study(nct)
            except StudyNotFoundError:
                confirmed_missing.add(nct)
                continue
            logger.warning("%s was not on the list pages but GET answered it; kept", nct)
            take(study, {nct} | ({study.nct_id} & wanted))
            if nct not in answered:
                answered[nct] = study.nct_id
        return FetchResult(
            studies=list(found.values()),
            missing=[nct for nct in requested if nct not in answered],
            aliases={asked: got for asked, got in answered.items() if asked != got},
        )

    def iter_study_pages(
        self, params: Mapping[str, str], *, check: PageCheck | None = None
    ) -> Iterator[Page]:
        """Pages of `GET /api/v2/studies` for `params`, following `nextPageToken` to the end.

        Every page repeats all of `params`; `pageSize` defaults to the configured page size.
        Delta sync, for example:
        `{"filter.advanced": "AREA[LastUpdatePostDate]RANGE[2026-08-09,MAX]"}`.
        `check` looks at each page's JSON and names what is wrong with it (None: nothing): a
        wrong page is retried like a truncated one, then fails the request.
        """
        query = dict(params)
        query.setdefault(PAGE_SIZE_PARAM, str(self.config.page_size))
        token = query.pop(PAGE_TOKEN_PARAM, None)
        seen_tokens = {token} if token is not None else set()
        while True:
            page_query = query if token is None else {**query, PAGE_TOKEN_PARAM: token}
            first_check = _first_page(check) if token is None and _counts(query) else check
            reply = self._get(STUDIES_PATH, page_query, page_token=token, check=first_check)
            page = _parse_page(reply, token)
            yield page
            if page.next_page_token is None:
                return
            if page.next_page_token in seen_tokens:
                _unusable(
                    reply,
                    f"nextPageToken {page.next_page_token} repeats an earlier page; "
                    "paging would loop",
                    page_token=token,
                )
            seen_tokens.add(page.next_page_token)
            token = page.next_page_token

    def fetch_history_index(self, nct_id: str) -> list[dict[str, Any]]:
        """The study's version index (`changes`, version 0 first) from the internal API.

        Asks `/api/int/studies/{id}/history`; on 404 asks `/api/int/studies/{id}?history=true`
        (the form cthist and ctrdata use) before giving up with `StudyNotFoundError`.
        """
        nct = normalize_nct_id(nct_id)
        try:
            reply = self._get(HISTORY_INDEX_PATH.format(nct_id=nct), nct_id=nct)
        except StudyNotFoundError:
            reply = self._get(
                HISTORY_STUDY_PATH.format(nct_id=nct), {"history": "true"}, nct_id=nct
            )
        data = _expect_object(reply)
        index = data.get("history") if "changes" not in data else data
        changes = index.get("changes") if isinstance(index, dict) else None
        if not isinstance(changes, list) or not all(isinstance(c, dict) for c in changes):
            _unusable(reply, f"no list of changes for {nct} in the history index")
        return changes

    def fetch_history_version(self, nct_id: str, version: int) -> RawStudy:
        """Version `version` (0-based) of a study from `/api/int/studies/{id}/history/{v}`."""
        nct = normalize_nct_id(nct_id)
        if version < 0:
            raise ValueError(f"history versions of {nct} start at 0, got {version}")
        reply = self._get(HISTORY_VERSION_PATH.format(nct_id=nct, version=version), nct_id=nct)
        data = _expect_object(reply)
        record = data.get("study")
        if not isinstance(record, dict):
            _unusable(reply, f"no study object in version {version} of {nct}")
        answered_version = data.get("studyVersion", version)
        if answered_version != version:
            _unusable(reply, f"asked for version {version} of {nct}, got {answered_version}")
        return RawStudy(
            _record_nct_id(record, reply, default=nct),
            record,
            compact_json(record),
            markup=HTML,
            registry_version=version,
        )

    def _fetch_batch(self, batch: list[str]) -> tuple[list[RawStudy], set[str]]:
        """The studies a `filter.ids` request returns, and the IDs found missing on the way
        (only after a 400, when each ID is asked for on its own). A page holding a study that
        answers none of the asked IDs is a registry fault: retried, then the run fails."""
        params = {IDS_PARAM: ID_SEPARATOR.join(batch), PAGE_SIZE_PARAM: str(self.config.page_size)}
        check = _only_asked(set(batch))
        try:
            pages = [
                study
                for page in self.iter_study_pages(params, check=check)
                for study in page.studies
            ]
            return pages, set()
        except BadRequestError as rejected:
            logger.warning(
                "registry rejected %d IDs (%s…%s) in one request (%s); fetching them one by one",
                len(batch),
                batch[0],
                batch[-1],
                excerpt(rejected.body),
            )
        studies: list[RawStudy] = []
        not_found: set[str] = set()
        for nct in batch:
            try:
                studies.append(self.fetch_study(nct))
            except StudyNotFoundError:
                not_found.add(nct)
        return studies, not_found

    def _get(
        self,
        path: str,
        params: Mapping[str, str] | None = None,
        *,
        nct_id: str | None = None,
        page_token: str | None = None,
        check: PageCheck | None = None,
    ) -> _Reply:
        """One logical GET: rate-limited attempts with retries, ending in data or a typed error."""
        request = self._http.build_request("GET", path, params=params)
        retrying = build_retrying(self.config, str(request.url), self._sleep)
        started = time.monotonic()
        try:
            return retrying(
                self._attempt, request, nct_id=nct_id, page_token=page_token, check=check
            )
        except TransientFailure as failure:
            attempts = int(retrying.statistics.get("attempt_number", self.config.max_attempts))
            error = failure.final(attempts)
            if attempts < self.config.max_attempts:
                error.note = (
                    f"gave up after {time.monotonic() - started:.1f} s: the retry budget is "
                    f"{self.config.retry_budget_s:g} s (CTGOV_RETRY_BUDGET_S), each read "
                    f"{self.config.read_timeout_s:g} s (CTGOV_READ_TIMEOUT_S)"
                )
            raise error from failure

    def _attempt(
        self,
        request: httpx.Request,
        *,
        nct_id: str | None,
        page_token: str | None,
        check: PageCheck | None = None,
    ) -> _Reply:
        self._limiter.acquire()
        url = str(request.url)
        try:
            response = self._http.send(request, stream=True)
        except httpx.TimeoutException as exc:
            raise _unreachable(url, f"timed out ({type(exc).__name__})") from exc
        except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            raise _unreachable(url, f"{type(exc).__name__}: {exc}") from exc
        url = str(response.url)
        try:
            response.read()
        except httpx.TimeoutException as exc:
            raise _unreachable(url, f"timed out reading the body ({type(exc).__name__})") from exc
        except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            reason = f"truncated body ({type(exc).__name__}: {exc})"
            raise _malformed(url, reason, page_token) from exc
        finally:
            response.close()
        text = response.text
        status = response.status_code
        if response.is_success:
            kind = response.headers.get("content-type", "")
            if "html" in kind.lower():
                raise _malformed(url, f"answered {kind.split(';')[0]}, not JSON", page_token)
            try:
                data = json.loads(text)
            except ValueError as exc:
                raise _malformed(url, f"truncated or invalid JSON ({exc})", page_token) from exc
            problem = check(data) if check is not None else None
            if problem is not None:
                raise _malformed(url, problem, page_token)
            return _Reply(url, text, data)
        raise _status_error(status, url, text, response.headers, nct_id)


def _counts(query: Mapping[str, str]) -> bool:
    return query.get("countTotal", "").lower() == "true"


def _first_page(check: PageCheck | None) -> PageCheck:
    """The first page of a counted query carries ``totalCount``, and studies when it is above
    zero: an empty page without a count is a fault that would end the query early."""

    def first(data: Any) -> str | None:
        if isinstance(data, dict):
            total = data.get("totalCount")
            if not isinstance(total, int):
                return "the first page of a counted query has no totalCount"
            if total > 0 and not data.get("studies"):
                return f"the first page is empty though totalCount is {total}"
        return check(data) if check is not None else None

    return first


def _only_asked(asked: set[str]) -> PageCheck:
    """A page check: every study on a `filter.ids` page answers one of the asked IDs."""

    def check(data: Any) -> str | None:
        records = data.get("studies") if isinstance(data, dict) else None
        if not isinstance(records, list):
            return None
        foreign = []
        for record in records:
            if not isinstance(record, dict):
                continue
            identification = _identification(record)
            ids = {identification.get("nctId"), *(identification.get("nctIdAliases") or [])}
            normalized = set()
            for value in ids:
                if not isinstance(value, str):
                    continue
                try:
                    normalized.add(normalize_nct_id(value))
                except InvalidNctIdError:
                    continue
            if not normalized & asked:
                foreign.append(str(identification.get("nctId")))
        if not foreign:
            return None
        more = f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
        return f"the page holds studies not asked for ({', '.join(foreign[:3])}{more})"

    return check


def _unreachable(url: str, reason: str) -> TransientFailure:
    return TransientFailure(
        reason, lambda attempts: RegistryUnavailableError(url, attempts, reason)
    )


def _malformed(url: str, reason: str, page_token: str | None) -> TransientFailure:
    return TransientFailure(
        reason,
        lambda attempts: RegistryResponseError(
            url, reason, page_token=page_token, attempts=attempts
        ),
    )


def _status_error(
    status: int, url: str, body: str, headers: httpx.Headers, nct_id: str | None
) -> TransientFailure | RegistryError:
    if status == 429:
        wait = parse_retry_after(headers.get("Retry-After"))
        return TransientFailure(
            "HTTP 429" + (f", Retry-After {wait:g} s" if wait is not None else ""),
            lambda attempts: RateLimitedError(url, body, attempts=attempts, retry_after_s=wait),
            retry_after_s=wait,
        )
    if status in RETRYABLE_STATUSES:
        return TransientFailure(
            f"HTTP {status}",
            lambda attempts: RegistryHTTPError(status, url, body, attempts=attempts),
        )
    if status == 400:
        return BadRequestError(url, body)
    if status == 404 and nct_id is not None:
        return StudyNotFoundError(nct_id, url, body)
    return RegistryHTTPError(status, url, body)


def _unusable(reply: _Reply, detail: str, *, page_token: str | None = None) -> NoReturn:
    raise RegistryResponseError(reply.url, detail, page_token=page_token)


def _expect_object(reply: _Reply, *, page_token: str | None = None) -> dict[str, Any]:
    if not isinstance(reply.data, dict):
        kind = type(reply.data).__name__
        _unusable(reply, f"expected a JSON object, got a {kind}", page_token=page_token)
    return reply.data


def _record_nct_id(
    record: dict[str, Any],
    reply: _Reply,
    *,
    default: str | None = None,
    page_token: str | None = None,
) -> str:
    """The study's own NCT ID, normalised; a record without one cannot be stored."""
    raw = _identification(record).get("nctId")
    if isinstance(raw, str):
        try:
            return normalize_nct_id(raw)
        except InvalidNctIdError:
            pass
    if default is not None:
        return default
    _unusable(
        reply,
        f"a study has no valid protocolSection.identificationModule.nctId ({raw!r}); "
        "when passing fields=, include NCTId",
        page_token=page_token,
    )


def _identification(record: dict[str, Any]) -> dict[str, Any]:
    protocol = record.get("protocolSection")
    module = protocol.get("identificationModule") if isinstance(protocol, dict) else None
    return module if isinstance(module, dict) else {}


def _study_ids(study: RawStudy) -> set[str]:
    """The study's NCT ID and its well-formed aliases, normalised."""
    ids = {study.nct_id}
    aliases = _identification(study.record).get("nctIdAliases")
    for alias in aliases if isinstance(aliases, list) else []:
        try:
            ids.add(normalize_nct_id(alias))
        except (InvalidNctIdError, AttributeError):
            logger.warning("study %s lists a malformed alias %r; ignored", study.nct_id, alias)
    return ids


def _parse_page(reply: _Reply, token: str | None) -> Page:
    data = _expect_object(reply, page_token=token)
    records = data.get("studies")
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        _unusable(reply, "no list of study objects under 'studies'", page_token=token)
    total = data.get("totalCount")
    next_token = data.get("nextPageToken")
    if total is not None and (not isinstance(total, int) or isinstance(total, bool)):
        _unusable(reply, f"totalCount {total!r} is not an integer", page_token=token)
    if next_token is not None and not isinstance(next_token, str):
        _unusable(reply, f"nextPageToken {next_token!r} is not a string", page_token=token)
    studies = [
        RawStudy(_record_nct_id(record, reply, page_token=token), record, compact_json(record))
        for record in records
    ]
    return Page(studies, total, next_token or None)


def _parse_timestamp(reply: _Reply, value: Any) -> datetime | None:
    """`dataTimestamp` is UTC without an offset, e.g. `2026-08-10T09:00:05`."""
    if value is None:
        return None
    try:
        stamp = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        stamp = None
    if stamp is None:
        _unusable(reply, f"dataTimestamp {value!r} is not an ISO date-time")
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
