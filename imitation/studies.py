"""API v2 ``/studies`` and ``/studies/{nctId}``: parameter checks, filtering, sorting, paging.

Parameters and error bodies follow the OAS 2.0.5 spec and API-NOTES §2–4. The registry's
list order is unspecified and stable; the imitation lists studies by NCT ID unless ``sort``
asks for a date or numeric field. Like the registry, a page filled to ``pageSize`` carries a
``nextPageToken`` even when nothing follows, so the last page of such a walk is empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from imitation.catalog import Catalog
from imitation.errors import ApiError, UnknownStudyError
from imitation.essie import (
    Expression,
    matches,
    nct_ids_only,
    normalize_date,
    parse_expression,
    values_at,
)
from imitation.fields import PIECE_PATHS, Selection, parse_fields, project
from imitation.paging import make_token, query_key, read_token
from imitation.timeline import StoredVersion, StudyTimeline
from models.generated import Status
from models.hashing import compact_json
from models.nct import NCT_ID_PATTERN, InvalidNctIdError, normalize_nct_id

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 1000
MAX_SORT_ITEMS = 2

STATUS_VALUES = frozenset(status.value for status in Status)

_PROTOCOL = "protocolSection."
QUERY_AREAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "query.cond": (
        "Conditions or disease",
        (
            _PROTOCOL + "conditionsModule",
            _PROTOCOL + "identificationModule.briefTitle",
            _PROTOCOL + "identificationModule.officialTitle",
            "derivedSection.conditionBrowseModule",
        ),
    ),
    "query.term": ("Other terms", ("",)),
    "query.locn": ("Location terms", (_PROTOCOL + "contactsLocationsModule.locations",)),
    "query.titles": (
        "Title / acronym",
        tuple(
            _PROTOCOL + "identificationModule." + k
            for k in ("briefTitle", "officialTitle", "acronym")
        ),
    ),
    "query.intr": (
        "Intervention / treatment",
        (_PROTOCOL + "armsInterventionsModule", "derivedSection.interventionBrowseModule"),
    ),
    "query.outc": ("Outcome measure", (_PROTOCOL + "outcomesModule",)),
    "query.spons": (
        "Sponsor / collaborator",
        tuple(
            _PROTOCOL + "sponsorCollaboratorsModule." + k for k in ("leadSponsor", "collaborators")
        ),
    ),
    "query.lead": ("Lead sponsor", (_PROTOCOL + "sponsorCollaboratorsModule.leadSponsor.name",)),
    "query.id": (
        "Study IDs",
        tuple(
            _PROTOCOL + "identificationModule." + k
            for k in ("nctId", "nctIdAliases", "orgStudyIdInfo", "secondaryIdInfos")
        ),
    ),
    "query.patient": ("Patient", ("",)),
}
"""Each ``query.*`` parameter: its label in error bodies and the record parts it searches."""

FILTER_NAMES = ("overallStatus", "geo", "ids", "advanced", "synonyms")
LIST_PARAMETERS = frozenset(
    {
        "format",
        "markupFormat",
        "fields",
        "sort",
        "countTotal",
        "pageSize",
        "pageToken",
        "aggFilters",
        "geoDecay",
    }
    | set(QUERY_AREAS)
    | {f"{prefix}.{name}" for prefix in ("filter", "postFilter") for name in FILTER_NAMES}
)
SINGLE_STUDY_PARAMETERS = frozenset({"format", "markupFormat", "fields"})
LIST_VALUED = frozenset(
    {"fields", "sort"}
    | {p for p in LIST_PARAMETERS if p.endswith((".ids", ".overallStatus", ".synonyms"))}
)

SORTABLE_PIECES = frozenset(
    {
        "StartDate",
        "PrimaryCompletionDate",
        "CompletionDate",
        "StudyFirstSubmitDate",
        "StudyFirstPostDate",
        "ResultsFirstPostDate",
        "LastUpdateSubmitDate",
        "LastUpdatePostDate",
        "StatusVerifiedDate",
        "EnrollmentCount",
    }
)
_GEO = re.compile(r"^distance\(-?\d+(\.\d+)?,-?\d+(\.\d+)?,\d+(\.\d+)?(km|mi)?\)$")
_SEPARATOR = re.compile(r"[,|]")
_SORT_ITEM = re.compile(r"^(@relevance|[a-zA-Z][a-zA-Z0-9\-. ]*)(?::(asc|desc))?$")


def collect_parameters(pairs: Sequence[tuple[str, str]], allowed: frozenset[str]) -> dict[str, str]:
    """Check names (400 for an unknown one) and merge repeats: lists join, scalars keep the last."""
    merged: dict[str, str] = {}
    for name, value in pairs:
        if name not in allowed:
            raise ApiError(400, f"`{name}` is unknown parameter")
        if name in LIST_VALUED and name in merged:
            merged[name] = f"{merged[name]},{value}"
        else:
            merged[name] = value
    _check_format(merged)
    return merged


def _check_format(params: dict[str, str]) -> None:
    fmt = params.get("format", "json")
    if fmt != "json":
        raise ApiError(400, f"Parameter `format` value `{fmt}` is not imitated; use format=json")
    markup = params.get("markupFormat", "markdown")
    if markup != "markdown":
        raise ApiError(
            400, f"Parameter `markupFormat` value `{markup}` is not imitated; use markdown"
        )


def _split(value: str) -> list[str]:
    return [item.strip() for item in _SEPARATOR.split(value) if item.strip()]


@dataclass(frozen=True)
class _Filter:
    statuses: frozenset[str] | None
    ids: frozenset[str] | None
    advanced: tuple[Expression, ...]


def _parse_filters(params: dict[str, str]) -> _Filter:
    statuses: set[str] | None = None
    ids: set[str] | None = None
    advanced: list[Expression] = []
    for prefix in ("filter", "postFilter"):
        raw_status = params.get(f"{prefix}.overallStatus")
        if raw_status is not None:
            values = _split(raw_status)
            for value in values:
                if value not in STATUS_VALUES:
                    raise ApiError(400, f"Invalid value in parameter `overallStatus`: `{value}`")
            statuses = set(values) if statuses is None else statuses & set(values)
        raw_ids = params.get(f"{prefix}.ids")
        if raw_ids is not None:
            wanted = {_filter_id(value, f"{prefix}.ids") for value in _split(raw_ids)}
            ids = wanted if ids is None else ids & wanted
        raw_geo = params.get(f"{prefix}.geo")
        if raw_geo is not None and not _GEO.match(raw_geo):
            raise ApiError(400, f"Invalid value in parameter `{prefix}.geo`: `{raw_geo}`")
        raw_advanced = params.get(f"{prefix}.advanced")
        if raw_advanced:
            advanced.append(parse_expression(raw_advanced, "advanced filter"))
    return _Filter(
        statuses=None if statuses is None else frozenset(statuses),
        ids=None if ids is None else frozenset(ids),
        advanced=tuple(advanced),
    )


def _filter_id(value: str, parameter: str) -> str:
    try:
        return normalize_nct_id(value)
    except InvalidNctIdError:
        raise ApiError(
            400, f"Invalid value in parameter `{parameter}`: `{value}` has incorrect format"
        ) from None


def _parse_queries(
    params: dict[str, str],
) -> tuple[list[tuple[Expression, tuple[str, ...]]], set[str] | None]:
    """Parsed ``query.*`` expressions, and the NCT IDs of ID-only queries (which void filters)."""
    expressions: list[tuple[Expression, tuple[str, ...]]] = []
    id_only: set[str] | None = None
    for name, (label, paths) in QUERY_AREAS.items():
        raw = params.get(name)
        if not raw:
            continue
        ids = nct_ids_only(raw)
        if ids is not None:
            id_only = set(ids) if id_only is None else id_only & set(ids)
        else:
            expressions.append((parse_expression(raw, label), paths))
    return expressions, id_only


def _sort_key_factory(raw: str) -> Callable[[StoredVersion], tuple[Any, ...]] | None:
    items = _split(raw)
    if len(items) > MAX_SORT_ITEMS:
        raise ApiError(
            400, f"Parameter `sort` has incorrect format: at most {MAX_SORT_ITEMS} items"
        )
    orders: list[tuple[str, bool]] = []
    for item in items:
        match = _SORT_ITEM.match(item)
        if match is None:
            raise ApiError(400, f"Parameter `sort` has incorrect format: `{item}`")
        name, direction = match.group(1), match.group(2)
        if name == "@relevance":
            continue
        if name not in SORTABLE_PIECES:
            raise ApiError(
                400,
                f"Parameter `sort` has incorrect format: `{name}` is not a date or numeric field",
            )
        descending = direction != "asc" if name != "EnrollmentCount" else direction == "desc"
        orders.append((name, descending))
    if not orders:
        return None

    def key(version: StoredVersion) -> tuple[Any, ...]:
        parts: list[Any] = []
        for name, descending in orders:
            values = list(values_at(version.record, PIECE_PATHS[name]))
            if not values:
                parts.append((1, 0))
                continue
            value = values[0]
            sortable: Any = value if isinstance(value, int | float) else normalize_date(str(value))
            parts.append((0, _Reversed(sortable) if descending else sortable))
        return tuple(parts)

    return key


class _Reversed:
    """Wraps a value so that sorting ascending orders it descending."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: _Reversed) -> bool:
        return bool(self.value > other.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and bool(self.value == other.value)

    def __hash__(self) -> int:
        return hash(self.value)


def _page_size(params: dict[str, str]) -> int:
    raw = params.get("pageSize", "0")
    try:
        size = int(raw)
    except ValueError:
        raise ApiError(400, f"Invalid value in parameter `pageSize`: `{raw}`") from None
    if size < 0:
        raise ApiError(400, f"Invalid value in parameter `pageSize`: `{raw}` must be 0 or more")
    return DEFAULT_PAGE_SIZE if size == 0 else min(size, MAX_PAGE_SIZE)


def _count_total(params: dict[str, str]) -> bool:
    raw = params.get("countTotal", "false").lower()
    if raw not in ("true", "false"):
        raise ApiError(400, f"Invalid value in parameter `countTotal`: `{params['countTotal']}`")
    return raw == "true"


def list_studies(catalog: Catalog, day: date, pairs: Sequence[tuple[str, str]]) -> bytes:
    """Body of ``GET /api/v2/studies`` on ``day`` for the query-string ``pairs``."""
    params = collect_parameters(pairs, LIST_PARAMETERS)
    page_size = _page_size(params)
    count_total = _count_total(params)
    selection = parse_fields(params["fields"]) if "fields" in params else None
    filters = _parse_filters(params)
    queries, id_only = _parse_queries(params)
    sort_key = _sort_key_factory(params["sort"]) if "sort" in params else None
    key = query_key(params.items())
    token = params.get("pageToken")
    offset = read_token(token, day, key) if token else 0

    found = [
        version
        for version in catalog.served_as_of(day)
        if _selected(version, filters, queries, id_only)
    ]
    if sort_key is not None:
        found.sort(key=sort_key)
    page = found[offset : offset + page_size]
    parts = [b'{"studies":[', b",".join(_study_bytes(v, selection) for v in page), b"]"]
    if count_total and not token:
        parts.append(b',"totalCount":%d' % len(found))
    if len(page) == page_size:
        parts.append(b',"nextPageToken":"%s"' % make_token(day, key, offset + page_size).encode())
    parts.append(b"}")
    return b"".join(parts)


def _selected(
    version: StoredVersion,
    filters: _Filter,
    queries: list[tuple[Expression, tuple[str, ...]]],
    id_only: set[str] | None,
) -> bool:
    identification = version.record["protocolSection"]["identificationModule"]
    known_ids = {identification["nctId"], *identification.get("nctIdAliases", [])}
    if id_only is not None and not known_ids & id_only:
        return False
    if not all(matches(expression, version, paths) for expression, paths in queries):
        return False
    if id_only is not None:
        return True
    if filters.ids is not None and not known_ids & filters.ids:
        return False
    status = version.record["protocolSection"]["statusModule"].get("overallStatus")
    if filters.statuses is not None and status not in filters.statuses:
        return False
    return all(matches(expression, version, ("",)) for expression in filters.advanced)


def _study_bytes(version: StoredVersion, selection: Selection | None) -> bytes:
    if selection is None:
        return version.body
    return compact_json(project(version.record, selection)).encode()


def parse_study_id(raw: str) -> str:
    """The canonical NCT ID of a path segment; 400 "incorrect format" for anything else."""
    if not NCT_ID_PATTERN.match(raw):
        raise ApiError(
            400, f"The NCT number `{raw}` has incorrect format; expected e.g. NCT06690827"
        )
    return normalize_nct_id(raw)


def not_found(nct_id: str) -> ApiError:
    return ApiError(404, f"Study {nct_id} not found")


def visible_timeline(catalog: Catalog, day: date, raw_id: str) -> StudyTimeline:
    """The timeline of the study a path segment names: 400 if malformed, 404 if not served."""
    nct_id = parse_study_id(raw_id)
    try:
        timeline = catalog.timeline(nct_id)
    except UnknownStudyError:
        raise not_found(nct_id) from None
    if not timeline.is_visible(day):
        raise not_found(nct_id)
    return timeline


def fetch_study(
    catalog: Catalog, day: date, raw_id: str, pairs: Sequence[tuple[str, str]]
) -> bytes:
    """Body of ``GET /api/v2/studies/{nctId}`` on ``day``."""
    params = collect_parameters(pairs, SINGLE_STUDY_PARAMETERS)
    nct_id = parse_study_id(raw_id)  # a malformed ID is reported before a bad `fields`
    selection = parse_fields(params["fields"]) if "fields" in params else None
    version = visible_timeline(catalog, day, nct_id).versions_as_of(day)[-1]
    if selection is None:
        return version.served_bytes
    return _study_bytes(version, selection)
