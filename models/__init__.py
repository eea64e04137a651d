"""Lossless pydantic models of ClinicalTrials.gov study records, NCT ID rules, content hash.

Everything other packages need is importable from here; the generated classes of every part of
the record (``Status``, ``DesignModule``, ...) live in :mod:`models.generated`.

The names that need pydantic and the generated models (``parse_study``, ``Study``, ...) load on
first use (PEP 562), so importing a light module such as :mod:`models.nct`, which first runs
this package, does not build every generated class.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from models.hashing import content_hash
from models.nct import InvalidNctIdError, normalize_nct_id

if TYPE_CHECKING:
    from models.drift import DriftItem
    from models.errors import StudyValidationError
    from models.study import ParsedStudy, Study, dump_study, parse_study, parse_study_json

__all__ = [
    "DriftItem",
    "InvalidNctIdError",
    "ParsedStudy",
    "Study",
    "StudyValidationError",
    "content_hash",
    "dump_study",
    "normalize_nct_id",
    "parse_study",
    "parse_study_json",
]

_LAZY_MODULES = {
    "DriftItem": "models.drift",
    "StudyValidationError": "models.errors",
    "ParsedStudy": "models.study",
    "Study": "models.study",
    "dump_study": "models.study",
    "parse_study": "models.study",
    "parse_study_json": "models.study",
}
"""The heavy names of ``__all__`` and the module each is loaded from on first access."""


def __getattr__(name: str) -> Any:
    module = _LAZY_MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
