"""What every ``ctgov`` command shares: the app's command group, ``--db``, exit codes and
one-line failures.

Exit codes, one rule for every command (``models.errors``): 0 success (an ingest that was only
partial included), 1 the command was well formed but failed (:data:`EXIT_FAILED`), 2 bad input
(:data:`EXIT_USAGE`: a malformed argument, option, setting or file). Every expected failure is
a :class:`~models.errors.CtgovError`; :class:`CtgovGroup` turns it into one line on stderr and
its exit code, so commands just raise.

Light on purpose: the read-only commands import this module, so it must not import Prefect,
the registry client or pydantic-settings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.text import Text
from typer._click.exceptions import NoSuchOption, UsageError  # typer parses with its own click
from typer.core import TyperGroup

from flows.output import stderr_console
from flows.paths import DB_ENV_VAR, DEFAULT_DB_PATH
from models.errors import EXIT_FAILED, EXIT_USAGE, CtgovError, interrupted

INTERRUPTED_EXIT = 130

DbOption = Annotated[
    Path,
    typer.Option(
        "--db", envvar=DB_ENV_VAR, help=f"DuckDB file of the warehouse (env {DB_ENV_VAR})."
    ),
]
"""``--db PATH``; defaults to :data:`flows.paths.DEFAULT_DB_PATH`."""

__all__ = [
    "DB_ENV_VAR",
    "DEFAULT_DB_PATH",
    "EXIT_FAILED",
    "EXIT_USAGE",
    "CtgovGroup",
    "DbOption",
    "fail",
]


def fail(message: str, code: int = EXIT_FAILED) -> NoReturn:
    """Print ``error: message`` on stderr, one line, no traceback, and exit with ``code``.

    The message is printed as text, never as rich markup: ``[[trials]]`` stays ``[[trials]]``.
    """
    line = Text.assemble(("error:", "bold red"), " ", " ".join(message.split()))
    stderr_console().print(line)
    raise typer.Exit(code)


class CtgovGroup(TyperGroup):
    """The ``ctgov`` group: every command's :class:`CtgovError` becomes one line and its code."""

    def invoke(self, ctx: Any) -> Any:  # typer's vendored click.Context
        try:
            return super().invoke(ctx)
        except CtgovError as exc:
            fail(str(exc), exc.exit_code)
        except UsageError as exc:
            fail(_usage_line(exc), EXIT_USAGE)
        except (KeyboardInterrupt, RuntimeError) as exc:
            if not interrupted(exc):
                raise
            stderr_console().print("interrupted")
            raise typer.Exit(INTERRUPTED_EXIT) from None


def _usage_line(exc: UsageError) -> str:
    """A malformed command line as one line, with where to read how it is written. An
    "option" with a space in it was meant as an argument (``ctgov sql "-- note"``)."""
    path = exc.ctx.command_path if exc.ctx is not None else "ctgov"
    hint = f"see `{path} --help`"
    if isinstance(exc, NoSuchOption) and " " in exc.option_name:
        hint = f"an argument that starts with - goes after --: {path} -- '{exc.option_name}'"
    return f"{exc.format_message().rstrip('.')}; {hint}"
