"""How long the read-only commands take as a user runs them: a new process each time.

Builds a small warehouse (NCT06690827's 11 imitated versions and the related trials, stored
through the snapshot store, no network), then times each command as a whole process,
``REPEATS`` runs after a warm-up, beside ``python -c pass`` (the interpreter's own start-up).
Target (issue 8): ≤ 0.5 s median for each.

Where the time goes: ``python -X importtime -m flows.cli history NCT06690827 --db …``.

Run: ``.venv/bin/python -m bench.bench_cli``
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from datetime import time as clock
from pathlib import Path

from imitation import Catalog
from models.hashing import compact_json
from models.payload import RawStudy
from warehouse.database import connect
from warehouse.store import SnapshotStore

REPEATS = 9
TARGET_S = 0.5
STUDIES = ["NCT06690827", "NCT06835140", "NCT04010877"]


def build_warehouse(db: Path) -> None:
    catalog = Catalog.load_default()
    con = connect(db)
    store = SnapshotStore(con)
    versions = sorted(
        (v for nct in STUDIES for v in catalog.versions(nct)), key=lambda v: (v.date, v.nct_id)
    )
    run_id = store.start_run(registry_url="bench", requested=len(STUDIES))
    for version in versions:
        study = RawStudy(version.nct_id, version.record, compact_json(version.record))
        observed = datetime.combine(version.date, clock(10, 30), tzinfo=UTC)
        store.store_batch(run_id, [study], observed_at=observed)
    store.finish_run(run_id, status="succeeded")
    con.close()


def seconds(command: list[str]) -> list[float]:
    subprocess.run(command, capture_output=True, check=False)
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "ctgov.duckdb"
        build_warehouse(db)
        ctgov = [sys.executable, "-m", "flows.cli"]
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "ctgov --help": [*ctgov, "--help"],
            "ctgov history": [*ctgov, "history", "NCT06690827", "--db", str(db)],
            "ctgov diff": [*ctgov, "diff", "NCT06690827", "--db", str(db)],
            "ctgov show": [*ctgov, "show", "NCT06690827", "--as-of", "2025-01-01", "--db", str(db)],
            "ctgov changes": [*ctgov, "changes", "--db", str(db)],
            "ctgov sql": [*ctgov, "sql", "SELECT count(*) FROM study_versions", "--db", str(db)],
        }
        print(f"wall seconds per run, {REPEATS} runs each after a warm-up; target ≤ {TARGET_S} s")
        print(f"{'command':<16} {'median':>7} {'min':>7} {'max':>7}  target")
        for name, command in commands.items():
            times = seconds(command)
            median = statistics.median(times)
            verdict = "met" if median <= TARGET_S else "MISSED"
            if name.startswith("python"):
                verdict = ""
            print(f"{name:<16} {median:7.3f} {min(times):7.3f} {max(times):7.3f}  {verdict}")


if __name__ == "__main__":
    main()
