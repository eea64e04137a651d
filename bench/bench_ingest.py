"""How long a 3-trial ingest takes end to end, and how much of it is Prefect.

Prints, against the imitation registry on loopback:
- the pipeline's own work (fetch, validate, store, export) without Prefect;
- the same pipeline over every study the imitation serves, with and without normalizing
  (issue 5's budget: normalizing adds at most 30 % to ingest time);
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

from bench.bench_normalize import normalizing
from flows import pipeline, quiet_prefect_console
from flows.settings import Settings
from imitation import Catalog, ImitationServer
from warehouse.database import connect

SEEDS = ["NCT06690827", "NCT06835140", "NCT04010877"]
REPEATS = 5
FLOW_REPEATS = 3


def pipeline_seconds(url: str, workdir: Path, ids: list[str] = SEEDS) -> float:
    """Seconds for one ingest without Prefect into a new database (created before the clock)."""
    db = workdir / f"pipeline-{time.monotonic_ns()}.duckdb"
    settings = Settings(db=db, registry_url=url, requests_per_minute=10_000)
    connect(db).close()
    start = time.perf_counter()
    run_id = pipeline.begin_run(settings, len(ids))
    fetched = pipeline.fetch(settings, ids)
    validated = pipeline.validate(fetched.studies)
    pipeline.store(settings, run_id, fetched, validated)
    pipeline.finish_run(settings, run_id, status=pipeline.run_status(fetched, validated))
    pipeline.export(settings)
    return time.perf_counter() - start


def flow_seconds(url: str, workdir: Path, ids: list[str]) -> tuple[float, float]:
    """Median seconds of one ``ingest`` flow run into a new database, without and with
    normalizing (export included), after a warm-up run has started Prefect's ephemeral API."""
    os.environ.setdefault("PREFECT_HOME", str(workdir / "prefect-in-process"))
    quiet_prefect_console()
    from flows.ingest import ingest

    def once(tag: str) -> float:
        db = workdir / f"flow-{tag}-{time.monotonic_ns()}.duckdb"
        connect(db).close()
        start = time.perf_counter()
        ingest(nct_ids=ids, db=str(db), registry_url=url)
        return time.perf_counter() - start

    once("warm-up")
    plain, normalized = [], []
    for _ in range(FLOW_REPEATS):
        with normalizing(False):
            plain.append(once("plain"))
        normalized.append(once("normalized"))
    return statistics.median(plain), statistics.median(normalized)


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
        every = catalog.nct_ids()
        server.set_date(max(catalog.change_dates()))
        plain, normalized = [], []
        for _ in range(REPEATS):
            with normalizing(False):
                plain.append(pipeline_seconds(server.url, workdir, every))
            normalized.append(pipeline_seconds(server.url, workdir, every))
        ratio = statistics.median(normalized) / statistics.median(plain)
        print(
            f"pipeline over all {len(every)} imitation studies, median of {REPEATS}: "
            f"{statistics.median(plain) * 1000:.0f} ms without normalizing, "
            f"{statistics.median(normalized) * 1000:.0f} ms with it ({ratio - 1:+.0%})"
        )
        flow_plain, flow_normalized = flow_seconds(server.url, workdir, every)
        print(
            f"ingest flow run over all {len(every)} studies (in process, Prefect API warm), "
            f"median of {FLOW_REPEATS}: {flow_plain:.2f} s without normalizing, "
            f"{flow_normalized:.2f} s with it ({flow_normalized / flow_plain - 1:+.0%})"
        )
        server.set_date(start_day)
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
