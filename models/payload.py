"""A study record as received, before and after validation: the one shape every layer passes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RawStudy:
    """One study record as the registry sent it.

    `text` is the body exactly as received for a single-study GET, and the compact JSON of the
    parsed object (keys in received order) for a study cut out of a list page. The warehouse
    stores `text` unchanged as the version's raw JSON.
    """

    nct_id: str
    record: dict[str, Any]
    text: str
