"""Scale-out: a bulk load planned serially and on a local Dask cluster, the writer's share of
the time, and what more workers would give (a projection, not a measurement).

``python -m bench.bench_scale [--studies 100000] [--workers 2] [--batch 2048]``

On a synthetic registry (``bench/generate.py``, the real size mix) it runs the first load of
``ctgov load-bulk``'s pipeline twice, each in its own process: planning in the writer's
process (serial), then on a local Dask cluster of ``--workers`` worker processes. Each run
reports where the writer's process spent its time (``flows.pipeline.StageTimes``):

* source: reading the bulk files; state: reading the warehouse's state, settling unchanged
  studies; write: applying plans (a bulk load commits them in groups) — the writer's own
  share, which no number of planning workers shortens;
* plan: planning in the writer's process (all of it when serial; shipping when on Dask);
* wait: the writer idle, waiting for a worker's plan.

Then the ``load_bulk`` flow itself with ``CTGOV_TASK_RUNNER=dask`` (``prefect-dask``'s
``DaskTaskRunner``, one ``plan-batch`` task run per batch), to show what Prefect adds.

Projection for a 600k load on W workers, from the measured costs per study (the serial
run's planning P, the Dask run's writer-side cost M, both scaled to 600k): T(W) ≈ max(M, P / W).
It assumes planning workers on their own cores and a scheduler that keeps up; the bound on
the speed-up is (M + P) / M. Speed is never asserted by tests.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.bench_bulk import _machine, phase
from registry.bulk import DEFAULT_BULK_BATCH_SIZE

REGISTRY = 600_000
PROJECTED_WORKERS = (1, 2, 4, 16, 64)


def main() -> None:
    from bench.generate import synthetic_studies, write

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--studies", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=DEFAULT_BULK_BATCH_SIZE)
    parser.add_argument("--work", type=Path, help="keep files here (default: a temp dir)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="ctgov-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    n = args.studies
    zip_path = work / "registry.zip"
    started = time.perf_counter()
    _, json_bytes = write(synthetic_studies(n), zip_path)
    print(
        f"synthetic registry: {n:,} studies, {json_bytes / 1e6:,.0f} MB of JSON, "
        f"made in {time.perf_counter() - started:.0f} s"
    )
    runs: dict[str, dict[str, Any]] = {}
    for name, runner, workers in (("serial", "serial", 1), ("dask", "dask", args.workers)):
        db = work / f"{name}.duckdb"
        runs[name] = phase(
            "ours", path=str(zip_path), db=str(db), runner=runner, workers=workers,
            batch=args.batch,
        )  # fmt: skip
    flow = phase(
        "flow", path=str(zip_path), db=str(work / "flow.duckdb"), runner="dask",
        workers=args.workers, batch=args.batch,
    )  # fmt: skip
    report(runs, n, args.workers)
    print(
        f"\nthe load_bulk flow on prefect-dask ({args.workers} workers, a plan-batch task run "
        f"per batch): {flow['seconds']:.1f} s in all, {flow['pipeline_s']:.1f} s of pipeline "
        f"({n / flow['pipeline_s']:.0f} studies/s; the direct Dask run: "
        f"{runs['dask']['seconds']:.1f} s); the rest is Prefect's temporary server and flow run"
    )
    print(f"\nmachine: {_machine()}; batch {args.batch}; files in {work}")


def report(runs: dict[str, dict[str, Any]], n: int, workers: int) -> None:
    print(f"\nfirst load of {n:,} studies, where the writer's process spent its time (s)")
    header = f"{'run':18}{'total':>8}{'st/s':>7}{'source':>8}{'state':>7}{'plan':>7}"
    print(f"{header}{'wait':>7}{'write':>7}{'writer':>8}")
    for name, run in runs.items():
        st = run["stages"]
        own = st["source_s"] + st["state_s"] + st["write_s"]
        label = "serial" if name == "serial" else f"dask, {workers} workers"
        print(
            f"{label:18}{run['seconds']:>8.1f}{n / run['seconds']:>7.0f}{st['source_s']:>8.1f}"
            f"{st['state_s']:>7.1f}{st['plan_s']:>7.1f}{st['wait_s']:>7.1f}{st['write_s']:>7.1f}"
            f"{own / run['seconds']:>7.0%}"
        )
    serial, dask = runs["serial"]["stages"], runs["dask"]["stages"]
    scale = REGISTRY / n
    planning = serial["plan_s"] * scale
    writer = (dask["source_s"] + dask["state_s"] + dask["write_s"] + dask["plan_s"]) * scale
    speedup = runs["serial"]["seconds"] / runs["dask"]["seconds"]
    print(f"\nmeasured speed-up with {workers} Dask workers on this machine: {speedup:.2f}×")
    print(
        f"writer's share (source + state + write) of the Dask run: "
        f"{(dask['source_s'] + dask['state_s'] + dask['write_s']) / runs['dask']['seconds']:.0%}"
    )
    print(
        f"\nprojection for {REGISTRY:,} studies (a projection: planning P = "
        f"{planning / 60:.1f} min of one core, writer M = {writer / 60:.1f} min; bound on speed-up "
        f"(M + P) / M = {(writer + planning) / writer:.1f}×)"
    )
    print(f"{'workers':>8}{'minutes':>10}  bound by")
    for count in PROJECTED_WORKERS:
        minutes = max(writer, planning / count) / 60
        bound = "the writer" if writer >= planning / count else "planning"
        print(f"{count:>8}{minutes:>10.1f}  {bound}")


if __name__ == "__main__":
    main()
