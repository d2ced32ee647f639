"""Helpers shared by the run/stream/wait/file tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from replicate.client import Client
from replicate.emulator import Emulator

from .client_support import FAST_RETRIES, serving

TOKEN = "r8_run-test-token-never-leak-42"


def client_for(emu: Emulator, **kwargs: Any) -> Client:
    """A client of ``emu`` with a known token and fast retries (adaptive polling)."""
    return Client(TOKEN, base_url=emu.base_url, retry=FAST_RETRIES, **kwargs)


def predictions_posted(emu: Emulator) -> list[Any]:
    """The prediction-creating requests the emulator received."""
    return [r for r in emu.requests if r.method == "POST" and r.path.endswith("/predictions")]


class FileHost:
    """A loopback HTTP server on its own origin serving ``files`` (path -> bytes).

    ``seen`` records each request's path and headers (lower-cased names).
    """

    def __init__(
        self, files: dict[str, bytes], content_type: str = "application/octet-stream"
    ) -> None:
        self.files = files
        self.content_type = content_type
        self.seen: list[tuple[str, dict[str, str]]] = []
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                host.seen.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                body = host.files.get(self.path)
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", host.content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    @contextmanager
    def running(self) -> Iterator[FileHost]:
        with serving(self.server):
            yield self
