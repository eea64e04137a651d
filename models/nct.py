"""NCT identifiers: the registry's study key, normalised and validated before any request."""

from __future__ import annotations

import re
from collections.abc import Iterable

from models.errors import InputError

NCT_ID_PATTERN = re.compile(r"^[Nn][Cc][Tt]0*[1-9]\d{0,7}$")
"""The registry's own path pattern (OAS `fetchStudy`): case-insensitive, leading zeros optional."""


class InvalidNctIdError(InputError):
    """A string that is not an NCT ID; the message names it and says what one looks like."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        super().__init__(
            f"{raw!r} is not an NCT ID: expected 'NCT' followed by 8 digits, e.g. NCT06690827"
        )


def normalize_nct_id(raw: str) -> str:
    """Return the canonical form ``NCT`` + 8 digits, or raise :class:`InvalidNctIdError`.

    >>> normalize_nct_id(" nct6690827 ")
    'NCT06690827'
    """
    text = raw.strip()
    if not NCT_ID_PATTERN.match(text):
        raise InvalidNctIdError(raw)
    return f"NCT{int(text[3:]):08d}"  # the pattern allows at most 8 significant digits


def normalize_nct_ids(raws: Iterable[str]) -> list[str]:
    """Normalise many IDs, dropping duplicates but keeping first-seen order."""
    seen: dict[str, None] = {}
    for raw in raws:
        seen.setdefault(normalize_nct_id(raw), None)
    return list(seen)
