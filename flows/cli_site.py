"""``ctgov report``: the static site of the warehouse (``warehouse.site``).

Plotly is imported only when the command runs, so the other commands start as fast as before.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from flows.cli_common import DEFAULT_DB_PATH, DbOption
from flows.output import stdout_console
from flows.paths import SITE_DIR_ENV_VAR, site_dir
from models.errors import InputError
from models.nct import normalize_nct_id

DEFAULT_DAYS = 30


def register(app: typer.Typer) -> None:
    app.command("report")(report_command)


def report_command(
    nct_ids: Annotated[
        list[str] | None,
        typer.Argument(
            help="the trials to show (default: every study in the warehouse).", show_default=False
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help=f"site directory [env {SITE_DIR_ENV_VAR}; default: site/ beside --db]"
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="the report's date, YYYY-MM-DD (default: today, UTC): the "
            "end of the recent window and of the current status bar.",
        ),
    ] = None,
    days: Annotated[
        int, typer.Option("--days", min=1, help="length of the recent window, in days.")
    ] = DEFAULT_DAYS,
    db: DbOption = DEFAULT_DB_PATH,
) -> None:
    """Build a static site of the warehouse: an index of the trials, a page per trial (status
    timeline, key dates planned vs actual, enrollment, sites, each version's changes with word
    diffs) and the recent changes. No server, no network: open index.html from the disk.

    Example: ctgov report --db data/ctgov.duckdb --out data/site NCT06690827
    """
    from warehouse.site import build_site

    ids = [normalize_nct_id(value) for value in nct_ids or []]
    env_out = os.environ.get(SITE_DIR_ENV_VAR)
    target = site_dir(db, out or (Path(env_out) if env_out else None))
    summary = build_site(db, target, until=_report_date(as_of), nct_ids=ids or None, days=days)
    console = stdout_console()
    console.print(f"site written to {summary.index} ({len(summary.trials)} trial page(s))")


def _report_date(text: str | None) -> date:
    if text is None:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"--as-of {text!r} is not a date; use YYYY-MM-DD") from None
