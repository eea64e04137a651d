"""Study events as Prefect events: the message building, and emission through Prefect's own
asserting events client (no server)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped, unused-ignore]

from flows.prefect_events import emit_study_events, study_event_message
from tests.conftest import ROOT
from warehouse.events import Event

STATUS = Event("status_changed", {"from": "RECRUITING", "to": "COMPLETED"})
SITE = Event(
    "site_added",
    {
        "facility": "Mayo Clinic",
        "city": "Rochester",
        "state": "Minnesota",
        "country": "United States",
        "status": "RECRUITING",
    },
)


def test_a_study_event_becomes_a_named_event_on_the_study_resource() -> None:
    message = study_event_message("NCT02513394", 4, STATUS)
    assert message.event == "ctgov.study.status_changed"
    assert message.resource == {
        "prefect.resource.id": "ctgov.study.NCT02513394",
        "prefect.resource.name": "NCT02513394",
        "ctgov.nct_id": "NCT02513394",
        "ctgov.version": "4",
        "ctgov.event_type": "status_changed",
    }
    assert message.payload == {"from": "RECRUITING", "to": "COMPLETED"}
    assert message.payload is not STATUS.details


def test_a_presence_event_without_version_keeps_string_labels() -> None:
    message = study_event_message("NCT00184067", None, Event("study_missing", {"version": None}))
    assert message.event == "ctgov.study.study_missing"
    assert all(isinstance(value, str) for value in message.resource.values())


UNUSED_API_URL = "http://127.0.0.1:9/api"
"""Any API URL keeps Prefect from starting an in-process server for its orchestration client;
nothing is sent there, the asserting client keeps the events in memory."""


@pytest.fixture
def asserting_worker(monkeypatch: pytest.MonkeyPatch, prefect_home: Any) -> Iterator[Any]:
    """Prefect's in-memory events client, installed the way Prefect's own test fixtures do."""
    from prefect.events.clients import AssertingEventsClient
    from prefect.events.worker import EventsWorker
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: UNUSED_API_URL}):
        worker = EventsWorker.instance(AssertingEventsClient)
        monkeypatch.setattr(EventsWorker, "instance", lambda *_: worker)
        try:
            yield worker
        finally:
            worker.drain()


def test_emitting_sends_one_prefect_event_per_study_event(asserting_worker: Any) -> None:
    count = emit_study_events([("NCT02513394", 4, STATUS), ("NCT02513394", 4, SITE)])
    asserting_worker.drain()

    emitted = asserting_worker._client.events
    assert count == 2
    assert [event.event for event in emitted] == [
        "ctgov.study.status_changed",
        "ctgov.study.site_added",
    ]
    assert emitted[0].resource.id == "ctgov.study.NCT02513394"
    assert emitted[0].resource["ctgov.nct_id"] == "NCT02513394"
    assert emitted[0].payload == STATUS.details
    assert emitted[1].payload == SITE.details


def test_emitting_nothing_returns_zero() -> None:
    assert emit_study_events([]) == 0


def test_the_documented_automation_is_valid_and_matches_our_events() -> None:
    from prefect.events.schemas.automations import AutomationCore, EventTrigger
    from prefect.events.schemas.events import ResourceSpecification

    docs = (ROOT / "docs" / "changes.md").read_text("utf-8")
    block = re.search(r"```yaml\n(.*?)```", docs, re.DOTALL)
    assert block is not None
    automation = AutomationCore.model_validate(yaml.safe_load(block.group(1)))
    assert isinstance(automation.trigger, EventTrigger)
    message = study_event_message("NCT02513394", 2, STATUS)
    assert automation.trigger.expect == {message.event}
    match = automation.trigger.match
    assert isinstance(match, ResourceSpecification)
    assert match.root["prefect.resource.id"] == message.resource["prefect.resource.id"]
