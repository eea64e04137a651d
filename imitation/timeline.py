"""Build a study's recorded sequence of versions from its base record and a timeline file.

A timeline file (``imitation/data/timeline/<NCT>.json``) lists dated entries in order:

* exactly one ``{"base": true}`` version: the record in ``data/studies/<NCT>.json``, served
  unmodified (its date must be the record's own ``lastUpdatePostDateStruct.date``);
* versions with ``edits`` (see :mod:`imitation.edits`): a version **after** the base is built
  from the version before it, a version **before** the base from the version after it (so the
  past is written as "what was different then");
* ``{"visibility": "hidden"}`` / ``{"visibility": "shown"}``: the study disappears from the
  registry (404, absent from lists) and comes back.

Every version also declares ``moduleLabels`` (checked against the modules its edits changed) and
``expectedEvents``: the change events a tracker must derive from the previous version.
Each built version gets the registry's bookkeeping for its date (last-update dates, status
verification month, ``versionHolder``), which is not a change event.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from imitation.edits import EditError, JsonObject, apply_edits
from imitation.errors import TimelineError
from models.event_types import EVENT_TYPES
from models.hashing import compact_json

EVENT_KINDS: tuple[str, ...] = EVENT_TYPES
"""The change-event vocabulary shared with the warehouse's change tracker."""

PROTOCOL_MODULE_LABELS: dict[str, str] = {
    "identificationModule": "Study Identification",
    "statusModule": "Study Status",
    "sponsorCollaboratorsModule": "Sponsor/Collaborators",
    "oversightModule": "Oversight",
    "descriptionModule": "Study Description",
    "conditionsModule": "Conditions",
    "designModule": "Study Design",
    "armsInterventionsModule": "Arms and Interventions",
    "outcomesModule": "Outcome Measures",
    "eligibilityModule": "Eligibility",
    "contactsLocationsModule": "Contacts/Locations",
    "referencesModule": "References",
    "ipdSharingStatementModule": "IPD Sharing Statement",
}
RESULTS_MODULE_LABELS: dict[str, str] = {
    "participantFlowModule": "Participant Flow",
    "baselineCharacteristicsModule": "Baseline Characteristics",
    "outcomeMeasuresModule": "Outcome Measures (Results)",
    "adverseEventsModule": "Adverse Events",
    "moreInfoModule": "More Information",
}
DOCUMENT_SECTION_LABEL = "Document Section"

FINAL_RULE_DATE = date(2017, 1, 18)
"""From this day the registry marks posting dates ``ACTUAL``; older ones read ``ESTIMATED``."""


@dataclass(frozen=True, eq=False)
class StoredVersion:
    """One built version, shared read-only inside the imitation (callers get copies).

    Compared and hashed by identity, so per-version caches can key on it.
    """

    nct_id: str
    index: int
    date: date
    record: JsonObject
    module_labels: tuple[str, ...]
    expected_events: tuple[str, ...]
    raw: bytes | None = None
    """The file's bytes for the base version: served as is, so clients see the real JSON."""

    @cached_property
    def body(self) -> bytes:
        """Compact JSON, as the registry sends it."""
        return compact_json(self.record).encode()

    @property
    def served_bytes(self) -> bytes:
        """What ``/studies/{nctId}`` sends: the file's bytes for the base version, else the body."""
        return self.raw or self.body

    @property
    def submit_date(self) -> str:
        """The day the version was submitted (``lastUpdateSubmitDate``, else its post date)."""
        status = self.record["protocolSection"]["statusModule"]
        submitted = status.get("lastUpdateSubmitDate")
        return submitted if isinstance(submitted, str) else self.date.isoformat()


@dataclass(frozen=True)
class VisibilityChange:
    """The study disappears from (``visible`` false) or returns to the registry on ``date``."""

    date: date
    visible: bool
    expected_events: tuple[str, ...]


