"""A planning worker holds the cyclic collector off while it plans, and only then."""

from __future__ import annotations

import gc
from datetime import UTC, datetime
from typing import Any

import pytest

from flows import plan_worker
from flows.collections_gc import GC_THRESHOLDS
from models.payload import Batch
from warehouse.plan import Plan


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
