"""What the registry client hands back: raw studies, pages, fetch results, the API version."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from models.hashing import compact_json
from models.payload import RawStudy

__all__ = ["FetchResult", "Page", "RawStudy", "RegistryVersion", "compact_json"]


@dataclass(frozen=True)
class FetchResult:
    """The studies found for a list of requested IDs, and the requested IDs that were not.

    `aliases` maps a requested ID that the registry answered with another study (the requested
    ID is in that study's `nctIdAliases`) to the canonical ID carried by that study.
    """

    studies: list[RawStudy]
    missing: list[str]
    aliases: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Page:
    """One page of a study search; `total_count` is only on the first page of a `countTotal`."""

    studies: list[RawStudy]
    total_count: int | None
    next_page_token: str | None


@dataclass(frozen=True)
class RegistryVersion:
    """`GET /api/v2/version`: the API version and when the data was last refreshed (UTC)."""

    api_version: str
    data_timestamp: datetime | None