@dataclass(frozen=True)
class StudyTimeline:
    """All versions and visibility changes of one study, in date order."""

    nct_id: str
    versions: tuple[StoredVersion, ...]
    visibility: tuple[VisibilityChange, ...]
    has_history: bool

    def version_as_of(self, day: date) -> StoredVersion | None:
        """The version served on ``day``: None before the first one or while hidden."""
        if not self.is_visible(day):
            return None
        current = None
        for version in self.versions:
            if version.date > day:
                break
            current = version
        return current

    def versions_as_of(self, day: date) -> tuple[StoredVersion, ...]:
        """Versions posted on or before ``day`` (the history the internal API shows)."""
        return tuple(v for v in self.versions if v.date <= day)

    def is_visible(self, day: date) -> bool:
        visible = True
        for change in self.visibility:
            if change.date > day:
                break
            visible = change.visible
        return visible and bool(self.versions) and self.versions[0].date <= day

    def dates(self) -> list[date]:
        return [v.date for v in self.versions] + [c.date for c in self.visibility]


def previous_weekday(day: date) -> date:
    """The weekday before ``day`` (the registry posts a day after the sponsor submits)."""
    earlier = day - timedelta(days=1)
    while earlier.weekday() >= 5:
        earlier -= timedelta(days=1)
    return earlier


def stamp_bookkeeping(record: JsonObject, day: date) -> JsonObject:
    """Set the fields the registry updates on every version posted on ``day``.

    Only fields already present are touched, so a record that lacks one keeps lacking it.
    On the first posting day the last-update dates equal the first-posting dates.
    """
    status = record["protocolSection"]["statusModule"]
    first_post = status.get("studyFirstPostDateStruct")
    if isinstance(first_post, dict) and first_post.get("date") == day.isoformat():
        post: dict[str, Any] = dict(first_post)
        submitted = status.get("studyFirstSubmitQcDate", previous_weekday(day).isoformat())
    else:
        post = {
            "date": day.isoformat(),
            "type": "ACTUAL" if day >= FINAL_RULE_DATE else "ESTIMATED",
        }
        submitted = previous_weekday(day).isoformat()
    edits: list[dict[str, Any]] = []
    status_path = "/protocolSection/statusModule/"
    if "lastUpdatePostDateStruct" in status:
        edits.append({"op": "set", "path": status_path + "lastUpdatePostDateStruct", "value": post})
    if "lastUpdateSubmitDate" in status:
        edits.append(
            {"op": "set", "path": status_path + "lastUpdateSubmitDate", "value": submitted}
        )
    if "statusVerifiedDate" in status:
        edits.append(
            {"op": "set", "path": status_path + "statusVerifiedDate", "value": day.isoformat()[:7]}
        )
    misc = record.get("derivedSection", {}).get("miscInfoModule", {})
    if "versionHolder" in misc:
        edits.append(
            {
                "op": "set",
                "path": "/derivedSection/miscInfoModule/versionHolder",
                "value": day.isoformat(),
            }
        )
    return apply_edits(record, edits)


def module_labels_between(previous: JsonObject, current: JsonObject) -> list[str]:
    """The registry's ``moduleLabels`` for the modules that differ between two versions."""
    labels: list[str] = []
    for section, names in (
        ("protocolSection", PROTOCOL_MODULE_LABELS),
        ("resultsSection", RESULTS_MODULE_LABELS),
    ):
        before, after = previous.get(section, {}), current.get(section, {})
        for key, label in names.items():
            if before.get(key) != after.get(key):
                labels.append(label)
    if previous.get("documentSection") != current.get("documentSection"):
        labels.append(DOCUMENT_SECTION_LABEL)
    return labels


