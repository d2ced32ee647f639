"""A loopback file host for the download-memory benchmark: `GET /bytes/N` streams N bytes.

Prints `listening on http://127.0.0.1:PORT` once ready, then serves until killed.
"""

from __future__ import annotations

import http.server
import sys

BLOCK = bytes(range(256)) * 256  # 64 KiB


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        _, _, size_text = self.path.rpartition("/")
        if not self.path.startswith("/bytes/") or not size_text.isdigit():
            self.send_error(404)
            return
        remaining = int(size_text)
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(remaining))
        self.end_headers()
        while remaining > 0:
            piece = BLOCK[: min(len(BLOCK), remaining)]
            self.wfile.write(piece)
            remaining -= len(piece)

    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
