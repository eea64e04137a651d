"""The one canonical content hash of a study record.

Computed over the record as the registry sent it (parsed JSON), with sorted keys and compact
separators, so that key order and whitespace never make a new version while every value does.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def compact_json(value: Any) -> str:
    """JSON text with keys in their given order and no spaces: how the registry sends records."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def canonical_json(record: Any) -> str:
    """Serialise ``record`` deterministically: sorted keys, no whitespace, UTF-8 kept as is."""
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(record: Any) -> str:
    """SHA-256 hex digest of :func:`canonical_json` of ``record``."""
    return hashlib.sha256(canonical_json(record).encode("utf-8")).hexdigest()
