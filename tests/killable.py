"""A run for tests/test_kill.py to kill: ``python -m tests.killable MODE DB URL``.

MODE is ``ingest`` (the served studies, two IDs a request, two studies a transaction),
``backfill`` (the registry history of the studies the warehouse holds) or ``export``. It prints
``go`` once imports are done and the run begins, so the killer's clock starts at the work, not
at Python's start-up.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from flows import pipeline, sources
from flows.settings import Settings
from imitation import Catalog
from registry import RegistryClient, RegistryConfig
from registry.sources import IdsSource

DAY = date(2025, 2, 18)
REQUESTS_PER_MINUTE = 1800
"""Slow enough that a run lasts a second or two and a kill lands inside it."""


def settings_for(db: Path, url: str) -> Settings:
    return Settings(db=db, registry_url=url, export=False, batch_size=2)


def config_for(url: str) -> RegistryConfig:
    return RegistryConfig(
        base_url=url,
        requests_per_minute=REQUESTS_PER_MINUTE,
        backoff_initial_s=0.01,
        ids_per_request=2,
    )


def served() -> list[str]:
    return [v.nct_id for v in Catalog.load_default().served_as_of(DAY)]


def run(mode: str, db: Path, url: str) -> None:
    settings = settings_for(db, url)
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
    run(mode, Path(db), url)
