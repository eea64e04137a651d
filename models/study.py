"""Parse and dump ClinicalTrials.gov study records through the generated models, losslessly.

Use::

    parsed = parse_study(record)            # or parse_study_json(raw_text)
    parsed.nct_id                           # 'NCT06171568'
    parsed.study.protocol_section.status_module.overall_status   # Status.NOT_YET_RECRUITING
    parsed.drift                            # [] or [DriftItem(path, kind, value), ...]
    dump_study(parsed.study) == record      # True

Lossless means: every key and value the registry sent comes back from :func:`dump_study`, in
the same list order, and nothing is added (no nulls, no defaults). Keys the spec does not know
and enum values it does not list are kept and reported in ``ParsedStudy.drift``. Scalars are
strict: a value of the wrong JSON type is an error, never silently converted (converting would
change the record). Key order inside an object follows the spec, not the payload; the content
hash (``models.hashing``) sorts keys, so it does not depend on it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from models.drift import DriftItem, NameCollision, walk
from models.errors import StudyValidationError
from models.generated import Study
from models.nct import InvalidNctIdError, normalize_nct_id

__all__ = [
    "DriftItem",
    "ParsedStudy",
    "Study",
    "StudyValidationError",
    "dump_study",
    "parse_study",
    "parse_study_json",
]

NCT_ID_POINTER = "/protocolSection/identificationModule/nctId"
NCT_ID_IN_TEXT = re.compile(r'"nctId"\s*:\s*"([^"\\]{1,40})"')
"""Finds the NCT ID in a payload that is not valid JSON, so its error can still name it."""


@dataclass(frozen=True, slots=True)
class ParsedStudy:
    """A validated study: its canonical NCT ID, the model, and the schema drift found in it."""

    nct_id: str
    study: Study
    drift: list[DriftItem]


def parse_study(record: dict[str, Any]) -> ParsedStudy:
    """Validate a study record (parsed JSON) into a :class:`Study`.

    Raises :class:`StudyValidationError` when a value has the wrong type or the record has no
    usable ``protocolSection.identificationModule.nctId``.
    """
    try:
        study = Study.model_validate(record, by_alias=True, by_name=False)
    except ValidationError as error:
        raise StudyValidationError.from_pydantic(error, record, _raw_nct_id(record)) from None
    return _checked(study, lambda: record)


def parse_study_json(text: str | bytes) -> ParsedStudy:
    """Validate a raw JSON payload (e.g. ``RawStudy.text``); invalid JSON is a
    :class:`StudyValidationError` too."""
    try:
        study = Study.model_validate_json(text, by_alias=True, by_name=False)
    except ValidationError as error:
        try:
            record = json.loads(text)
        except ValueError as invalid:
            raise _invalid_json(text, invalid) from None
        raise StudyValidationError.from_pydantic(error, record, _raw_nct_id(record)) from None
    return _checked(study, lambda: json.loads(text))


def dump_study(study: Study) -> dict[str, Any]:
    """The record as the registry wrote it: camelCase keys, only what was parsed or set."""
    return study.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _checked(study: Study, load_record: Callable[[], Any]) -> ParsedStudy:
    """Check the NCT ID, find the drift; ``load_record`` gives the input, needed only in the
    rare case of a :class:`~models.drift.NameCollision`."""
    protocol = study.protocol_section
    identification = protocol.identification_module if protocol else None
    raw = identification.nct_id if identification else None
    if raw is None:
        raise StudyValidationError.single(
            None, NCT_ID_POINTER, "missing", "Field required (every study record names its NCT ID)"
        )
    try:
        nct_id = normalize_nct_id(raw)
    except InvalidNctIdError as error:
        raise StudyValidationError.single(raw, NCT_ID_POINTER, "nct_id", str(error)) from None
    found = walk(study)
    if found.collisions:
        _unmark_collided_fields(found.collisions, load_record())
    return ParsedStudy(nct_id=nct_id, study=study, drift=found.drift)


def _unmark_collided_fields(collisions: list[NameCollision], record: Any) -> None:
    """Unmark each collided field the record did not set under its own (camelCase) key."""
    for collision in collisions:
        node = record
        for step in collision.location:
            node = node[step]
        alias = type(collision.model).model_fields[collision.field_name].alias
        if alias not in node:
            collision.model.__pydantic_fields_set__.discard(collision.field_name)


def _raw_nct_id(record: Any) -> str | None:
    node = record
    for key in ("protocolSection", "identificationModule", "nctId"):
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node if isinstance(node, str) else None


def _invalid_json(text: str | bytes, error: ValueError) -> StudyValidationError:
    decoded = text.decode("utf-8", errors="replace") if isinstance(text, bytes) else text
    found = NCT_ID_IN_TEXT.search(decoded)
    return StudyValidationError.invalid_json(found.group(1) if found else None, str(error))
