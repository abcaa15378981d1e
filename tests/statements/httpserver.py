"""A real HTTP server on 127.0.0.1 for fetch tests: routes registered per test, requests recorded.

Use the `http_server` fixture (a plugin of the root conftest, so every test may ask for it):

    http_server.route("/page", 200, {"Content-Type": "text/html"}, b"<p>hi</p>")
    http_server.route("/custom", handler)  # handler(request: BaseHTTPRequestHandler) -> None
    fetch(http_server.url("/page"))
    http_server.requests[-1].headers["User-Agent"]
"""

from __future__ import annotations

import contextlib
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class Stream:
    """What a streaming route managed to send before the client went away."""

    sent: int = 0
    broken_pipe: bool = False
    done: threading.Event = field(default_factory=threading.Event)


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True
    # Slow handlers are woken by `stopping`; never wait for them when the test ends.
    block_on_close = False

    def __init__(self, certfile: str = "") -> None:
        super().__init__(("127.0.0.1", 0), _RequestHandler)
        self.scheme = "http"
        if certfile:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certfile)
            self.socket = context.wrap_socket(self.socket, server_side=True)
            self.scheme = "https"
        self.routes: dict[str, Handler] = {}
        self.requests: list[Request] = []
        self.stopping = threading.Event()

    @property
    def port(self) -> int:
        return self.server_address[1]

    def paths(self) -> list[str]:
        """The paths requested, robots.txt aside (the client reads it once per origin)."""
        return [request.path for request in self.requests if request.path != "/robots.txt"]

    def url(self, path: str = "/") -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def route(
        self,
        path: str,
        status_or_handler: int | Handler = 200,
        headers: dict[str, str] | None = None,
        body: bytes = b"",
    ) -> None:
        if callable(status_or_handler):
            self.routes[path] = status_or_handler
            return
        status = status_or_handler

        def handler(request: BaseHTTPRequestHandler) -> None:
            request.send_response(status)
            sent = {name.lower() for name in headers or {}}
            for name, value in (headers or {}).items():
                request.send_header(name, value)
            if "content-length" not in sent:
                request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body)

        self.routes[path] = handler

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.route(path, status, {"Location": location})

    def slow(self, path: str, seconds: float) -> None:
        """A route that says nothing for `seconds` (or until the server stops), then answers."""

        def handler(request: BaseHTTPRequestHandler) -> None:
            self.stopping.wait(seconds)
            request.send_response(200)
            request.send_header("Content-Length", "2")
            request.end_headers()
            request.wfile.write(b"ok")

        self.routes[path] = handler

    def stream(
        self, path: str, total: int, *, chunk: bytes = b"x" * 65536, delay: float = 0
    ) -> Stream:
        """A route that sends `total` bytes of `chunk`s with no Content-Length, never holding the
        whole body, and records how far it got before the client hung up."""
        record = Stream()

        def handler(request: BaseHTTPRequestHandler) -> None:
            request.send_response(200)
            request.send_header("Content-Type", "application/octet-stream")
            request.end_headers()
            try:
                while record.sent < total and not self.stopping.is_set():
                    piece = chunk[: total - record.sent]
                    request.wfile.write(piece)
                    request.wfile.flush()
                    record.sent += len(piece)
                    if delay:
                        self.stopping.wait(delay)
            except (BrokenPipeError, ConnectionResetError):
                record.broken_pipe = True
            finally:
                record.done.set()

        self.routes[path] = handler
        return record


class _RequestHandler(BaseHTTPRequestHandler):
    server: LocalServer

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:  # webhook tests; the handler reads the body
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        path = self.path
        self.server.requests.append(Request(method, path, dict(self.headers.items())))
        handler = self.server.routes.get(path) or self.server.routes.get(path.split("?")[0])
        if handler is None:
            self.send_error(404)
            return
        # The client hanging up early is what several tests provoke on purpose.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            handler(self)

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output quiet


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    yield from _serve(LocalServer())


@pytest.fixture
def https_server(tmp_path: Path) -> Iterator[LocalServer]:
    """The same server behind TLS with a self-signed certificate for 127.0.0.1 (needs openssl)."""
    pem = tmp_path / "server.pem"
    try:
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-keyout",
                str(pem),
                "-out",
                str(pem),
            ],
            check=True,
            capture_output=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"cannot make a test certificate: {exc}")
    yield from _serve(LocalServer(certfile=str(pem)))


def _serve(server: LocalServer) -> Iterator[LocalServer]:
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
