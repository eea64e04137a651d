"""What a source receives, in the shapes every layer passes: a study record as received
(:class:`RawStudy`), what could not be one (:class:`Rejection`), a history index entry
(:class:`IndexEntry`), and the :class:`Batch` a source yields to the pipeline."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import orjson

from models.errors import CtgovError
from models.markup import MARKDOWN, Markup

Payload = str | bytes
"""A record's text as received: a `str`, or the UTF-8 bytes of a bulk file.

Bytes stay bytes from the zip to the warehouse (orjson, pydantic and Arrow all read UTF-8):
a `str` of a record with one character past Latin-1 takes two or four bytes a character,
and keeps a UTF-8 copy once orjson or Arrow has read it: 64 MB for a 2,000-study batch of
33.5 MB of JSON, where bytes take 33.5 MB (2026-12-06)."""


class UnparsablePayloadError(CtgovError, ValueError):
    """A payload whose text is not a JSON object: it is kept as a rejection, not a version."""

    def __init__(self, message: str, text: str) -> None:
        super().__init__(message)
        self.text = text


class RawStudy:
    """One study record as the registry sent it.

    `payload` is the body exactly as received for a single-study GET or a bulk file, and the
    compact JSON of the parsed object (keys in received order) for a study cut out of a list
    page. The warehouse stores it unchanged as the version's raw JSON. A bulk file's payload
    stays the UTF-8 bytes it was read as (:data:`Payload`); `text` is always a `str`.

    `record` is the parsed JSON. A source that has only the text (a bulk file) passes none:
    it is parsed on first use, so a study whose payload is unchanged is never parsed.

    `markup` says how its markup fields are written: API v2 and the bulk download use
    Markdown, the internal history API HTML. `registry_version` is the registry's own
    0-based version number when the record came from its history (`/history/{v}`); None for
    a record observed as the registry serves it now.
    """

    __slots__ = ("_payload_hash", "_record", "markup", "nct_id", "payload", "registry_version")

    def __init__(
        self,
        nct_id: str,
        record: dict[str, Any] | None,
        payload: Payload,
        markup: Markup = MARKDOWN,
        registry_version: int | None = None,
        *,
        payload_hash: str | None = None,
    ) -> None:
        self.nct_id = nct_id
        self._record = record
        self.payload = payload
        self.markup: Markup = markup
        self.registry_version = registry_version
        self._payload_hash = payload_hash

    @property
    def payload_hash(self) -> str:
        """SHA-256 of ``text`` (:func:`models.hashing.payload_hash`), computed once, or given by
        a source that hashed the bytes it decoded ``text`` from (the same digest)."""
        if self._payload_hash is None:
            from models.hashing import payload_hash

            self._payload_hash = payload_hash(self.payload)
        return self._payload_hash

    @property
    def text(self) -> str:
        """The payload as a `str` (decoded afresh each time from a bulk file's bytes)."""
        payload = self.payload
        return payload if isinstance(payload, str) else payload.decode("utf-8", "replace")

    @property
    def record(self) -> dict[str, Any]:
        """The parsed JSON; :class:`UnparsablePayloadError` when the text is not an object."""
        if self._record is None:
            try:
                parsed = orjson.loads(self.payload)
            except orjson.JSONDecodeError as exc:
                raise UnparsablePayloadError(
                    f"{self.nct_id}: the payload is not valid JSON ({exc})", self.text
                ) from None
            if not isinstance(parsed, dict):
                raise UnparsablePayloadError(
                    f"{self.nct_id}: the payload is not a JSON object", self.text
                )
            self._record = parsed
        return self._record

    def release(self) -> None:
        """Drop the parsed record once it has served (a planner holds a batch's 2,000 parsed
        records otherwise, several times their text); a later use parses the text again."""
        self._record = None

    @property
    def from_history(self) -> bool:
        return self.registry_version is not None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RawStudy):
            return NotImplemented
        return (self.nct_id, self.text, self.markup, self.registry_version) == (
            other.nct_id,
            other.text,
            other.markup,
            other.registry_version,
        )

    def __hash__(self) -> int:
        return hash((self.nct_id, self.text, self.registry_version))

    def __repr__(self) -> str:
        origin = f", registry_version={self.registry_version}" if self.from_history else ""
        return f"RawStudy({self.nct_id!r}, {len(self.text)} chars, {self.markup}{origin})"

    _PICKLED = ("nct_id", "_record", "payload", "markup", "registry_version", "_payload_hash")
    """What crosses to a planning worker: the hash too, so the worker does not hash again."""

    def __getstate__(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._PICKLED)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(self._PICKLED, state, strict=True):
            setattr(self, name, value)


@dataclass(frozen=True)
class Rejection:
    """A payload that cannot become a version (not JSON, no NCT ID), kept with the reason."""

    nct_id: str | None
    stage: Literal["fetch", "parse", "validate", "store"]
    error: str
    payload: str | None


@dataclass(frozen=True)
class IndexEntry:
    """One entry of a study's history index as the registry sent it."""

    nct_id: str
    registry_version: int
    index_date: date | None
    overall_status: str | None
    module_labels: tuple[str, ...]
    entry: dict[str, Any]
    skipped: str | None = None
    """Why the source does not fetch this version (e.g. outside ``--modules``), or None."""


@dataclass(frozen=True)
class Batch:
    """What a source yields: studies to store, and what it learnt on the way.

    ``missing`` holds requested IDs the registry answered 404 for; ``index`` the history
    index entries fetched; ``cursor`` where the source stands once this batch is written
    (recorded with it, so an interrupted run resumes after it).
    """

    studies: Sequence[RawStudy] = ()
    missing: Sequence[str] = ()
    rejections: Sequence[Rejection] = ()
    index: Sequence[IndexEntry] = ()
    cursor: Any = None
    requested: int = 0
    aliases: Mapping[str, str] = field(default_factory=dict)
    """Requested ID → the NCT ID of the study that answered it, where they differ."""
