"""A study record as received: the one shape every layer passes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models.markup import MARKDOWN, Markup


@dataclass(frozen=True)
class RawStudy:
    """One study record as the registry sent it.

    `text` is the body exactly as received for a single-study GET or a bulk file, and the
    compact JSON of the parsed object (keys in received order) for a study cut out of a list
    page. The warehouse stores `text` unchanged as the version's raw JSON.

    `markup` says how its markup fields are written: API v2 and the bulk download use
    Markdown, the internal history API HTML. `registry_version` is the registry's own
    0-based version number when the record came from its history (`/history/{v}`); None for
    a record observed as the registry serves it now.
    """

    nct_id: str
    record: dict[str, Any]
    text: str
    markup: Markup = MARKDOWN
    registry_version: int | None = None

    @property
    def from_history(self) -> bool:
        return self.registry_version is not None
