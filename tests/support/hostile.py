"""Hostile loopback servers: raw sockets, every byte under the test's control.

A :class:`Hostile` server answers each request with a *script* chosen by a route
function from the request's method and path. Scripts misbehave on purpose: they
trickle bytes, never answer, send bodies that inflate to hundreds of megabytes,
endless event-stream lines, redirects... Servers are bounded and stop themselves:
each lives at most ``lifetime`` seconds (then every connection is closed, so a
client that would otherwise hang gets an error and the test ends), and ``close()``
(or leaving the ``with`` block) stops it at once.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from replicate import Client

Script = Callable[["Connection"], None]

TOKEN = "r8_hostile_token_0000000000"


def client(url: str, **options: Any) -> Client:
    """A client of ``url`` with a 1 s timeout and no retries unless told otherwise."""
    return Client(TOKEN, base_url=url, **{"timeout": 1.0, "max_retries": 0, **options})


async def call(mode: str, target: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    """``target.name(...)`` (``mode="sync"``) or ``await target.async_name(...)``."""
    if mode == "sync":
        return getattr(target, name)(*args, **kwargs)
    return await getattr(target, "async_" + name)(*args, **kwargs)


Route = Callable[[str, str], Script]


class Stopped(Exception):
    """The server is stopping: the script ends."""


class Connection:
    """One accepted connection, as seen by a script."""

    def __init__(self, sock: socket.socket, stop: threading.Event) -> None:
        self.sock = sock
        self._stop = stop

    def send(self, data: bytes) -> None:
        """Send ``data`` (all of it) unless the server is stopping."""
        if self._stop.is_set():
            raise Stopped
        self.sock.sendall(data)

    def sleep(self, seconds: float) -> None:
        """Wait, ending early (with :class:`Stopped`) when the server stops."""
        if self._stop.wait(seconds):
            raise Stopped

    def hold(self) -> None:
        """Never answer: wait until the server stops."""
        self._stop.wait()
        raise Stopped


class Hostile:
    """A loopback HTTP/1.1 server answering each request with ``route(method, path)``.

    ``requests`` lists the ``(method, path)`` of every request received, and ``headers``
    their headers (names in lower case), in the same order.
    """

    def __init__(self, route: Route, *, lifetime: float = 15.0) -> None:
        self._route = route
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self.requests: list[tuple[str, str]] = []
        self.headers: list[dict[str, str]] = []
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._deadline = time.monotonic() + lifetime
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Hostile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop serving and close every connection."""
        self._stop.set()
        self._thread.join(5)
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _serve(self) -> None:
        try:
            while not self._stop.is_set():
                if time.monotonic() > self._deadline:
                    self._stop.set()
                    break
                try:
                    sock, _ = self._listener.accept()
                except TimeoutError:
                    continue
                with self._lock:
                    self._sockets.append(sock)
                threading.Thread(target=self._handle, args=(sock,), daemon=True).start()
        finally:
            self._listener.close()
            with self._lock:
                sockets = list(self._sockets)
            for sock in sockets:  # lifetime over: every client sees its connection end
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def _handle(self, sock: socket.socket) -> None:
        sock.settimeout(0.2)
        buffer = b""
        try:
            while not self._stop.is_set():
                head, _, rest = buffer.partition(b"\r\n\r\n")
                if not _:
                    try:
                        data = sock.recv(65536)
                    except TimeoutError:
                        continue
                    if not data:
                        return
                    buffer += data
                    continue
                lines = head.decode("latin-1").split("\r\n")
                method, path, _version = lines[0].split(" ", 2)
                fields = {}
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    fields[name.strip().lower()] = value.strip()
                length = int(fields.get("content-length", 0))
                while len(rest) < length:
                    try:
                        data = sock.recv(65536)
                    except TimeoutError:
                        if self._stop.is_set():
                            return
                        continue
                    if not data:
                        return
                    rest += data
                buffer = rest[length:]
                with self._lock:
                    self.requests.append((method, path))
                    self.headers.append(fields)
                sock.settimeout(None)
                self._route(method, path)(Connection(sock, self._stop))
                sock.settimeout(0.2)
        except (Stopped, OSError):
            return
        finally:
            sock.close()


