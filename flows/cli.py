"""``ctgov``: the command line. Each command is a few lines calling the library.

Read-only commands (history, diff, show, changes, sql, --help) must start fast: this module
and the command modules it registers import neither Prefect, nor the registry client, nor
pydantic-settings, nor the generated models (a test checks it). ``ingest`` imports them when
it runs.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from flows import cli_sql, cli_tracking, quiet_prefect_console
from flows.cli_common import CtgovGroup, fail
from flows.output import print_listing, print_table, stderr_console, stdout_console
from flows.paths import DB_ENV_VAR

if TYPE_CHECKING:
    from flows.summary import RunSummary

app = typer.Typer(
    name="ctgov",
    cls=CtgovGroup,
    help="A local, versioned, queryable copy of ClinicalTrials.gov records.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command()
def ingest(
    nct_ids: Annotated[
        list[str] | None, typer.Argument(help="NCT IDs to fetch; default: the watchlist's")
    ] = None,
    db: Annotated[
        Path | None,
        typer.Option("--db", help=f"DuckDB file [env {DB_ENV_VAR}; default: data/ctgov.duckdb]"),
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
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="exit 2 when the registry has no study for an ID [env CTGOV_STRICT]",
        ),
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="show Prefect's logs")] = False,
) -> None:
    """Fetch trials from the registry and store a new version of each one that changed.

    Example: ctgov ingest NCT06690827 --registry-url http://127.0.0.1:8765
    """
    from flows.settings import settings_with
    from flows.watchlist import resolve_ids
    from warehouse.database import connect
    from warehouse.lock import run_lock

    settings = settings_with(
        db=db, registry_url=registry_url, watchlist=watchlist, strict=strict or None
    )
    ids = resolve_ids(nct_ids, settings.watchlist)
    with run_lock(settings.db):  # fail before Prefect starts (10-20 s) if the file is busy
        connect(settings.db).close()

    quiet_prefect_console(verbose)
    _show_registry_warnings()
    from flows import progress
    from flows.ingest import ingest as ingest_flow
    from models.errors import CtgovError

    err = stderr_console()
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
    if isinstance(result, CtgovError):
        fail(f"ingest failed: {result}", result.exit_code)
    if isinstance(result, BaseException):
        raise result
    from flows.summary import RunSummary

    if not isinstance(result, RunSummary):
        fail(f"ingest ended in state {state.type.value}: {state.message}")
    print_summary(result)
    if settings.strict and result.not_found:
        from flows.summary import UnknownIdsError

        raise UnknownIdsError(result.not_found)


def print_summary(summary: RunSummary) -> None:
    """The run's headline, a narrow table, what needs a word, notes and events."""
    from flows.summary import TABLE_HEADERS, advice_lines, event_lines, note_lines, table_rows

    out = stdout_console()
    out.print(summary.headline())
    print_table(out, TABLE_HEADERS, table_rows(summary), right={2, 4})
    for lines in (advice_lines(summary), note_lines(summary), event_lines(summary)):
        if lines:
            print_listing(out, [["", line] for line in lines])


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


cli_tracking.register(app)
cli_sql.register(app)


if __name__ == "__main__":
    app(prog_name="ctgov")
