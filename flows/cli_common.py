"""What every ``ctgov`` command shares: the ``--db`` option, exit codes, one-line failures."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from flows.settings import DEFAULT_DB_PATH

DB_ENV_VAR = "CTGOV_DB"
EXIT_FAILED = 1
EXIT_USAGE = 2

DbOption = Annotated[
    Path,
    typer.Option(
        "--db", envvar=DB_ENV_VAR, help=f"DuckDB file of the warehouse (env {DB_ENV_VAR})."
    ),
]
"""``--db PATH``; defaults to :data:`flows.settings.DEFAULT_DB_PATH`."""

__all__ = ["DB_ENV_VAR", "DEFAULT_DB_PATH", "EXIT_FAILED", "EXIT_USAGE", "DbOption", "fail"]


def fail(message: str, code: int = EXIT_FAILED) -> NoReturn:
    """Print ``error: message`` on stderr, one line, no traceback, and exit with ``code``."""
    Console(stderr=True).print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)
