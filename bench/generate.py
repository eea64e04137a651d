"""Synthetic registries in the bulk download's format, built from the shipped real records.

``python -m bench.generate N OUT.zip [--changed 0.01 --changed-out OUT2.zip] [--dir]``

Each synthetic study is one of the 11 records in ``imitation/data/studies`` (8 real ones, 3
reconstructed seeds, 1 KB to 1.5 MB) under a new NCT ID (``NCT09xxxxxx``, a range the registry
has not assigned), with its title, enrollment, dates and site order varied so no two are
alike. Records are drawn with weights that give the **size mix of the real registry**
(API-NOTES §1: median ~10 KB, mean ~17 KB, a tail of MB-sized records with results): about
half are 1-10 KB, half 12-125 KB, and 0.3 % the 0.76 MB PALLAS record (1.5 MB as
shipped, pretty-printed).

``--changed`` also writes a second dump in which that share of the studies changed the way
real updates look: a new ``lastUpdatePostDate`` with a status change, an enrollment update, a
site's recruitment status or a primary completion date slip (one or two of these each).
Generation is seeded: the same arguments give the same files.
"""

from __future__ import annotations

import argparse
import copy
import random
import statistics
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from imitation.catalog import STUDIES_DIR

FIRST_ID = 9_000_000
SEED = 20_261_202
BASE_WEIGHTS: dict[str, float] = {
    "NCT04010877": 0.025,  # 0.8 KB compact
    "NCT06835140": 0.025,  # 0.8 KB
    "NCT00973089": 0.05,  # 6.2 KB
    "NCT06690827": 0.10,  # 6.9 KB
    "NCT06171568": 0.10,  # 7.1 KB
    "NCT00184067": 0.20,  # 9.5 KB
    "NCT03934567": 0.202,  # 11.7 KB
    "NCT05594173": 0.17,  # 14.9 KB, results
    "NCT00763412": 0.10,  # 34.9 KB, results
    "NCT02552212": 0.025,  # 125.4 KB, results
    "NCT02513394": 0.003,  # 759 KB compact (1.5 MB as shipped), results
}
"""Draw weights per base record, sized as compact JSON (how the registry sends it): median
~10 KB, mean ~17 KB, a thin tail of the largest record."""
STATUSES = ("NOT_YET_RECRUITING", "RECRUITING", "ACTIVE_NOT_RECRUITING", "COMPLETED")


@dataclass(frozen=True)
class Study:
    nct_id: str
    record: dict[str, Any]

    @property
    def name(self) -> str:
        """The file's name in the bulk zip: ``NN/NCTxxxxxxxx.json`` by the last two digits."""
        return f"{self.nct_id[-2:]}/{self.nct_id}.json"

    def text(self) -> bytes:
        return orjson.dumps(self.record)


def bases() -> dict[str, dict[str, Any]]:
    return {
        path.stem: orjson.loads(path.read_bytes()) for path in sorted(STUDIES_DIR.glob("*.json"))
    }


def synthetic_studies(count: int, seed: int = SEED) -> Iterator[Study]:
    """``count`` synthetic studies, drawn and varied with ``seed``."""
    rng = random.Random(seed)
    records = bases()
    names = list(BASE_WEIGHTS)
    weights = [BASE_WEIGHTS[name] for name in names]
    for offset in range(count):
        base = records[rng.choices(names, weights)[0]]
        yield Study(f"NCT{FIRST_ID + offset:08d}", _varied(base, FIRST_ID + offset, rng))


def _varied(base: dict[str, Any], number: int, rng: random.Random) -> dict[str, Any]:
    record = copy.deepcopy(base)
    protocol = record["protocolSection"]
    identification = protocol["identificationModule"]
    identification["nctId"] = f"NCT{number:08d}"
    identification.pop("nctIdAliases", None)
    title = identification.get("briefTitle", "Study")
    identification["briefTitle"] = f"{title} (synthetic {number})"
    org = identification.setdefault("orgStudyIdInfo", {})
    org["id"] = f"SYN-{number}"
    design = protocol.get("designModule", {})
    enrollment = design.get("enrollmentInfo")
    if isinstance(enrollment, dict) and isinstance(enrollment.get("count"), int):
        enrollment["count"] = max(1, enrollment["count"] + rng.randint(-10, 40))
    status = protocol["statusModule"]
    year = rng.randint(2005, 2026)
    status["lastUpdatePostDateStruct"] = {
        "date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "type": "ACTUAL",
    }
    sites = protocol.get("contactsLocationsModule", {}).get("locations")
    if isinstance(sites, list) and len(sites) > 1:
        rng.shuffle(sites)
    return record


