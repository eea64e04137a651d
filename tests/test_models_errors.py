"""Records that do not fit the model raise StudyValidationError: one line, NCT ID and path."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable, Iterator
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from models import StudyValidationError, parse_study, parse_study_json
from models.errors import interrupted
from tests.conftest import study_record, study_text

NCT_ID = "NCT00184067"

Mutation = Callable[[dict[str, Any]], object]


@pytest.fixture
def sample_record() -> dict[str, Any]:
    return study_record(NCT_ID)


def rejection(record: Any) -> StudyValidationError:
    with pytest.raises(StudyValidationError) as caught:
        parse_study(record)
    message = str(caught.value)
    assert "\n" not in message
    assert "python -m models.codegen" in message or "fetch the study again" in message
    return caught.value


@pytest.mark.parametrize(
    ("mutate", "path", "reason"),
    [
        (
            lambda r: r["protocolSection"]["designModule"]["enrollmentInfo"].update(count="23a"),
            "/protocolSection/designModule/enrollmentInfo/count",
            "valid integer",
        ),
        (
            lambda r: r["protocolSection"]["designModule"]["enrollmentInfo"].update(count="23"),
            "/protocolSection/designModule/enrollmentInfo/count",
            "valid integer",
        ),
        (
            lambda r: r["protocolSection"].update(statusModule="COMPLETED"),
            "/protocolSection/statusModule",
            "valid dictionary",
        ),
        (
            lambda r: r["protocolSection"]["designModule"].update(phases="PHASE2"),
            "/protocolSection/designModule/phases",
            "valid list",
        ),
        (
            lambda r: r.update(hasResults="false"),
            "/hasResults",
            "valid boolean",
        ),
        (
            lambda r: r["protocolSection"]["contactsLocationsModule"]["locations"][0].update(
                geoPoint={"lat": "north", "lon": 1.5}
            ),
            "/protocolSection/contactsLocationsModule/locations/0/geoPoint/lat",
            "valid number",
        ),
        (
            lambda r: r["protocolSection"]["contactsLocationsModule"]["locations"][0].update(
                geoPoint={"lon": 1.5}
            ),
            "/protocolSection/contactsLocationsModule/locations/0/geoPoint/lat",
            "Field required",
        ),
        (
            lambda r: r["protocolSection"]["eligibilityModule"].update(minimumAge="18 yrs"),
            "/protocolSection/eligibilityModule/minimumAge",
            "should match pattern",
        ),
    ],
    ids=[
        "count-not-numeric",
        "count-as-string",
        "module-as-string",
        "list-as-string",
        "bool-as-string",
        "number-as-string",
        "required-missing",
        "pattern",
    ],
)
def test_wrong_values_are_rejected_naming_study_and_path(
    sample_record: dict[str, Any], mutate: Mutation, path: str, reason: str
) -> None:
    mutate(sample_record)
    error = rejection(sample_record)
    assert error.nct_id == NCT_ID
    assert str(error).startswith(f"study {NCT_ID} does not fit the study model: {path}: ")
    assert reason in str(error)
    assert error.errors[0]["path"] == path
    assert {"type", "msg", "loc"} <= error.errors[0].keys()


def test_every_offending_path_is_kept_but_the_message_stays_short(
    sample_record: dict[str, Any],
) -> None:
    sample_record["protocolSection"]["conditionsModule"]["conditions"] = [1, 2, 3, 4, 5]
    error = rejection(sample_record)
    paths = [f"/protocolSection/conditionsModule/conditions/{index}" for index in range(5)]
    assert [item["path"] for item in error.errors] == paths
    assert all(path in str(error) for path in paths[:3])
    assert paths[3] not in str(error)
    assert str(error).count("valid string") == 3 and "(and 2 more)" in str(error)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda r: r["protocolSection"]["identificationModule"].pop("nctId"),
        lambda r: r["protocolSection"].pop("identificationModule"),
        lambda r: r.pop("protocolSection"),
    ],
    ids=["no-nctId", "no-identificationModule", "no-protocolSection"],
)
def test_a_record_without_nct_id_is_rejected(
    sample_record: dict[str, Any], mutate: Mutation
) -> None:
    mutate(sample_record)
    error = rejection(sample_record)
    assert error.nct_id is None
    assert str(error).startswith(
        "study record (no NCT ID found) does not fit the study model: "
        "/protocolSection/identificationModule/nctId: Field required"
    )


def test_a_malformed_nct_id_is_rejected(sample_record: dict[str, Any]) -> None:
    sample_record["protocolSection"]["identificationModule"]["nctId"] = "NCT0018406X"
    error = rejection(sample_record)
    assert error.nct_id == "NCT0018406X"
    assert "/protocolSection/identificationModule/nctId: 'NCT0018406X' is not an NCT ID" in str(
        error
    )


def test_a_lowercase_nct_id_is_normalised_but_kept_as_written(
    sample_record: dict[str, Any],
) -> None:
    sample_record["protocolSection"]["identificationModule"]["nctId"] = NCT_ID.lower()
    parsed = parse_study(sample_record)
    assert parsed.nct_id == NCT_ID
    identification = parsed.study.protocol_section.identification_module  # type: ignore[union-attr]
    assert identification is not None and identification.nct_id == NCT_ID.lower()


def test_a_payload_that_is_not_an_object_is_rejected() -> None:
    error = rejection([{"protocolSection": {}}])
    assert error.nct_id is None
    assert "/: Input should be a valid dictionary" in str(error)


def test_invalid_json_is_rejected_naming_the_study_it_mentions() -> None:
    truncated = study_text(NCT_ID)[:2000]
    with pytest.raises(StudyValidationError) as caught:
        parse_study_json(truncated)
    assert caught.value.nct_id == NCT_ID
    assert str(caught.value).startswith(f"study {NCT_ID}: payload is not valid JSON (")
    assert caught.value.errors[0]["type"] == "json_invalid"
    assert "\n" not in str(caught.value)


def test_raw_payload_errors_match_decoded_record_errors(sample_record: dict[str, Any]) -> None:
    sample_record["protocolSection"]["designModule"]["enrollmentInfo"]["count"] = 23.5
    from_dict = rejection(sample_record)
    with pytest.raises(StudyValidationError) as caught:
        parse_study_json(json.dumps(sample_record).encode())
    assert str(caught.value) == str(from_dict)
    assert caught.value.errors[0]["path"] == "/protocolSection/designModule/enrollmentInfo/count"


def test_it_is_a_value_error() -> None:
    assert issubclass(StudyValidationError, ValueError)


def _read_and_stop(stop: Callable[[duckdb.DuckDBPyConnection], None]) -> BaseException:
    """What a DuckDB statement raises when ``stop`` is called while it reads a Python stream
    (at its fourth batch: inside the statement, with no clock involved)."""
    con = duckdb.connect()
    schema = pa.schema([("i", pa.int64())])

    def batches() -> Iterator[pa.RecordBatch]:
        for n in range(50):
            if n == 3:
                stop(con)
            yield pa.record_batch([pa.array(range(n * 1000, (n + 1) * 1000))], schema=schema)

    con.register("stream", pa.RecordBatchReader.from_batches(schema, batches()))
    try:
        with pytest.raises(BaseException) as caught:
            con.execute("SELECT sum(i) FROM stream").fetchall()
    finally:
        con.close()
    return caught.value


def test_a_duckdb_statement_stopped_by_ctrl_c_is_an_interrupt() -> None:
    """DuckDB raises its own errors for a statement Ctrl-C stopped (``RuntimeError('Query
    interrupted')``, or its error wrapping the ``KeyboardInterrupt`` raised in the stream,
    depending on which of them sees the signal first), with no ``KeyboardInterrupt`` after:
    a command must still read them as Ctrl-C."""
    ctrl_c = _read_and_stop(lambda con: os.kill(os.getpid(), signal.SIGINT))
    assert not isinstance(ctrl_c, KeyboardInterrupt), "DuckDB took the signal"
    assert interrupted(ctrl_c)
    assert interrupted(_read_and_stop(lambda con: con.interrupt()))
    assert interrupted(KeyboardInterrupt())
    assert interrupted(RuntimeError("Query interrupted"))
    assert not interrupted(RuntimeError("Query failed"))
    assert not interrupted(ValueError("Query interrupted"))
    assert not interrupted(duckdb.InvalidInputException("a KeyboardInterrupt in the data"))
