"""A loopback file host for the download-memory benchmark: `GET /bytes/N` streams N bytes.

`?encoding=gzip`, `deflate` or `gzip,gzip` sends them compressed (streamed, with that
`Content-Encoding`, the connection closed at the end); `&type=json` labels them
`application/json`.

Prints `listening on http://127.0.0.1:PORT` once ready, then serves until killed.
"""

from __future__ import annotations

import http.server
import sys
import zlib
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

BLOCK = bytes(range(256)) * 256  # 64 KiB


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        _, _, size_text = parts.path.rpartition("/")
        if not parts.path.startswith("/bytes/") or not size_text.isdigit():
            self.send_error(404)
            return
        query = parse_qs(parts.query)
        encoding = query.get("encoding", [""])[0]
        kind = "application/json" if query.get("type") == ["json"] else "application/octet-stream"
        remaining = int(size_text)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        layers = _compressors(encoding)
        if layers:
            self.send_header("Content-Encoding", encoding.replace(",", ", "))
            self.send_header("Connection", "close")
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(remaining))
        self.end_headers()
        while remaining > 0:
            piece = BLOCK[: min(len(BLOCK), remaining)]
            self.wfile.write(_through(layers, piece, lambda c, d: c.compress(d)))
            remaining -= len(piece)
        if layers:
            self.wfile.write(_through(layers, b"", lambda c, d: c.compress(d) + c.flush()))


def _compressors(encoding: str) -> list[zlib._Compress]:
    names = [name.strip() for name in encoding.split(",") if name.strip()]
    return [zlib.compressobj(6, zlib.DEFLATED, 31 if n == "gzip" else 15) for n in names]


def _through(
    layers: list[zlib._Compress], data: bytes, step: Callable[[zlib._Compress, bytes], bytes]
) -> bytes:
    # The first encoding listed is applied first.
    for layer in layers:
        data = step(layer, data)
    return data

    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
