"""Payloads of the registry's internal history API (``/api/int/studies/...``).

Shapes follow API-NOTES §5 and the real capture in
``tests/fixtures/ctgov/history/NCT03690141.history-true.json``. In that capture a change's
``date`` is the version's submission (QC) date, e.g. 2020-04-27 for a version posted 2020-04-28,
so ``changes[i].date`` and ``lastUpdateSubmitQcDate`` carry the version's
``lastUpdateSubmitDate`` here too.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from imitation.markup import record_to_html
from imitation.timeline import StoredVersion

OUTCOMES_LABEL = "Outcome Measures"
_HTML_RECORD_CACHE_SIZE = 64

EMPTY_TOPICS: dict[str, list[Any]] = {"GHR": [], "MedlinePlus": []}
"""MedlinePlus/GHR topics are not imitated: every study answers with empty lists."""


@lru_cache(maxsize=_HTML_RECORD_CACHE_SIZE)
def html_record(version: StoredVersion) -> dict[str, Any]:
    """The version's record with HTML markup (cached; shared, never mutated)."""
    return record_to_html(version.record)


def change_entry(version: StoredVersion) -> dict[str, Any]:
    """One ``history.changes[i]`` item."""
    record = version.record["protocolSection"]
    entry: dict[str, Any] = {
        "version": version.index,
        "date": version.submit_date,
        "status": record["statusModule"].get("overallStatus"),
        "studyType": record.get("designModule", {}).get("studyType"),
        "moduleLabels": list(version.module_labels),
        "lastUpdateSubmitQcDate": version.submit_date,
    }
    return entry


def history_index(versions: Sequence[StoredVersion], has_history: bool) -> dict[str, Any]:
    """``{changes, lastUpdateVersions, originalData, outcomesUpdateCount}`` for ``versions``."""
    if not has_history or not versions:
        return {
            "changes": [],
            "lastUpdateVersions": {},
            "originalData": {},
            "outcomesUpdateCount": 0,
        }
    return {
        "changes": [change_entry(version) for version in versions],
        "lastUpdateVersions": last_update_versions(versions),
        "originalData": original_data(versions[0], versions[-1].record),
        "outcomesUpdateCount": sum(OUTCOMES_LABEL in v.module_labels for v in versions),
    }


def current_study(version: StoredVersion) -> dict[str, Any]:
    """``GET /api/int/studies/{id}``: the current study as HTML, without its history."""
    return {"study": html_record(version), "topics": EMPTY_TOPICS}


def study_with_history(versions: Sequence[StoredVersion], has_history: bool) -> dict[str, Any]:
    """``GET /api/int/studies/{id}?history=true``: the current study as HTML plus its history."""
    index = history_index(versions, has_history)
    return {
        **current_study(versions[-1]),
        "history": {
            "changes": index["changes"],
            "originalData": index["originalData"],
            "lastUpdateVersions": index["lastUpdateVersions"],
            "outcomesUpdateCount": index["outcomesUpdateCount"],
        },
    }


def study_version(version: StoredVersion) -> dict[str, Any]:
    """``GET /api/int/studies/{id}/history/{v}``."""
    return {"studyVersion": version.index, "study": html_record(version)}


def _outcomes(record: dict[str, Any]) -> dict[str, Any]:
    value = record["protocolSection"].get("outcomesModule", {})
    return value if isinstance(value, dict) else {}


def _pick(record: dict[str, Any], key: str) -> Any:
    protocol = record["protocolSection"]
    if key in ("primaryOutcomes", "secondaryOutcomes"):
        return _outcomes(record).get(key)
    if key == "enrollmentInfo":
        return protocol.get("designModule", {}).get("enrollmentInfo")
    if key == "orgFullName":
        return protocol["identificationModule"].get("organization", {}).get("fullName")
    return protocol.get("sponsorCollaboratorsModule", {}).get(key)


ORIGINAL_DATA_KEYS = (
    "primaryOutcomes",
    "secondaryOutcomes",
    "enrollmentInfo",
    "orgFullName",
    "responsibleParty",
    "leadSponsor",
)


def original_data(first: StoredVersion, latest: dict[str, Any]) -> dict[str, Any]:
    """Version 0's value of each key field, or ``<key>Same: true`` if it is unchanged."""
    data: dict[str, Any] = {}
    first_html = html_record(first)
    for key in ORIGINAL_DATA_KEYS:
        if _pick(first.record, key) == _pick(latest, key):
            data[f"{key}Same"] = True
        else:
            data[key] = _pick(first_html, key)
    return data


def last_update_versions(versions: Sequence[StoredVersion]) -> dict[str, int]:
    """The last version that changed the outcomes and enrollment (0 if none did)."""
    latest = {"outcomes": 0, "primaryOutcomes": 0, "secondaryOutcomes": 0, "enrollmentInfo": 0}
    for previous, current in itertools.pairwise(versions):
        before, after = previous.record, current.record
        if _outcomes(before) != _outcomes(after):
            latest["outcomes"] = current.index
        for key in ("primaryOutcomes", "secondaryOutcomes", "enrollmentInfo"):
            if _pick(before, key) != _pick(after, key):
                latest[key] = current.index
    return latest
