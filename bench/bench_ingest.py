"""Where the time of an ad-hoc 3-trial ``ctgov ingest`` goes, with and without a local server.

Against the imitation registry on loopback, on a warehouse that already holds the three
trials (the everyday case: the first run also backfills their registry history), prints:

- the interpreter's own start (``python -c pass``) and the CLI's imports (Prefect included);
- the pipeline's work without Prefect (fetch, plan, write, export), in process;
- ``ctgov ingest NCT06690827 NCT06835140 NCT04010877`` as a user runs it, a new process each
  time, (a) with nothing running, so Prefect starts its temporary API server for the run, and
  (b) while a local Prefect server runs (``ctgov serve`` leaves the note the CLI looks for);
- the breakdown: the rest of each wall time is Prefect (API start and stop, flow run
  orchestration, task and artifact records).

Targets (issue 12): ≤ 5 s wall with a local server running; without one, as close as
Prefect allows. The registry's politeness limit stays at its default (each run makes one
request).

Run: ``.venv/bin/python -m bench.bench_ingest``
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from flows import pipeline, sources
from flows.prefect_server import LocalServer, announced, local_server
from flows.settings import Settings
from imitation import Catalog, ImitationServer
from registry import RegistryClient

SEEDS = ["NCT06690827", "NCT06835140", "NCT04010877"]
REPEATS = 5
TARGET_S = 5.0


def process_seconds(command: list[str], env: dict[str, str], repeats: int = REPEATS) -> float:
    """Median wall seconds of ``command`` as a new process, after one warm-up run."""
    subprocess.run(command, env=env, check=True, capture_output=True)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def pipeline_seconds(settings: Settings) -> float:
    """Median seconds of the pipeline's own work for the three trials, without Prefect.

    Done as the CLI does it: one client asks ``/version`` (the reachability check), the run's
    own client fetches the studies with that version handed over, so no politeness wait falls
    between the two requests."""
    config = pipeline.registry_config(settings)
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        with RegistryClient(config) as probe:
            version = probe.version()
        with RegistryClient(config) as client:
            pipeline.run_source(
                settings,
                sources.ids_source(settings, client, SEEDS),
                client=client,
                registry_version=version,
            )
        pipeline.export(settings)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    catalog = Catalog.load_default()
    day = max(catalog.versions(nct)[-1].date for nct in SEEDS)
    with tempfile.TemporaryDirectory() as tmp, ImitationServer(as_of=day) as registry:
        work = Path(tmp)
        db = work / "data" / "ctgov.duckdb"
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")},
            "PREFECT_HOME": str(work / "prefect-home"),
            "CTGOV_DB": str(db),
            "CTGOV_REGISTRY_URL": registry.url,
        }
        ingest = [sys.executable, "-m", "flows.cli", "ingest", *SEEDS]
        first = {**env, "CTGOV_REQUESTS_PER_MINUTE": "10000"}
        subprocess.run(ingest, env=first, check=True, capture_output=True)

        interpreter = process_seconds([sys.executable, "-c", "pass"], env)
        imports = process_seconds([sys.executable, "-c", "import flows.cli, flows.ingest"], env)
        settings = Settings(db=db, registry_url=registry.url)
        own = pipeline_seconds(settings)
        alone = process_seconds(ingest, env, repeats=3)
        start = time.perf_counter()
        with local_server(free_port(), work / "server-logs") as server, announced(db, server):
            started = time.perf_counter() - start
            served = process_seconds(ingest, env)
        report(interpreter, imports, own, alone, served, started, server)


def report(
    interpreter: float,
    imports: float,
    own: float,
    alone: float,
    served: float,
    started: float,
    server: LocalServer,
) -> None:
    print("`ctgov ingest` of 3 trials (NCT06690827 NCT06835140 NCT04010877), imitation")
    print(f"{'':34}{'no server':>12}{'local server':>14}")
    rows = [
        ("wall (median)", alone, served),
        ("  python start", interpreter, interpreter),
        ("  imports (CLI, Prefect)", imports - interpreter, imports - interpreter),
        ("  pipeline work (no Prefect)", own, own),
        ("  Prefect (the rest)", alone - imports - own, served - imports - own),
    ]
    for name, a, b in rows:
        print(f"{name:34}{a:>10.2f} s{b:>12.2f} s")
    verdict = "met" if served <= TARGET_S else f"missed by {served - TARGET_S:.1f} s"
    print(f"target ≤ {TARGET_S:.0f} s with a local server: {verdict}")
    print(f"(the local server took {started:.1f} s to start, once, at {server.api_url})")


if __name__ == "__main__":
    main()
