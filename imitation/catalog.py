"""The catalog: every imitated study with its dated versions, as other code and tests see it.

>>> catalog = Catalog.load_default()
>>> catalog.record_as_of("NCT06690827", date(2024, 11, 15))["protocolSection"]["statusModule"][
...     "overallStatus"]
'RECRUITING'

Records handed out are fresh copies; the catalog itself never changes once loaded.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from imitation.errors import TimelineError, UnknownStudyError
from imitation.timeline import StoredVersion, StudyTimeline, build_study_timeline

DATA_DIR = Path(__file__).parent / "data"
STUDIES_DIR = DATA_DIR / "studies"
TIMELINE_DIR = DATA_DIR / "timeline"


@dataclass(frozen=True)
class TimelineVersion:
    """One recorded version of a study (``index`` is 0-based, as in the history API)."""

    nct_id: str
    index: int
    date: date
    record: dict[str, Any]
    module_labels: list[str]
    expected_events: list[str]


@dataclass(frozen=True)
class Absence:
    """A period in which the study is missing from the registry (``end`` None: for good)."""

    nct_id: str
    start: date
    end: date | None


@dataclass(frozen=True)
class ExpectedChange:
    """What a tracker that looks on every change date must record on ``date``.

    ``version`` is the new version's index, or None when only the study's presence changed
    (``study_missing`` / ``study_reappeared``).
    """

    nct_id: str
    date: date
    version: int | None
    events: list[str]


class Catalog:
    """All imitated studies; build with :meth:`load_default` or :meth:`load`."""

    def __init__(self, timelines: Mapping[str, StudyTimeline]) -> None:
        self._timelines = dict(sorted(timelines.items()))

    @classmethod
    def load(cls, studies_dir: Path = STUDIES_DIR, timeline_dir: Path = TIMELINE_DIR) -> Catalog:
        """Load every ``<NCT>.json`` record and its timeline from two directories."""
        timelines: dict[str, StudyTimeline] = {}
        for study_path in sorted(studies_dir.glob("NCT*.json")):
            nct_id = study_path.stem
            timeline_path = timeline_dir / f"{nct_id}.json"
            if not timeline_path.exists():
                raise TimelineError(
                    str(timeline_path), f"missing: every study needs a timeline ({nct_id})"
                )
            try:
                document = json.loads(timeline_path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                raise TimelineError(str(timeline_path), f"not valid JSON ({exc})") from None
            timelines[nct_id] = build_study_timeline(
                nct_id, study_path.read_bytes(), document, str(timeline_path)
            )
        return cls(timelines)

    @classmethod
    def load_default(cls) -> Catalog:
        """The catalog shipped in ``imitation/data`` (loaded once per process)."""
        return _default_catalog()

    def nct_ids(self) -> list[str]:
        return list(self._timelines)

    def versions(self, nct_id: str) -> list[TimelineVersion]:
        """Every recorded version of a study, oldest first (whatever the server's date)."""
        return [_public(version) for version in self.timeline(nct_id).versions]

    def record_as_of(self, nct_id: str, day: date) -> dict[str, Any] | None:
        """The record the registry serves on ``day``; None before it is posted or while missing."""
        version = self.timeline(nct_id).version_as_of(day)
        return None if version is None else json.loads(version.served_bytes)

    def change_dates(self, since: date | None = None, until: date | None = None) -> list[date]:
        """Sorted days on which any study changes (a version posted, a study gone or back)."""
        days = {day for timeline in self._timelines.values() for day in timeline.dates()}
        return sorted(
            day
            for day in days
            if (since is None or day >= since) and (until is None or day <= until)
        )

    def absences(self, nct_id: str) -> list[Absence]:
        """Periods in which the study is missing (404, absent from lists)."""
        absences: list[Absence] = []
        for change in self.timeline(nct_id).visibility:
            if not change.visible:
                absences.append(Absence(nct_id, change.date, None))
            elif absences:
                absences[-1] = Absence(nct_id, absences[-1].start, change.date)
        return absences

    def expected_changes(self, nct_id: str) -> list[ExpectedChange]:
        """Per change date, the events a correct change tracker records for this study."""
        timeline = self.timeline(nct_id)
        changes = [
            ExpectedChange(nct_id, v.date, v.index, list(v.expected_events))
            for v in timeline.versions
        ]
        changes += [
            ExpectedChange(nct_id, c.date, None, list(c.expected_events))
            for c in timeline.visibility
        ]
        return sorted(changes, key=lambda change: change.date)

    def has_history(self, nct_id: str) -> bool:
        """False for a study whose internal history index is empty (``changes: []``)."""
        return self.timeline(nct_id).has_history

    def timeline(self, nct_id: str) -> StudyTimeline:
        """The internal timeline of one study (shared, read-only)."""
        try:
            return self._timelines[nct_id]
        except KeyError:
            raise UnknownStudyError(nct_id, self.nct_ids()) from None

    def canonical_for_alias(self, alias: str, day: date) -> str | None:
        """The study served on ``day`` that lists ``alias`` in ``nctIdAliases``, if any."""
        for version in self.served_as_of(day):
            identification = version.record["protocolSection"]["identificationModule"]
            if alias in identification.get("nctIdAliases", []):
                return version.nct_id
        return None

    def served_as_of(self, day: date) -> list[StoredVersion]:
        """The version of every study served on ``day``, in NCT ID order."""
        return [
            version
            for timeline in self._timelines.values()
            if (version := timeline.version_as_of(day)) is not None
        ]


def _public(version: StoredVersion) -> TimelineVersion:
    return TimelineVersion(
        nct_id=version.nct_id,
        index=version.index,
        date=version.date,
        record=json.loads(version.served_bytes),
        module_labels=list(version.module_labels),
        expected_events=list(version.expected_events),
    )


@lru_cache(maxsize=1)
def _default_catalog() -> Catalog:
    return Catalog.load()
