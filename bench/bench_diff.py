"""Time the diff engine on the largest real record (NCT02513394, 1.5 MB with results).

The second version is the first with a handful of realistic edits, most of them deep inside
lists: a site closes, one is added and one dropped, a results measurement is corrected, an
adverse-event count moves, two secondary outcomes swap places, the status, enrollment and a
completion date change, and the bookkeeping dates move on.

    .venv/bin/python -m bench.bench_diff            # median of 31 runs
    .venv/bin/python -m bench.bench_diff --runs 101

Budget (issue): diff under 50 ms.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from warehouse.diff import apply_changes, diff_records, user_facing
from warehouse.events import derive_events

BIG_RECORD = Path(__file__).resolve().parents[1] / "imitation/data/studies/NCT02513394.json"
DEFAULT_RUNS = 31
DIFF_BUDGET_MS = 50.0


def realistic_edits(record: dict[str, Any]) -> dict[str, Any]:
    """A new version of ``record`` with a handful of edits deep inside its lists."""
    new = copy.deepcopy(record)
    protocol = new["protocolSection"]
    status = protocol["statusModule"]
    status["overallStatus"] = "COMPLETED"
    status["completionDateStruct"] = {"date": "2024-03-01", "type": "ACTUAL"}
    status["lastUpdateSubmitDate"] = "2024-03-10"
    status["lastUpdatePostDateStruct"] = {"date": "2024-03-12", "type": "ACTUAL"}
    protocol["designModule"]["enrollmentInfo"]["count"] += 3

    locations = protocol["contactsLocationsModule"]["locations"]
    locations[300]["status"] = "COMPLETED"
    del locations[200]
    locations.insert(
        50,
        {
            "facility": "Hospital Universitario La Paz",
            "status": "RECRUITING",
            "city": "Madrid",
            "zip": "28046",
            "country": "Spain",
            "geoPoint": {"lat": 40.4165, "lon": -3.70256},
        },
    )

    secondary = protocol["outcomesModule"]["secondaryOutcomes"]
    secondary[0], secondary[1] = secondary[1], secondary[0]

    results = new["resultsSection"]
    measure = results["outcomeMeasuresModule"]["outcomeMeasures"][0]
    measurement = measure["classes"][0]["categories"][0]["measurements"][0]
    measurement["value"] = str(measurement.get("value", "")) + "1"
    other_events = results["adverseEventsModule"]["otherEvents"]
    other_events[len(other_events) // 2]["stats"][0]["numAffected"] += 1
    new["derivedSection"]["miscInfoModule"]["versionHolder"] = "2024-03-12"
    return new


def _median_ms(action: Callable[[], object], runs: int) -> tuple[float, float]:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[max(0, int(len(timings) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS)
    args = parser.parse_args()

    old = json.loads(BIG_RECORD.read_text("utf-8"))
    new = realistic_edits(old)
    changes = diff_records(old, new)
    if apply_changes(old, changes) != new:
        raise SystemExit("apply_changes did not reproduce the new version; the diff is wrong")

    diff_median, diff_p95 = _median_ms(lambda: diff_records(old, new), args.runs)
    equal_copy = copy.deepcopy(old)
    same_median, _ = _median_ms(lambda: diff_records(old, equal_copy), args.runs)
    events_median, _ = _median_ms(lambda: derive_events(old, new, changes), args.runs)
    apply_median, _ = _median_ms(lambda: apply_changes(old, changes), args.runs)
    events = derive_events(old, new, changes)

    print(f"record: {BIG_RECORD.name}, {BIG_RECORD.stat().st_size / 1e6:.2f} MB, runs: {args.runs}")
    print(
        f"changes: {len(user_facing(changes))} user-facing, {len(changes)} with reorders; "
        f"events: {', '.join(sorted({e.event_type for e in events}))}"
    )
    verdict = "within" if diff_median < DIFF_BUDGET_MS else "OVER"
    print(
        f"diff_records (edited):     median {diff_median:7.2f} ms, p95 {diff_p95:7.2f} ms "
        f"({verdict} the {DIFF_BUDGET_MS:.0f} ms budget)"
    )
    print(f"diff_records (equal copy): median {same_median:7.2f} ms")
    print(f"derive_events:             median {events_median:7.2f} ms")
    print(f"apply_changes:             median {apply_median:7.2f} ms")


if __name__ == "__main__":
    main()
