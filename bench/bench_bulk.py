"""The whole-registry benchmark, side by side in one run: our bulk load against DuckDB's own
``read_json`` (the floor) and dlt's ``scd2`` merge into DuckDB (the peer).

``python -m bench.bench_bulk [--studies 10000] [--dlt-studies 2000] [--workers 2]``

On a synthetic registry (``bench/generate.py``: the real size mix, NCT09xxxxxx IDs) of
``--studies`` studies in the bulk download's format, and a second dump with 1 % of them
changed, it measures, each phase in its own process (so peak RSS is the phase's own):

* ours: first load, unchanged re-load, 1 %-changed re-load (``ctgov load-bulk``'s pipeline,
  planning on ``--workers`` processes, one writer), then the daily sync's local cost (1,000
  updated studies into the loaded warehouse, as one page of a ``--since-last-run`` query);
* the floor: DuckDB ``read_json`` of the same files into one table (each record's sections
  as JSON columns: the same content, parsed and validated as JSON, no versioning);
* the peer: dlt's ``scd2`` merge of the same records into DuckDB (``--dlt-studies`` of them;
  dlt is far slower, so its figure is a rate), first load and the 1 %-changed re-load.

Prints the ratios first, then one row per phase (studies/s, MB/s of JSON, peak RSS of the
largest process, of all the phase's processes together as RSS summed and as PSS summed,
sizes), then each target met or missed and by how much. Speed is never asserted by tests.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from registry.bulk import DEFAULT_BULK_BATCH_SIZE

TARGETS = {
    "first load ≥ 0.5× floor": ("ours_vs_floor", 0.5, ">="),
    "first load ≥ 20× dlt": ("ours_vs_dlt", 20.0, ">="),
    "unchanged re-load ≤ 15 % of first": ("reload_share", 0.15, "<="),
    "1 %-changed re-load ≤ 20 % of first": ("changed_share", 0.20, "<="),
    "600k first load < 10 min (projected)": ("projected_600k_min", 10.0, "<"),
    "peak RSS < 2 GB (all processes, RSS summed)": ("peak_rss_gb", 2.0, "<"),
    "peak RSS < 2 GB (all processes, PSS summed)": ("peak_pss_gb", 2.0, "<"),
    "daily sync of 1,000 updates < 1 min (local)": ("sync_s", 60.0, "<"),
}

PHASE = r"""
import json, os, resource, sys, threading, time
from pathlib import Path
kind, args = sys.argv[1], json.loads(sys.argv[2])
footprint, proportional, others = [0], [0], [0]
def _field_mb(path, name):
    try:
        with open(path) as lines:
            return next((int(l.split()[1]) / 1024 for l in lines if l.startswith(name)), 0)
    except OSError:
        return 0
def _rss_mb(pid):
    return _field_mb(f"/proc/{pid}/status", "VmRSS:")
def _pss_mb(pid):
    return _field_mb(f"/proc/{pid}/smaps_rollup", "Pss:") or _rss_mb(pid)
def _family():
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    family, grew = {os.getpid()}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in family} - family
        family |= more
        grew = bool(more)
    return family
def _sample():
    while True:
        family = _family()
        rss = {pid: _rss_mb(pid) for pid in family}
        footprint[0] = max(footprint[0], sum(rss.values()))
        others[0] = max([others[0], *(mb for pid, mb in rss.items() if pid != os.getpid())])
        proportional[0] = max(proportional[0], sum(_pss_mb(pid) for pid in family))
        time.sleep(0.5)
if os.path.isdir("/proc"):
    threading.Thread(target=_sample, daemon=True).start()
start = time.perf_counter()
out = {}
if kind == "ours":
    from flows import pipeline
    from flows.settings import Settings
    from registry.bulk import BulkSource
    settings = Settings(db=Path(args["db"]), export=False, bulk_batch_size=args["batch"])
    from flows.runners import planning
    with planning(args["runner"], workers=args["workers"]) as runner:
        report = pipeline.run_source(
            settings, BulkSource(Path(args["path"]), batch_size=args["batch"]),
            history="off", hold=True, runner=runner)
    c = report.counts
    out = {"studies": report.studies, "new": c.new, "changed": c.changed, "unchanged": c.unchanged}
    import dataclasses
    out["stages"] = dataclasses.asdict(report.stages)
elif kind == "flow":
    import os
    os.environ.update({"CTGOV_TASK_RUNNER": args["runner"], "CTGOV_WORKERS": str(args["workers"]),
                       "CTGOV_BULK_BATCH_SIZE": str(args["batch"])})
    from flows.ingest import load_bulk
    summary = load_bulk(path=args["path"], db=args["db"], export_parquet=False)
    out = {"studies": summary.studies, "pipeline_s": summary.seconds}
elif kind == "export":
    from warehouse.database import connect
    from warehouse.export import export_parquet
    con = connect(Path(args["db"]))
    export_parquet(con, Path(args["out"]))
    con.close()
