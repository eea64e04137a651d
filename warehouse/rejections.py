"""Quarantined payloads (``rejected_records``): reading them back to re-run after a code fix,
and marking those that then became versions.

A payload is quarantined only when it cannot be a version at all (not JSON, no NCT ID); a
record that breaks the spec is a version with findings. ``ctgov reprocess`` feeds the
unresolved payloads through the same pipeline as any source (:class:`QuarantineSource`), then
:func:`mark_resolved` stamps those that were stored; a payload rejected again stays
unresolved, once (the repeat rejection is not kept twice).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import orjson

from models.nct import InvalidNctIdError, normalize_nct_id
from models.payload import Batch, RawStudy
from warehouse.sql_text import load_sql

BATCH_SIZE = 200


@dataclass(frozen=True)
class Quarantined:
    nct_id: str | None
    error: str
    payload: str

    @property
    def digest(self) -> str:
        return payload_digest(self.payload)


def payload_digest(payload: str) -> str:
    """The MD5 of the payload's UTF-8 text, as DuckDB's ``md5()`` computes it."""
    return hashlib.md5(payload.encode("utf-8"), usedforsecurity=False).hexdigest()


def quarantined(con: duckdb.DuckDBPyConnection) -> list[Quarantined]:
    """Unresolved rejections that carry a payload, one per distinct payload, oldest first."""
    rows = con.execute(load_sql("quarantined.sql", "read")).fetchall()
    return [Quarantined(*row) for row in rows]


@dataclass
class QuarantineSource:
    """Unresolved quarantined payloads as a source; one that still names no study is left
    out and counted in ``unnamed``."""

    items: Sequence[Quarantined]
    kind: str = "reprocess"
    unnamed: list[Quarantined] = field(default_factory=list, init=False)

    key = cursor_key = "reprocess:rejected_records"

    @property
    def description(self) -> str:
        return f"{len(self.items)} quarantined payloads"

    def total(self) -> int | None:
        return len(self.items)

    def batches(self, resume: Any = None) -> Iterator[Batch]:
        self.unnamed.clear()
        studies: list[RawStudy] = []
        for item in self.items:
            nct_id = item.nct_id or _named(item.payload)
            if nct_id is None:
                self.unnamed.append(item)
                continue
            studies.append(RawStudy(nct_id, None, item.payload))
            if len(studies) == BATCH_SIZE:
                yield Batch(studies=studies, requested=len(studies))
                studies = []
        if studies:
            yield Batch(studies=studies, requested=len(studies))


def _named(payload: str) -> str | None:
    try:
        record = orjson.loads(payload)
        raw = record["protocolSection"]["identificationModule"]["nctId"]
        return normalize_nct_id(raw) if isinstance(raw, str) else None
    except (orjson.JSONDecodeError, KeyError, TypeError, InvalidNctIdError):
        return None


def mark_resolved(
    con: duckdb.DuckDBPyConnection, run_id: str, items: Sequence[Quarantined]
) -> tuple[int, int]:
    """Stamp the payloads of ``items`` that ``run_id`` did not reject again; drop the run's
    repeat rejections. Returns (resolved, still quarantined)."""
    digests = [item.digest for item in items]
    params = {"run_id": run_id, "digests": digests}
    again = {d for (d,) in con.execute(load_sql("drop_repeat_rejections.sql"), params).fetchall()}
    resolved = [d for d in digests if d not in again]
    con.execute(load_sql("resolve_rejections.sql"), {"run_id": run_id, "digests": resolved})
    return len(resolved), len(digests) - len(resolved)
