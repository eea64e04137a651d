"""models/generated.py is exactly what `python -m models.codegen` makes from the spec."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from models import codegen, generated
from models.base import OpenStrEnum, RecordModel

ROOT = Path(__file__).resolve().parent.parent


def test_committed_models_equal_a_fresh_regeneration(tmp_path: Path) -> None:
    fresh = tmp_path / "generated.py"
    done = subprocess.run(
        [sys.executable, "-m", "models.codegen", "--output", str(fresh)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert fresh.read_text(encoding="utf-8") == codegen.OUTPUT_PATH.read_text(encoding="utf-8")


def test_every_part_of_the_study_schema_is_modelled() -> None:
    spec = codegen.load_spec()
    schemas = spec["components"]["schemas"]
    wanted = codegen.study_closure(schemas)
    for name, schema in wanted.items():
        model = getattr(generated, name, None)
        if "enum" in schema:
            assert model is not None and issubclass(model, OpenStrEnum), name
            assert [member.value for member in model] == schema["enum"], name
        elif schema.get("type") == "object":
            assert model is not None and issubclass(model, RecordModel), name
            aliases = [field.alias or key for key, field in model.model_fields.items()]
            assert aliases == list(schema["properties"]), name
    assert {"Study", "ProtocolSection", "ResultsSection", "AnnotationSection"} <= wanted.keys()
    assert {"DocumentSection", "DerivedSection", "AdverseEventsModule"} <= wanted.keys()
    assert "FieldNode" not in wanted and not hasattr(generated, "FieldNode")


def test_numbers_accept_integers_and_dates_stay_strings() -> None:
    lat = generated.GeoPoint.model_fields["lat"]
    assert generated.GeoPoint.model_validate({"lat": 52, "lon": 13.5}).lat == 52
    assert type(generated.GeoPoint.model_validate({"lat": 52, "lon": 1}).lat) is int
    assert lat.is_required()
    status = generated.StatusModule.model_validate({"studyFirstSubmitDate": "2005-09"})
    assert status.study_first_submit_date == "2005-09"


def test_widen_numbers_rewrites_only_number_schemas() -> None:
    schema = {"properties": {"a": {"type": "number"}, "b": {"type": "integer"}}}
    assert codegen.widen_numbers(schema) == {
        "properties": {
            "a": {"anyOf": [{"type": "integer"}, {"type": "number"}]},
            "b": {"type": "integer"},
        }
    }