def updated(study: Study, rng: random.Random) -> Study:
    """The study after a registry update: a new post date and one or two real-looking edits."""
    record = copy.deepcopy(study.record)
    protocol = record["protocolSection"]
    status = protocol["statusModule"]
    old = status["lastUpdatePostDateStruct"]["date"]
    status["lastUpdatePostDateStruct"] = {"date": _later(old), "type": "ACTUAL"}
    edits = rng.sample(["status", "enrollment", "site", "completion"], rng.choice([1, 2]))
    for edit in edits:
        if edit == "status":
            current = status.get("overallStatus")
            later = [s for s in STATUSES if s != current]
            status["overallStatus"] = rng.choice(later)
        elif edit == "enrollment":
            info = protocol.get("designModule", {}).get("enrollmentInfo")
            if isinstance(info, dict):
                info["count"] = int(info.get("count") or 0) + rng.randint(1, 25)
                info["type"] = "ACTUAL" if rng.random() < 0.3 else info.get("type", "ESTIMATED")
        elif edit == "site":
            sites = protocol.get("contactsLocationsModule", {}).get("locations") or []
            if sites:
                rng.choice(sites)["status"] = rng.choice(["RECRUITING", "COMPLETED", "WITHDRAWN"])
        else:
            struct = status.get("primaryCompletionDateStruct")
            if isinstance(struct, dict) and isinstance(struct.get("date"), str):
                struct["date"] = _later(struct["date"] + "-01"[: 10 - len(struct["date"])])
    return Study(study.nct_id, record)


def _later(day: str) -> str:
    year, month = int(day[:4]), int(day[5:7]) if len(day) >= 7 else 1
    month += 1
    if month > 12:
        year, month = year + 1, 1
    return f"{year}-{month:02d}-15"


def write(studies: Iterator[Study], out: Path, *, as_dir: bool = False) -> tuple[int, int]:
    """Write studies as a bulk zip (or folder); returns (files, bytes of JSON)."""
    files = size = 0
    if as_dir:
        for study in studies:
            path = out / study.name
            path.parent.mkdir(parents=True, exist_ok=True)
            data = study.text()
            path.write_bytes(data)
            files, size = files + 1, size + len(data)
        return files, size
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for study in studies:
            data = study.text()
            archive.writestr(study.name, data)
            files, size = files + 1, size + len(data)
    return files, size


def changed_dump(count: int, share: float, seed: int = SEED) -> tuple[Iterator[Study], set[str]]:
    """The registry of ``count`` studies after ``share`` of them were updated."""
    rng = random.Random(seed + 1)
    chosen = set(rng.sample(range(count), max(1, round(count * share))))
    names = {f"NCT{FIRST_ID + i:08d}" for i in chosen}

    def studies() -> Iterator[Study]:
        for offset, study in enumerate(synthetic_studies(count, seed)):
            yield updated(study, rng) if offset in chosen else study

    return studies(), names


def size_mix(count: int, seed: int = SEED) -> dict[str, float]:
    sizes = [len(s.text()) for s in synthetic_studies(count, seed)]
    return {
        "median_kb": statistics.median(sizes) / 1024,
        "mean_kb": statistics.mean(sizes) / 1024,
        "max_kb": max(sizes) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--dir", action="store_true", help="write a folder, not a zip")
    parser.add_argument("--changed", type=float, default=0.0, help="share changed, e.g. 0.01")
    parser.add_argument("--changed-out", type=Path)
    args = parser.parse_args()
    files, size = write(synthetic_studies(args.count), args.out, as_dir=args.dir)
    print(f"{args.out}: {files:,} studies, {size / 1e6:,.1f} MB of JSON")
    if args.changed and args.changed_out:
        studies, names = changed_dump(args.count, args.changed)
        files, size = write(studies, args.changed_out, as_dir=args.dir)
        print(f"{args.changed_out}: {files:,} studies, {len(names):,} changed")


if __name__ == "__main__":
    main()
