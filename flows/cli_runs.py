"""The commands that run a flow: ingest, backfill, load-bulk, sweep.

Each checks its input and the database before Prefect starts (10-20 s), runs the flow on
Prefect's API (a local server when one runs, else the ephemeral one), and prints the run's
summary: a headline, a narrow table, what needs a word, and the change events. Prefect, the
registry client and the flows are imported only when a command runs, so the read-only
commands and ``--help`` stay fast.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from flows import quiet_prefect_console
from flows.cli_common import fail
from flows.output import print_listing, print_table, stderr_console, stdout_console
from flows.paths import DB_ENV_VAR

if TYPE_CHECKING:
    from flows.settings import Settings
    from flows.summary import RunSummary
    from registry.types import RegistryVersion

DbOverride = Annotated[
    Path | None,
    typer.Option("--db", help=f"DuckDB file [env {DB_ENV_VAR}; default: data/ctgov.duckdb]"),
]
RegistryUrlOption = Annotated[
    str | None,
    typer.Option(
        "--registry-url",
        help="registry root URL [env CTGOV_REGISTRY_URL; default https://clinicaltrials.gov]",
    ),
]
NoExportOption = Annotated[
    bool, typer.Option("--no-export", help="skip the Parquet export after the run")
]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="show Prefect's logs")]
DRAIN_TIMEOUT_S = 10.0
"""How long the flow's last logs and events may take to reach a temporary server."""


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest_command)
    app.command("backfill")(backfill_command)
    app.command("load-bulk")(load_bulk_command)
    app.command("sweep")(sweep_command)
    app.command("serve")(serve_command)


def ingest_command(
    nct_ids: Annotated[
        list[str] | None, typer.Argument(help="NCT IDs to fetch; default: the watchlist's")
    ] = None,
    query: Annotated[
        str | None,
        typer.Option(
            "--query",
            help="search the registry instead (its syntax, incl. AREA[…]; query.term)",
        ),
    ] = None,
    condition: Annotated[
        str | None, typer.Option("--condition", help="search: condition (query.cond)")
    ] = None,
    intervention: Annotated[
        str | None, typer.Option("--intervention", help="search: intervention (query.intr)")
    ] = None,
    sponsor: Annotated[
        str | None, typer.Option("--sponsor", help="search: sponsor (query.spons)")
    ] = None,
    status: Annotated[
        list[str] | None,
        typer.Option("--status", help="search: overall status(es), e.g. RECRUITING"),
    ] = None,
    since_last_run: Annotated[
        bool,
        typer.Option(
            "--since-last-run",
            help="search: only studies updated since its last successful run (minus a day)",
        ),
    ] = False,
    history: Annotated[
        bool | None,
        typer.Option(
            "--history/--no-history",
            help="fetch the registry's history of new and changed studies [env CTGOV_HISTORY;"
            " default on for IDs]",
        ),
    ] = None,
    db: DbOverride = None,
    registry_url: RegistryUrlOption = None,
    watchlist: Annotated[
        Path | None,
        typer.Option(
            "--watchlist", help="TOML watchlist [env CTGOV_WATCHLIST; default watchlist.toml]"
        ),
    ] = None,
    no_export: NoExportOption = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="exit 2 when the registry has no study for an ID [env CTGOV_STRICT]"
        ),
    ] = False,
    site: Annotated[
        bool | None,
        typer.Option(
            "--site/--no-site",
            help="rebuild the static site (ctgov report) after the run [env CTGOV_SITE]",
        ),
    ] = None,
    verbose: VerboseOption = False,
) -> None:
    """Fetch trials (the watchlist, given IDs, or a search) and store a new version of each
    one that changed; new trials come with the registry's history of them.

    Example: ctgov ingest NCT06690827 --registry-url http://127.0.0.1:8765
    """
    from flows.settings import settings_with
    from flows.sources import search_params
    from flows.watchlist import resolve_ids
    from models.errors import InputError

    settings = settings_with(
        db=db, registry_url=registry_url, watchlist=watchlist, strict=strict or None,
        history=history, site=site,
    )  # fmt: skip
    params = search_params(
        query=query,
        condition=condition,
        intervention=intervention,
        sponsor=sponsor,
        status=status or (),
    )
    if params and nct_ids:
        raise InputError("give NCT IDs or a search (--query, --condition, ...), not both")
    if since_last_run and not params:
        raise InputError("--since-last-run needs a search (--query, --condition, ...)")
    ids = None if params else resolve_ids(nct_ids, settings.watchlist)  # bad input: now
    summary = _run_flow(
        settings,
        "ingest",
        lambda flow, version: flow(
            nct_ids=ids if nct_ids else None,  # none given: the watchlist and tracked trials
            registry_version=version,
            db=str(settings.db),
            registry_url=settings.registry_url,
            watchlist=str(settings.watchlist),
            export_parquet=settings.export and not no_export,
            query=params or None,
            since_last_run=since_last_run,
            history=settings.history,
            site=settings.site,
            return_state=True,
        ),
        verbose=verbose,
    )
    if settings.site:
        print(f"site: {settings.site_out / 'index.html'}")
    if settings.strict and summary.not_found:
        from flows.summary import UnknownIdsError

        raise UnknownIdsError(summary.not_found)


