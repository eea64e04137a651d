"""Routing of the imitated registry API: (method, path, query) on a date → a response.

No sockets here: :mod:`imitation.server` adds faults, rate limiting, the request log and
the admin endpoints around :func:`handle_api`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import parse_qsl

from imitation.catalog import Catalog
from imitation.errors import ApiError
from imitation.history import history_index, study_version, study_with_history
from imitation.studies import fetch_study, list_studies, not_found, parse_study_id

API_VERSION = "2.0.5"
DATA_REFRESH_TIME = "09:00:05"
"""The registry refreshes its data each weekday at about this UTC time (API-NOTES §4)."""

JSON_TYPE = "application/json"
TEXT_TYPE = "text/plain; charset=utf-8"

V2_PREFIX = "/api/v2"
INTERNAL_PREFIX = "/api/int"
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
    return Response(status, json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())


def text_response(status: int, text: str, headers: tuple[tuple[str, str], ...] = ()) -> Response:
    return Response(status, text.encode(), TEXT_TYPE, headers)


def handle_api(catalog: Catalog, day: date, method: str, path: str, query: str) -> Response:
    """Answer one registry API request as the registry would on ``day``."""
    if method not in ("GET", "HEAD"):
        return text_response(405, f"Request method '{method}' is not supported")
    pairs = parse_qsl(query, keep_blank_values=True)
    try:
        return _route(catalog, day, path, pairs)
    except ApiError as error:
        return text_response(error.status, error.body, tuple(error.headers.items()))


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
        return Response(200, fetch_study(catalog, day, match.group(1), pairs))
    if match := _INT_VERSION.match(path):
        return _internal_version(catalog, day, match.group(1), match.group(2))
    if match := _INT_HISTORY.match(path):
        versions, has_history = _internal_versions(catalog, day, match.group(1))
        return json_response(history_index(versions, has_history))
    if match := _INT_STUDY.match(path):
        versions, has_history = _internal_versions(catalog, day, match.group(1))
        payload = study_with_history(versions, has_history)
        if dict(pairs).get("history") != "true":
            payload.pop("history")
        return json_response(payload)
    return text_response(404, "Not Found")


def _internal_versions(catalog: Catalog, day: date, raw_id: str) -> tuple[Any, bool]:
    nct_id = parse_study_id(raw_id)
    if nct_id not in catalog.nct_ids():
        raise not_found(nct_id)
    timeline = catalog.timeline(nct_id)
    if not timeline.is_visible(day):
        raise not_found(nct_id)
    return timeline.versions_as_of(day), timeline.has_history


def _internal_version(catalog: Catalog, day: date, raw_id: str, raw_version: str) -> Response:
    versions, has_history = _internal_versions(catalog, day, raw_id)
    if not raw_version.isdigit() or not has_history or int(raw_version) >= len(versions):
        raise ApiError(404, f"Version {raw_version} of {parse_study_id(raw_id)} not found")
    return json_response(study_version(versions[int(raw_version)]))
