"""With a Prefect server configured, runs share one writer slot and one registry budget
(Prefect global concurrency limits), on the test harness's real server."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from prefect.client.orchestration import get_client
from prefect.concurrency.sync import concurrency

from flows.shared_limits import (
    REGISTRY_LIMIT,
    WRITER_LIMIT,
    SharedRateLimiter,
    ensure_limits,
    server_configured,
)
from imitation import ImitationServer
from registry.ratelimit import RateLimiter
from tests import killable
from warehouse.database import connect

SEED = "NCT06690827"


def test_a_run_creates_both_limits_with_the_runs_rate(
    prefect_harness: None, tmp_path: Path
) -> None:
    from flows.ingest import ingest

    assert server_configured()
    with ImitationServer(as_of=killable.DAY) as server:
        state = ingest(
            nct_ids=[SEED], db=str(tmp_path / "w.duckdb"), registry_url=server.url,
            export_parquet=False, history=False, return_state=True,
        )  # fmt: skip
    assert state.is_completed(), state.message
    with get_client(sync_client=True) as client:
        writer = client.read_global_concurrency_limit_by_name(WRITER_LIMIT)
        registry = client.read_global_concurrency_limit_by_name(REGISTRY_LIMIT)
    assert (writer.limit, writer.active_slots) == (1, 0)  # released when the run ended
    assert registry.limit == 1 and registry.slot_decay_per_second is not None


def test_a_run_waits_while_another_holds_the_writer_slot(
    prefect_harness: None, tmp_path: Path, monkeypatch: object
) -> None:
    from flows.ingest import ingest

    db = tmp_path / "w.duckdb"
    ensure_limits(10_000)
    done = threading.Event()
    with ImitationServer(as_of=killable.DAY) as server:

        def run() -> None:
            ingest(
                nct_ids=[SEED], db=str(db), registry_url=server.url, export_parquet=False,
                history=False, return_state=True,
            )  # fmt: skip
            done.set()

        with concurrency(WRITER_LIMIT, occupy=1, strict=True):
            worker = threading.Thread(target=run)
            worker.start()
            assert not _waited_for(done.is_set, 8), "the run went ahead of the writer slot"
            assert not db.exists() or _stored(db) == 0
        assert _waited_for(done.is_set, 120), "the run never got the writer slot"
    assert _stored(db) == 1


def test_two_processes_worth_of_limiters_share_one_budget(prefect_harness: None) -> None:
    requests_per_minute = 120.0  # 2 a second between them, whatever each may do alone
    ensure_limits(requests_per_minute)
    limiters = [SharedRateLimiter(RateLimiter(6_000)) for _ in range(2)]
    started = time.monotonic()
    threads = [
        threading.Thread(target=lambda lim=lim: [lim.acquire() for _ in range(3)])
        for lim in limiters
    ]
    for thread in threads:
        thread.start()
    assert _waited_for(lambda: not any(t.is_alive() for t in threads), 60)
    elapsed = time.monotonic() - started
    # six requests at two a second: at least ~2.5 s apart in all (each alone allows 100/s)
    assert elapsed >= 2.0, f"six shared slots took only {elapsed:.2f} s"


def _waited_for(condition: Callable[[], bool], seconds: float) -> bool:
    """Poll with sleeps: timed waits on threads (Event.wait, join) wait on an absolute deadline,
    which libfaketime's shifted clock (make clock-sweep) pushes hours away."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def _stored(db: Path) -> int:
    with connect(db, read_only=True) as con:
        row = con.execute("SELECT count(*) FROM study_versions").fetchone()
    return int(row[0]) if row else 0
