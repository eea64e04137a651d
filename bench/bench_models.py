"""Time parsing and dumping of the real study records (budget: 0.25-0.5 ms per ~20-30 KB record).

Run: ``.venv/bin/python -m bench.bench_models [--repeat N] [FILE ...]``

For each record it prints the median over ``--repeat`` runs of:
``validate`` (``Study.model_validate`` alone), ``parse`` (``parse_study``: validate, NCT ID
check and drift walk), ``parse_json`` (``parse_study_json`` on the raw bytes), ``dump``
(``dump_study``), and ``parse+dump``, in milliseconds, and the time per KB of payload.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from imitation.catalog import STUDIES_DIR
from models import dump_study, parse_study, parse_study_json
from models.generated import Study

DEFAULT_REPEAT = 50


def median_ms(action: Callable[[], Any], repeat: int) -> float:
    """Median wall time of ``action`` in milliseconds, after one warm-up call."""
    action()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def bench_file(path: Path, repeat: int) -> dict[str, float]:
    raw = path.read_bytes()
    record = json.loads(raw)
    study = parse_study(record).study
    figures = {
        "validate": median_ms(
            lambda: Study.model_validate(record, by_alias=True, by_name=False), repeat
        ),
        "parse": median_ms(lambda: parse_study(record), repeat),
        "parse_json": median_ms(lambda: parse_study_json(raw), repeat),
        "dump": median_ms(lambda: dump_study(study), repeat),
    }
    figures["parse+dump"] = figures["parse"] + figures["dump"]
    figures["kb"] = len(raw) / 1024
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=DEFAULT_REPEAT)
    args = parser.parse_args()
    files = args.files or sorted(STUDIES_DIR.glob("*.json"))
    columns = ("validate", "parse", "parse_json", "dump", "parse+dump")
    print(f"{'record':<14}{'KB':>8}" + "".join(f"{c:>12}" for c in columns) + f"{'ms/30KB':>10}")
    for path in files:
        repeat = max(3, args.repeat * 30 // max(30, int(path.stat().st_size / 1024)))
        figures = bench_file(path, repeat)
        per_30kb = figures["parse+dump"] / figures["kb"] * 30
        print(
            f"{path.stem:<14}{figures['kb']:>8.1f}"
            + "".join(f"{figures[c]:>12.3f}" for c in columns)
            + f"{per_30kb:>10.3f}"
        )
    print("times in ms (median); ms/30KB = parse+dump scaled to a 30 KB record")


if __name__ == "__main__":
    main()