elif kind == "floor":
    import duckdb
    con = duckdb.connect(args["db"])
    con.execute("SET memory_limit = '4GB'")
    con.execute("CREATE OR REPLACE TABLE studies AS SELECT * FROM read_json(?, "
                "maximum_object_size = 67108864, columns = {'protocolSection': 'JSON', "
                "'resultsSection': 'JSON', 'annotationSection': 'JSON', 'documentSection': "
                "'JSON', 'derivedSection': 'JSON', 'hasResults': 'BOOLEAN'})", [args["glob"]])
    out = {"studies": con.execute("SELECT count(*) FROM studies").fetchone()[0]}
    con.close()
elif kind == "dlt":
    import os, orjson, dlt
    os.environ["RUNTIME__LOG_LEVEL"] = "WARNING"
    files = sorted(Path(args["dir"]).rglob("*.json"))[: args["limit"]]
    def studies():
        for path in files:
            record = orjson.loads(path.read_bytes())
            record["nct_id"] = record["protocolSection"]["identificationModule"]["nctId"]
            yield record
    studies_resource = dlt.resource(studies, name="studies", merge_key="nct_id",
                                    write_disposition={"disposition": "merge",
                                                       "strategy": "scd2"})
    pipe = dlt.pipeline(pipeline_name="bench", destination=dlt.destinations.duckdb(args["db"]),
                        dataset_name="ctgov", pipelines_dir=args["work"])
    pipe.run(studies_resource())
    out = {"studies": len(files)}
elif kind == "sync":
    from flows import pipeline
    from flows.settings import Settings
    from models.payload import Batch, RawStudy
    import zipfile
    archive = zipfile.ZipFile(args["changed_zip"])
    names = [n for n in sorted(archive.namelist()) if n.split("/")[-1][:-5] in set(args["ids"])]
    studies = [RawStudy(n.split("/")[-1][:-5], None, archive.read(n).decode()) for n in names]
    class OnePage:
        key = cursor_key = "query:bench-sync"
        kind = "sync"
        description = "1,000 updated studies (one page of --since-last-run)"
        def total(self): return len(studies)
        def batches(self, resume=None):
            yield Batch(studies=studies, requested=len(studies), cursor="")
    settings = Settings(db=Path(args["db"]), export=False)
    report = pipeline.run_source(settings, OnePage(), history="off")
    out = {"studies": report.studies, "changed": report.counts.changed}
