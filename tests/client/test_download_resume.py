"""A FileOutput download cut mid-body resumes with Range and hands out every byte once, or
fails loudly: a 206 whose Content-Range does not fit is not trusted (found with a hostile
server: repeated and missing bytes came back without a word)."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from support.client_support import make_client
from support.hostile import Connection, Hostile, Script, Stopped, head, respond

from replicate.helpers import FileOutput

CONTENT = bytes(range(256)) * 1024  # 256 KiB
CUT = 128 * 1024


def _cut(conn: Connection) -> None:
    conn.send(head(200, {"Content-Length": str(len(CONTENT))}) + CONTENT[:CUT])
    raise Stopped  # closed mid-body


@contextmanager
def cutting_server(resume_start: int | None, content_range: str | None) -> Iterator[Hostile]:
    """Serves CONTENT, cutting the first answer at CUT; answers the Range request with a 206
    starting at ``resume_start`` (``None``: a 200 with the whole body again)."""
    if resume_start is None:
        resumed = respond(200, CONTENT)
    else:
        extra = {"Content-Range": content_range} if content_range else {}
        resumed = respond(206, CONTENT[resume_start:], extra)
    answers: Iterator[Script] = iter([_cut, resumed])
    with Hostile(lambda method, path: next(answers)) as server:
        yield server


def _asked_ranges(server: Hostile) -> list[str | None]:
    return [fields.get("range") for fields in server.headers]


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
    with cutting_server(start, content_range) as server:
        output = FileOutput(f"{server.url}/file.bin", make_client("http://127.0.0.1:1"))
        assert output.read() == CONTENT
    assert _asked_ranges(server) == [None, f"bytes={CUT}-"]


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
    with cutting_server(start, content_range) as server:
        output = FileOutput(f"{server.url}/file.bin", make_client("http://127.0.0.1:1"))
        with pytest.raises(httpx.RemoteProtocolError, match=f"should start at byte {CUT}"):
            output.read()


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_a_cut_encoded_download_is_asked_for_whole_again(encoding: str) -> None:
    # Found with a hostile server: the resume asked for a range counted in decoded bytes and
    # fed the middle of a compressed body to a fresh decoder (DecodingError). Ranges count the
    # encoded bytes, so an encoded body is fetched whole again and what was handed out skipped.
    body = gzip.compress(CONTENT) if encoding == "gzip" else zlib.compress(CONTENT)
    fields = {"Content-Length": str(len(body)), "Content-Encoding": encoding}

    def cut(conn: Connection) -> None:
        conn.send(head(200, fields) + body[: len(body) // 2])
        raise Stopped

    answers: Iterator[Script] = iter([cut, respond(200, body, {"Content-Encoding": encoding})])
    with Hostile(lambda method, path: next(answers)) as server:
        output = FileOutput(f"{server.url}/file.bin", make_client("http://127.0.0.1:1"))
        assert output.read() == CONTENT
    assert _asked_ranges(server) == [None, None]
