"""The two hashes of a study record: one of its bytes, one of its content.

* :func:`payload_hash`: SHA-256 of the payload's text exactly as received. Equal payloads are
  the same bytes, so a study whose payload hash matches its current version's is unchanged
  without parsing it: the cheap first check of every run.
* :func:`content_hash`: SHA-256 of the record's *comparable* form (:mod:`models.markup`: markup
  fields as text, whitespace collapsed) serialised canonically (sorted keys, compact, UTF-8).
  Key order, whitespace and markup never make a new version; every other value does. The
  history API's HTML copy of a version and API v2's Markdown copy hash the same.

>>> content_hash({"b": 1, "a": [1, 2]}) == content_hash({"a": [1, 2], "b": 1})
True
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import orjson

from models.markup import MARKDOWN, Markup, comparable_record


def compact_json(value: Any) -> str:
    """JSON text with keys in their given order and no spaces: how the registry sends records."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def canonical_json(record: Any) -> bytes:
    """Serialise ``record`` deterministically: sorted keys, no whitespace, UTF-8."""
    return orjson.dumps(record, option=orjson.OPT_SORT_KEYS)


def payload_hash(text: str | bytes) -> str:
    """SHA-256 hex digest of a payload exactly as received."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()


def content_hash(record: Any, markup: Markup = MARKDOWN) -> str:
    """SHA-256 hex digest of the canonical JSON of the record's comparable form."""
    comparable = comparable_record(record, markup) if isinstance(record, dict) else record
    return comparable_hash(comparable)


def comparable_hash(comparable: Any) -> str:
    """:func:`content_hash` of a record already in its comparable form."""
    return hashlib.sha256(canonical_json(comparable)).hexdigest()
