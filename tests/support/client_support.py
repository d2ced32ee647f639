"""Scripted loopback servers and clients shared by tests/client/ and tests/reliability/."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from replicate._http.retry import RetryPolicy
from replicate.client import Client

TOKEN = "r8_test-token-do-not-leak-0123456789"
FAST_RETRIES = RetryPolicy(max_retries=3, backoff_base=0.001, backoff_max=0.01)


def make_client(base_url: str, **kwargs: Any) -> Client:
    """A client with a known token, fast retries and fast polling."""
    options: dict[str, Any] = {"retry": FAST_RETRIES, "poll_interval": 0.01, **kwargs}
    return Client(TOKEN, base_url=base_url, **options)


Reply = tuple[int, dict[str, str], bytes]


class ScriptedServer:
    """A loopback HTTP server answering from a script of replies; records what it saw.

    Each request pops the next reply; once the script is exhausted the last reply repeats.
    A reply of ``None`` closes the connection without answering.
    """

    def __init__(self, script: list[Reply | None]) -> None:
        self.script = list(script)
        self.seen: list[dict[str, Any]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                server.seen.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": body,
                    }
                )
                reply = server.script.pop(0) if len(server.script) > 1 else server.script[0]
                if reply is None:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                status, headers, payload = reply
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_QUERY = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"


@contextmanager
def serving(httpd: ThreadingHTTPServer) -> Iterator[None]:
    """Serve ``httpd`` on a daemon thread for the block, then shut it down and close it."""
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    )
    thread.start()
    try:
        yield
    finally:
        httpd.shutdown()
        httpd.server_close()


def json_reply(status: int, data: Any, **headers: str) -> Reply:
    """A JSON reply; header names use ``_`` for ``-``."""
    extra = {k.replace("_", "-"): v for k, v in headers.items()}
    return status, {"Content-Type": "application/json", **extra}, json.dumps(data).encode()


PREDICTION = {
    "id": "p1",
    "model": "o/m",
    "version": "v" * 64,
    "status": "succeeded",
    "input": {},
    "output": "ok",
    "error": None,
    "data_removed": False,
    "created_at": "2026-01-01T00:00:00Z",
    "urls": {"get": "x", "cancel": "y", "web": "z"},
}


@contextmanager
def scripted(script: list[Reply | None]) -> Iterator[ScriptedServer]:
    """A running :class:`ScriptedServer` for the block."""
    server = ScriptedServer(script)
    with serving(server.httpd):
        yield server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


Call = Callable[[Client], Any]
