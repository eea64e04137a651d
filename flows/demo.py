"""``make demo``: the whole product offline, over several simulated registry days.

Starts the imitation registry on 127.0.0.1, runs the ingest flow once per simulated day on which
a watched trial changes, then prints the history of NCT06690827 and what changed in it. The
server stops when the demo ends, also on Ctrl-C (it runs in this process, in a thread).
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from rich.console import Console

from flows import quiet_prefect_console
from flows.paths import DEFAULT_WATCHLIST_PATH
from flows.summary import event_lines
from flows.watchlist import load_watchlist
from imitation import Catalog, ImitationServer

DEMO_DIR = Path("data/demo")
DEMO_TRIAL = "NCT06690827"
MAX_DEMO_DAYS = 16
INTERRUPTED_EXIT = 130

console = Console()


def demo_days(catalog: Catalog, nct_ids: list[str]) -> list[date]:
    """The demo trial's first day, then each later day on which a watched trial changes."""
    start = catalog.versions(DEMO_TRIAL)[0].date
    days = {v.date for nct in nct_ids for v in catalog.versions(nct) if v.date >= start}
    return sorted(days)[:MAX_DEMO_DAYS]


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
    for command in (["history", DEMO_TRIAL], ["diff", DEMO_TRIAL]):
        console.rule(f"ctgov {' '.join(command)}")
        app([*command, "--db", str(db)], standalone_mode=False)
    console.print(f'\nThe demo database is {db}; try: ctgov sql --db {db} "SELECT * FROM runs"')


def main() -> None:
    try:
        run_demo()
    except KeyboardInterrupt:
        console.print("demo interrupted; the imitation server has been stopped")
        raise SystemExit(INTERRUPTED_EXIT) from None


if __name__ == "__main__":
    main()
