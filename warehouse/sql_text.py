"""SQL statements live in ``warehouse/sql/<area>/*.sql``; this loads them once."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def load_sql(name: str, area: str = "write") -> str:
    """Return the text of ``warehouse/sql/<area>/<name>``."""
    return resources.files(f"warehouse.sql.{area}").joinpath(name).read_text("utf-8")
