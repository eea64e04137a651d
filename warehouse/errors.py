"""Warehouse errors, each with a one-line message that says what to do next.

WarehouseError (a models.errors.CtgovError)
 ├── DatabaseLockedError     another process holds the DuckDB file open read-write
 ├── RunInProgressError      another ingest run holds the run lock of this database
 ├── SchemaTooNewError       the file was written by a newer version of ctgov-warehouse
 ├── QueryError (InputError) a query the read-only console refuses or DuckDB cannot run
 │    └── ReadOnlyViolationError  a statement that would write, or reach past the warehouse
 └── (warehouse.history) UnknownStudyError: a study the warehouse does not hold;
     NotTrackedYetError: a date before its first version; NothingToCompareError: a diff of a
     first version; VersionNotFoundError, UnknownEventKindError (InputErrors): a version
     number or event kind that does not exist
"""

from __future__ import annotations

from pathlib import Path

from models.errors import CtgovError, InputError


class WarehouseError(CtgovError):
    """Base of every error raised by the warehouse package."""


class DatabaseLockedError(WarehouseError):
    def __init__(self, path: Path, detail: str, *, waited_s: float | None = None) -> None:
        self.path = path
        self.detail = detail
        waited = f" after waiting {waited_s:.0f} s" if waited_s else ""
        super().__init__(
            f"database {path} is in use by another process ({detail}){waited}; close that "
            "reader or wait for that run to finish (readers: use the Parquet export or a copy "
            "while flows run, docs/queries.md)"
        )


class RunInProgressError(WarehouseError):
    def __init__(self, path: Path, holder: str) -> None:
        self.path = path
        self.holder = holder
        super().__init__(
            f"another ingest run is using {path} ({holder}); wait for it to finish, then run again"
        )


class SchemaTooNewError(WarehouseError):
    def __init__(self, unknown: list[str]) -> None:
        self.unknown = unknown
        super().__init__(
            "database schema is newer than this code (unknown migrations: "
            f"{', '.join(unknown)}); upgrade ctgov-warehouse to open it"
        )


class QueryError(WarehouseError, InputError):
    """A query that cannot run as written; the message is DuckDB's first line or the refusal."""


class ReadOnlyViolationError(QueryError):
    def __init__(self, detail: str) -> None:
        super().__init__(f"this connection is read-only, the statement was refused: {detail}")
