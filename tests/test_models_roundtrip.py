"""Lossless round trip of every study record the imitation serves (real registry responses)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from models import content_hash, dump_study, parse_study, parse_study_json
from models.generated import DesignModule, EnrollmentType, Phase, Status, Study
from tests.conftest import STUDIES_DIR, study_record

STUDY_FILES = sorted(STUDIES_DIR.glob("*.json"))
SAMPLE_NCT_ID = "NCT00184067"
"""A small real record with phases, interventions and geo-located sites, and no drift."""


@pytest.fixture
def sample_record() -> dict[str, Any]:
    return study_record(SAMPLE_NCT_ID)


def typed_json(value: Any) -> Any:
    """``value`` with every scalar paired with its type, so 1 != 1.0 != True when compared."""
    if isinstance(value, dict):
        return {key: typed_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed_json(item) for item in value]
    return (type(value).__name__, value)


def key_paths(value: Any, path: str = "") -> set[str]:
    """Every object key in ``value`` as a JSON pointer (list indexes included)."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            found.add(f"{path}/{key}")
            found |= key_paths(item, f"{path}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found |= key_paths(item, f"{path}/{index}")
    return found


def assert_lossless(dumped: dict[str, Any], record: dict[str, Any]) -> None:
    assert key_paths(dumped) - key_paths(record) == set(), "keys added by the model"
    assert key_paths(record) - key_paths(dumped) == set(), "keys dropped by the model"
    assert typed_json(dumped) == typed_json(record)
    assert content_hash(dumped) == content_hash(record)


def test_the_imitation_serves_real_records() -> None:
    assert len(STUDY_FILES) >= 8


@pytest.mark.parametrize("path", STUDY_FILES, ids=lambda path: path.stem)
def test_dump_of_parsed_record_equals_the_input(path: Path) -> None:
    record = json.loads(path.read_bytes())
    parsed = parse_study(record)
    assert parsed.nct_id == record["protocolSection"]["identificationModule"]["nctId"]
    assert_lossless(dump_study(parsed.study), record)


@pytest.mark.parametrize("path", STUDY_FILES, ids=lambda path: path.stem)
def test_raw_payload_parses_like_the_decoded_record(path: Path) -> None:
    raw = path.read_bytes()
    from_text = parse_study_json(raw)
    from_dict = parse_study(json.loads(raw))
    assert from_text.nct_id == from_dict.nct_id
    assert from_text.drift == from_dict.drift
    assert_lossless(dump_study(from_text.study), json.loads(raw))


def test_typed_access_reads_the_record(sample_record: dict[str, Any]) -> None:
    protocol = sample_record["protocolSection"]
    study = parse_study(sample_record).study
    assert study.protocol_section is not None
    status = study.protocol_section.status_module
    design = study.protocol_section.design_module
    assert status is not None and design is not None and design.enrollment_info is not None
    assert status.overall_status == Status(protocol["statusModule"]["overallStatus"])
    assert isinstance(status.overall_status, Status) and status.overall_status.is_known
    assert design.phases == [Phase(value) for value in protocol["designModule"]["phases"]]
    assert design.enrollment_info.count == protocol["designModule"]["enrollmentInfo"]["count"]
    assert isinstance(design.enrollment_info.type, EnrollmentType)


def test_explicit_null_and_whole_numbers_come_back_as_written(
    sample_record: dict[str, Any],
) -> None:
    """A null is not dropped, and a whole-number coordinate stays an integer (not 52.0)."""
    identification = sample_record["protocolSection"]["identificationModule"]
    identification["acronym"] = None
    location = sample_record["protocolSection"]["contactsLocationsModule"]["locations"][0]
    location["geoPoint"] = {"lat": 52, "lon": 13.4}
    dumped = dump_study(parse_study(sample_record).study)
    assert_lossless(dumped, sample_record)
    assert dumped["protocolSection"]["identificationModule"]["acronym"] is None


def test_nothing_is_added_for_a_sparse_record() -> None:
    record = {"protocolSection": {"identificationModule": {"nctId": "NCT01234567"}}}
    parsed = parse_study(record)
    assert dump_study(parsed.study) == record
    assert parsed.drift == []


def test_parse_study_reads_registry_keys_only() -> None:
    """populate_by_name lets code build models by Python name, but a snake_case key in a
    registry payload is not mistaken for the field: it is kept as an unknown field."""
    record = {
        "protocolSection": {"identificationModule": {"nctId": "NCT01234567"}},
        "has_results": True,
    }
    parsed = parse_study(record)
    assert parsed.study.has_results is None
    assert dump_study(parsed.study) == record
    assert [item.path for item in parsed.drift] == ["/has_results"]
    assert dump_study(parse_study_json(json.dumps(record)).study) == record


def test_a_field_set_under_its_key_survives_a_snake_case_twin() -> None:
    record = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT01234567", "briefTitle": None},
            "statusModule": {"whyStopped": "funding", "why_stopped": "other"},
        },
        "hasResults": None,
        "has_results": True,
    }
    parsed = parse_study(record)
    assert_lossless(dump_study(parsed.study), record)
    assert [item.value for item in parsed.drift] == ["why_stopped", "has_results"]


def test_models_can_be_built_by_python_name() -> None:
    design = DesignModule.model_validate({"study_type": "INTERVENTIONAL", "phases": ["PHASE1"]})
    assert design.model_dump(mode="json", by_alias=True, exclude_unset=True) == {
        "studyType": "INTERVENTIONAL",
        "phases": ["PHASE1"],
    }
    assert Study.model_validate({"has_results": False}).has_results is False
