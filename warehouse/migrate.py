"""Schema migrations: named, ordered steps recorded in the database.

Each step is a file ``warehouse/migrations/NNNN_name.sql`` (statements) or
``NNNN_name.py`` (a module with ``apply(con)``, for data changes SQL cannot compute, such as
re-hashing every stored record). It is applied once, in order, inside one transaction
together with its row in ``schema_migrations``, so applying is idempotent and a failed step
leaves the database as it was. A database that records a migration this code does
not know was written by a newer version of the project: opening it is refused with a clear
message rather than guessed at.
"""

from __future__ import annotations

import importlib
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
    """The statements of a ``.sql`` step, or the docstring of a ``.py`` step."""
    module: str | None = None
    """The ``.py`` step's module, whose ``apply(con)`` runs the step."""

    def apply(self, con: duckdb.DuckDBPyConnection) -> None:
        if self.module is None:
            con.execute(self.sql)
            return
        step: Callable[[duckdb.DuckDBPyConnection], None] = importlib.import_module(
            self.module
        ).apply
        step(con)


def available_migrations() -> list[Migration]:
    """All migrations shipped with this code, in the order they apply."""
    folder = resources.files(MIGRATIONS_PACKAGE)
    migrations: list[Migration] = []
    for entry in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if entry.name.endswith(".sql"):
            name = entry.name.removesuffix(".sql")
            migrations.append(Migration(name, entry.read_text("utf-8")))
        elif entry.name.endswith(".py") and entry.name[:4].isdigit():
            name = entry.name.removesuffix(".py")
            module = f"{MIGRATIONS_PACKAGE}.{name}"
            doc = importlib.import_module(module).__doc__ or ""
            migrations.append(Migration(name, doc, module))
    return migrations


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
            migration.apply(con)
            con.execute("INSERT INTO schema_migrations (name) VALUES (?)", [migration.name])
        done.append(migration.name)
        if on_applied is not None:
            on_applied(migration)
    return done
