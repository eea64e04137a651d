"""A run for tests/test_kill.py to kill: ``python -m tests.killable MODE DB URL``.

MODE is ``ingest`` (the served studies, two IDs a request, two studies a transaction),
``backfill`` (the registry history of the studies the warehouse holds), ``export``, or
``bulk``: a bulk load of the folder :func:`bulk_folder` lays out beside the imitation's URL
(``python -m tests.killable bulk DB URL FOLDER``), one study a transaction, the file held for
the whole run as ``ctgov load-bulk`` holds it. It prints
``go`` once imports are done and the run begins, so the killer's clock starts at the work, not
at Python's start-up.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import httpx

from flows import pipeline, sources
from flows.settings import Settings
from imitation import Catalog
from registry import RegistryClient, RegistryConfig
from registry.bulk import BulkSource
from registry.sources import IdsSource

DAY = date(2025, 2, 18)
REQUESTS_PER_MINUTE = 1800
"""Slow enough that a run lasts a second or two and a kill lands inside it."""


def settings_for(db: Path, url: str) -> Settings:
    return Settings(
        db=db,
        registry_url=url,
        export=False,
        batch_size=2,
        bulk_batch_size=1,
    )


def config_for(url: str) -> RegistryConfig:
    return RegistryConfig(
        base_url=url,
        requests_per_minute=REQUESTS_PER_MINUTE,
        backoff_initial_s=0.01,
        ids_per_request=2,
    )


def served(day: date = DAY) -> list[str]:
    return [v.nct_id for v in Catalog.load_default().served_as_of(day)]


def bulk_folder(url: str, root: Path, day: date = DAY) -> Path:
    """What the imitation serves on ``day``, laid out as the registry's bulk download."""
    for nct_id in served(day):
        body = httpx.get(f"{url}/api/v2/studies/{nct_id}", trust_env=False).content
        path = root / nct_id[-2:] / f"{nct_id}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    return root


def run(mode: str, db: Path, url: str, folder: Path | None = None) -> None:
    settings = settings_for(db, url)
    if mode == "bulk":
        assert folder is not None, "bulk needs the folder"
        source = BulkSource(folder, batch_size=settings.bulk_batch_size)
        print("go", flush=True)
        pipeline.run_source(settings, source, history="off", hold=True)
        return
    if mode == "export":
        print("go", flush=True)
        pipeline.export(settings.model_copy(update={"export": True}))
        return
    with RegistryClient(config_for(url)) as client:
        source = (
            IdsSource(client, served())
            if mode == "ingest"
            else sources.history_source(settings, client, None)
        )
        print("go", flush=True)
        pipeline.run_source(settings, source, client=client, history="off")


if __name__ == "__main__":
    mode, db, url = sys.argv[1:4]
    run(mode, Path(db), url, Path(sys.argv[4]) if len(sys.argv) > 4 else None)
