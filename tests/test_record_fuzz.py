"""Records drawn from the spec's own schema, and mutations of real records, never crash the
models, hashing, the diff, normalization or the planner.

"Never crash" means: validation fails only with :class:`StudyValidationError` (kept as
findings on the version), every record with an NCT ID is planned as a version, hashing is
stable across a JSON round trip, the diff applied to the old record gives the new one, and
normalization builds rows without error.

The schema strategy walks ``Study.model_json_schema()`` (resolving ``$defs``), choosing a
random subset of each object's properties, short lists, enum members, and strings matching
the spec's patterns, so every record is one the spec allows; mutations then break it the
ways the registry has (unknown fields and enum values, wrong types, missing keys).
"""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from functools import cache
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.errors import StudyValidationError
from models.generated import Study
from models.hashing import canonical_json, content_hash
from models.payload import Batch, RawStudy
from models.study import parse_study_json
from tests.conftest import REAL_STUDY_IDS, study_record
from warehouse.diff import apply_changes, diff_records
from warehouse.plan import HeldVersion, StudyState, plan_batch
from warehouse.scratch import ScratchNormalizer

NCT = "NCT01234567"
WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
MAX_DEPTH = 7
SMALL_STUDIES = [nct for nct in REAL_STUDY_IDS if nct != "NCT02513394"]
SCALARS = st.one_of(
    st.text(max_size=20),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
)
EXAMPLES = 150


