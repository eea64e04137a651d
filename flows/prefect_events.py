"""Publish study events to Prefect, so automations can react to them.

Each :class:`warehouse.events.Event` becomes a Prefect event named ``ctgov.study.<event_type>``
whose resource is the study (``ctgov.study.<NCT>``) and whose payload is the event's details.
An automation can then trigger on, say, ``ctgov.study.status_changed`` for one study
(docs/changes.md has an example). Building the messages is pure (:func:`study_event_message`);
only :func:`emit_study_events` touches Prefect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from warehouse.events import Event

EVENT_NAME_PREFIX = "ctgov.study."
RESOURCE_ID_PREFIX = "ctgov.study."


@dataclass(frozen=True)
class StudyEventMessage:
    """The arguments of one ``prefect.events.emit_event`` call."""

    event: str
    resource: dict[str, str]
    payload: dict[str, Any]


def study_event_message(nct_id: str, version: int | None, event: Event) -> StudyEventMessage:
    """The Prefect event for one study event (resource labels must be strings)."""
    return StudyEventMessage(
        event=f"{EVENT_NAME_PREFIX}{event.event_type}",
        resource={
            "prefect.resource.id": f"{RESOURCE_ID_PREFIX}{nct_id}",
            "prefect.resource.name": nct_id,
            "ctgov.nct_id": nct_id,
            "ctgov.version": "" if version is None else str(version),
            "ctgov.event_type": event.event_type,
        },
        payload=dict(event.details),
    )


def emit_study_events(events: Sequence[tuple[str, int, Event]]) -> int:
    """Emit ``(nct_id, version, event)`` triples; returns how many Prefect accepted.

    Prefect drops events silently when no events client is configured, so the count can be
    lower than ``len(events)``.
    """
    if not events:
        return 0
    # Imported here: importing Prefect costs over a second, and callers that only build
    # messages (tests, the CLI) should not pay for it.
    from prefect.events import emit_event

    emitted = 0
    for nct_id, version, event in events:
        message = study_event_message(nct_id, version, event)
        if emit_event(event=message.event, resource=message.resource, payload=message.payload):
            emitted += 1
    return emitted
