"""What the registry sends that the models do not know, and what breaks the spec's rules.

Read from ``version_drift`` (unknown fields and enum values, by JSON pointer) and
``version_findings`` (validation failures kept on the version, ``finding:<rule>``), one row
per pointer, kind and value with the studies and versions it was seen in. ``ctgov drift``
prints it; a maintainer reads it to decide what the models should learn next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import duckdb

from warehouse.history import inclusive_start
from warehouse.sql_text import load_sql


@dataclass(frozen=True)
class DriftRow:
    kind: str
    """``unknown_field``, ``unknown_enum`` or ``finding:<rule>``."""
    pointer: str
    value: str
    studies: int
    versions: int
    first_posted: date | None
    last_posted: date | None
    first_seen: datetime | None
    last_seen: datetime | None
    example: str
    """One study it was seen in (the smallest NCT ID)."""

    def as_json(self) -> dict[str, Any]:
        def iso(value: date | datetime | None) -> str | None:
            return value.isoformat() if value is not None else None

        return {
            "kind": self.kind,
            "pointer": self.pointer,
            "value": self.value,
            "studies": self.studies,
            "versions": self.versions,
            "first_posted": iso(self.first_posted),
            "last_posted": iso(self.last_posted),
            "first_seen": iso(self.first_seen),
            "last_seen": iso(self.last_seen),
            "example": self.example,
        }


def drift_report(
    con: duckdb.DuckDBPyConnection, since: date | datetime | None = None
) -> list[DriftRow]:
    """Every drift and finding, most widespread first; ``since`` keeps versions observed on or
    after it (a date counts from its start, UTC)."""
    start = inclusive_start(since) if since is not None else None
    rows = con.execute(load_sql("drift.sql", "read"), {"since": start}).fetchall()
    return [DriftRow(*row) for row in rows]
