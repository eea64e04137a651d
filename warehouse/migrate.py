"""Schema migrations: named, ordered ``.sql`` steps recorded in the database.

Each file ``warehouse/migrations/NNNN_name.sql`` is applied once, in order, inside one
transaction together with its row in ``schema_migrations``, so applying is idempotent and a
failed step leaves the database as it was. A database that records a migration this code does
not know was written by a newer version of the project: opening it is refused with a clear
message rather than guessed at.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

import duckdb

from warehouse.errors import SchemaTooNewError
from warehouse.transactions import transaction

MIGRATIONS_PACKAGE = "warehouse.migrations"

_CREATE_LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    name        VARCHAR PRIMARY KEY,
    applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
)
"""


@dataclass(frozen=True)
class Migration:
    name: str
    sql: str


def available_migrations() -> list[Migration]:
    """All migrations shipped with this code, in the order they apply."""
    folder = resources.files(MIGRATIONS_PACKAGE)
    files = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".sql")),
        key=lambda entry: entry.name,
    )
    return [Migration(entry.name.removesuffix(".sql"), entry.read_text("utf-8")) for entry in files]


def applied_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'schema_migrations'"
    ).fetchall()
    if exists[0][0] == 0:
        return []
    return [
        row[0] for row in con.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()
    ]


def pending_migrations(con: duckdb.DuckDBPyConnection) -> list[Migration]:
    """Migrations not yet applied; raises :class:`SchemaTooNewError` for unknown applied ones."""
    known = available_migrations()
    applied = set(applied_migrations(con))
    unknown = sorted(applied - {m.name for m in known})
    if unknown:
        raise SchemaTooNewError(unknown)
    return [m for m in known if m.name not in applied]


def migrate(
    con: duckdb.DuckDBPyConnection,
    *,
    on_applied: Callable[[Migration], None] | None = None,
) -> list[str]:
    """Apply every pending migration; return the names applied (empty when up to date).

    ``on_applied`` is called after each migration commits, e.g. to see what it created.
    """
    con.execute(_CREATE_LEDGER)
    done: list[str] = []
    for migration in pending_migrations(con):
        with transaction(con):
            con.execute(migration.sql)
            con.execute("INSERT INTO schema_migrations (name) VALUES (?)", [migration.name])
        done.append(migration.name)
        if on_applied is not None:
            on_applied(migration)
    return done
