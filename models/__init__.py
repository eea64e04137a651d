"""Lossless pydantic models of ClinicalTrials.gov study records, NCT ID rules, content hash.

Everything other packages need is importable from here; the generated classes of every part of
the record (``Status``, ``DesignModule``, ...) live in :mod:`models.generated`.
"""

from models.drift import DriftItem
from models.errors import StudyValidationError
from models.hashing import content_hash
from models.nct import InvalidNctIdError, normalize_nct_id
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
