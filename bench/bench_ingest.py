"""How long a 3-trial ingest takes end to end, and how much of it is Prefect.

Prints, against the imitation registry on loopback:
- the pipeline's own work (fetch, validate, store, export) without Prefect;
- ``ctgov ingest`` as a user runs it (a new process: imports, ephemeral Prefect API, flow),
  with a fresh PREFECT_HOME (first run on a machine) and again with it warm.

Run: ``.venv/bin/python -m bench.bench_ingest``
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from flows import pipeline
from flows.settings import Settings
from imitation import Catalog, ImitationServer

SEEDS = ["NCT06690827", "NCT06835140", "NCT04010877"]
REPEATS = 5


def pipeline_seconds(url: str, workdir: Path) -> float:
    db = workdir / f"pipeline-{time.monotonic_ns()}.duckdb"
    settings = Settings(db=db, registry_url=url, requests_per_minute=10_000)
    start = time.perf_counter()
    run_id = pipeline.begin_run(settings, len(SEEDS))
    fetched = pipeline.fetch(settings, SEEDS)
    validated = pipeline.validate(fetched.studies)
    pipeline.store(settings, run_id, fetched, validated)
    pipeline.finish_run(settings, run_id, status=pipeline.run_status(fetched, validated))
    pipeline.export(settings)
    return time.perf_counter() - start


def cli_seconds(url: str, db: Path, prefect_home: Path) -> float:
    env = {**os.environ, "PREFECT_HOME": str(prefect_home), "CTGOV_REQUESTS_PER_MINUTE": "10000"}
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "flows.cli",
            "ingest",
            *SEEDS,
            "--db",
            str(db),
            "--registry-url",
            url,
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> None:
    catalog = Catalog.load_default()
    start_day = max(catalog.versions(nct)[0].date for nct in SEEDS)
    with tempfile.TemporaryDirectory() as tmp, ImitationServer(as_of=start_day) as server:
        workdir = Path(tmp)
        work = [pipeline_seconds(server.url, workdir) for _ in range(REPEATS)]
        print(
            f"pipeline without Prefect (fetch+validate+store+export), median of {REPEATS}: "
            f"{statistics.median(work) * 1000:.0f} ms"
        )
        home = workdir / "prefect-home"
        cold = cli_seconds(server.url, workdir / "cli.duckdb", home)
        warm = [cli_seconds(server.url, workdir / "cli.duckdb", home) for _ in range(2)]
        print(f"`ctgov ingest` of 3 trials, fresh PREFECT_HOME: {cold:.1f} s")
        print(f"`ctgov ingest` of 3 trials, warm PREFECT_HOME: {statistics.median(warm):.1f} s")
        print(
            f"share that is Prefect and process start-up (warm): "
            f"{1 - statistics.median(work) / statistics.median(warm):.0%}"
        )


if __name__ == "__main__":
    main()
