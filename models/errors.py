"""The root of every error ctgov-warehouse raises on purpose, and the models' own errors.

Each error has a one-line message that names the data and says what to do next, and an
``exit_code`` the CLI exits with (one rule for every command: see :data:`EXIT_FAILED` and
:data:`EXIT_USAGE`). The whole tree, by the module that defines each branch::

    CtgovError                         exit 1: the request was fine, the work failed
     ├── InputError (ValueError)       exit 2: bad input (an argument, a setting, a file)
     │    ├── InvalidNctIdError        models/nct.py: not an NCT ID
     │    ├── WatchlistError           flows/watchlist.py: the watchlist is missing or malformed
     │    ├── SettingsError            flows/settings.py: a CTGOV_* value or option is invalid
     │    └── UnknownIdsError          flows/summary.py: --strict and IDs the registry lacks
     ├── StudyValidationError (ValueError)  models/errors.py: a record that does not fit
     ├── RegistryError                 registry/errors.py: the registry failed or answered wrong
     ├── WarehouseError                warehouse/errors.py: the DuckDB file, a query, a study;
     │                                 its input-shaped errors (a refused or broken SQL query,
     │                                 an unknown version or event kind) are InputErrors too
     └── ImitationError                imitation/errors.py: the imitated registry
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from models.json_pointer import escape_token

if TYPE_CHECKING:
    from pydantic import ValidationError

EXIT_FAILED = 1
"""The command was well formed but could not do its work (registry down, database locked...)."""
EXIT_USAGE = 2
"""Bad input: a malformed argument, option, setting or file."""


DUCKDB_INTERRUPTED = "Query interrupted"
"""What DuckDB's Python client raises (a ``RuntimeError``) for a statement that Ctrl-C
stopped: it takes the SIGINT itself while a statement runs, so no ``KeyboardInterrupt``
follows."""


def interrupted(exc: BaseException) -> bool:
    """Whether ``exc`` is Ctrl-C: a ``KeyboardInterrupt``, or a DuckDB statement it stopped.

    Seen 2026-12-06: Ctrl-C on a bulk load that was registering a batch with DuckDB ended in a
    ``RuntimeError: Query interrupted`` traceback and exit 1, the run recorded as failed with
    that message; another, landing while DuckDB read a staged Arrow table, in DuckDB's
    ``InvalidInputException`` ("... as Arrow data failed: KeyboardInterrupt"). Decided by
    name, so that a command that never opens DuckDB need not import it. (A run defers Ctrl-C
    to the end of a batch: :mod:`flows.interrupts`.)
    """
    if isinstance(exc, KeyboardInterrupt):
        return True
    if type(exc).__module__.startswith("_duckdb") and (
        type(exc).__name__ == "InterruptException"
        or re.search(r"\bKeyboardInterrupt\b:?\s*$", str(exc)) is not None
    ):
        return True
    return isinstance(exc, RuntimeError) and str(exc) == DUCKDB_INTERRUPTED


class CtgovError(Exception):
    """Root of every error ctgov-warehouse raises on purpose: one line, no traceback."""

    exit_code: ClassVar[int] = EXIT_FAILED


class InputError(CtgovError, ValueError):
    """Input the user gave (arguments, settings, files) that cannot be used as it is."""

    exit_code: ClassVar[int] = EXIT_USAGE


MAX_PATHS_IN_MESSAGE = 3
"""How many offending paths the one-line message names; ``.errors`` holds them all."""

NEXT_STEP = (
    "the warehouse keeps it as a version with these findings (ctgov drift); if the registry "
    "changed its schema, update models/spec/ctg-oas-v2.yaml and run `python -m models.codegen`"
)
INVALID_JSON_NEXT_STEP = "store it as a rejected record and fetch the study again"


class StudyValidationError(CtgovError, ValueError):
    """A record that does not fit the study model (wrong type, missing NCT ID, invalid JSON).

    ``nct_id`` is the record's NCT ID as written, when one was found; ``errors`` lists every
    problem as a dict with ``path`` (JSON pointer), ``type`` and ``msg`` (pydantic's reason),
    plus pydantic's ``loc`` and ``input`` when pydantic found it.
    """

    def __init__(
        self, nct_id: str | None, errors: list[dict[str, Any]], message: str | None = None
    ) -> None:
        self.nct_id = nct_id
        self.errors = errors
        if message is None:
            message = (
                f"{_subject(nct_id)} does not fit the study model: {_summary(errors)}; {NEXT_STEP}"
            )
        super().__init__(" ".join(message.split()))

    @classmethod
    def from_pydantic(
        cls, error: ValidationError, record: Any, nct_id: str | None
    ) -> StudyValidationError:
        """Wrap pydantic's errors, each with the JSON pointer of the offending value."""
        details = [
            {
                "path": error_pointer(detail["loc"], record, missing=detail["type"] == "missing"),
                **detail,
            }
            for detail in error.errors(include_url=False)
        ]
        return cls(nct_id, details)

    @classmethod
    def single(cls, nct_id: str | None, path: str, kind: str, msg: str) -> StudyValidationError:
        """One problem found outside pydantic (a missing or malformed NCT ID)."""
        return cls(nct_id, [{"path": path, "type": kind, "msg": msg}])

    @classmethod
    def invalid_json(cls, nct_id: str | None, reason: str) -> StudyValidationError:
        """A payload that is not JSON at all."""
        errors = [{"path": "", "type": "json_invalid", "msg": reason}]
        message = (
            f"{_subject(nct_id)}: payload is not valid JSON ({reason}); {INVALID_JSON_NEXT_STEP}"
        )
        return cls(nct_id, errors, message)


def _subject(nct_id: str | None) -> str:
    return f"study {nct_id}" if nct_id else "study record (no NCT ID found)"


def _summary(errors: list[dict[str, Any]]) -> str:
    """The first offending paths, each with its reasons (a union gives one per member)."""
    reasons: dict[str, list[str]] = {}
    for error in errors:
        path_reasons = reasons.setdefault(error["path"] or "/", [])
        if error["msg"] not in path_reasons:
            path_reasons.append(error["msg"])
    shown = list(reasons.items())[:MAX_PATHS_IN_MESSAGE]
    summary = "; ".join(f"{path}: {' or '.join(msgs)}" for path, msgs in shown)
    hidden = len(reasons) - len(shown)
    return f"{summary} (and {hidden} more)" if hidden > 0 else summary


def error_pointer(loc: tuple[int | str, ...], record: Any, *, missing: bool = False) -> str:
    """The JSON pointer of pydantic's ``loc`` in ``record``.

    pydantic adds the name of a union member to a location (``.../lat/int``); such steps are
    dropped by following the location only through keys and indexes the record has, except
    the last key of a ``missing`` error, which names the absent field.
    """
    tokens: list[str] = []
    node = record
    for position, step in enumerate(loc):
        has_key = isinstance(node, dict) and step in node
        has_index = isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        if has_key or has_index:
            node = node[step]
        elif missing and position == len(loc) - 1 and isinstance(node, dict):
            node = None
        else:
            break
        tokens.append(escape_token(step))
    return "".join(f"/{token}" for token in tokens)
