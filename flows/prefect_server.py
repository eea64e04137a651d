"""A Prefect server on loopback for ``ctgov serve``, and finding it again for ad-hoc runs.

Prefect schedules deployment runs only against a real server: on the temporary one a flow
run starts by itself (10-20 s of every ad-hoc ``ctgov ingest``), ``prefect.serve`` warns and
nothing runs. ``ctgov serve`` therefore starts ``prefect server start`` on 127.0.0.1 (or reuses
one already answering there), and leaves a note beside the database (``prefect-serve.json``:
the API address and its own PID) so that an ad-hoc run on the same database uses that server
while it lives, instead of starting its own.

Light on purpose (the standard library only): the CLI reads the note before it imports
Prefect.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from models.errors import CtgovError

DEFAULT_PORT = 4200
HOST = "127.0.0.1"
STATE_NAME = "prefect-serve.json"
START_TIMEOUT_S = 120.0
"""A fresh server database takes 11-15 s to answer here, an existing one 4-5 s."""
STOP_TIMEOUT_S = 20.0
HEALTH_TIMEOUT_S = 0.5


class PrefectServerError(CtgovError):
    """The local Prefect server could not be started or did not answer."""


@dataclass(frozen=True)
class LocalServer:
    api_url: str
    started: bool
    """False when a server was already answering at the address (it is left running)."""
    pid: int | None = None
    log: Path | None = None

    @property
    def ui_url(self) -> str:
        return self.api_url.removesuffix("/api")


def api_url(port: int) -> str:
    return f"http://{HOST}:{port}/api"


def healthy(url: str, timeout_s: float = HEALTH_TIMEOUT_S) -> bool:
    """Whether a Prefect API answers ``GET {url}/health`` with 200."""
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=timeout_s) as response:
            return int(response.status) == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


@contextmanager
def local_server(port: int, log_dir: Path) -> Iterator[LocalServer]:
    """A Prefect server on ``127.0.0.1:port`` for the block: one already answering there, or
    one started now and stopped after (nothing left listening)."""
    url = api_url(port)
    if healthy(url):
        yield LocalServer(url, started=False)
        return
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / "prefect-server.log"
    with log.open("ab") as out:
        command = [sys.executable, "-m", "prefect", "server", "start"]
        process = subprocess.Popen(
            [*command, "--host", HOST, "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches ``ctgov serve``, which stops it in order
        )
    try:
        _wait_healthy(url, process, log)
        yield LocalServer(url, started=True, pid=process.pid, log=log)
    finally:
        _stop(process)


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if healthy(url):
            return
        if process.poll() is not None:
            raise PrefectServerError(
                f"the Prefect server exited (status {process.returncode}) before answering at "
                f"{url}; see {log} (is the port taken? pass --port)"
            )
        time.sleep(0.5)
    raise PrefectServerError(
        f"the Prefect server did not answer at {url} within {START_TIMEOUT_S:.0f} s; see {log}"
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def state_path(db: Path) -> Path:
    return db.parent / STATE_NAME


@contextmanager
def announced(db: Path, server: LocalServer) -> Iterator[None]:
    """Leave the note that ad-hoc runs on ``db`` look for, for the block."""
    path = state_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"api_url": server.api_url, "pid": os.getpid()}) + "\n", "utf-8")
    try:
        yield
    finally:
        with suppress(FileNotFoundError):
            path.unlink()


def served_api(db: Path) -> str | None:
    """The API address of the ``ctgov serve`` running for ``db``, if it is alive and answers."""
    try:
        note = json.loads(state_path(db).read_text("utf-8"))
        url, pid = str(note["api_url"]), int(note["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return url if healthy(url) else None
