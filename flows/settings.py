"""All settings of a run in one place: defaults as named constants, ``CTGOV_*`` to override.

>>> Settings(db=Path("/tmp/x.duckdb")).export_dir
PosixPath('/tmp/parquet')
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from registry.config import (
    DEFAULT_BACKOFF_INITIAL_S,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_REGISTRY_URL,
    DEFAULT_REQUESTS_PER_MINUTE,
)

DEFAULT_DB_PATH = Path("data/ctgov.duckdb")
PARQUET_DIR_NAME = "parquet"
DEFAULT_WATCHLIST_PATH = Path("watchlist.toml")
DEFAULT_BATCH_SIZE = 500
"""Studies per store transaction: big enough to amortise, small enough to bound memory."""


class Settings(BaseSettings):
    """Run settings; every field can be set with ``CTGOV_<NAME>`` or a CLI option."""

    model_config = SettingsConfigDict(env_prefix="CTGOV_", extra="ignore")

    db: Path = Field(DEFAULT_DB_PATH, description="DuckDB file of the warehouse")
    parquet_dir: Path | None = Field(
        None, description="where the Parquet export goes; default: parquet/ beside the database"
    )
    registry_url: str = Field(DEFAULT_REGISTRY_URL, description="registry root URL")
    requests_per_minute: float = Field(
        DEFAULT_REQUESTS_PER_MINUTE, gt=0, description="politeness limit towards the registry"
    )
    max_attempts: int = Field(
        DEFAULT_MAX_ATTEMPTS, ge=1, description="tries per registry request before giving up"
    )
    backoff_initial_s: float = Field(
        DEFAULT_BACKOFF_INITIAL_S, ge=0, description="first retry delay, doubling each time"
    )
    watchlist: Path = Field(DEFAULT_WATCHLIST_PATH, description="TOML file of watched trials")
    batch_size: int = Field(DEFAULT_BATCH_SIZE, gt=0, description="studies per transaction")
    export: bool = Field(True, description="write the Parquet export after each run")

    @property
    def export_dir(self) -> Path:
        return self.parquet_dir or self.db.parent / PARQUET_DIR_NAME


def settings_with(**overrides: object) -> Settings:
    """Settings from the environment, with the given non-None values (CLI options) on top."""
    given = {name: value for name, value in overrides.items() if value is not None}
    return Settings(**given)  # type: ignore[arg-type]
