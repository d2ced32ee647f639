"""A FileOutput download cut mid-body resumes with Range and hands out every byte once, or
fails loudly: a 206 whose Content-Range does not fit is not trusted (found with a hostile
server: repeated and missing bytes came back without a word)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from support.client_support import make_client

from replicate.helpers import FileOutput

CONTENT = bytes(range(256)) * 1024  # 256 KiB
CUT = 128 * 1024


@contextmanager
def cutting_server(resume_start: int | None, content_range: str | None) -> Iterator[Any]:
    """Serves CONTENT, cutting the first answer at CUT; answers the Range request with a 206
    starting at ``resume_start`` (``None``: a 200 with the whole body again)."""
    listener = socket.create_server(("127.0.0.1", 0))
    seen: list[str | None] = []

    def serve() -> None:
        for attempt in range(2):
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                head = b""
                while b"\r\n\r\n" not in head:
                    head += conn.recv(4096)
                lines = head.decode("latin-1").split("\r\n")
                asked = next(
                    (
                        ln.split(":", 1)[1].strip()
                        for ln in lines
                        if ln.lower().startswith("range:")
                    ),
                    None,
                )
                seen.append(asked)
                if attempt == 0:
                    conn.sendall(
                        f"HTTP/1.1 200 OK\r\nContent-Length: {len(CONTENT)}\r\n\r\n".encode()
                        + CONTENT[:CUT]
                    )
                    continue  # closed mid-body
                if resume_start is None:
                    body, status, extra = CONTENT, "200 OK", ""
                else:
                    body, status = CONTENT[resume_start:], "206 Partial Content"
                    extra = f"Content-Range: {content_range}\r\n" if content_range else ""
                conn.sendall(
                    f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\n{extra}"
                    "Connection: close\r\n\r\n".encode()
                    + body
                )

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/file.bin", seen
    finally:
        listener.close()
        thread.join(5)


@pytest.mark.parametrize(
    ("start", "content_range"),
    [
        (CUT, f"bytes {CUT}-{len(CONTENT) - 1}/{len(CONTENT)}"),  # as asked
        (0, f"bytes 0-{len(CONTENT) - 1}/{len(CONTENT)}"),  # from the start: overlap skipped
        (CUT - 10, f"bytes {CUT - 10}-{len(CONTENT) - 1}/*"),
        (None, None),  # ranges ignored: the whole body again, the first CUT bytes skipped
    ],
)
def test_a_cut_download_resumes_without_repeating_a_byte(
    start: int | None, content_range: str | None
) -> None:
    with cutting_server(start, content_range) as (url, seen):
        output = FileOutput(url, make_client("http://127.0.0.1:1"))
        assert output.read() == CONTENT
    assert seen == [None, f"bytes={CUT}-"]


@pytest.mark.parametrize(
    ("start", "content_range"),
    [
        (200_000, f"bytes 200000-{len(CONTENT) - 1}/{len(CONTENT)}"),  # a gap
        (CUT, None),  # a 206 that does not say where it starts
        (CUT, "bytes */262144"),
    ],
)
def test_a_resumed_answer_that_does_not_fit_fails_loudly(
    start: int, content_range: str | None
) -> None:
    with cutting_server(start, content_range) as (url, _seen):
        output = FileOutput(url, make_client("http://127.0.0.1:1"))
        with pytest.raises(httpx.RemoteProtocolError, match=f"should start at byte {CUT}"):
            output.read()
