"""All settings of a run in one place: defaults as named constants, ``CTGOV_*`` to override.

>>> Settings(db=Path("/tmp/x.duckdb")).export_dir
PosixPath('/tmp/parquet')
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from flows.paths import (
    DEFAULT_DB_PATH,
    DEFAULT_WATCHLIST_PATH,
    ENV_PREFIX,
    export_dir,
    site_dir,
)
from models.errors import InputError
from registry.bulk import DEFAULT_BULK_BATCH_SIZE
from registry.config import (
    DEFAULT_BACKOFF_INITIAL_S,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_READ_TIMEOUT_S,
    DEFAULT_REGISTRY_URL,
    DEFAULT_REQUESTS_PER_MINUTE,
    DEFAULT_RETRY_BUDGET_S,
    normalize_base_url,
)
from warehouse.session import DEFAULT_MEMORY_LIMIT, DEFAULT_WRITE_WAIT_S

DEFAULT_BATCH_SIZE = 500
"""Studies per store transaction: big enough to amortise, small enough to bound memory."""


class Settings(BaseSettings):
    """Run settings; every field can be set with ``CTGOV_<NAME>`` or a CLI option."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

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
    read_timeout_s: float = Field(
        DEFAULT_READ_TIMEOUT_S, gt=0, description="longest wait for a registry answer's bytes"
    )
    retry_budget_s: float = Field(
        DEFAULT_RETRY_BUDGET_S,
        gt=0,
        description="no retry of a registry request starts later than this after the first try",
    )
    watchlist: Path = Field(DEFAULT_WATCHLIST_PATH, description="TOML file of watched trials")
    batch_size: int = Field(DEFAULT_BATCH_SIZE, gt=0, description="studies per transaction")
    bulk_batch_size: int = Field(
        DEFAULT_BULK_BATCH_SIZE, gt=0, description="bulk files read per transaction"
    )
    task_runner: str = Field(
        "auto",
        description="where batches are planned: serial, threads, processes, dask, or auto "
        "(processes for bulk loads, serial otherwise)",
    )
    dask_address: str | None = Field(
        None,
        description="scheduler of an existing Dask cluster for the dask runner (e.g. "
        "tcp://10.0.0.5:8786); default: a local cluster of `workers` processes",
    )
    workers: int = Field(
        default_factory=lambda: max(1, os.cpu_count() or 1),
        gt=0,
        description="planning workers for the threads, processes and dask runners",
    )
    lock_wait_s: float = Field(
        DEFAULT_WRITE_WAIT_S,
        ge=0,
        description="how long a run waits for a reader to close the database before giving up",
    )
    run_lock_wait_s: float = Field(
        0.0,
        ge=0,
        description="how long a run waits for another run on the same database to finish "
        "(0: fail at once; scheduled runs queue with e.g. 3600)",
    )
    duckdb_memory_limit: str = Field(
        DEFAULT_MEMORY_LIMIT,
        description="memory DuckDB may use during a bulk load (512MB: 4 % less of the "
        "writer's CPU at 600,000 studies, 0.1 GB more)",
    )
    export: bool = Field(True, description="write the Parquet export after each run")
    export_url: str | None = Field(
        None,
        description="also publish the export to object storage, s3://bucket/prefix "
        "(CTGOV_S3_ENDPOINT and AWS_* for the connection)",
    )
    site: bool = Field(
        False, description="rebuild the static site (ctgov report) after each ingest run"
    )
    site_dir: Path | None = Field(
        None, description="where the static site goes; default: site/ beside the database"
    )
    strict: bool = Field(
        False, description="make an ID the registry does not know an error (exit 2), not a note"
    )
    history: bool = Field(
        True,
        description="in runs by IDs, fetch the registry's version history of each new study "
        "(and the versions a changed one posted since its last stored version)",
    )

    @field_validator("registry_url")
    @classmethod
    def _check_registry_url(cls, value: str) -> str:
        return normalize_base_url(value)

    @property
    def export_dir(self) -> Path:
        return export_dir(self.db, self.parquet_dir)

    @property
    def site_out(self) -> Path:
        return site_dir(self.db, self.site_dir)


class SettingsError(InputError):
    """A setting that cannot be used; the message names the option or variable and the value."""


def settings_with(**overrides: object) -> Settings:
    """Settings from the environment, with the given non-None values (CLI options) on top.

    An invalid value raises :class:`SettingsError` naming where it came from: the CLI option
    when one was given, else the ``CTGOV_*`` variable.
    """
    given = {name: value for name, value in overrides.items() if value is not None}
    try:
        return Settings(**given)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise settings_error(exc, given) from None


def settings_error(error: ValidationError, given: dict[str, object]) -> SettingsError:
    first = error.errors(include_url=False)[0]
    field = str(first["loc"][0]) if first["loc"] else "?"
    if field in given:
        source = f"--{field.replace('_', '-')} {given[field]!s}"
    else:
        source = f"{ENV_PREFIX}{field.upper()}={first.get('input')!s}"
    reason = str(first["msg"]).removeprefix("Value error, ")
    return SettingsError(f"{source} is not valid: {reason}")
