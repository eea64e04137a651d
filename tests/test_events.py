"""Typed events derived from diffs of real records with realistic edits."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from models.event_types import EVENT_TYPES
from tests.conftest import REAL_STUDY_IDS, ROOT, study_record
from warehouse.diff import NATURAL_KEYS, diff_records
from warehouse.events import (
    Event,
    date_shift,
    derive_events,
    describe_event,
    parse_partial_date,
    summarize_events,
)


def _events(old: dict[str, Any], new: dict[str, Any]) -> list[Event]:
    return derive_events(old, new, diff_records(old, new))


def _types(events: list[Event]) -> list[str]:
    return [event.event_type for event in events]


def _protocol(record: dict[str, Any]) -> dict[str, Any]:
    protocol: dict[str, Any] = record["protocolSection"]
    return protocol


@pytest.mark.parametrize("nct_id", REAL_STUDY_IDS)
def test_a_first_version_is_first_seen_only(nct_id: str) -> None:
    record = study_record(nct_id)
    assert derive_events(None, record, []) == [
        Event(
            "first_seen",
            {
                "status": _protocol(record)["statusModule"]["overallStatus"],
                "brief_title": _protocol(record)["identificationModule"]["briefTitle"],
                "has_results": record["hasResults"],
            },
        )
    ]


def test_termination_gives_status_changed_and_why_stopped_set() -> None:
    new = study_record("NCT00184067")
    old = copy.deepcopy(new)
    del _protocol(old)["statusModule"]["whyStopped"]
    _protocol(old)["statusModule"]["overallStatus"] = "RECRUITING"

    assert _events(old, new) == [
        Event("status_changed", {"from": "RECRUITING", "to": "TERMINATED"}),
        Event(
            "why_stopped_set",
            {"from": None, "to": "Primary PI left institution", "status": "TERMINATED"},
        ),
    ]


def test_enrollment_becoming_actual_is_flagged() -> None:
    new = study_record("NCT03934567")
    old = copy.deepcopy(new)
    _protocol(old)["designModule"]["enrollmentInfo"] = {"count": 120, "type": "ESTIMATED"}

    assert _events(old, new) == [
        Event(
            "enrollment_changed",
            {
                "from_count": 120,
                "to_count": 87,
                "delta": -33,
                "from_type": "ESTIMATED",
                "to_type": "ACTUAL",
                "became_actual": True,
            },
        )
    ]


def test_a_completion_date_slip_reports_days_and_direction() -> None:
    old = study_record("NCT03934567")
    new = copy.deepcopy(old)
    completion = {"date": "2026-04", "type": "ESTIMATED"}
    _protocol(new)["statusModule"]["completionDateStruct"] = completion

    assert _events(old, new) == [
        Event(
            "date_shifted",
            {
                "field": "completion",
                "from": "2025-10-30",
                "to": "2026-04",
                "from_type": "ESTIMATED",
                "to_type": "ESTIMATED",
                "days": 182,
                "direction": "later",
                "precision": "month",
            },
        )
    ]


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("2024-06-01", "2024-06-15", (14, "later", "day")),
        ("2024-06", "2024-08-15", (61, "later", "month")),
        ("2024-06", "2024-06-20", (0, "refined", "month")),
        ("2025", "2024-12", (-366, "earlier", "year")),
        (None, "2024-01", (None, "set", None)),
        ("2024-01", None, (None, "cleared", None)),
        ("2024-13", "2024-01", (None, "changed", None)),
    ],
)
def test_date_shift_compares_at_the_coarser_precision(
    before: str | None, after: str | None, expected: tuple[Any, ...]
) -> None:
    shift = date_shift(before, after)
    assert (shift["days"], shift["direction"], shift["precision"]) == expected


def test_partial_dates_parse_to_their_first_day() -> None:
    assert parse_partial_date("2024") is not None
    assert parse_partial_date("2024-02-30") is None
    assert parse_partial_date(None) is None


def test_site_events_are_one_per_site_even_when_sites_are_reordered() -> None:
    old = study_record("NCT03934567")
    sites = _protocol(old)["contactsLocationsModule"]["locations"]
    for site in sites:
        site["status"] = "RECRUITING"
    new = copy.deepcopy(old)
    new_sites = _protocol(new)["contactsLocationsModule"]["locations"]
    new_sites.reverse()
    closed = new_sites[2]
    closed["status"] = "COMPLETED"
    dropped = new_sites.pop(5)
    new_sites.append(
        {
            "facility": "Centre Léon Bérard",
            "city": "Lyon",
            "country": "France",
            "status": "NOT_YET_RECRUITING",
        }
    )

    events = _events(old, new)

    assert _types(events) == ["site_removed", "site_status_changed", "site_added"]
    assert events[0].details == {
        "facility": dropped["facility"],
        "city": dropped["city"],
        "state": dropped.get("state"),
        "country": dropped["country"],
        "status": "RECRUITING",
    }
    assert events[1].details == {
        "facility": closed["facility"],
        "city": closed["city"],
        "state": closed.get("state"),
        "country": closed["country"],
        "from": "RECRUITING",
        "to": "COMPLETED",
    }
    assert events[2].details["facility"] == "Centre Léon Bérard"
    assert events[2].details["status"] == "NOT_YET_RECRUITING"


def test_eligibility_changes_list_fields_and_quote_only_short_ones() -> None:
    old = study_record("NCT05594173")
    new = copy.deepcopy(old)
    eligibility = _protocol(new)["eligibilityModule"]
    eligibility["maximumAge"] = "65 Years"
    eligibility["eligibilityCriteria"] += "\n* Able to swallow"

    assert _events(old, new) == [
        Event(
            "eligibility_changed",
            {
                "fields": ["eligibilityCriteria", "maximumAge"],
                "changes": {"maximumAge": {"from": "60 Years", "to": "65 Years"}},
            },
        )
    ]


def test_arms_and_interventions_added_and_removed() -> None:
    old = study_record("NCT00763412")
    new = copy.deepcopy(old)
    module = _protocol(new)["armsInterventionsModule"]
    removed = module["interventions"].pop(0)
    module["armGroups"].append({"label": "Open-label extension", "type": "EXPERIMENTAL"})

    events = _events(old, new)

    assert events == [
        Event(
            "arm_or_intervention_added",
            {"kind": "arm_group", "label": "Open-label extension", "type": "EXPERIMENTAL"},
        ),
        Event(
            "arm_or_intervention_removed",
            {"kind": "intervention", "type": removed["type"], "name": removed["name"]},
        ),
    ]


def test_outcomes_reworded_versus_replaced() -> None:
    old = study_record("NCT00763412")
    new = copy.deepcopy(old)
    outcomes = _protocol(new)["outcomesModule"]
    primary = outcomes["primaryOutcomes"]
    original_measure = primary[0]["measure"]
    primary[0]["measure"] = original_measure + " (mg/dL)"
    primary[1]["timeFrame"] = "24 months"
    replaced = outcomes["secondaryOutcomes"].pop(0)
    outcomes["secondaryOutcomes"].append(
        {
            "measure": "Number of hospital admissions for pulmonary exacerbation",
            "timeFrame": "1 year",
        }
    )

    events = _events(old, new)

    assert _types(events) == [
        "outcome_reworded",
        "outcome_reworded",
        "outcome_removed",
        "outcome_added",
    ]
    # "BMI" → "BMI (mg/dL)" is too short to be similar text; it counts as reworded because
    # it kept its place, time frame and (absent) description. The secondary outcome that
    # went away while a different one was appended is a replacement.
    assert events[0].details == {
        "kind": "primary",
        "measure": primary[1]["measure"],
        "fields": ["timeFrame"],
        "changes": {
            "timeFrame": {
                "from": old["protocolSection"]["outcomesModule"]["primaryOutcomes"][1]["timeFrame"],
                "to": "24 months",
            }
        },
    }
    assert events[1].details["kind"] == "primary"
    assert events[1].details["changes"] == {
        "measure": {"from": original_measure, "to": original_measure + " (mg/dL)"}
    }
    assert events[2].details == {
        "kind": "secondary",
        "measure": replaced["measure"],
        "timeFrame": replaced["timeFrame"],
    }
    assert events[3].details["kind"] == "secondary"


def test_posting_results_is_one_event() -> None:
    new = study_record("NCT00763412")
    old = copy.deepcopy(new)
    del old["resultsSection"]
    old["hasResults"] = False
    for key in ("resultsFirstSubmitDate", "resultsFirstSubmitQcDate", "resultsFirstPostDateStruct"):
        del _protocol(old)["statusModule"][key]

    assert _events(old, new) == [
        Event(
            "results_posted",
            {
                "results_first_post_date": _protocol(new)["statusModule"][
                    "resultsFirstPostDateStruct"
                ]["date"]
            },
        )
    ]


def test_sponsor_and_collaborator_changes_are_one_event() -> None:
    old = study_record("NCT06171568")
    new = copy.deepcopy(old)
    sponsors = _protocol(new)["sponsorCollaboratorsModule"]
    sponsors["leadSponsor"] = {"name": "Sorbonne Université", "class": "OTHER"}
    gone = sponsors["collaborators"].pop(0)
    sponsors["collaborators"].append({"name": "Fondation de France", "class": "OTHER"})

    assert _events(old, new) == [
        Event(
            "sponsor_or_collaborator_changed",
            {
                "lead_sponsor": {
                    "from": _protocol(old)["sponsorCollaboratorsModule"]["leadSponsor"],
                    "to": {"name": "Sorbonne Université", "class": "OTHER"},
                },
                "collaborators_added": ["Fondation de France"],
                "collaborators_removed": [gone["name"]],
                "collaborators_changed": [],
            },
        )
    ]


def test_bookkeeping_and_reordering_produce_no_event() -> None:
    old = study_record("NCT02552212")
    new = copy.deepcopy(old)
    status = _protocol(new)["statusModule"]
    status["lastUpdatePostDateStruct"] = {"date": "2024-01-05", "type": "ACTUAL"}
    status["lastUpdateSubmitDate"] = "2024-01-03"
    status["statusVerifiedDate"] = "2024-01"
    new["derivedSection"]["miscInfoModule"]["versionHolder"] = "2024-01-05"
    _protocol(new)["contactsLocationsModule"]["locations"].reverse()
    _protocol(new)["outcomesModule"]["secondaryOutcomes"].reverse()

    changes = diff_records(old, new)

    assert len([c for c in changes if c.is_user_facing]) == 4
    assert derive_events(old, new, changes) == []


def test_a_module_appearing_whole_still_yields_element_events() -> None:
    new = study_record("NCT06171568")
    old = copy.deepcopy(new)
    del _protocol(old)["outcomesModule"]

    events = _events(old, new)

    assert _types(events) == ["outcome_added"] * 8
    assert [e.details["kind"] for e in events] == ["primary"] + ["secondary"] * 7


def test_every_event_type_has_a_description() -> None:
    samples: dict[str, dict[str, Any]] = {
        "date_shifted": {
            "field": "primary_completion",
            "from": "2024-01",
            "to": "2024-03",
            "days": 60,
            "direction": "later",
        },
        "site_status_changed": {
            "facility": "A",
            "city": "B",
            "country": "C",
            "from": "X",
            "to": "Y",
        },
    }
    for event_type in EVENT_TYPES:
        text = describe_event(event_type, samples.get(event_type, {}))
        assert text and text != event_type
    assert describe_event("date_shifted", samples["date_shifted"]) == (
        "primary completion date 2024-01 → 2024-03 (60 days later)"
    )
    assert summarize_events([("site_added", {}), ("site_added", {})]) == "2 × site added"


def test_the_docs_describe_every_event_type_and_keyed_list() -> None:
    docs = (ROOT / "docs" / "changes.md").read_text("utf-8")
    assert [event_type for event_type in EVENT_TYPES if f"`{event_type}`" not in docs] == []
    assert [name for name in NATURAL_KEYS if f"`{name}`" not in docs] == []