def build_study_timeline(
    nct_id: str, base_raw: bytes, document: Mapping[str, Any], source: str
) -> StudyTimeline:
    """Build every version of one study; raise :class:`TimelineError` naming the bad entry."""
    base_record: JsonObject = json.loads(base_raw)
    record_id = base_record.get("protocolSection", {}).get("identificationModule", {}).get("nctId")
    if record_id != nct_id or document.get("nctId") != nct_id:
        raise TimelineError(source, f"record and timeline must both be {nct_id}")
    entries = document.get("entries")
    if not isinstance(entries, list) or not entries:
        raise TimelineError(source, "'entries' must be a non-empty list")
    days = [_entry_date(entry, source) for entry in entries]
    if any(later <= earlier for earlier, later in itertools.pairwise(days)):
        raise TimelineError(source, "entry dates must be strictly increasing")

    version_positions = [i for i, entry in enumerate(entries) if "visibility" not in entry]
    base_positions = [i for i in version_positions if entries[i].get("base") is True]
    if len(base_positions) != 1:
        raise TimelineError(source, "exactly one entry must be the base version")
    base_at = version_positions.index(base_positions[0])
    base_day = days[base_positions[0]]
    base_post = base_record["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"]
    if base_post != base_day.isoformat():
        raise TimelineError(source, f"base entry must be dated {base_post}, its last update")

    records: dict[int, JsonObject] = {base_at: base_record}
    for at in range(base_at - 1, -1, -1):
        records[at] = _derive(
            records[at + 1], entries[version_positions[at]], days, version_positions[at], source
        )
    for at in range(base_at + 1, len(version_positions)):
        records[at] = _derive(
            records[at - 1], entries[version_positions[at]], days, version_positions[at], source
        )

    versions: list[StoredVersion] = []
    for at, position in enumerate(version_positions):
        entry = entries[position]
        record = records[at]
        labels = _declared(entry, "moduleLabels", source, position)
        computed = module_labels_between(records[at - 1], record) if at else []
        if sorted(labels) != sorted(computed):
            raise TimelineError(
                source,
                f"entry {position} ({days[position]}) declares moduleLabels {labels} "
                f"but its edits changed {computed}",
            )
        events = _declared(entry, "expectedEvents", source, position)
        _check_events(events, source, position, first=at == 0)
        versions.append(
            StoredVersion(
                nct_id=nct_id,
                index=at,
                date=days[position],
                record=record,
                module_labels=tuple(labels),
                expected_events=tuple(events),
                raw=base_raw if at == base_at else None,
            )
        )
    return StudyTimeline(
        nct_id=nct_id,
        versions=tuple(versions),
        visibility=_visibility(entries, days, version_positions, source),
        has_history=document.get("history", True) is not False,
    )


def _entry_date(entry: Any, source: str) -> date:
    if not isinstance(entry, dict) or not isinstance(entry.get("date"), str):
        raise TimelineError(source, f"every entry needs a 'date' (got {entry!r:.80})")
    try:
        return date.fromisoformat(entry["date"])
    except ValueError:
        raise TimelineError(source, f"date {entry['date']!r} is not YYYY-MM-DD") from None


def _derive(
    neighbour: JsonObject, entry: Mapping[str, Any], days: list[date], position: int, source: str
) -> JsonObject:
    if entry.get("base"):
        raise TimelineError(source, f"entry {position}: only one base version is allowed")
    edits = entry.get("edits", [])
    if not isinstance(edits, list):
        raise TimelineError(source, f"entry {position}: 'edits' must be a list")
    try:
        edited = apply_edits(neighbour, edits)
    except EditError as exc:
        raise TimelineError(source, f"entry {position} ({days[position]}): {exc}") from None
    return stamp_bookkeeping(edited, days[position])


def _declared(entry: Mapping[str, Any], key: str, source: str, position: int) -> list[str]:
    value = entry.get(key)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TimelineError(source, f"entry {position}: '{key}' must be a list of strings")
    return list(value)


def _check_events(events: Sequence[str], source: str, position: int, *, first: bool) -> None:
    unknown = [event for event in events if event not in EVENT_KINDS]
    if unknown:
        raise TimelineError(source, f"entry {position}: unknown events {unknown}")
    if len(set(events)) != len(events):
        raise TimelineError(source, f"entry {position}: each event kind is listed once")
    if first and list(events) != ["first_seen"]:
        raise TimelineError(source, "the first version's expectedEvents must be ['first_seen']")
    if not first and "first_seen" in events:
        raise TimelineError(source, f"entry {position}: only the first version is first_seen")


def _visibility(
    entries: list[Any], days: list[date], version_positions: list[int], source: str
) -> tuple[VisibilityChange, ...]:
    changes: list[VisibilityChange] = []
    visible = True
    for position, entry in enumerate(entries):
        if "visibility" not in entry:
            if not visible:
                raise TimelineError(source, f"entry {position}: a version while hidden")
            continue
        if position < version_positions[0]:
            raise TimelineError(source, f"entry {position}: visibility before the first version")
        wanted = entry["visibility"]
        if wanted not in ("hidden", "shown") or (wanted == "shown") == visible:
            raise TimelineError(source, f"entry {position}: visibility must alternate hidden/shown")
        visible = wanted == "shown"
        events = _declared(entry, "expectedEvents", source, position)
        _check_events(events, source, position, first=False)
        changes.append(
            VisibilityChange(date=days[position], visible=visible, expected_events=tuple(events))
        )
    return tuple(changes)
