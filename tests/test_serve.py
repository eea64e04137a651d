"""``ctgov serve`` as a user runs it (a process, a real Prefect server on loopback, the
imitation), and the team path: ``prefect deploy --all`` against a server on loopback."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from flows.prefect_server import local_server, state_path
from imitation import ImitationServer
from tests import killable
from tests.conftest import ROOT
from warehouse.database import connect
from warehouse.errors import WarehouseError

SEEDS = ["NCT06690827", "NCT06835140", "NCT04010877"]
CTGOV = str(Path(sys.executable).with_name("ctgov"))
PREFECT = str(Path(sys.executable).with_name("prefect"))
SCHEDULED_RUN_TIMEOUT_S = 240.0
"""A fresh Prefect server answers in 11-15 s here, a run takes a few seconds; generous for CI."""


@pytest.fixture(scope="module")
def registry() -> Iterator[ImitationServer]:
    with ImitationServer(as_of=killable.DAY) as srv:
        yield srv


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _env(tmp_path: Path, registry: ImitationServer) -> dict[str, str]:
    watchlist = tmp_path / "watchlist.toml"
    watchlist.write_text("".join(f'[[trials]]\nnct_id = "{n}"\n\n' for n in SEEDS), "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CTGOV_"))}
    env.update(
        PREFECT_HOME=str(tmp_path / "prefect-home"),
        CTGOV_DB=str(tmp_path / "w.duckdb"),
        CTGOV_REGISTRY_URL=registry.url,
        CTGOV_WATCHLIST=str(watchlist),
        CTGOV_REQUESTS_PER_MINUTE=str(killable.REQUESTS_PER_MINUTE),
        CTGOV_EXPORT="false",
    )
    return env


def _runs(db: Path) -> list[tuple[str, str, str | None]]:
    try:
        with connect(db, read_only=True, lock_wait_s=0) as con:
            rows = con.execute(
                "SELECT kind, status, flow_run_id FROM runs ORDER BY started_at"
            ).fetchall()
    except WarehouseError:  # missing, not migrated yet, or a run writing this instant
        return []
    return [(str(k), str(s), f) for k, s, f in rows]


def _one_id_run(db: Path) -> str | None:
    """The flow run of the ad-hoc run, found by what it asked for (one ID): the scheduled
    ingests (every 5 s, the whole watchlist) go on meanwhile, so the run started last may well
    be one of theirs."""
    with connect(db, read_only=True) as con:
        rows = con.execute("SELECT flow_run_id FROM runs WHERE requested_count = 1").fetchall()
    assert len(rows) == 1, f"one run asked for one ID: {rows}"
    return str(rows[0][0]) if rows[0][0] else None


def _wait_for(predicate: object, timeout_s: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(1)
    pytest.fail(f"{what} within {timeout_s:.0f} s; serve's output:\n{log.read_text('utf-8')}")


def test_serve_runs_a_scheduled_ingest_lends_its_server_and_stops_cleanly(
    tmp_path: Path, registry: ImitationServer
) -> None:
    env = _env(tmp_path, registry)
    db = Path(env["CTGOV_DB"])
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        serve = subprocess.Popen(
            [CTGOV, "serve", "--only", "ingest-weekdays", "--every", "5", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for(
            lambda: any(k == "ingest" and s == "succeeded" for k, s, _ in _runs(db)),
            SCHEDULED_RUN_TIMEOUT_S,
            "no scheduled ingest succeeded",
            log,
        )
        output = log.read_text("utf-8")
        assert f"Prefect server: http://127.0.0.1:{port} (started)" in output
        assert "ingest-weekdays" in output and "every 5 s" in output
        note = json.loads(state_path(db).read_text("utf-8"))
        assert note["api_url"] == f"http://127.0.0.1:{port}/api"

        adhoc = subprocess.run(
            [CTGOV, "ingest", SEEDS[0], "--no-history"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert adhoc.returncode == 0, adhoc.stdout + adhoc.stderr
        flow_run_id = _one_id_run(db)
        assert flow_run_id, "the ad-hoc run records its flow run"
        reply = httpx.get(f"http://127.0.0.1:{port}/api/flow_runs/{flow_run_id}", timeout=10)
        assert reply.status_code == 200, "the ad-hoc run ran on serve's server"
        assert reply.json()["deployment_id"] is None
    finally:
        serve.send_signal(signal.SIGINT)
        try:
            code = serve.wait(timeout=90)
        except subprocess.TimeoutExpired:
            serve.kill()
            raise
    assert code in (0, 130), log.read_text("utf-8")
    assert not _listening(port), "nothing is left listening"
    assert not state_path(db).exists(), "the note for ad-hoc runs is removed"
    scheduled = [r for r in _runs(db) if r[0] == "ingest"]
    assert len(scheduled) >= 2 and all(s in ("succeeded", "partial") for _, s, _ in scheduled)


def test_prefect_deploy_all_creates_every_deployment_of_prefect_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    monkeypatch.setenv("PREFECT_HOME", env["PREFECT_HOME"])  # the server's, not ~/.prefect
    with local_server(_free_port(), tmp_path) as server:
        env["PREFECT_API_URL"] = server.api_url

        def prefect(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [PREFECT, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
            )

        pool = prefect("work-pool", "create", "ctgov-local", "--type", "process")
        assert pool.returncode == 0, pool.stdout + pool.stderr
        deployed = prefect("--no-prompt", "deploy", "--all")
        assert deployed.returncode == 0, deployed.stdout + deployed.stderr
        reply = httpx.post(f"{server.api_url}/deployments/filter", json={}, timeout=30)
        reply.raise_for_status()
        found = {d["name"]: d for d in reply.json()}
    assert set(found) == {"ingest-weekdays", "sync-daily", "discover-weekly", "backfill-on-demand"}
    weekday = found["ingest-weekdays"]
    assert [s["schedule"]["cron"] for s in weekday["schedules"]] == ["30 10 * * 1-5"]
    assert weekday["schedules"][0]["schedule"]["timezone"] == "UTC"
    assert weekday["work_pool_name"] == "ctgov-local"
    assert weekday["job_variables"]["env"] == {"CTGOV_RUN_LOCK_WAIT_S": "3600"}
    assert weekday["global_concurrency_limit"]["limit"] == 1
    assert found["backfill-on-demand"]["schedules"] == []
    assert found["discover-weekly"]["parameters"] == {"add": 0, "min_score": 3.0}