def backfill_command(
    nct_ids: Annotated[
        list[str] | None,
        typer.Argument(help="NCT IDs whose history to fetch; default: every tracked study"),
    ] = None,
    modules: Annotated[
        str | None,
        typer.Option(
            "--modules",
            help='only versions touching these modules, e.g. "Outcome Measures,Eligibility"',
        ),
    ] = None,
    db: DbOverride = None,
    registry_url: RegistryUrlOption = None,
    no_export: NoExportOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Store the registry's own earlier versions of each study (its "History of Changes"):
    versions already held are not fetched again; an interrupted backfill resumes.

    Example: ctgov backfill NCT06690827 --modules "Outcome Measures,Eligibility"
    """
    from flows.settings import settings_with
    from models.nct import normalize_nct_ids

    settings = settings_with(db=db, registry_url=registry_url)
    ids = normalize_nct_ids(nct_ids) if nct_ids else None
    wanted = [m.strip() for m in (modules or "").split(",") if m.strip()]
    _run_flow(
        settings,
        "backfill_history",
        lambda flow, _version: flow(
            nct_ids=ids,
            db=str(settings.db),
            registry_url=settings.registry_url,
            modules=wanted or None,
            export_parquet=settings.export and not no_export,
            return_state=True,
        ),
        verbose=verbose,
    )


def load_bulk_command(
    path: Annotated[
        Path,
        typer.Argument(help="the registry's ctg-studies.json.zip, or a folder of NN/NCT….json"),
    ],
    db: DbOverride = None,
    no_export: NoExportOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Load the registry's bulk download through the same versioning path as ingest; an
    interrupted load resumes after its last written batch.

    Example: ctgov load-bulk ctg-studies.json.zip --db data/registry.duckdb
    """
    from flows.settings import settings_with
    from registry.bulk import BulkSource

    settings = settings_with(db=db)
    BulkSource(path)  # refuses a path that is no zip or folder before Prefect starts
    _run_flow(
        settings,
        "load_bulk",
        lambda flow, _version: flow(
            path=str(path),
            db=str(settings.db),
            export_parquet=settings.export and not no_export,
            return_state=True,
        ),
        verbose=verbose,
        registry=False,
    )


def sweep_command(
    query: Annotated[
        str | None, typer.Option("--query", help="sweep only a search's studies (query.term)")
    ] = None,
    db: DbOverride = None,
    registry_url: RegistryUrlOption = None,
    no_export: NoExportOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Find the tracked studies the registry no longer returns (cheap pages of IDs, then a
    404 for each on its own) and record them as missing.

    Example: ctgov sweep --db data/registry.duckdb
    """
    from flows.settings import settings_with
    from flows.sources import search_params

    settings = settings_with(db=db, registry_url=registry_url)
    _run_flow(
        settings,
        "sweep",
        lambda flow, _version: flow(
            db=str(settings.db),
            registry_url=settings.registry_url,
            query=search_params(query=query) or None,
            export_parquet=settings.export and not no_export,
            return_state=True,
        ),
        verbose=verbose,
    )


def serve_command(
    port: Annotated[
        int, typer.Option("--port", help="loopback port of the Prefect server to start or reuse")
    ] = 4200,
    only: Annotated[
        list[str] | None,
        typer.Option("--only", help="serve only this deployment of prefect.yaml (repeatable)"),
    ] = None,
    every: Annotated[
        float | None,
        typer.Option(
            "--every",
            min=1,
            help="run the deployments every SECONDS instead of on their schedules (to try them)",
        ),
    ] = None,
    db: DbOverride = None,
    registry_url: RegistryUrlOption = None,
) -> None:
    """Run every deployment of prefect.yaml on its schedule, with nothing else set up: a local
    Prefect server on 127.0.0.1 is started (or reused) and the deployments are served from
    this process until Ctrl-C. While it runs, ad-hoc runs on the same database use its server.

    Example: ctgov serve --only ingest-weekdays --every 60
    """
    from flows import serve
    from flows.settings import settings_with

    settings = settings_with(db=db, registry_url=registry_url)
    for name, value in (("CTGOV_DB", settings.db), ("CTGOV_REGISTRY_URL", settings.registry_url)):
        os.environ[name] = str(value)
    specs = serve.chosen(serve.load_specs(), only or [])
    quiet_prefect_console(verbose=False)
    out = stdout_console()
    serve.serve(settings, specs, port=port, every_s=every, say=out.print)
    out.print("stopped serving; the Prefect server it started is stopped")


def _run_flow(
    settings: Settings,
    name: str,
    call: Callable[[Any, RegistryVersion | None], Any],
    *,
    verbose: bool,
    registry: bool = True,
) -> RunSummary:
    """Check the registry answers and the database is free, run flow ``name`` of
    flows/ingest.py, print its summary. ``call`` gets the flow and the registry's version
    from the check (a flow that takes it makes one request fewer, and does not wait the
    politeness interval for its first page)."""
    from models.errors import CtgovError
    from warehouse.database import connect
    from warehouse.lock import run_lock

    version = None
    with run_lock(settings.db):  # fail before Prefect starts (10-20 s): busy, or no registry
        if registry:
            version = _check_reachable(settings)
        connect(settings.db).close()
    with _prefect_api(settings):
        quiet_prefect_console(verbose)
        _show_registry_warnings()
        from flows import ingest, progress

        flow = getattr(ingest, name)
        err = stderr_console()
        with progress.shown_on(err), err.status(f"running the {name} flow…"):
            state = call(flow, version)
        result = state.result(raise_on_failure=False)
    if isinstance(result, CtgovError):
        fail(f"{name} failed: {result}", result.exit_code)
    if isinstance(result, BaseException):
        raise result
    from flows.summary import RunSummary

    if not isinstance(result, RunSummary):
        fail(f"{name} ended in state {state.type.value}: {state.message}")
    print_summary(result)
    return result


@contextmanager
def _prefect_api(settings: Settings) -> Iterator[None]:
    """Where the flow in the block reports: the Prefect API the user set; else the server of
    a ``ctgov serve`` for this database (the flow then starts in ~3 s instead of 10-20 s);
    else a temporary server of this command's own (:func:`flows.prefect_server.
    temporary_server`), out of Ctrl-C's reach, gone with the command.

    Prefect reads its API's address once, when it is first imported: a process that
    imported it already (a test's harness) keeps the API it has.
    """
    from flows import prefect_server

    if "prefect" in sys.modules or prefect_server.configured_api() is not None:
        yield
        return
    served = prefect_server.served_api(settings.db)
    if served is not None:
        os.environ["PREFECT_API_URL"] = served
        yield
        return
    with prefect_server.temporary_server() as server:
        os.environ["PREFECT_API_URL"] = server.api_url
        os.environ[prefect_server.TEMPORARY_API_ENV] = server.api_url
        try:
            yield
        finally:
            _drain_prefect_reports()
            for name in ("PREFECT_API_URL", prefect_server.TEMPORARY_API_ENV):
                os.environ.pop(name, None)


def _drain_prefect_reports() -> None:
    """Send the flow's last logs and events before its server stops (as Prefect's own test
    harness does), instead of failing to send them at exit."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=DRAIN_TIMEOUT_S)
    EventsWorker.drain_all(timeout=DRAIN_TIMEOUT_S)


def _check_reachable(settings: Settings) -> RegistryVersion | None:
    """One request to ``/api/v2/version`` before Prefect starts (10-20 s): a registry URL that
    does not answer at all (refused, unknown host, timed out) fails now, in one line. A
    registry that answers with an error status is left to the run's retries (None)."""
    from flows.pipeline import registry_config
    from registry import RegistryClient
    from registry.errors import RegistryError, RegistryUnavailableError

    config = registry_config(settings).model_copy(update={"max_attempts": 1})
    with RegistryClient(config) as client:
        try:
            return client.version()
        except RegistryUnavailableError:
            raise
        except RegistryError:
            return None


def print_summary(summary: RunSummary) -> None:
    """The run's headline, a narrow table, what needs a word, notes and events."""
    from flows.summary import (
        TABLE_HEADERS,
        TERMINAL_ROWS,
        advice_lines,
        event_lines,
        note_lines,
        shown_trials,
        table_rows,
    )

    out = stdout_console()
    out.print(summary.headline())
    if summary.studies > len(summary.trials) or summary.seconds >= 10:
        out.print(summary.rate())
    shown = shown_trials(summary)
    if shown:
        print_table(out, TABLE_HEADERS, table_rows(summary, shown), right={2, 4})
    events = event_lines(summary, limit=TERMINAL_ROWS)
    for lines in (advice_lines(summary), note_lines(summary, shown), events):
        if lines:
            print_listing(out, [["", line] for line in lines])


def _show_registry_warnings() -> None:
    """Retries and odd answers from the registry, one line each on stderr.

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
