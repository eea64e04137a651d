"""Routing of the imitated registry API: (method, path, query) on a date → a response.

No sockets here: :mod:`imitation.server` adds faults, rate limiting, the request log and
the admin endpoints around :func:`handle_api`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode

from imitation.catalog import Catalog
from imitation.errors import ApiError
from imitation.history import current_study, history_index, study_version, study_with_history
from imitation.studies import fetch_study, list_studies, parse_study_id, visible_timeline
from models.hashing import compact_json

API_VERSION = "2.0.5"
DATA_REFRESH_TIME = "09:00:05"
"""The registry refreshes its data each weekday at about this UTC time (API-NOTES §4)."""

JSON_TYPE = "application/json"
TEXT_TYPE = "text/plain; charset=utf-8"

V2_PREFIX = "/api/v2"
NOT_IMITATED_PATHS = frozenset(
    {
        "/api/v2/studies/metadata",
        "/api/v2/studies/search-areas",
        "/api/v2/studies/enums",
        "/api/v2/studies/download",
        "/api/v2/stats/size",
        "/api/v2/stats/field/values",
        "/api/v2/stats/field/sizes",
    }
)
_V2_STUDY = re.compile(r"^/api/v2/studies/([^/]+)$")
_V2_STUDY_HISTORY = re.compile(r"^/api/v2/studies/([^/]+)/history$")
_INT_STUDY = re.compile(r"^/api/int/studies/([^/]+)$")
_INT_HISTORY = re.compile(r"^/api/int/studies/([^/]+)/history$")
_INT_VERSION = re.compile(r"^/api/int/studies/([^/]+)/history/([^/]+)$")


@dataclass(frozen=True)
class Response:
    """An HTTP answer before faults are applied."""

    status: int
    body: bytes
    content_type: str = JSON_TYPE
    headers: tuple[tuple[str, str], ...] = ()


def data_timestamp(day: date) -> str:
    """The ``dataTimestamp`` the registry reports for data refreshed on ``day``."""
    return f"{day.isoformat()}T{DATA_REFRESH_TIME}"


def json_response(value: Any, status: int = 200) -> Response:
    return Response(status, compact_json(value).encode())


def text_response(status: int, text: str, headers: tuple[tuple[str, str], ...] = ()) -> Response:
    return Response(status, text.encode(), TEXT_TYPE, headers)


def error_response(error: ApiError) -> Response:
    """The plain-text answer to an :class:`ApiError`."""
    return text_response(error.status, error.body)


def handle_api(catalog: Catalog, day: date, method: str, path: str, query: str) -> Response:
    """Answer one registry API request as the registry would on ``day``."""
    if method not in ("GET", "HEAD"):
        return text_response(405, f"Request method '{method}' is not supported")
    pairs = parse_qsl(query, keep_blank_values=True)
    try:
        return _route(catalog, day, path, pairs)
    except ApiError as error:
        return error_response(error)


def _route(catalog: Catalog, day: date, path: str, pairs: list[tuple[str, str]]) -> Response:
    path = path.rstrip("/") or "/"
    if path == f"{V2_PREFIX}/version":
        return json_response({"apiVersion": API_VERSION, "dataTimestamp": data_timestamp(day)})
    if path in NOT_IMITATED_PATHS:
        return text_response(501, f"{path} is not imitated by the offline registry")
    if path == f"{V2_PREFIX}/studies":
        return Response(200, list_studies(catalog, day, pairs))
    if _V2_STUDY_HISTORY.match(path):
        return text_response(404, "Not Found")
    if match := _V2_STUDY.match(path):
        return _single_study(catalog, day, match.group(1), pairs)
    if match := _INT_VERSION.match(path):
        return _internal_version(catalog, day, match.group(1), match.group(2))
    if match := _INT_HISTORY.match(path):
        timeline = visible_timeline(catalog, day, match.group(1))
        return json_response(history_index(timeline.versions_as_of(day), timeline.has_history))
    if match := _INT_STUDY.match(path):
        timeline = visible_timeline(catalog, day, match.group(1))
        versions = timeline.versions_as_of(day)
        if dict(pairs).get("history") == "true":
            return json_response(study_with_history(versions, timeline.has_history))
        return json_response(current_study(versions[-1]))
    return text_response(404, "Not Found")


def _single_study(
    catalog: Catalog, day: date, raw_id: str, pairs: list[tuple[str, str]]
) -> Response:
    """``GET /api/v2/studies/{id}``; an alias answers 301 to its study (API-NOTES §3)."""
    try:
        return Response(200, fetch_study(catalog, day, raw_id, pairs))
    except ApiError as error:
        canonical = catalog.canonical_for_alias(parse_study_id(raw_id), day)
        if error.status != 404 or canonical is None:
            raise
    location = f"{V2_PREFIX}/studies/{canonical}"
    if pairs:
        location += "?" + urlencode(pairs)
    return Response(301, b"", TEXT_TYPE, (("Location", location),))


def _internal_version(catalog: Catalog, day: date, raw_id: str, raw_version: str) -> Response:
    timeline = visible_timeline(catalog, day, raw_id)
    versions = timeline.versions_as_of(day)
    if not raw_version.isdigit() or not timeline.has_history or int(raw_version) >= len(versions):
        raise ApiError(404, f"Version {raw_version} of {timeline.nct_id} not found")
    return json_response(study_version(versions[int(raw_version)]))
