"""The imitation registry as a real HTTP server on loopback.

>>> with ImitationServer(as_of=date(2024, 11, 15)) as registry:
...     httpx.get(f"{registry.url}/api/v2/studies/NCT06690827").json()["hasResults"]
False

Admin endpoints (not part of the registry, prefix ``/_imitation/``):

``GET  /_imitation/date``          ``{"asOf": "2024-11-15", "dataTimestamp": "…"}``
``PUT  /_imitation/date``          body ``{"date": "YYYY-MM-DD"}``: serve the registry as of then
``GET  /_imitation/change-dates``  ``{"dates": [...]}``: the days on which any study changes
``GET|PUT|DELETE /_imitation/faults``    read, replace (a :class:`FaultPlan` as JSON) or clear
``GET|DELETE /_imitation/requests``      the log of API requests (admin calls are not logged)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import socket
import struct
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from imitation.api import (
    JSON_TYPE,
    Response,
    data_timestamp,
    error_response,
    handle_api,
    json_response,
    text_response,
)
from imitation.catalog import Catalog
from imitation.errors import FaultSpecError
from imitation.faults import FaultInjector, FaultPlan, FaultRule, RateLimiter
from imitation.paging import expired_token_error
from models.hashing import compact_json

DEFAULT_HOST = "127.0.0.1"
REQUEST_QUEUE_SIZE = 128
"""Listen backlog; the standard library's 5 stalls clients that open many connections."""
IDLE_CONNECTION_TIMEOUT_SECONDS = 30.0
REQUEST_LOG_LIMIT = 10_000
SERVE_POLL_SECONDS = 0.05
THREAD_JOIN_SECONDS = 5.0
ADMIN_PREFIX = "/_imitation/"

_FAULT_STATUS = {
    "http_429": 429,
    "http_429_retry_after": 429,
    "http_500": 500,
    "http_502": 502,
    "http_503": 503,
    "http_504": 504,
}
"""The status of each HTTP-error fault; its body is the status's standard phrase."""


@dataclass(frozen=True)
class RequestRecord:
    """One API request as the server saw it (``status`` None: no response was sent)."""

    time: datetime
    method: str
    path: str
    query: str
    client: str
    status: int | None
    fault: str | None
    duration_ms: float

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["time"] = self.time.isoformat()
        return data