@cache
def _schema() -> dict[str, Any]:
    return Study.model_json_schema(by_alias=True)


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = _schema()["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    for key in ("anyOf", "oneOf"):
        if key in node:
            options = [o for o in node[key] if o.get("type") != "null"]
            return _resolve(options[0]) if len(options) == 1 else node
    return node


def _from(node: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
    node = _resolve(node)
    if "anyOf" in node or "oneOf" in node:
        return st.one_of([_from(o, depth) for o in node.get("anyOf", node.get("oneOf", []))])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        if depth >= MAX_DEPTH:
            return st.just({})
        properties = node.get("properties", {})
        required = set(node.get("required", []))
        parts = {k: st.deferred(lambda v=v: _from(v, depth + 1)) for k, v in properties.items()}
        return st.fixed_dictionaries(
            {k: v for k, v in parts.items() if k in required},
            optional={k: v for k, v in parts.items() if k not in required},
        )
    if kind == "array":
        if depth >= MAX_DEPTH:
            return st.just([])
        return st.lists(_from(node.get("items", {}), depth + 1), max_size=2)
    if kind == "string":
        if "pattern" in node:
            return st.from_regex(node["pattern"], fullmatch=True)
        low = node.get("minLength", 0)
        return st.text(min_size=low, max_size=node.get("maxLength", max(low, 30)))
    if kind == "integer":
        return st.integers(node.get("minimum", 0), node.get("maximum", 10_000))
    if kind == "number":
        return st.floats(node.get("minimum", 0), node.get("maximum", 1e6), allow_nan=False)
    if kind == "boolean":
        return st.booleans()
    return SCALARS


def _with_nct(record: dict[str, Any]) -> dict[str, Any]:
    protocol = record.setdefault("protocolSection", {})
    if not isinstance(protocol, dict):
        protocol = record["protocolSection"] = {}
    identification = protocol.setdefault("identificationModule", {})
    if not isinstance(identification, dict):
        identification = protocol["identificationModule"] = {}
    identification["nctId"] = NCT
    return record


SPEC_RECORDS = _from(_schema(), 0).map(_with_nct)


def _containers(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = []
    if isinstance(value, dict):
        found.append(path)
        for key, child in value.items():
            found.extend(_containers(child, (*path, key)))
    elif isinstance(value, list):
        found.append(path)
        for index, child in enumerate(value):
            found.extend(_containers(child, (*path, index)))
    return found


@st.composite
def mutated_records(draw: st.DrawFn) -> dict[str, Any]:
    """A real record (or a spec one) with one to four edits anywhere in it."""
    base = draw(st.one_of(st.sampled_from(SMALL_STUDIES).map(study_record), SPEC_RECORDS))
    record = json.loads(json.dumps(base))
    for _ in range(draw(st.integers(1, 4))):
        targets = _containers(record)
        path = draw(st.sampled_from(targets))
        node: Any = record
        for step in path:
            node = node[step]
        edit = draw(st.sampled_from(["unknown_field", "retype", "delete", "odd_enum", "grow"]))
        if isinstance(node, dict):
            keys = sorted(node)
            if edit == "unknown_field" or not keys:
                node[draw(st.text(min_size=1, max_size=12))] = draw(SCALARS)
            elif edit == "delete" and path:
                del node[draw(st.sampled_from(keys))]
            elif edit == "odd_enum":
                node[draw(st.sampled_from(keys))] = draw(st.sampled_from(["PHASE5", "UNKNOWN_X"]))
            elif edit == "grow":
                node[draw(st.sampled_from(keys))] = [draw(SCALARS), {"nested": draw(SCALARS)}]
            else:
                node[draw(st.sampled_from(keys))] = draw(SCALARS)
        elif isinstance(node, list):
            if node and edit in ("delete", "retype"):
                index = draw(st.integers(0, len(node) - 1))
                node[index] = draw(SCALARS) if edit == "retype" else node[index]
                if edit == "delete":
                    del node[index]
            else:
                node.append(draw(SCALARS) if edit == "retype" else (node[0] if node else {}))
    if draw(st.booleans()):
        record = _with_nct(record) if isinstance(record.get("protocolSection"), dict) else record
    return record


@cache
def _normalizer() -> ScratchNormalizer:
    return ScratchNormalizer()


def _state(base: dict[str, Any]) -> StudyState:
    """A study whose current version is ``base``."""
    held = HeldVersion(
        version=1,
        content_hash=content_hash(base),
        payload_hash=None,
        registry_version=None,
        registry_date=None,
        observed_at=WHEN,
        valid_from=WHEN,
        markup="markdown",
    )
    return StudyState(NCT, versions=[held], records={1: (base, "markdown")}, complete=False)


def _exercise(record: dict[str, Any], base: dict[str, Any]) -> None:
    text = json.dumps(record, ensure_ascii=False)
    with contextlib.suppress(StudyValidationError):  # kept as findings on the version
        parse_study_json(text)
    assert content_hash(json.loads(text)) == content_hash(record)
    assert canonical_json(record) == canonical_json(json.loads(text))
    assert apply_changes(base, diff_records(base, record)) == record
    nct = _nct_of(record)
    if nct is None:
        return
    _normalizer().rows([(nct, 1, text)])
    state = _state({**base, "protocolSection": {"identificationModule": {"nctId": nct}}})
    for states in ({}, {nct: state}):
        plan = plan_batch(
            Batch(studies=[RawStudy(nct, None, text)], requested=1),
            states,
            run_id="fuzz",
            when=WHEN,
            normalizer=_normalizer(),
        )
        assert plan.rejections == [], plan.rejections
        assert len(plan.results) == 1


def _nct_of(record: dict[str, Any]) -> str | None:
    try:
        value = record["protocolSection"]["identificationModule"]["nctId"]
    except (KeyError, TypeError):
        return None
    return NCT if value == NCT else None


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(record=SPEC_RECORDS)
def test_records_the_spec_allows_are_valid_and_go_everywhere(record: dict[str, Any]) -> None:
    parsed = parse_study_json(json.dumps(record))
    assert parsed.drift == [], parsed.drift
    _exercise(record, study_record(SMALL_STUDIES[0]))


@FUZZ
@given(record=mutated_records(), base=st.sampled_from(SMALL_STUDIES).map(study_record))
def test_mutated_records_never_crash_anything(record: dict[str, Any], base: dict[str, Any]) -> None:
    _exercise(record, base)
