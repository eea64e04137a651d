"""The client over real sockets: failures that only httpx's real transport produces.

A scripted stdlib server on loopback answers each request with the next scripted action, so a
connection dropped mid-body, a server that hangs up, a slow answer and a closed port are the
real thing rather than exceptions raised by a mock.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from registry import RegistryClient, RegistryResponseError, RegistryUnavailableError
from tests.test_registry_support import fast_config, synthetic_study

STUDY_ID = "NCT00000001"
STUDY_BODY = json.dumps(synthetic_study(STUDY_ID))
SLOW_ANSWER_S = 0.5
SHORT_READ_TIMEOUT_S = 0.1
POLL_INTERVAL_S = 0.02

Action = Callable[[BaseHTTPRequestHandler], None]


def answer(body: str, status: int = 200) -> Action:
    def act(handler: BaseHTTPRequestHandler) -> None:
        data = body.encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    return act


def cut_body(handler: BaseHTTPRequestHandler) -> None:
    """Promise the whole body, send a third of it, hang up."""
    data = STUDY_BODY.encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data[: len(data) // 3])
    handler.close_connection = True


def hang_up(handler: BaseHTTPRequestHandler) -> None:
    handler.close_connection = True


def slow(handler: BaseHTTPRequestHandler) -> None:
    """Answer after the client's read timeout; by then the client has hung up."""
    time.sleep(SLOW_ANSWER_S)
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        answer(STUDY_BODY)(handler)


class ScriptedServer:
    def __init__(self) -> None:
        self.script: list[Action] = []
        self.paths: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.paths.append(self.path)
                action = server.script.pop(0) if server.script else answer(STUDY_BODY)
                action(self)

            def log_message(self, format: str, *args: object) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": POLL_INTERVAL_S}, daemon=True
        )

    def client(self, **overrides: object) -> RegistryClient:
        return RegistryClient(fast_config(base_url=self.url, **overrides), sleep=lambda s: None)


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    scripted = ScriptedServer()
    scripted.thread.start()
    yield scripted
    scripted.httpd.shutdown()
    scripted.httpd.server_close()


def test_a_body_cut_short_is_retried(server: ScriptedServer):
    server.script.append(cut_body)
    with server.client() as client:
        study = client.fetch_study(STUDY_ID)
    assert study.text == STUDY_BODY
    assert server.paths == [f"/api/v2/studies/{STUDY_ID}"] * 2


def test_bodies_cut_short_every_time_end_in_a_response_error(server: ScriptedServer):
    server.script.extend([cut_body] * 3)
    with server.client() as client, pytest.raises(RegistryResponseError, match="truncated body"):
        client.fetch_study(STUDY_ID)
    assert len(server.paths) == 3


def test_a_server_that_hangs_up_without_answering_is_retried(server: ScriptedServer):
    server.script.append(hang_up)
    with server.client() as client:
        assert client.fetch_study(STUDY_ID).nct_id == STUDY_ID
    assert len(server.paths) == 2


def test_a_slow_answer_times_out_and_is_retried(server: ScriptedServer):
    server.script.append(slow)
    with server.client(read_timeout_s=SHORT_READ_TIMEOUT_S) as client:
        assert client.fetch_study(STUDY_ID).nct_id == STUDY_ID
    assert len(server.paths) == 2


def test_a_closed_port_is_unavailable_after_every_attempt():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    client = RegistryClient(fast_config(base_url=url), sleep=lambda s: None)
    with client, pytest.raises(RegistryUnavailableError) as caught:
        client.version()
    assert caught.value.attempts == 3
    assert f"registry at {url}/api/v2/version unreachable after 3 attempts" in str(caught.value)
