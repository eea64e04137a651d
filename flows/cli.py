"""``ctgov``: the command line. Each command is a few lines calling the library.

Read-only commands (history, diff, show, changes, drift, sql, --help) must start fast: this module
and the command modules it registers import neither Prefect, nor the registry client, nor
pydantic-settings, nor the generated models (a test checks it). The commands that run a flow
(``flows/cli_runs.py``) import them when they run.
"""

from __future__ import annotations

import typer

from flows import cli_discovery, cli_quality, cli_runs, cli_site, cli_sql, cli_tracking
from flows.cli_common import CtgovGroup

app = typer.Typer(
    name="ctgov",
    cls=CtgovGroup,
    help="A local, versioned, queryable copy of ClinicalTrials.gov records.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

cli_runs.register(app)
cli_tracking.register(app)
cli_sql.register(app)
cli_quality.register(app)
cli_discovery.register(app)
cli_site.register(app)


if __name__ == "__main__":
    app(prog_name="ctgov")
