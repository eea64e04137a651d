"""Declarative timeline edits: each operation, key order, errors, and no mutation of the input."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from imitation.edits import EditError, apply_edits, parse_pointer


@pytest.fixture
def record() -> dict[str, Any]:
    return {
        "protocolSection": {
            "statusModule": {"overallStatus": "RECRUITING", "resultsFirstSubmitDate": "2020-01-02"},
            "contactsLocationsModule": {
                "locations": [{"facility": "A", "city": "X"}, {"facility": "B", "city": "Y"}]
            },
            "eligibilityModule": {"eligibilityCriteria": "* age 18 to 75"},
        },
        "resultsSection": {"moreInfoModule": {}},
        "documentSection": {"largeDocumentModule": {}},
        "derivedSection": {},
        "hasResults": True,
    }


def test_pointer_tokens_are_unescaped() -> None:
    assert parse_pointer("/a~1b/c~0d/0") == ["a/b", "c~d", "0"]
    assert parse_pointer("") == []


def test_set_adds_a_key_after_its_anchor(record: dict[str, Any]) -> None:
    result = apply_edits(
        record,
        [
            {
                "op": "set",
                "path": "/protocolSection/statusModule/whyStopped",
                "value": "funding",
                "after": "overallStatus",
            }
        ],
    )
    assert list(result["protocolSection"]["statusModule"]) == [
        "overallStatus",
        "whyStopped",
        "resultsFirstSubmitDate",
    ]


def test_edits_never_touch_their_input_and_share_untouched_parts(record: dict[str, Any]) -> None:
    before = copy.deepcopy(record)
    result = apply_edits(
        record,
        [
            {
                "op": "set",
                "path": "/protocolSection/statusModule/overallStatus",
                "value": "COMPLETED",
            }
        ],
    )
    assert record == before
    assert result["protocolSection"]["statusModule"]["overallStatus"] == "COMPLETED"
    assert result["resultsSection"] is record["resultsSection"]


def test_remove_where_insert_and_replace_text(record: dict[str, Any]) -> None:
    locations = "/protocolSection/contactsLocationsModule/locations"
    result = apply_edits(
        record,
        [
            {"op": "remove", "path": locations, "where": {"facility": "A"}},
            {"op": "insert", "path": locations + "/0", "value": {"facility": "C", "city": "Z"}},
            {"op": "insert", "path": locations + "/-", "value": {"facility": "D", "city": "W"}},
            {
                "op": "replace_text",
                "path": "/protocolSection/eligibilityModule/eligibilityCriteria",
                "old": "75",
                "new": "70",
            },
        ],
    )
    facilities = [
        loc["facility"] for loc in result["protocolSection"]["contactsLocationsModule"]["locations"]
    ]
    assert facilities == ["C", "B", "D"]
    assert result["protocolSection"]["eligibilityModule"]["eligibilityCriteria"] == "* age 18 to 70"


def test_rename_keeps_the_position(record: dict[str, Any]) -> None:
    result = apply_edits(
        record, [{"op": "rename", "path": "/protocolSection/statusModule/overallStatus", "to": "x"}]
    )
    assert list(result["protocolSection"]["statusModule"]) == ["x", "resultsFirstSubmitDate"]


def test_remove_results_restores_the_pre_results_record(record: dict[str, Any]) -> None:
    result = apply_edits(record, [{"op": "remove_results"}])
    assert "resultsSection" not in result and "documentSection" not in result
    assert result["hasResults"] is False
    assert result["protocolSection"]["statusModule"] == {"overallStatus": "RECRUITING"}
    assert list(result) == ["protocolSection", "derivedSection", "hasResults"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"op": "set", "path": "/protocolSection/nope/x", "value": 1}, "key 'nope' not found"),
        ({"op": "remove", "path": "/protocolSection/statusModule/whyStopped"}, "nothing to remove"),
        (
            {
                "op": "remove",
                "path": "/protocolSection/contactsLocationsModule/locations",
                "where": {"facility": "Q"},
            },
            "0 items match",
        ),
        (
            {
                "op": "replace_text",
                "path": "/protocolSection/eligibilityModule/eligibilityCriteria",
                "old": "9",
                "new": "8",
            },
            "occurs 0 times",
        ),
        (
            {
                "op": "insert",
                "path": "/protocolSection/contactsLocationsModule/locations/9",
                "value": 1,
            },
            "out of range",
        ),
        ({"op": "explode", "path": "/hasResults"}, "unknown op"),
    ],
)
def test_bad_edits_name_the_pointer(
    record: dict[str, Any], edit: dict[str, Any], message: str
) -> None:
    with pytest.raises(EditError, match=message):
        apply_edits(record, [edit])
