"""The diff engine on real registry records: natural keys, sets, paths, exact replay."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from models.json_pointer import escape_token, split_pointer
from tests.conftest import REAL_STUDY_IDS, study_record
from warehouse.diff import (
    Change,
    apply_changes,
    diff_records,
    match_list,
    user_facing,
)

LOCATIONS = "/protocolSection/contactsLocationsModule/locations"


def _paths(changes: list[Change]) -> list[tuple[str, str]]:
    return [(change.op, change.path) for change in changes]


@pytest.mark.parametrize("nct_id", REAL_STUDY_IDS)
def test_an_equal_copy_has_no_changes(nct_id: str) -> None:
    record = study_record(nct_id)
    assert diff_records(record, copy.deepcopy(record)) == []


def test_reordered_sites_are_not_a_user_facing_change_but_replay_exactly() -> None:
    old = study_record("NCT03934567")
    new = copy.deepcopy(old)
    sites = new["protocolSection"]["contactsLocationsModule"]["locations"]
    random.Random(7).shuffle(sites)

    changes = diff_records(old, new)

    assert user_facing(changes) == []
    assert [change.op for change in changes] == ["reordered"]
    assert changes[0].path == LOCATIONS
    assert apply_changes(old, changes) == new
    assert [
        site["facility"]
        for site in apply_changes(old, changes)["protocolSection"]["contactsLocationsModule"][
            "locations"
        ]
    ] == [site["facility"] for site in sites]


def test_a_site_status_change_is_one_change_on_that_site_even_when_sites_move() -> None:
    old = study_record("NCT03934567")
    old_sites = old["protocolSection"]["contactsLocationsModule"]["locations"]
    old_sites[5]["status"] = "RECRUITING"
    new = copy.deepcopy(old)
    new_sites = new["protocolSection"]["contactsLocationsModule"]["locations"]
    moved = new_sites.pop(5)
    moved["status"] = "COMPLETED"
    new_sites.insert(0, moved)

    changes = user_facing(diff_records(old, new))

    assert len(changes) == 1
    (change,) = changes
    assert (change.op, change.path, change.old, change.new) == (
        "changed",
        f"{LOCATIONS}/0/status",
        "RECRUITING",
        "COMPLETED",
    )
    assert change.key == {
        "facility": moved["facility"],
        "city": moved["city"],
        "country": moved["country"],
    }
    assert change.label.endswith(
        f"locations[{moved['facility']} | {moved['city']} | {moved['country']}].status"
    )
    place = "|".join(escape_token(moved[k]) for k in ("facility", "city", "country"))
    assert change.keyed_path == f"{LOCATIONS}[{place}]/status"
    assert change.as_json()["path"] == change.keyed_path
    assert (change.as_json()["pointer"], change.as_json()["position"]) == (change.path, 0)
    assert apply_changes(old, diff_records(old, new)) == new


def test_removed_elements_use_their_old_index_and_added_ones_their_new_index() -> None:
    old = study_record("NCT03934567")
    new = copy.deepcopy(old)
    sites = new["protocolSection"]["contactsLocationsModule"]["locations"]
    dropped = sites.pop(3)
    sites.insert(10, {"facility": "New Site", "city": "Lyon", "country": "France"})

    changes = diff_records(old, new)

    assert _paths(changes) == [("removed", f"{LOCATIONS}/3"), ("added", f"{LOCATIONS}/10")]
    assert changes[0].old == dropped
    assert changes[0].key == {key: dropped[key] for key in ("facility", "city", "country")}
    assert changes[1].new == sites[10]
    assert apply_changes(old, changes) == new


def test_plain_string_lists_compare_as_sets() -> None:
    old = study_record("NCT02513394")
    new = copy.deepcopy(old)
    conditions = new["protocolSection"]["conditionsModule"]
    conditions["keywords"] = list(reversed(conditions["keywords"]))
    conditions["conditions"].append("Early Breast Cancer")

    changes = user_facing(diff_records(old, new))

    last = len(conditions["conditions"]) - 1
    assert _paths(changes) == [("added", f"/protocolSection/conditionsModule/conditions/{last}")]
    assert changes[0].new == "Early Breast Cancer"
    assert apply_changes(old, diff_records(old, new)) == new


def test_duplicate_plain_values_behave_as_a_multiset() -> None:
    old = {"keywords": ["a", "b", "a"]}
    new = {"keywords": ["a", "b"]}
    changes = diff_records(old, new)
    assert _paths(changes) == [("removed", "/keywords/2")]
    assert apply_changes(old, changes) == new


def test_references_are_keyed_by_pmid_and_else_by_citation() -> None:
    old = study_record("NCT02513394")
    refs = old["protocolSection"]["referencesModule"]["references"]
    assert any("pmid" in ref for ref in refs)
    refs.append({"type": "BACKGROUND", "citation": "Doe J. A study without a PMID. 2020."})
    new = copy.deepcopy(old)
    new_refs = new["protocolSection"]["referencesModule"]["references"]
    new_refs.reverse()
    with_pmid = next(i for i, ref in enumerate(new_refs) if "pmid" in ref)
    new_refs[with_pmid]["type"] = "RESULT"

    changes = user_facing(diff_records(old, new))

    expected_path = f"/protocolSection/referencesModule/references/{with_pmid}/type"
    assert _paths(changes) == [("changed", expected_path)]
    assert changes[0].key == {"pmid": new_refs[with_pmid]["pmid"]}
    assert apply_changes(old, diff_records(old, new)) == new


def test_an_intervention_description_edit_is_one_change_keyed_by_type_and_name() -> None:
    old = study_record("NCT00763412")
    new = copy.deepcopy(old)
    interventions = new["protocolSection"]["armsInterventionsModule"]["interventions"]
    interventions.reverse()
    interventions[0]["description"] += " Updated."

    changes = user_facing(diff_records(old, new))

    assert _paths(changes) == [
        ("changed", "/protocolSection/armsInterventionsModule/interventions/0/description")
    ]
    assert changes[0].key == {"type": interventions[0]["type"], "name": interventions[0]["name"]}
    assert apply_changes(old, diff_records(old, new)) == new


def test_results_lists_are_matched_by_their_ids() -> None:
    old = study_record("NCT02513394")
    new = copy.deepcopy(old)
    events = new["resultsSection"]["adverseEventsModule"]["otherEvents"]
    target = events[len(events) // 2]
    target["stats"].reverse()
    target["stats"][0]["numAffected"] += 1

    changes = user_facing(diff_records(old, new))

    index = len(events) // 2
    assert _paths(changes) == [
        ("changed", f"/resultsSection/adverseEventsModule/otherEvents/{index}/stats/0/numAffected")
    ]
    assert changes[0].key == {"groupId": target["stats"][0]["groupId"]}
    assert apply_changes(old, diff_records(old, new)) == new


def test_an_edited_element_of_an_unkeyed_list_is_a_change_inside_it() -> None:
    old = {"items": [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}, {"a": 3, "b": "z"}]}
    new = {"items": [{"a": 3, "b": "z"}, {"a": 1, "b": "x"}, {"a": 2, "b": "Y"}]}
    changes = diff_records(old, new)
    assert _paths(user_facing(changes)) == [("changed", "/items/2/b")]
    assert apply_changes(old, changes) == new


def test_duplicate_natural_keys_pair_in_order() -> None:
    site = {"facility": "Clinic", "city": "Oslo", "country": "Norway"}
    old = {"locations": [{**site, "zip": "1"}, {**site, "zip": "2"}]}
    new = {"locations": [{**site, "zip": "1"}, {**site, "zip": "3"}, {**site, "zip": "4"}]}
    changes = diff_records(old, new)
    assert _paths(changes) == [("changed", "/locations/1/zip"), ("added", "/locations/2")]
    assert apply_changes(old, changes) == new


def test_keys_with_slashes_are_escaped_in_pointers() -> None:
    old: dict[str, Any] = {"a/b": {"c~d": 1}}
    new: dict[str, Any] = {"a/b": {"c~d": 2}}
    (change,) = diff_records(old, new)
    assert change.path == "/a~1b/c~0d"
    assert split_pointer(change.path) == ["a/b", "c~d"]
    assert apply_changes(old, [change]) == new


def test_absent_and_null_are_told_apart_by_the_op() -> None:
    old: dict[str, Any] = {"x": None}
    new: dict[str, Any] = {"x": 1, "y": None}
    changes = diff_records(old, new)
    assert [(c.op, c.path, c.old, c.new) for c in changes] == [
        ("changed", "/x", None, 1),
        ("added", "/y", None, None),
    ]
    assert apply_changes(old, changes) == new


def test_a_type_change_replaces_the_value() -> None:
    old: dict[str, Any] = {"v": {"a": 1}, "w": [1], "n": 1}
    new: dict[str, Any] = {"v": ["a"], "w": "1", "n": True}
    changes = diff_records(old, new)
    assert _paths(changes) == [("changed", "/v"), ("changed", "/w"), ("changed", "/n")]
    assert apply_changes(old, changes) == new


def test_apply_changes_leaves_its_input_untouched() -> None:
    old = study_record("NCT00184067")
    snapshot = copy.deepcopy(old)
    new = copy.deepcopy(old)
    new["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"
    del new["protocolSection"]["statusModule"]["whyStopped"]
    apply_changes(old, diff_records(old, new))
    assert old == snapshot


def test_apply_refuses_changes_that_do_not_fit() -> None:
    old = {"items": [1, 2]}
    with pytest.raises(ValueError, match="/items"):
        apply_changes(old, [Change("/items/5", "removed", 9, None)])


def test_match_list_reports_pairs_removals_and_additions() -> None:
    old = [{"label": "A"}, {"label": "B"}, {"label": "C"}]
    new = [{"label": "C"}, {"label": "D"}, {"label": "A"}]
    match = match_list(old, new, "armGroups")
    assert match.pairs == [(2, 0), (0, 2)]
    assert match.removed == [1]
    assert match.added == [1]
