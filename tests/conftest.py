"""Shared fixtures: real records, real DuckDB files in tmp_path, a temporary PREFECT_HOME."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
STUDIES_DIR = ROOT / "imitation" / "data" / "studies"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REAL_STUDY_IDS = [
    "NCT00184067",
    "NCT00763412",
    "NCT00973089",
    "NCT02513394",
    "NCT02552212",
    "NCT03934567",
    "NCT05594173",
    "NCT06171568",
]
"""Real registry responses, copied byte for byte (tests/fixtures/ctgov/PROVENANCE.md)."""
NEAR_MISS_IDS = [f"NCT099000{n:02d}" for n in range(1, 7)]
"""Synthetic, real-shaped near misses for discovery (imitation/data/studies/README.md)."""


def study_text(nct_id: str) -> str:
    return (STUDIES_DIR / f"{nct_id}.json").read_text("utf-8")


def study_record(nct_id: str) -> dict[str, Any]:
    record: dict[str, Any] = json.loads(study_text(nct_id))
    return record


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "ctgov.duckdb"


@pytest.fixture(scope="session")
def prefect_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A throwaway PREFECT_HOME, so tests never touch the user's Prefect database."""
    home = tmp_path_factory.mktemp("prefect-home")
    previous = os.environ.get("PREFECT_HOME")
    os.environ["PREFECT_HOME"] = str(home)
    yield home
    if previous is None:
        os.environ.pop("PREFECT_HOME", None)
    else:
        os.environ["PREFECT_HOME"] = previous


@pytest.fixture(scope="session")
def prefect_harness(prefect_home: Path) -> Iterator[None]:
    """One Prefect test server for the whole session (~10 s), shared by every flow test."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
