"""The diff budget from the issue: two versions of the 1.5 MB record in under 50 ms.

``bench/bench_diff.py`` prints the full figures; this keeps the budget from regressing.
"""

from __future__ import annotations

import statistics
import time

from bench.bench_diff import DIFF_BUDGET_MS, realistic_edits
from tests.conftest import study_record
from warehouse.diff import apply_changes, diff_records, user_facing

RUNS = 7


def test_diffing_the_largest_record_with_deep_edits_stays_within_budget() -> None:
    old = study_record("NCT02513394")
    new = realistic_edits(old)
    changes = diff_records(old, new)
    assert apply_changes(old, changes) == new
    assert len(user_facing(changes)) == 12

    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        diff_records(old, new)
        timings.append((time.perf_counter() - start) * 1000)

    assert statistics.median(timings) < DIFF_BUDGET_MS
