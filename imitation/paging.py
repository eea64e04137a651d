"""Opaque page tokens, tied to the data version and to the query that made them.

A token is URL-safe base64 (no padding) of the data day, a digest of the query parameters
(all but ``countTotal``, ``pageSize`` and ``pageToken``, which may change between pages) and
the offset of the next page. A token from before a date change, or replayed with other
parameters, is refused with 400 like an expired one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from collections.abc import Iterable
from datetime import date

from imitation.errors import ApiError

PAGING_PARAMETERS = frozenset({"countTotal", "pageSize", "pageToken"})
_LAYOUT = struct.Struct(">I8sI")


def query_key(params: Iterable[tuple[str, str]]) -> bytes:
    """Digest of the parameters a follow-up page must repeat."""
    canonical = "&".join(
        f"{name}={value}" for name, value in sorted(params) if name not in PAGING_PARAMETERS
    )
    return hashlib.sha256(canonical.encode()).digest()[:8]


def make_token(day: date, key: bytes, offset: int) -> str:
    payload = _LAYOUT.pack(day.toordinal(), key, offset)
    return base64.urlsafe_b64encode(payload).rstrip(b"=").decode()


def read_token(token: str, day: date, key: bytes) -> int:
    """The offset a token points at; 400 if it is malformed, stale or for another query."""
    try:
        padded = token + "=" * (-len(token) % 4)
        ordinal, token_key, offset = _LAYOUT.unpack(base64.urlsafe_b64decode(padded))
    except (binascii.Error, struct.error, ValueError):
        raise ApiError(400, f"Invalid value in parameter `pageToken`: `{token}`") from None
    if ordinal != day.toordinal() or token_key != key:
        raise expired_token_error(token)
    return int(offset)


def expired_token_error(token: str) -> ApiError:
    return ApiError(
        400,
        f"Page token `{token}` is expired or was issued for other parameters; "
        "repeat the query from the first page with the same parameters",
    )