# --- scripts -------------------------------------------------------------------------------


def head(status: int, headers: dict[str, str] | None = None, *, reason: str = "X") -> bytes:
    """A status line and headers (``Connection: close`` unless given)."""
    fields = {"Connection": "close", **(headers or {})}
    lines = [f"HTTP/1.1 {status} {reason}"] + [f"{k}: {v}" for k, v in fields.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def respond(status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> Script:
    """Answer at once with exactly these bytes, then close."""
    fields = {"Content-Length": str(len(body)), **(headers or {})}

    def script(conn: Connection) -> None:
        conn.send(head(status, fields) + body)
        raise Stopped  # Connection: close

    return script


def respond_json(status: int, value: Any, headers: dict[str, str] | None = None) -> Script:
    """Answer with a JSON body."""
    return respond(
        status, json.dumps(value).encode(), {"Content-Type": "application/json", **(headers or {})}
    )


def trickle(data: bytes, *, interval: float = 0.5) -> Script:
    """Send ``data`` one byte every ``interval`` seconds (status line, headers and body
    alike); the default stays well inside a 1 s per-read timeout."""

    def script(conn: Connection) -> None:
        for index in range(len(data)):
            conn.send(data[index : index + 1])
            conn.sleep(interval)
        raise Stopped

    return script


def silent() -> Script:
    """Read the request and never answer."""

    def script(conn: Connection) -> None:
        conn.hold()

    return script


def stream_body(status: int, headers: dict[str, str], pieces: Iterable[bytes]) -> Script:
    """Send a head without Content-Length, then ``pieces`` until they run out, then close."""

    def script(conn: Connection) -> None:
        conn.send(head(status, headers))
        for piece in pieces:
            conn.send(piece)
        raise Stopped

    return script


def repeat(piece: bytes, times: int | None = None) -> Iterator[bytes]:
    """``piece`` ``times`` times (forever with ``None``)."""
    count = 0
    while times is None or count < times:
        yield piece
        count += 1


# --- bodies -----------------------------------------------------------------------------------

_bombs: dict[tuple[str, int], bytes] = {}


def bomb(encoding: str, size: int) -> bytes:
    """``size`` zero bytes compressed with ``encoding`` (``gzip``, ``deflate`` or
    ``gzip, gzip``): a few hundred kilobytes that inflate to ``size``."""
    key = (encoding, size)
    if key not in _bombs:
        compressor = zlib.compressobj(9, zlib.DEFLATED, 31 if encoding != "deflate" else 15)
        block = b"\0" * (1 << 20)
        parts = [compressor.compress(block) for _ in range(size >> 20)]
        parts.append(compressor.flush())
        data = b"".join(parts)
        if encoding == "gzip, gzip":
            data = gzip.compress(data)
        _bombs[key] = data
    return _bombs[key]


def nested(depth: int, inner: str = "1") -> bytes:
    """JSON arrays nested ``depth`` deep around ``inner``."""
    return ("[" * depth + inner + "]" * depth).encode()


def prediction(pid: str = "p1", status: str = "starting", **fields: Any) -> dict[str, Any]:
    """A prediction object as the API sends it (no stream URL unless given)."""
    return {
        "id": pid,
        "model": "owner/model",
        "version": "a" * 64,
        "status": status,
        "input": {},
        "output": None,
        "logs": "",
        "error": None,
        "created_at": "2026-01-01T00:00:00Z",
        "urls": {
            "get": f"/v1/predictions/{pid}",
            "cancel": f"/v1/predictions/{pid}/cancel",
        },
        **fields,
    }
