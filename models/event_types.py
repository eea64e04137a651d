"""The change-event vocabulary: what can happen to a trial between two versions.

Shared by the warehouse's change tracker, which derives these events, and the imitation's
timeline, which declares the events each simulated registry update must produce.
"""

from __future__ import annotations

from typing import Literal, get_args

EventType = Literal[
    "first_seen",
    "status_changed",
    "why_stopped_set",
    "enrollment_changed",
    "date_shifted",
    "site_added",
    "site_removed",
    "site_status_changed",
    "eligibility_changed",
    "arm_or_intervention_added",
    "arm_or_intervention_removed",
    "outcome_added",
    "outcome_removed",
    "outcome_reworded",
    "results_posted",
    "sponsor_or_collaborator_changed",
    "study_missing",
    "study_reappeared",
]
EVENT_TYPES: tuple[EventType, ...] = get_args(EventType)
PRESENCE_EVENT_TYPES: tuple[EventType, ...] = ("study_missing", "study_reappeared")
"""Events that come from runs (the registry stopped or resumed returning a study), not diffs."""
