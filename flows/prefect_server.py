"""A Prefect server on loopback for ``ctgov serve``, and finding it again for ad-hoc runs;
a temporary one for an ad-hoc run when there is none.

Prefect schedules deployment runs only against a real server: on the temporary one a flow
run starts by itself (10-20 s of every ad-hoc ``ctgov ingest``), ``prefect.serve`` warns and
nothing runs. ``ctgov serve`` therefore starts ``prefect server start`` on 127.0.0.1 (or reuses
one already answering there), and leaves a note beside the database (``prefect-serve.json``:
the API address and its own PID) so that an ad-hoc run on the same database uses that server
while it lives, instead of starting its own.

An ad-hoc run with no Prefect API set and no ``ctgov serve`` starts a temporary server of
its own (:func:`temporary_server`, :mod:`flows.temporary_server`) instead of Prefect's.

Light on purpose (the standard library only): the CLI reads the note, and starts its
temporary server, before it imports Prefect, which reads its API's address once.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
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
TEMPORARY_API_ENV = "CTGOV_TEMPORARY_PREFECT_API"
"""Set to a temporary server's API address while a command runs on it: no other process
shares that server, so runs take no global concurrency limit there
(:func:`flows.shared_limits.server_configured`)."""


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
        _wait_healthy(url, process, log, hint=" (is the port taken? pass --port)")
        yield LocalServer(url, started=True, pid=process.pid, log=log)
    finally:
        _stop(process)


@contextmanager
def temporary_server() -> Iterator[LocalServer]:
    """Prefect's API for one ad-hoc run, on a free port of 127.0.0.1, stopped after the block.

    It runs in a session of its own, so the terminal's Ctrl-C reaches only the command, and it
    ends with the command however that ends (:mod:`flows.temporary_server` says why). Its log
    is a temporary file, kept only when the server failed to start.
    """
    port = _free_port()
    url = api_url(port)
    handle, name = tempfile.mkstemp(prefix="ctgov-prefect-server-", suffix=".log")
    log = Path(name)
    with os.fdopen(handle, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "flows.temporary_server", str(os.getpid()), str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_healthy(url, process, log, hint="")
    except BaseException:
        _stop(process)
        raise
    try:
        yield LocalServer(url, started=True, pid=process.pid)
    finally:
        _stop(process)
        log.unlink(missing_ok=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def configured_api() -> str | None:
    """The Prefect API the user set (the environment's ``PREFECT_API_URL``, or the active
    profile's), read without importing Prefect."""
    if url := os.environ.get("PREFECT_API_URL"):
        return url
    home = Path(os.environ.get("PREFECT_HOME", Path.home() / ".prefect")).expanduser()
    path = Path(os.environ.get("PREFECT_PROFILES_PATH", home / "profiles.toml")).expanduser()
    try:
        profiles = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    active = os.environ.get("PREFECT_PROFILE") or profiles.get("active", "ephemeral")
    settings = profiles.get("profiles", {}).get(active, {})
    url = settings.get("PREFECT_API_URL") if isinstance(settings, dict) else None
    return str(url) if url else None


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path, *, hint: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if healthy(url):
            return
        if process.poll() is not None:
            raise PrefectServerError(
                f"the Prefect server exited (status {process.returncode}) before answering at "
                f"{url}; see {log}{hint}"
            )
        time.sleep(0.1)
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
