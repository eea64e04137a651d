"""The benchmark's input is a real diff: ``bench/bench_diff.py`` times exactly this case.

Speed itself is measured by the benchmark, not asserted here (timed tests are flaky on shared
machines); this keeps the benchmark honest by checking that what it times is correct.
"""

from __future__ import annotations

from bench.bench_diff import realistic_edits
from tests.conftest import study_record
from warehouse.diff import apply_changes, diff_records, user_facing


def test_the_benchmarked_edits_of_the_largest_record_diff_and_replay_exactly() -> None:
    old = study_record("NCT02513394")
    new = realistic_edits(old)
    changes = diff_records(old, new)
    assert apply_changes(old, changes) == new
    assert len(user_facing(changes)) == 12
