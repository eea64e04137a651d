"""The recorded timelines: versions, bookkeeping, visibility, and that each version's edits
produce exactly its expected change events (checked by an independent reference diff)."""

from __future__ import annotations

import itertools
import json
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from imitation import EVENT_KINDS, Catalog, TimelineError, UnknownStudyError
from imitation.catalog import STUDIES_DIR, TIMELINE_DIR
from tests.conftest import NEAR_MISS_IDS, REAL_STUDY_IDS

REAL_RECORDS = tuple(REAL_STUDY_IDS)
SEEDS = ("NCT04010877", "NCT06690827", "NCT06835140")
NEAR_MISSES = tuple(NEAR_MISS_IDS)

BOOKKEEPING_PATHS = (
    "protocolSection.statusModule.lastUpdatePostDateStruct",
    "protocolSection.statusModule.lastUpdateSubmitDate",
    "protocolSection.statusModule.statusVerifiedDate",
    "derivedSection.miscInfoModule.versionHolder",
)
UNTYPED_PATHS = ("protocolSection.identificationModule.nctIdAliases",)
"""Changes that are field changes but no typed event (a duplicate merged in as an alias)."""
EVENT_PATHS: dict[str, tuple[str, ...]] = {
    "status_changed": (
        "protocolSection.statusModule.overallStatus",
        "protocolSection.statusModule.lastKnownStatus",
    ),
    "why_stopped_set": ("protocolSection.statusModule.whyStopped",),
    "enrollment_changed": ("protocolSection.designModule.enrollmentInfo",),
    "date_shifted": tuple(
        f"protocolSection.statusModule.{name}DateStruct"
        for name in ("start", "primaryCompletion", "completion")
    ),
    "site_added": ("protocolSection.contactsLocationsModule.locations",),
    "site_removed": ("protocolSection.contactsLocationsModule.locations",),
    "site_status_changed": ("protocolSection.contactsLocationsModule.locations",),
    "eligibility_changed": ("protocolSection.eligibilityModule",),
    "arm_or_intervention_added": ("protocolSection.armsInterventionsModule",),
    "arm_or_intervention_removed": ("protocolSection.armsInterventionsModule",),
    "outcome_added": ("protocolSection.outcomesModule",),
    "outcome_removed": ("protocolSection.outcomesModule",),
    "outcome_reworded": ("protocolSection.outcomesModule",),
    "results_posted": (
        "resultsSection",
        "documentSection",
        "hasResults",
        "protocolSection.statusModule.resultsFirst",
    ),
    "sponsor_or_collaborator_changed": (
        "protocolSection.sponsorCollaboratorsModule.leadSponsor",
        "protocolSection.sponsorCollaboratorsModule.collaborators",
    ),
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load_default()


def _get(record: dict[str, Any], dotted: str) -> Any:
    node: Any = record
    for key in dotted.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _changed_paths(before: Any, after: Any, prefix: str = "") -> list[str]:
    if isinstance(before, dict) and isinstance(after, dict):
        paths: list[str] = []
        for key in dict.fromkeys([*before, *after]):
            child = f"{prefix}.{key}" if prefix else key
            paths += _changed_paths(before.get(key), after.get(key), child)
        return paths
    return [] if before == after else [prefix]


def _by_key(items: list[dict[str, Any]] | None, *keys: str) -> dict[tuple[Any, ...], Any]:
    return {tuple(item.get(k) for k in keys): item for item in items or []}


def reference_events(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    """An independent, deliberately plain derivation of the event kinds between two versions."""
    events: set[str] = set()
    status = "protocolSection.statusModule."
    if _get(before, status + "overallStatus") != _get(after, status + "overallStatus"):
        events.add("status_changed")
    why = _get(after, status + "whyStopped")
    if why and why != _get(before, status + "whyStopped"):
        events.add("why_stopped_set")
    if _get(before, "protocolSection.designModule.enrollmentInfo") != _get(
        after, "protocolSection.designModule.enrollmentInfo"
    ):
        events.add("enrollment_changed")
    if any(_get(before, path) != _get(after, path) for path in EVENT_PATHS["date_shifted"]):
        events.add("date_shifted")
    locations = "protocolSection.contactsLocationsModule.locations"
    sites_before = _by_key(_get(before, locations), "facility", "city", "country")
    sites_after = _by_key(_get(after, locations), "facility", "city", "country")
    if sites_after.keys() - sites_before.keys():
        events.add("site_added")
    if sites_before.keys() - sites_after.keys():
        events.add("site_removed")
    if any(
        sites_before[k].get("status") != sites_after[k].get("status")
        for k in sites_before.keys() & sites_after.keys()
    ):
        events.add("site_status_changed")
    if _get(before, "protocolSection.eligibilityModule") != _get(
        after, "protocolSection.eligibilityModule"
    ):
        events.add("eligibility_changed")
    arms = "protocolSection.armsInterventionsModule."
    for kind, key in (("armGroups", "label"), ("interventions", "name")):
        names_before = set(_by_key(_get(before, arms + kind), key))
        names_after = set(_by_key(_get(after, arms + kind), key))
        if names_after - names_before:
            events.add("arm_or_intervention_added")
        if names_before - names_after:
            events.add("arm_or_intervention_removed")
    for kind in ("primaryOutcomes", "secondaryOutcomes", "otherOutcomes"):
        events |= _outcome_events(
            _get(before, f"protocolSection.outcomesModule.{kind}") or [],
            _get(after, f"protocolSection.outcomesModule.{kind}") or [],
        )
    if "resultsSection" in after and "resultsSection" not in before:
        events.add("results_posted")
    if any(
        _get(before, path) != _get(after, path)
        for path in EVENT_PATHS["sponsor_or_collaborator_changed"]
    ):
        events.add("sponsor_or_collaborator_changed")
    return events


def _outcome_events(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> set[str]:
    """Outcomes are identified by their measure. A measure that disappears while another
    appears at the same list position with the same time frame is a rewording."""
    events: set[str] = set()
    old_by_measure = {o["measure"]: o for o in old}
    new_by_measure = {o["measure"]: o for o in new}
    if any(
        old_by_measure[m] != new_by_measure[m]
        for m in old_by_measure.keys() & new_by_measure.keys()
    ):
        events.add("outcome_reworded")
    removed = {i: o for i, o in enumerate(old) if o["measure"] not in new_by_measure}
    added = {i: o for i, o in enumerate(new) if o["measure"] not in old_by_measure}
    for position in list(removed):
        if position in added and added[position].get("timeFrame") == removed[position].get(
            "timeFrame"
        ):
            events.add("outcome_reworded")
            del added[position], removed[position]
    if added:
        events.add("outcome_added")
    if removed:
        events.add("outcome_removed")
    return events


def _explained(path: str, events: set[str]) -> bool:
    event_paths = tuple(p for e in events for p in EVENT_PATHS.get(e, ()))
    allowed = BOOKKEEPING_PATHS + UNTYPED_PATHS + event_paths
    return any(path.startswith(p) for p in allowed)


def test_catalog_holds_the_real_records_and_the_seeds(catalog: Catalog) -> None:
    assert catalog.nct_ids() == sorted(REAL_RECORDS + SEEDS + NEAR_MISSES)


@pytest.mark.parametrize("nct_id", REAL_RECORDS + SEEDS)
def test_base_record_is_one_version_unmodified_at_its_last_update(
    catalog: Catalog, nct_id: str
) -> None:
    base = json.loads((STUDIES_DIR / f"{nct_id}.json").read_text(encoding="utf-8"))
    posted = date.fromisoformat(
        base["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"]
    )
    matching = [v for v in catalog.versions(nct_id) if v.record == base]
    assert [v.date for v in matching] == [posted]
    assert catalog.record_as_of(nct_id, posted) == base


@pytest.mark.parametrize("nct_id", REAL_RECORDS + SEEDS)
def test_versions_are_contiguous_weekday_dated_and_bookkept(catalog: Catalog, nct_id: str) -> None:
    versions = catalog.versions(nct_id)
    assert [v.index for v in versions] == list(range(len(versions)))
    assert [v.date for v in versions] == sorted({v.date for v in versions})
    assert all(v.date.weekday() < 5 for v in versions)
    for version in versions:
        status = version.record["protocolSection"]["statusModule"]
        assert status["lastUpdatePostDateStruct"]["date"] == version.date.isoformat()
        if "statusVerifiedDate" in status:
            assert status["statusVerifiedDate"] <= version.date.isoformat()[:7]
    assert versions[0].module_labels == []
    assert versions[0].expected_events == ["first_seen"]


@pytest.mark.parametrize("nct_id", REAL_RECORDS + SEEDS)
def test_each_version_produces_exactly_its_expected_events(catalog: Catalog, nct_id: str) -> None:
    versions = catalog.versions(nct_id)
    for previous, current in itertools.pairwise(versions):
        expected = set(current.expected_events)
        assert reference_events(previous.record, current.record) == expected, current.date
        unexplained = [
            path
            for path in _changed_paths(previous.record, current.record)
            if not _explained(path, expected)
        ]
        assert unexplained == [], f"{nct_id} v{current.index}: {unexplained}"
        assert "Study Status" in current.module_labels


def test_every_event_kind_is_exercised_somewhere(catalog: Catalog) -> None:
    seen = {
        event
        for nct_id in catalog.nct_ids()
        for change in catalog.expected_changes(nct_id)
        for event in change.events
    }
    assert seen == set(EVENT_KINDS)


def test_richest_seed_changes_within_the_demo_window(catalog: Catalog) -> None:
    versions = catalog.versions("NCT06690827")
    assert versions[0].date == date(2024, 11, 15)
    assert len(versions) >= 8
    statuses = [v.record["protocolSection"]["statusModule"]["overallStatus"] for v in versions]
    assert statuses[0] == "RECRUITING" and statuses[-1] == "ACTIVE_NOT_RECRUITING"
    demo_days = catalog.change_dates(since=date(2024, 11, 15), until=versions[-1].date)
    assert {v.date for v in versions} <= set(demo_days)


def test_record_as_of_follows_the_timeline(catalog: Catalog) -> None:
    versions = catalog.versions("NCT06690827")
    assert catalog.record_as_of("NCT06690827", versions[0].date - timedelta(days=1)) is None
    for version, following in itertools.pairwise(versions):
        assert catalog.record_as_of("NCT06690827", version.date) == version.record
        assert catalog.record_as_of("NCT06690827", following.date - timedelta(days=1)) == (
            version.record
        )


def test_a_study_disappears_and_comes_back(catalog: Catalog) -> None:
    absences = catalog.absences("NCT00184067")
    assert [(a.start, a.end) for a in absences] == [(date(2024, 12, 16), date(2025, 1, 13))]
    before = catalog.record_as_of("NCT00184067", date(2024, 12, 13))
    assert before is not None
    assert catalog.record_as_of("NCT00184067", date(2024, 12, 16)) is None
    assert catalog.record_as_of("NCT00184067", date(2025, 1, 13)) == before
    events = {c.date: (c.version, c.events) for c in catalog.expected_changes("NCT00184067")}
    assert events[date(2024, 12, 16)] == (None, ["study_missing"])
    assert events[date(2025, 1, 13)] == (None, ["study_reappeared"])


def test_a_study_disappears_for_good(catalog: Catalog) -> None:
    assert [a.end for a in catalog.absences("NCT06171568")] == [None]
    assert catalog.record_as_of("NCT06171568", date(2030, 1, 1)) is None


def test_change_dates_are_sorted_and_include_visibility_changes(catalog: Catalog) -> None:
    days = catalog.change_dates()
    assert days == sorted(set(days))
    assert date(2024, 12, 16) in days and date(2025, 2, 11) in days
    assert catalog.change_dates(since=date(2025, 3, 1)) == [
        d for d in days if d >= date(2025, 3, 1)
    ]


def test_only_one_real_study_and_the_near_misses_have_no_registry_history(
    catalog: Catalog,
) -> None:
    without = [n for n in catalog.nct_ids() if not catalog.has_history(n)]
    assert without == ["NCT00973089", *NEAR_MISSES]


def test_returned_records_are_copies(catalog: Catalog) -> None:
    record = catalog.versions("NCT06690827")[0].record
    record["protocolSection"]["statusModule"]["overallStatus"] = "WITHDRAWN"
    again = catalog.versions("NCT06690827")[0].record
    assert again["protocolSection"]["statusModule"]["overallStatus"] == "RECRUITING"


def test_unknown_study_names_the_id(catalog: Catalog) -> None:
    with pytest.raises(UnknownStudyError, match="NCT09999999 is not in the imitation catalog"):
        catalog.versions("NCT09999999")


def _copy_data(tmp_path: Path, nct_id: str) -> tuple[Path, Path, dict[str, Any]]:
    studies, timelines = tmp_path / "studies", tmp_path / "timeline"
    studies.mkdir()
    timelines.mkdir()
    shutil.copy(STUDIES_DIR / f"{nct_id}.json", studies)
    document = json.loads((TIMELINE_DIR / f"{nct_id}.json").read_text(encoding="utf-8"))
    return studies, timelines, document


def test_declared_module_labels_must_match_the_edits(tmp_path: Path) -> None:
    studies, timelines, document = _copy_data(tmp_path, "NCT06690827")
    document["entries"][1]["moduleLabels"] = ["Study Status", "Eligibility"]
    (timelines / "NCT06690827.json").write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(TimelineError, match=r"entry 1 \(2024-11-19\) declares moduleLabels"):
        Catalog.load(studies, timelines)


def test_an_edit_that_does_not_fit_names_the_entry(tmp_path: Path) -> None:
    studies, timelines, document = _copy_data(tmp_path, "NCT06690827")
    document["entries"][4]["edits"][0]["old"] = "not in the criteria"
    (timelines / "NCT06690827.json").write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(TimelineError, match=r"entry 4 \(2024-12-10\).*occurs 0 times"):
        Catalog.load(studies, timelines)


def test_a_study_without_timeline_is_refused(tmp_path: Path) -> None:
    studies, timelines, _ = _copy_data(tmp_path, "NCT06690827")
    with pytest.raises(TimelineError, match="every study needs a timeline"):
        Catalog.load(studies, timelines)


def test_base_must_be_dated_at_its_last_update(tmp_path: Path) -> None:
    studies, timelines, document = _copy_data(tmp_path, "NCT06690827")
    document["entries"][0]["date"] = "2024-11-14"
    (timelines / "NCT06690827.json").write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(TimelineError, match="base entry must be dated 2024-11-15"):
        Catalog.load(studies, timelines)
