"""A planning worker holds the cyclic collector off while it plans, and only then; its plan
crosses back to the writer without the texts the writer already has."""

from __future__ import annotations

import gc
import pickle
from datetime import UTC, datetime
from typing import Any

import pytest

from flows import plan_worker
from flows.collections_gc import GC_THRESHOLDS
from models.payload import Batch, RawStudy
from tests.conftest import REAL_STUDY_IDS, study_text
from warehouse.plan import Plan, plan_batch


def test_a_batch_is_planned_with_rare_collections_and_the_thresholds_come_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[tuple[int, ...]] = []

    def planning(batch: Batch, states: dict[str, Any], **kwargs: Any) -> Plan:
        seen.append(gc.get_threshold())
        return Plan(run_id=kwargs["run_id"], when=kwargs["when"])

    monkeypatch.setattr(plan_worker, "plan_batch", planning)
    before = gc.get_threshold()
    assert before != GC_THRESHOLDS, "the test starts from other thresholds"
    plan = plan_worker.plan_on_worker(Batch(studies=[]), {}, "run-1", datetime.now(UTC))
    assert plan.run_id == "run-1"
    assert seen == [GC_THRESHOLDS]
    assert gc.get_threshold() == before


def test_a_shipped_plan_names_the_batch_texts_and_the_writer_puts_them_back() -> None:
    """The records a worker plans travel back as their places in the batch, not as text; the
    writer's copy of the batch fills them in, giving the plan made in the writer's process."""
    studies = [RawStudy(nct_id, None, study_text(nct_id)) for nct_id in REAL_STUDY_IDS[:4]]
    batch = Batch(studies=studies, requested=len(studies))
    when = datetime(2026, 12, 6, tzinfo=UTC)
    local = plan_batch(batch, {}, run_id="run-1", when=when)
    shipped = pickle.dumps(plan_worker.plan_on_worker(batch, {}, "run-1", when))
    for raw in studies:
        assert raw.text.encode() not in shipped
    received = plan_worker.with_batch_texts(pickle.loads(shipped), batch)
    assert received.versions == local.versions
    assert [row["record"] for row in received.versions] == [raw.text for raw in studies]
    assert [text for _, _, text in received.normalize] == [raw.text for raw in studies]
    assert received.normalized is not None and received.normalized["studies"].num_rows == 4