class _State:
    """Everything the handler threads share; mutable parts behind one lock."""

    def __init__(
        self,
        catalog: Catalog,
        as_of: date,
        faults: FaultPlan | None,
        rate_limit_per_minute: int | None,
    ) -> None:
        self.catalog = catalog
        self.lock = threading.Lock()
        self.as_of = as_of
        self.injector = FaultInjector(faults)
        self.limiter = RateLimiter(rate_limit_per_minute) if rate_limit_per_minute else None
        self.log: deque[RequestRecord] = deque(maxlen=REQUEST_LOG_LIMIT)
        self.stopping = threading.Event()


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = REQUEST_QUEUE_SIZE

    def __init__(self, address: tuple[str, int], state: _State) -> None:
        self.state = state
        self.open_connections: set[socket.socket] = set()
        self.handler_threads: set[threading.Thread] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """One daemon thread per connection, tracked so that stop() can join it.

        (The standard library's ThreadingMixIn does not join daemon threads on close.)
        """
        thread = threading.Thread(
            target=self.process_request_thread, args=(request, client_address), daemon=True
        )
        with self.connections_lock:
            self.open_connections.add(request)
            self.handler_threads.add(thread)
        thread.start()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self.connections_lock:
                self.handler_threads.discard(threading.current_thread())

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.open_connections.discard(request)
        super().shutdown_request(request)

    def join_handler_threads(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with self.connections_lock:
            threads = list(self.handler_threads)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def close_open_connections(self) -> None:
        """Wake handler threads blocked on idle keep-alive connections so they can end."""
        with self.connections_lock:
            connections = list(self.open_connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ctgov-imitation"
    sys_version = ""
    timeout = IDLE_CONNECTION_TIMEOUT_SECONDS
    disable_nagle_algorithm = True
    """Headers and body go out in separate writes; with Nagle each response waits ~40 ms."""
    server: _HttpServer

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request stderr line; the request log keeps the record."""

    def _dispatch(self, method: str) -> None:
        split = urlsplit(self.path)
        body = self._read_body()
        if split.path.startswith(ADMIN_PREFIX):
            self._send(_admin(self.server.state, method, split.path, split.query, body), method)
            return
        started = time.monotonic()
        status, fault = self._serve_api(method, split.path, split.query)
        record = RequestRecord(
            time=datetime.now(UTC),
            method=method,
            path=split.path,
            query=split.query,
            client=self.client_address[0],
            status=status,
            fault=fault,
            duration_ms=round((time.monotonic() - started) * 1000, 3),
        )
        with self.server.state.lock:
            self.server.state.log.append(record)

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _serve_api(self, method: str, path: str, query: str) -> tuple[int | None, str | None]:
        state = self.server.state
        if state.limiter is not None:
            wait = state.limiter.retry_after(self.client_address[0])
            if wait is not None:
                limit = state.limiter.per_minute
                self._send(
                    text_response(
                        429,
                        f"Rate limit of {limit} requests per minute exceeded; retry after {wait} s",
                        (("Retry-After", str(wait)),),
                    ),
                    method,
                )
                return 429, "rate_limit"
        params = parse_qs(query)
        rule = state.injector.choose(path, "pageToken" in params)
        if rule is not None and rule.kind == "reset":
            self._reset()
            return None, rule.kind
        if rule is not None and rule.kind in _FAULT_STATUS:
            response = _status_fault(rule)
            self._send(response, method)
            return response.status, rule.kind
        if rule is not None and rule.kind == "expired_token":
            self._send(error_response(expired_token_error(params["pageToken"][0])), method)
            return 400, rule.kind
        if rule is not None and rule.kind in ("slow", "hang"):
            state.stopping.wait(rule.delay_seconds)
        if rule is not None and rule.kind == "wrong_content_type":
            page = b"<html><body><h1>502 Bad Gateway</h1>maintenance</body></html>"
            self._send(Response(200, page, "text/html; charset=utf-8"), method)
            return 200, rule.kind
        with state.lock:
            day = state.as_of
        response = handle_api(state.catalog, day, method, path, query)
        if rule is not None and rule.kind == "truncated":
            self._send_truncated(response)
            return response.status, rule.kind
        if rule is not None and rule.kind in ("empty_page", "foreign_studies", "repeated_page"):
            response = _wrong_page(rule.kind, state.catalog, day, response, params)
        if rule is not None and rule.kind == "invalid_json":
            broken = Response(200, response.body[: len(response.body) // 2], JSON_TYPE)
            self._send(broken, method)
            return 200, rule.kind
        status = self._send(response, method)
        return status, None if rule is None else rule.kind

    def _send(self, response: Response, method: str) -> int:
        """Write a response (304 when ``If-None-Match`` matches); return the status sent."""
        headers = list(response.headers)
        status, body = response.status, response.body
        if status == 200 and response.content_type == JSON_TYPE:
            etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
            headers.append(("ETag", etag))
            if self.headers.get("If-None-Match") == etag:
                status, body = 304, b""
        self.send_response(status)
        if status != 304:
            self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if method != "HEAD" and body:
            self.wfile.write(body)
        return status

    def _send_truncated(self, response: Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body[: len(response.body) // 2])
        self.wfile.flush()
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    def _reset(self) -> None:
        """Close the connection with a TCP reset and no response at all."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()


def _wrong_page(
    kind: str, catalog: Catalog, day: date, response: Response, params: dict[str, list[str]]
) -> Response:
    """A list page that answers the wrong question (a 200 a careless client would believe)."""
    if response.status != 200 or not response.body.startswith(b'{"studies":'):
        return response
    if kind == "empty_page":
        return Response(200, b'{"studies":[]}', JSON_TYPE)
    if kind == "repeated_page":
        token = params.get("pageToken", ["c2FtZQ"])[0]
        data = json.loads(response.body)
        data["nextPageToken"] = token
        return Response(200, compact_json(data).encode(), JSON_TYPE)
    asked = set(params.get("filter.ids", [""])[0].replace("|", ",").upper().split(","))
    others = [v for v in catalog.served_as_of(day) if v.nct_id not in asked][:2]
    body = b'{"studies":[' + b",".join(v.body for v in others) + b"]}"
    return Response(200, body, JSON_TYPE)


def _status_fault(rule: FaultRule) -> Response:
    status = _FAULT_STATUS[rule.kind]
    headers: tuple[tuple[str, str], ...] = ()
    if rule.kind == "http_429_retry_after":
        headers = (("Retry-After", str(rule.retry_after_seconds)),)
    return text_response(status, HTTPStatus(status).phrase, headers)


def _admin(state: _State, method: str, path: str, query: str, body: bytes) -> Response:
    name = path[len(ADMIN_PREFIX) :].rstrip("/")
    try:
        if name == "date":
            if method in ("PUT", "POST"):
                raw = parse_qs(query).get("date", [None])[0] or _json_body(body).get("date")
                with state.lock:
                    state.as_of = parse_day(str(raw))
            with state.lock:
                day = state.as_of
            return json_response({"asOf": day.isoformat(), "dataTimestamp": data_timestamp(day)})
        if name == "change-dates":
            return json_response({"dates": [d.isoformat() for d in state.catalog.change_dates()]})
        if name == "faults":
            if method in ("PUT", "POST"):
                plan = FaultPlan.from_json(_json_body(body))
                with state.lock:
                    state.injector = FaultInjector(plan)
            elif method == "DELETE":
                with state.lock:
                    state.injector = FaultInjector(None)
            with state.lock:
                return json_response(state.injector.plan.to_json())
        if name == "requests":
            with state.lock:
                if method == "DELETE":
                    state.log.clear()
                return json_response({"requests": [record.to_json() for record in state.log]})
    except (ValueError, FaultSpecError) as exc:
        return text_response(400, str(exc))
    return text_response(404, f"No admin endpoint {path}; see imitation/server.py")


def _json_body(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body or b"{}")
    except json.JSONDecodeError as exc:
        raise ValueError(f"request body is not JSON ({exc})") from None
    if not isinstance(value, dict):
        raise ValueError("request body must be a JSON object")
    return value


def parse_day(raw: str) -> date:
    """A ``YYYY-MM-DD`` day, or ValueError naming the bad value."""
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"date {raw!r} is not YYYY-MM-DD; give e.g. 2024-11-15") from None


class ImitationServer:
    """The imitation registry on ``http://host:port`` (port 0: a free port).

    ``as_of`` is the served day (default: the catalog's last change date); ``faults`` and
    ``rate_limit_per_minute`` apply to the registry API paths, never to ``/_imitation/``.
    """

    def __init__(
        self,
        catalog: Catalog | None = None,
        as_of: date | None = None,
        faults: FaultPlan | None = None,
        rate_limit_per_minute: int | None = None,
        host: str = DEFAULT_HOST,
        port: int = 0,
    ) -> None:
        self.catalog = Catalog.load_default() if catalog is None else catalog
        days = self.catalog.change_dates()
        start_day = as_of or (days[-1] if days else date.today())
        self._state = _State(self.catalog, start_day, faults, rate_limit_per_minute)
        self._host, self._port = host, port
        self._httpd: _HttpServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> ImitationServer:
        """Bind and serve in a background thread; returns self."""
        if self._httpd is not None:
            return self
        self._state.stopping.clear()
        self._httpd = _HttpServer((self._host, self._port), self._state)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": SERVE_POLL_SECONDS},
            name="imitation-registry",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, end open connections and handler threads, free the port."""
        httpd, thread = self._httpd, self._thread
        if httpd is None or thread is None:
            return
        self._state.stopping.set()
        httpd.shutdown()
        httpd.close_open_connections()
        httpd.join_handler_threads(THREAD_JOIN_SECONDS)
        httpd.server_close()
        thread.join(THREAD_JOIN_SECONDS)
        self._httpd = self._thread = None

    def __enter__(self) -> ImitationServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The registry root, e.g. ``http://127.0.0.1:54321`` (API paths are ``/api/v2/...``)."""
        if self._httpd is None:
            raise RuntimeError("the imitation registry is not running; call start() first")
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def as_of(self) -> date:
        with self._state.lock:
            return self._state.as_of

    def set_date(self, day: date) -> None:
        """Serve the registry as it was on ``day`` (page tokens issued before become invalid)."""
        with self._state.lock:
            self._state.as_of = day

    def set_faults(self, plan: FaultPlan | None) -> None:
        """Replace the fault plan (None: no faults); rule counters start again."""
        with self._state.lock:
            self._state.injector = FaultInjector(plan)

    @property
    def request_log(self) -> list[RequestRecord]:
        """API requests served so far, oldest first."""
        with self._state.lock:
            return list(self._state.log)

    def clear_request_log(self) -> None:
        with self._state.lock:
            self._state.log.clear()
