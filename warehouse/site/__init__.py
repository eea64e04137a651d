"""A static site of the warehouse: an index of the trials, a page per trial, recent changes.

    summary = build_site(Path("data/ctgov.duckdb"), Path("data/site"), until=date(2025, 6, 1))
    summary.index  # data/site/index.html

No server and no network: every script and style the pages use is written into the output
directory (plotly.js included), links between pages are relative, so the directory opens from
the file system and can be published as it is. The site is rebuilt whole into a staging
directory beside the output and swapped in as the Parquet export is
(:func:`warehouse.export.swap_into_place`), so a reader never sees half of two builds.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from warehouse.database import connect
from warehouse.errors import WarehouseError
from warehouse.export import remove_stale_staging, staging_dir, swap_into_place
from warehouse.site import data
from warehouse.site.render import write_site

DEFAULT_RECENT_DAYS = 30
MAX_UNNAMED_TRIALS = 2_000
"""A site of more trials than this must name them: a page per study of a registry-wide
warehouse is not a site anyone reads."""


class SiteError(WarehouseError):
    """The site cannot be built (no such study, nothing stored yet)."""


@dataclass(frozen=True)
class SiteSummary:
    out_dir: Path
    trials: tuple[str, ...]
    pages: int

    @property
    def index(self) -> Path:
        return self.out_dir / "index.html"


def build_site(
    db: Path,
    out_dir: Path,
    *,
    until: date,
    nct_ids: Sequence[str] | None = None,
    days: int = DEFAULT_RECENT_DAYS,
) -> SiteSummary:
    """Build the site of ``db`` into ``out_dir``: the studies ``nct_ids``, else the tracked
    studies (``tracked_studies``) that are stored, else every study.

    ``until`` is the report's date: the end of the "recent" window of ``days`` days and of the
    current status period's bar. The caller chooses it (today, or a simulated day)."""
    con = connect(db, read_only=True)
    try:
        rows = data.read_index(con, nct_ids, until, days)
        _check_found(rows, nct_ids, db)
        events = data.read_events(con)
        pages = [data.read_trial(con, row, events) for row in rows]
    finally:
        con.close()
    shown = {row.nct_id for row in rows}
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(out_dir)
    staging = staging_dir(out_dir)
    try:
        written = write_site(
            staging, rows, pages, [e for e in events if e.nct_id in shown], until=until, days=days
        )
        swap_into_place(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return SiteSummary(out_dir, tuple(sorted(shown)), written)


def _check_found(rows: Sequence[data.TrialRow], asked: Sequence[str] | None, db: Path) -> None:
    if not rows and not asked:
        raise SiteError(f"{db} holds no study yet; run `ctgov ingest --db {db}` first")
    if not asked and len(rows) > MAX_UNNAMED_TRIALS:
        raise SiteError(
            f"{db} holds {len(rows):,} studies and none is tracked; name the trials "
            f"(`ctgov report NCT…`) or track them (`ctgov track`)"
        )
    missing = sorted(set(asked or ()) - {row.nct_id for row in rows})
    if missing:
        raise SiteError(
            f"not in {db}: {', '.join(missing)}; `ctgov ingest {' '.join(missing)}` stores them"
        )


__all__ = ["DEFAULT_RECENT_DAYS", "SiteError", "SiteSummary", "build_site"]
