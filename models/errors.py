"""Errors of the models package, each with a one-line message that names the data.

ValueError
 ├── InvalidNctIdError     a string that is not an NCT ID (models/nct.py)
 └── StudyValidationError  a study record that does not fit the study model
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from models.json_pointer import escape_token

MAX_PATHS_IN_MESSAGE = 3
"""How many offending paths the one-line message names; ``.errors`` holds them all."""

NEXT_STEP = (
    "store it as a rejected record; if the registry changed its schema, update "
    "models/spec/ctg-oas-v2.yaml and run `python -m models.codegen`"
)
INVALID_JSON_NEXT_STEP = "store it as a rejected record and fetch the study again"


class StudyValidationError(ValueError):
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
