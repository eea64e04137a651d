"""The planner's check (models/check.py) gives exactly what the full parse gives: the same
drift, in the same order, and the same misfits, raised the same way."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings

from models.check import check_study_json
from models.drift import DriftItem
from models.errors import StudyValidationError
from models.study import parse_study_json
from tests.conftest import REAL_STUDY_IDS, study_record, study_text
from tests.test_record_fuzz import SPEC_RECORDS, mutated_records


def _outcome(check: Any, text: str) -> tuple[str, Any]:
    """("drift", items) or ("misfit", the error's errors) of one way of checking ``text``."""
    try:
        return "drift", check(text)
    except StudyValidationError as error:
        return "misfit", (error.nct_id, error.errors, str(error))


def _full(text: str) -> list[DriftItem]:
    return parse_study_json(text).drift


def _parsed_first(text: str) -> list[DriftItem]:
    """The planner's way: the record already parsed, validated as it is."""
    return check_study_json(text, orjson.loads(text))


def _assert_same(text: str) -> tuple[str, Any]:
    checked = _outcome(check_study_json, text)
    assert checked == _outcome(_full, text)
    if _is_json_object(text):
        assert _outcome(_parsed_first, text) == checked
    return checked


def _is_json_object(text: str) -> bool:
    try:
        return isinstance(orjson.loads(text), dict)
    except orjson.JSONDecodeError:
        return False


@pytest.mark.parametrize("nct_id", REAL_STUDY_IDS)
def test_every_shipped_record_checks_as_it_parses(nct_id: str) -> None:
    _assert_same(study_text(nct_id))


def test_real_drift_is_found_without_the_model() -> None:
    """NCT00763412 carries a key the spec lacks (derivedSection.miscInfoModule.
    modelPredictions), as many registry records now do."""
    kind, drift = _assert_same(study_text("NCT00763412"))
    assert kind == "drift"
    assert (
        DriftItem(
            "/derivedSection/miscInfoModule/modelPredictions", "unknown_field", "modelPredictions"
        )
        in drift
    )


def test_unknown_keys_and_enum_values_everywhere_in_document_order() -> None:
    record = study_record("NCT00184067")
    record["registryAuditTrail"] = {"checkedBy": ["bot"]}
    locations = record["protocolSection"]["contactsLocationsModule"]["locations"]
    locations[0]["geoPoint"]["elevation"] = 34
    locations[0]["accessibility"] = True
    locations[0]["status"] = "PAUSED"
    record["protocolSection"]["designModule"]["phases"] = ["PHASE2", "PHASE5"]
    record["protocolSection"]["statusModule"]["overallStatus"] = "PAUSED_FOR_REVIEW"
    record["protocolSection"]["statusModule"]["has_results"] = False
    kind, drift = _assert_same(json.dumps(record))
    assert kind == "drift"
    assert {item.value for item in drift} == {
        "registryAuditTrail", "elevation", "accessibility", "PAUSED", "PHASE5",
        "PAUSED_FOR_REVIEW", "has_results",
    }  # fmt: skip


@pytest.mark.parametrize(
    "edit",
    [
        lambda r: r["protocolSection"]["statusModule"].update(overallStatus=7),
        lambda r: r["protocolSection"]["designModule"].update(phases="PHASE2"),
        lambda r: r["protocolSection"]["identificationModule"].update(nctId="NCT123"),
        lambda r: r["protocolSection"]["identificationModule"].pop("nctId"),
        lambda r: r["protocolSection"]["contactsLocationsModule"]["locations"][0].update(
            geoPoint={"lat": "north"}, extra=1
        ),
    ],
    ids=["enum-not-a-string", "list-not-a-list", "bad-nct-id", "no-nct-id", "misfit-and-drift"],
)
def test_misfits_raise_the_full_parses_error(edit: Any) -> None:
    record = study_record("NCT00184067")
    edit(record)
    kind, _ = _assert_same(json.dumps(record))
    assert kind == "misfit"


def test_invalid_json_raises_the_full_parses_error() -> None:
    assert _assert_same('{"protocolSection": ')[0] == "misfit"


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(record=SPEC_RECORDS)
def test_records_the_spec_allows_check_as_they_parse(record: dict[str, Any]) -> None:
    _assert_same(json.dumps(record, ensure_ascii=False))


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(record=mutated_records())
def test_altered_records_check_as_they_parse(record: dict[str, Any]) -> None:
    _assert_same(json.dumps(record, ensure_ascii=False))
