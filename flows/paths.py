"""Where the warehouse's files live by default, and the one rule for where its export goes.

Light on purpose (no pydantic-settings, no registry client): the read-only commands import it.

>>> export_dir(Path("/srv/trials/ctgov.duckdb"))
PosixPath('/srv/trials/parquet')
>>> export_dir(Path("/srv/trials/ctgov.duckdb"), Path("/mnt/share/ctgov"))
PosixPath('/mnt/share/ctgov')
"""

from __future__ import annotations

from pathlib import Path

DEFAULT_DB_PATH = Path("data/ctgov.duckdb")
DEFAULT_WATCHLIST_PATH = Path("watchlist.toml")
PARQUET_DIR_NAME = "parquet"
"""The export's directory name beside its database."""
SITE_DIR_NAME = "site"
"""The static site's directory name beside its database."""

ENV_PREFIX = "CTGOV_"
DB_ENV_VAR = f"{ENV_PREFIX}DB"
PARQUET_DIR_ENV_VAR = f"{ENV_PREFIX}PARQUET_DIR"
SITE_DIR_ENV_VAR = f"{ENV_PREFIX}SITE_DIR"
EXPORT_URL_ENV_VAR = f"{ENV_PREFIX}EXPORT_URL"


def export_dir(db: Path, parquet_dir: Path | None = None) -> Path:
    """The Parquet export of ``db``: ``parquet_dir`` when given, else ``parquet/`` beside ``db``.

    Every command that writes or reads the export goes through here, so a database's export
    never lands in another database's directory.
    """
    return parquet_dir if parquet_dir is not None else db.parent / PARQUET_DIR_NAME


def site_dir(db: Path, given: Path | None = None) -> Path:
    """The static site of ``db``: ``given`` when set, else ``site/`` beside ``db`` (the same
    rule as the export)."""
    return given if given is not None else db.parent / SITE_DIR_NAME
