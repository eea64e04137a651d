"""Unknown fields and enum values are kept in the model and its dump, and reported as drift."""

from __future__ import annotations

import copy
import doctest
import json
from typing import Any

import pytest

import models.base
import models.drift
from models import DriftItem, dump_study, parse_study, parse_study_json
from models.base import OpenStrEnum
from models.generated import Phase, Status
from tests.conftest import study_record

SAMPLE_NCT_ID = "NCT00184067"
"""A small real record with phases, interventions and geo-located sites, and no drift."""


@pytest.fixture
def sample_record() -> dict[str, Any]:
    return study_record(SAMPLE_NCT_ID)


def test_the_sample_record_has_no_drift(sample_record: dict[str, Any]) -> None:
    assert parse_study(sample_record).drift == []


def test_unknown_field_at_top_level_is_kept_and_reported(sample_record: dict[str, Any]) -> None:
    sample_record["registryAuditTrail"] = {"checkedBy": ["bot"], "ok": True}
    parsed = parse_study(sample_record)
    assert parsed.drift == [DriftItem("/registryAuditTrail", "unknown_field", "registryAuditTrail")]
    assert dump_study(parsed.study) == sample_record
    assert parsed.study.model_extra == {"registryAuditTrail": {"checkedBy": ["bot"], "ok": True}}


def test_unknown_field_inside_a_list_item_is_kept_with_its_pointer(
    sample_record: dict[str, Any],
) -> None:
    locations = sample_record["protocolSection"]["contactsLocationsModule"]["locations"]
    last = len(locations) - 1
    locations[last]["accessibility"] = {"wheelchair": True}
    locations[last]["geoPoint"]["elevation"] = 34
    parsed = parse_study(sample_record)
    base = f"/protocolSection/contactsLocationsModule/locations/{last}"
    assert parsed.drift == [
        DriftItem(f"{base}/geoPoint/elevation", "unknown_field", "elevation"),
        DriftItem(f"{base}/accessibility", "unknown_field", "accessibility"),
    ]
    assert dump_study(parsed.study) == sample_record


def test_unknown_enum_values_are_kept_typed_and_reported(sample_record: dict[str, Any]) -> None:
    design = sample_record["protocolSection"]["designModule"]
    sample_record["protocolSection"]["statusModule"]["overallStatus"] = "PAUSED_FOR_REVIEW"
    design["phases"] = ["PHASE2", "PHASE5"]
    parsed = parse_study(sample_record)
    assert parsed.drift == [
        DriftItem(
            "/protocolSection/statusModule/overallStatus", "unknown_enum", "PAUSED_FOR_REVIEW"
        ),
        DriftItem("/protocolSection/designModule/phases/1", "unknown_enum", "PHASE5"),
    ]
    protocol = parsed.study.protocol_section
    assert protocol is not None and protocol.status_module is not None
    status = protocol.status_module.overall_status
    assert isinstance(status, Status) and status == "PAUSED_FOR_REVIEW" and not status.is_known
    assert protocol.design_module is not None
    assert protocol.design_module.phases == [Phase.PHASE2, "PHASE5"]
    assert protocol.design_module.phases[0] is Phase.PHASE2
    assert dump_study(parsed.study) == sample_record


def test_drift_is_found_in_raw_payloads_too(sample_record: dict[str, Any]) -> None:
    sample_record["protocolSection"]["designModule"]["phases"] = ["PHASE5"]
    sample_record["derivedSection"]["miscInfoModule"]["aiSummary"] = "text"
    parsed = parse_study_json(json.dumps(sample_record))
    assert [(item.path, item.kind) for item in parsed.drift] == [
        ("/protocolSection/designModule/phases/0", "unknown_enum"),
        ("/derivedSection/miscInfoModule/aiSummary", "unknown_field"),
    ]
    assert dump_study(parsed.study) == sample_record


def test_drift_paths_escape_json_pointer_characters(sample_record: dict[str, Any]) -> None:
    identification = sample_record["protocolSection"]["identificationModule"]
    identification["a/b~c"] = 1
    parsed = parse_study(sample_record)
    assert parsed.drift == [
        DriftItem("/protocolSection/identificationModule/a~1b~0c", "unknown_field", "a/b~c")
    ]


def test_a_kept_unknown_value_reads_as_its_string() -> None:
    assert Status("PAUSED_FOR_REVIEW") == "PAUSED_FOR_REVIEW"
    assert repr(Status("PAUSED_FOR_REVIEW")).endswith("(unknown)>")
    assert Status("RECRUITING") is Status.RECRUITING and Status.RECRUITING.is_known
    assert all(issubclass(enum, OpenStrEnum) for enum in (Status, Phase))
    with pytest.raises(ValueError):
        Status(5)  # type: ignore[arg-type]


def test_drift_does_not_change_the_record(sample_record: dict[str, Any]) -> None:
    original = copy.deepcopy(sample_record)
    sample_record["protocolSection"]["designModule"]["phases"] = ["PHASE5"]
    sample_record["extraTop"] = None
    parse_study(sample_record)
    assert sample_record["protocolSection"]["designModule"]["phases"] == ["PHASE5"]
    assert sample_record["extraTop"] is None
    assert {key: value for key, value in sample_record.items() if key != "extraTop"}.keys() == (
        original.keys()
    )


def test_docstring_examples_hold() -> None:
    for module in (models.base, models.drift):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__
