"""The fields projection: names accepted, shape kept, and the generated OAS path list."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from imitation import Catalog
from imitation.errors import ApiError
from imitation.fields import PIECE_PATHS, parse_fields, project
from imitation.schema_paths import STUDY_FIELD_PATHS

ROOT = Path(__file__).parent.parent
PARTIAL = Path(__file__).parent / "fixtures/ctgov/partial"
PARTIAL_FIELDS = (
    "BriefSummary,BriefTitle,CompletionDate,Condition,EligibilityCriteria,EnrollmentCount,"
    "InterventionName,InterventionOtherName,LargeDocumentModule,LeadSponsorName,MaximumAge,"
    "MinimumAge,NCTId,OverallStatus,Phase,Sex,StartDate,StudyType"
)


def _spec_paths() -> set[str]:
    spec = yaml.safe_load((ROOT / "models/spec/ctg-oas-v2.yaml").read_text(encoding="utf-8"))
    schemas = spec["components"]["schemas"]
    paths: set[str] = set()

    def walk(schema: dict[str, Any], prefix: list[str], seen: frozenset[str]) -> None:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                walk(schemas[name], prefix, seen | {name})
        elif schema.get("type") == "array":
            walk(schema["items"], prefix, seen)
        else:
            for key, child in schema.get("properties", {}).items():
                paths.add(".".join([*prefix, key]))
                walk(child, [*prefix, key], seen)

    walk(schemas["Study"], [], frozenset())
    return paths


def _leaf_paths(node: Any, prefix: str = "") -> set[str]:
    if isinstance(node, dict):
        return {p for k, v in node.items() for p in _leaf_paths(v, f"{prefix}/{k}")}
    if isinstance(node, list):
        return {p for item in node for p in _leaf_paths(item, prefix + "[]")}
    return {prefix}


def test_generated_field_paths_match_the_spec() -> None:
    assert _spec_paths() == STUDY_FIELD_PATHS


def test_every_piece_name_points_into_the_spec() -> None:
    assert {p for p in PIECE_PATHS.values() if p != "hasResults"} <= STUDY_FIELD_PATHS
    assert PIECE_PATHS["ConditionsModule"] == "protocolSection.conditionsModule"
    assert PIECE_PATHS["IPDSharingStatementModule"] == "protocolSection.ipdSharingStatementModule"


def test_projection_has_the_shape_of_the_real_partial_response() -> None:
    """NCT06171568 and the captured NCT06604689 are both observational with the same pieces."""
    captured = json.loads((PARTIAL / "biomcp_get_nct06604689_20260811.json").read_text())
    record = Catalog.load_default().versions("NCT06171568")[0].record
    projected = project(record, parse_fields(PARTIAL_FIELDS))
    assert _leaf_paths(projected) == _leaf_paths(captured)
    assert list(projected["protocolSection"]) == list(captured["protocolSection"])
    assert "hasResults" not in projected


def test_branch_names_keep_whole_subtrees_and_has_results_only_on_request() -> None:
    record = Catalog.load_default().versions("NCT06690827")[0].record
    projected = project(
        record, parse_fields("ConditionsModule|HasResults|protocolSection.designModule.phases")
    )
    assert projected == {
        "protocolSection": {
            "conditionsModule": record["protocolSection"]["conditionsModule"],
            "designModule": {"phases": ["PHASE1"]},
        },
        "hasResults": False,
    }


@pytest.mark.parametrize("raw", ["StudyDesign", "NCTId,nctid"])
def test_unknown_names_are_refused_like_the_registry(raw: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_fields(raw)
    assert caught.value.status == 400
    assert caught.value.body.startswith("Parameter 'fields' contains invalid field name: '")