out["seconds"] = time.perf_counter() - start
out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out["children_rss_mb"] = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                            others[0])
out["footprint_mb"] = max(footprint[0], out["rss_mb"])
out["pss_mb"] = proportional[0] or out["footprint_mb"]
print(json.dumps(out))
"""


@dataclass
class Row:
    name: str
    studies: int
    seconds: float
    json_mb: float
    rss_mb: float
    footprint_mb: float
    pss_mb: float
    db_mb: float | None = None
    parquet_mb: float | None = None

    @property
    def rate(self) -> float:
        return self.studies / self.seconds if self.seconds else 0.0


def phase(kind: str, **args: Any) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", PHASE, kind, json.dumps(args)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )
    if done.returncode != 0:
        raise SystemExit(f"phase {kind} failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _rss(result: dict[str, Any]) -> tuple[float, float, float]:
    """The phase's largest process (its own peak, or a sampled one's: the planning workers
    start from a fork server, so they are not the phase's children), and all its processes
    together (the writer, the fork server and its planning workers, sampled every half
    second) twice: their RSS summed, and their PSS summed. Summed RSS counts each page the
    processes share in every one of them (the libraries' code, what the fork server's
    imports left to the workers); PSS splits each shared page among its sharers, so its sum
    is what the machine holds for them."""
    largest = max(result["rss_mb"], result["children_rss_mb"])
    summed = max(result.get("footprint_mb", 0.0), largest)
    return largest, summed, result.get("pss_mb", summed)


def size_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 1e6
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def main() -> None:
    from bench.generate import changed_dump, synthetic_studies, write

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--studies", type=int, default=10_000)
    parser.add_argument("--dlt-studies", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=DEFAULT_BULK_BATCH_SIZE)
    parser.add_argument(
        "--runner", default="processes", choices=["serial", "threads", "processes", "dask"]
    )
    parser.add_argument("--work", type=Path, help="keep files here (default: a temp dir)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="ctgov-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    n = args.studies
    zip_path, folder, changed_zip = work / "registry.zip", work / "registry", work / "changed.zip"
    started = time.perf_counter()
    _, json_bytes = write(synthetic_studies(n), zip_path)
    write(synthetic_studies(n), folder, as_dir=True)
    changed_studies, changed_ids = changed_dump(n, 0.01)
    write(changed_studies, changed_zip)
    json_mb = json_bytes / 1e6
    print(
        f"synthetic registry: {n:,} studies, {json_mb:,.0f} MB of JSON "
        f"(mean {json_bytes / n / 1024:.1f} KB), made in {time.perf_counter() - started:.0f} s"
    )

    ours = {"runner": args.runner, "workers": args.workers, "batch": args.batch}
    db = work / "ours.duckdb"
    rows: list[Row] = []
    first = phase("ours", path=str(zip_path), db=str(db), **ours)
    export = phase("export", db=str(db), out=str(work / "parquet"))
    rows.append(Row("ours: first load", n, first["seconds"], json_mb, *_rss(first), size_mb(db),
                    size_mb(work / "parquet")))  # fmt: skip
    again = phase("ours", path=str(zip_path), db=str(db), **ours)
    rows.append(Row("ours: unchanged re-load", n, again["seconds"], json_mb, *_rss(again),
                    size_mb(db)))  # fmt: skip
    changed = phase("ours", path=str(changed_zip), db=str(db), **ours)
    rows.append(Row("ours: 1 %-changed re-load", n, changed["seconds"], json_mb, *_rss(changed),
                    size_mb(db)))  # fmt: skip
    sync_ids = sorted(changed_ids)[:1000]
    sync = phase("sync", db=str(db), changed_zip=str(changed_zip), ids=sync_ids)
    rows.append(Row(f"ours: daily sync ({len(sync_ids):,} updates)", len(sync_ids),
                    sync["seconds"], json_mb * len(sync_ids) / n, *_rss(sync)))  # fmt: skip
    floor = phase("floor", db=str(work / "floor.duckdb"), glob=str(folder / "*" / "*.json"))
    rows.append(Row("floor: DuckDB read_json", n, floor["seconds"], json_mb, *_rss(floor),
                    size_mb(work / "floor.duckdb")))  # fmt: skip
    dlt_row: Row | None = None
    try:
        import dlt  # noqa: F401
    except ImportError:
        print("dlt is not installed: pip install -e '.[bench]' (make bench does) to compare")
    else:
        limit = min(args.dlt_studies, n)
        dlt_first = phase("dlt", dir=str(folder), limit=limit, db=str(work / "dlt.duckdb"),
                          work=str(work / "dlt"))  # fmt: skip
        dlt_row = Row(
            f"peer: dlt scd2 ({limit:,} studies)",
            limit,
            dlt_first["seconds"],
            json_mb * limit / n,
            *_rss(dlt_first),
            size_mb(work / "dlt.duckdb"),
        )
        rows.append(dlt_row)

    first_row = rows[0]
    figures = {
        "ours_vs_floor": first_row.rate / rows[4].rate,
        "ours_vs_dlt": first_row.rate / dlt_row.rate if dlt_row else float("nan"),
        "reload_share": rows[1].seconds / first_row.seconds,
        "changed_share": rows[2].seconds / first_row.seconds,
        "projected_600k_min": 600_000 / first_row.rate / 60,
        "peak_rss_gb": max(r.footprint_mb for r in rows[:3]) / 1024,
        "peak_pss_gb": max(r.pss_mb for r in rows[:3]) / 1024,
        "sync_s": rows[3].seconds,
    }
    print()
    print(
        f"ratios: first load {figures['ours_vs_floor']:.2f}× the floor, "
        f"{figures['ours_vs_dlt']:.1f}× dlt; unchanged re-load {figures['reload_share']:.0%} "
        f"and 1 %-changed {figures['changed_share']:.0%} of the first load's time"
    )
    print()
    print(
        f"{'phase':<34} {'studies':>8} {'s':>7} {'studies/s':>10} {'MB/s':>6} "
        f"{'peak RSS':>9} {'all RSS':>9} {'all PSS':>9} {'db MB':>7} {'parquet':>8}"
    )
    for row in rows:
        db_mb = f"{row.db_mb:,.0f}" if row.db_mb is not None else ""
        pq = f"{row.parquet_mb:,.0f}" if row.parquet_mb is not None else ""
        print(
            f"{row.name:<34} {row.studies:>8,} {row.seconds:>7.1f} {row.rate:>10,.0f} "
            f"{row.json_mb / row.seconds:>6.1f} {row.rss_mb:>8,.0f}M {row.footprint_mb:>8,.0f}M "
            f"{row.pss_mb:>8,.0f}M "
            f"{db_mb:>7} {pq:>8}"
        )
    print(f"(Parquet export of the first load: {export['seconds']:.1f} s)")
    print()
    for label, (key, bound, op) in TARGETS.items():
        value = figures[key]
        met = value >= bound if op == ">=" else value <= bound if op == "<=" else value < bound
        gap = "" if met else f" — missed by {abs(value - bound) / bound:.0%}"
        print(f"  {'met   ' if met else 'MISSED'} {label}: {value:,.2f}{gap}")
    print(
        f"\nmachine: {_machine()}; workers {args.workers}, batch {args.batch}, runner "
        f"{args.runner}; files in {work}"
    )
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


def _machine() -> str:
    import os
    import platform

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


if __name__ == "__main__":
    main()
