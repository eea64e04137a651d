"""``make demo``: the whole product offline, over several simulated registry days.

Starts the imitation registry on 127.0.0.1 on a day well into NCT06690827's life, so the first
ingest run already stores the registry's history of each watched trial; then runs the ingest
flow once per later simulated day on which a watched trial changes, and prints the history of
NCT06690827 (on the registry's clock), what changed last, and the record as the registry
showed it on a day before the first run; then builds the static site (``ctgov report``) dated
the last simulated day and prints its path. The server stops when the demo ends, also on Ctrl-C
(it runs in this process, in a thread).
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

from rich.console import Console

from flows import quiet_prefect_console
from flows.paths import DEFAULT_WATCHLIST_PATH, site_dir
from flows.summary import event_lines
from flows.watchlist import load_watchlist
from imitation import Catalog, ImitationServer
from warehouse import history
from warehouse.database import connect
from warehouse.site import build_site

DEMO_DIR = Path("data/demo")
DEMO_TRIAL = "NCT06690827"
MAX_DEMO_DAYS = 12
FIRST_RUN_VERSION = 6
"""The demo's first run is on the day of NCT06690827's 6th version: versions 1-5 come from the
registry's history in that run."""
INTERRUPTED_EXIT = 130

console = Console()


def demo_days(catalog: Catalog, nct_ids: list[str]) -> list[date]:
    """A day well into the demo trial's life, then each later day a watched trial changes."""
    start = catalog.versions(DEMO_TRIAL)[FIRST_RUN_VERSION - 1].date
    days = {v.date for nct in nct_ids for v in catalog.versions(nct) if v.date >= start}
    return sorted(days)[:MAX_DEMO_DAYS]


def before_first_run(days: list[date]) -> date:
    """A day before the first run, on which the registry showed an earlier version."""
    return days[0] - timedelta(days=14)


def run_demo(workdir: Path = DEMO_DIR) -> None:
    quiet_prefect_console()
    from flows.cli import app
    from flows.ingest import ingest

    shutil.rmtree(workdir, ignore_errors=True)
    db = workdir / "ctgov.duckdb"
    ids = load_watchlist(DEFAULT_WATCHLIST_PATH).nct_ids
    catalog = Catalog.load_default()
    days = demo_days(catalog, ids)
    with ImitationServer(as_of=days[0], catalog=catalog) as server:
        console.print(f"imitation registry at {server.url}; watchlist: {', '.join(ids)}")
        for day in days:
            server.set_date(day)
            state = ingest(nct_ids=ids, db=str(db), registry_url=server.url, return_state=True)
            summary = state.result()
            console.print(f"[bold]{day}[/]  {summary.headline()}", highlight=False)
            for line in event_lines(summary):
                console.print(f"    {line}", highlight=False)
    earlier = before_first_run(days).isoformat()
    for command in (["history", DEMO_TRIAL], ["diff", DEMO_TRIAL]):
        console.rule(f"ctgov {' '.join(command)}")
        app([*command, "--db", str(db)], standalone_mode=False)
    console.rule(f"ctgov show {DEMO_TRIAL} --as-of {earlier} (before the first run)")
    console.print(as_of_line(db, before_first_run(days)), highlight=False)
    console.rule("ctgov report (the static site)")
    site = build_site(db, site_dir(db), until=days[-1])
    console.print(f"site of {len(site.trials)} trials: {site.index}", highlight=False)
    console.print(f'\nThe demo database is {db}; try: ctgov sql --db {db} "SELECT * FROM runs"')


def as_of_line(db: Path, day: date) -> str:
    """What ``ctgov show --as-of`` returns for the demo trial on ``day``, in one line."""
    con = connect(db, read_only=True)
    try:
        found = history.record_as_of(con, DEMO_TRIAL, day)
    finally:
        con.close()
    protocol = found.record["protocolSection"]
    enrollment = protocol["designModule"]["enrollmentInfo"]
    sites = protocol.get("contactsLocationsModule", {}).get("locations", [])
    return (
        f"{DEMO_TRIAL} as the registry showed it on {day}: v{found.version} (posted "
        f"{protocol['statusModule']['lastUpdatePostDateStruct']['date']}), "
        f"{protocol['statusModule']['overallStatus']}, enrollment {enrollment['count']} "
        f"({enrollment['type']}), {len(sites)} site(s)"
    )


def main() -> None:
    try:
        run_demo()
    except KeyboardInterrupt:
        console.print("demo interrupted; the imitation server has been stopped")
        raise SystemExit(INTERRUPTED_EXIT) from None


if __name__ == "__main__":
    main()
