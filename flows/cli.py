"""``ctgov``: the command line. Each command is a few lines calling the library.

Read-only commands (history, diff, show, changes, sql) never import Prefect: it costs over a
second to import and starts a server to run a flow. Only ``ingest`` does, and only when it runs.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from flows import cli_sql, cli_tracking, progress, quiet_prefect_console
from flows.cli_common import EXIT_FAILED, EXIT_USAGE, fail
from flows.settings import settings_with
from flows.watchlist import WatchlistError, resolve_ids
from models.nct import InvalidNctIdError
from registry.errors import RegistryError
from warehouse.database import connect
from warehouse.errors import WarehouseError
from warehouse.lock import run_lock

EXPECTED_ERRORS: tuple[type[Exception], ...] = (
    InvalidNctIdError,
    WatchlistError,
    RegistryError,
    WarehouseError,
)
"""Failures a user can act on: one line, no traceback."""


app = typer.Typer(
    name="ctgov",
    help="A local, versioned, queryable copy of ClinicalTrials.gov records.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)


@app.command()
def ingest(
    nct_ids: Annotated[
        list[str] | None, typer.Argument(help="NCT IDs to fetch; default: the watchlist's")
    ] = None,
    db: Annotated[
        Path | None,
        typer.Option("--db", help="DuckDB file [env CTGOV_DB; default: data/ctgov.duckdb]"),
    ] = None,
    registry_url: Annotated[
        str | None,
        typer.Option(
            "--registry-url",
            help="registry root URL [env CTGOV_REGISTRY_URL; default https://clinicaltrials.gov]",
        ),
    ] = None,
    watchlist: Annotated[
        Path | None,
        typer.Option(
            "--watchlist", help="TOML watchlist [env CTGOV_WATCHLIST; default watchlist.toml]"
        ),
    ] = None,
    no_export: Annotated[
        bool, typer.Option("--no-export", help="skip the Parquet export after the run")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="show Prefect's logs")] = False,
) -> None:
    """Fetch trials from the registry and store a new version of each one that changed.

    Example: ctgov ingest NCT06690827 --registry-url http://127.0.0.1:8765
    """
    try:
        settings = settings_with(db=db, registry_url=registry_url, watchlist=watchlist)
        ids = resolve_ids(nct_ids, settings.watchlist)
        _check_database_free(settings.db)
    except EXPECTED_ERRORS as exc:
        fail(
            str(exc),
            EXIT_USAGE if isinstance(exc, InvalidNctIdError | WatchlistError) else EXIT_FAILED,
        )
    except ValueError as exc:
        fail(str(exc).splitlines()[0], EXIT_USAGE)

    quiet_prefect_console(verbose)
    _show_registry_warnings()
    from flows.ingest import ingest as ingest_flow

    with progress.shown_on(err), err.status("running the ingest flow…"):
        state = ingest_flow(
            nct_ids=ids,
            db=str(settings.db),
            registry_url=settings.registry_url,
            watchlist=str(settings.watchlist),
            export_parquet=settings.export and not no_export,
            return_state=True,
        )
    result = state.result(raise_on_failure=False)
    if isinstance(result, BaseException):
        if isinstance(result, EXPECTED_ERRORS):
            fail(f"ingest failed: {result}")
        raise result
    from flows.summary import RunSummary, event_lines, to_table

    if not isinstance(result, RunSummary):
        fail(f"ingest ended in state {state.type.value}: {state.message}")
    out.print(result.headline(), highlight=False, soft_wrap=True)
    out.print(to_table(result))
    for line in event_lines(result):
        out.print(f"  {line}", highlight=False)


def _show_registry_warnings() -> None:
    """Retries and odd answers from the registry, one dim line each on stderr.

    Prefect's console handler is quietened for the CLI, and it is the root handler these
    records would otherwise reach; a flaky registry should still be visible while it waits.
    """
    registry_logger = logging.getLogger("registry")
    if not any(isinstance(h, _StderrHandler) for h in registry_logger.handlers):
        handler = _StderrHandler(logging.WARNING)
        handler.setFormatter(logging.Formatter("registry: %(message)s"))
        registry_logger.addHandler(handler)
        registry_logger.propagate = False


class _StderrHandler(logging.Handler):
    """Writes to whatever ``sys.stderr`` is at the time (it is swapped under test runners)."""

    def emit(self, record: logging.LogRecord) -> None:
        sys.stderr.write(self.format(record) + "\n")


def _check_database_free(db: Path) -> None:
    """Fail before Prefect starts (10-20 s) when another run or process holds the database."""
    with run_lock(db):
        connect(db).close()


cli_tracking.register(app)
cli_sql.register(app)


if __name__ == "__main__":
    app(prog_name="ctgov")
