"""Bounded memory: capped API bodies, flat downloads, bounded event streams, deep JSON.

Memory is measured with ``tracemalloc`` (Python allocations: every body, chunk and
decoded piece is a Python object), as peaks far below the sizes the servers send.
"""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from support import hostile
from support.hostile import (
    Hostile,
    bomb,
    call,
    nested,
    prediction,
    repeat,
    respond,
    respond_json,
    stream_body,
)

from replicate import Client
from replicate._flows.sse import SSEDecoder
from replicate._http.limits import API_BODY_LIMIT, ERROR_BODY_LIMIT
from replicate.exceptions import (
    EventTooLargeError,
    InvalidResponseError,
    ReplicateError,
    ResponseTooLargeError,
)
from replicate.helpers import FileOutput

MiB = 1024 * 1024
pytestmark = pytest.mark.anyio


# "aiohttp": async calls through AiohttpTransport, which must keep the same caps.
MODES = ["sync", "async", "aiohttp"]


def client(url: str, mode: str = "sync", **options: Any) -> Client:
    if mode == "aiohttp":
        from replicate.transports import AiohttpTransport

        options = {**options, "transport": AiohttpTransport()}
    return hostile.client(url, **{"timeout": 5.0, **options})


class Peak:
    """Peak traced memory (bytes) while the block ran."""

    def __enter__(self) -> Peak:
        tracemalloc.start()
        self.bytes = 0
        return self

    def __exit__(self, *exc: object) -> None:
        self.bytes = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


# --- API bodies ---------------------------------------------------------------------------

ENCODINGS = ["gzip", "deflate", "gzip, gzip"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("encoding", ENCODINGS)
async def test_a_compressed_api_body_is_capped_while_it_inflates(mode: str, encoding: str) -> None:
    body = bomb(encoding, 256 * MiB)  # well under 1 MiB on the wire
    headers = {"Content-Type": "application/json", "Content-Encoding": encoding}
    with Hostile(lambda m, p: respond(200, body, headers)) as server:
        replicate = client(server.url, mode)
        with Peak() as peak, pytest.raises(ResponseTooLargeError) as caught:
            await call(mode, replicate.predictions, "get", "p1")
    assert caught.value.limit == API_BODY_LIMIT
    assert "/v1/predictions/p1" in str(caught.value)
    # Only up to the cap (and one decoded piece) was ever held, not 256 MiB.
    assert peak.bytes < API_BODY_LIMIT + 16 * MiB


@pytest.mark.parametrize("mode", MODES)
async def test_a_large_plain_api_body_is_refused(mode: str) -> None:
    pieces = repeat(b" " * MiB, (API_BODY_LIMIT // MiB) * 4)  # spaces: valid JSON padding
    headers = {"Content-Type": "application/json"}
    with Hostile(lambda m, p: stream_body(200, headers, pieces)) as server:
        replicate = client(server.url, mode)
        with pytest.raises(ResponseTooLargeError):
            await call(mode, replicate.predictions, "get", "p1")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("status", [400, 429, 500])
async def test_an_error_body_is_cut_to_its_small_limit(mode: str, status: int) -> None:
    body = bomb("gzip", 128 * MiB)
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    with Hostile(lambda m, p: respond(status, body, headers)) as server:
        replicate = client(server.url, mode)
        with Peak() as peak, pytest.raises(ReplicateError) as caught:
            await call(mode, replicate.predictions, "get", "p1")
    assert caught.value.status == status
    assert peak.bytes < 8 * MiB
    assert len(caught.value.detail or "") <= ERROR_BODY_LIMIT


@pytest.mark.parametrize("mode", MODES)
async def test_an_encoding_that_cannot_be_counted_is_an_invalid_response(mode: str) -> None:
    headers = {"Content-Type": "application/json", "Content-Encoding": "br"}
    with Hostile(lambda m, p: respond(200, b"\x0b\x01\x80{}\x03", headers)) as server:
        replicate = client(server.url, mode)
        with pytest.raises(InvalidResponseError, match="br"):
            await call(mode, replicate.predictions, "get", "p1")


# --- downloads ------------------------------------------------------------------------------

DOWNLOAD_SIZE = 64 * MiB
DOWNLOAD_CASES = [
    ("application/octet-stream", "gzip"),
    ("application/octet-stream", "deflate"),
    ("application/octet-stream", "gzip, gzip"),
    ("application/json", None),
    ("application/json", "gzip"),
]


def _download_route(content_type: str, encoding: str | None) -> Callable[[str, str], Any]:
    headers = {"Content-Type": content_type}
    if encoding is None:
        return lambda m, p: stream_body(200, headers, repeat(b"\0" * MiB, DOWNLOAD_SIZE // MiB))
    body = bomb(encoding, DOWNLOAD_SIZE)
    return lambda m, p: respond(200, body, {**headers, "Content-Encoding": encoding})


def _count(chunks: Iterator[bytes]) -> tuple[int, int]:
    total = largest = 0
    for chunk in chunks:
        total += len(chunk)
        largest = max(largest, len(chunk))
    return total, largest


@pytest.mark.parametrize(("content_type", "encoding"), DOWNLOAD_CASES, ids=str)
def test_file_output_downloads_stay_flat(content_type: str, encoding: str | None) -> None:
    with Hostile(_download_route(content_type, encoding)) as server:
        replicate = client(server.url)
        output = FileOutput(server.url + "/out.bin", replicate)
        with Peak() as peak:
            total, largest = _count(iter(output))
    assert total == DOWNLOAD_SIZE
    assert largest <= 64 * 1024
    assert peak.bytes < 4 * MiB


@pytest.mark.parametrize("mode", ["async", "aiohttp"])
@pytest.mark.parametrize(("content_type", "encoding"), DOWNLOAD_CASES, ids=str)
async def test_async_file_output_downloads_stay_flat(
    content_type: str, encoding: str | None, mode: str
) -> None:
    with Hostile(_download_route(content_type, encoding)) as server:
        replicate = client(server.url, mode)
        output = FileOutput(server.url + "/out.bin", replicate)
        total = 0
        with Peak() as peak:
            async for chunk in output:
                total += len(chunk)
    assert total == DOWNLOAD_SIZE
    assert peak.bytes < 4 * MiB


@pytest.mark.parametrize(("content_type", "encoding"), DOWNLOAD_CASES[:2], ids=str)
def test_files_iter_download_stays_flat(content_type: str, encoding: str | None) -> None:
    with Hostile(_download_route(content_type, encoding)) as server:
        replicate = client(server.url)
        url = f"{server.url}/v1/files/f1/download?owner=o&expiry=1&signature=s"
        with Peak() as peak:
            total, _ = _count(replicate.files.iter_download(url))
    assert total == DOWNLOAD_SIZE
    assert peak.bytes < 4 * MiB


# --- event streams --------------------------------------------------------------------------


def test_an_endless_line_is_refused() -> None:
    decoder = SSEDecoder(max_line=1000)
    decoder.feed(b"data: " + b"x" * 900)
    with pytest.raises(EventTooLargeError, match="line"):
        for _ in range(10):
            decoder.feed(b"x" * 100)


def test_an_endless_event_is_refused() -> None:
    decoder = SSEDecoder(max_event=10_000)
    with pytest.raises(EventTooLargeError, match="event"):
        for _ in range(1000):
            decoder.feed(b"data: " + b"x" * 100 + b"\n")


def _stream_run_route(events: Callable[[], Iterator[bytes]]) -> Callable[[str, str], Any]:
    state: dict[str, str] = {}

    def route(method: str, path: str) -> Any:
        base = state["base"]
        if method == "POST":
            return respond_json(
                201,
                prediction(
                    urls={
                        "get": f"{base}/v1/predictions/p1",
                        "cancel": f"{base}/v1/predictions/p1/cancel",
                        "stream": f"{base}/stream/p1",
                    }
                ),
            )
        if path.startswith("/stream/"):
            return stream_body(200, {"Content-Type": "text/event-stream"}, events())
        if path.startswith("/v1/models/"):
            return respond_json(200, {"id": "a" * 64, "openapi_schema": {}})
        return respond_json(200, prediction(status="succeeded", output="done", logs="x\n"))

    route.state = state  # type: ignore[attr-defined]
    return route


@pytest.mark.parametrize("mode", MODES)
async def test_stream_with_an_endless_line_fails_clearly(mode: str) -> None:
    route = _stream_run_route(lambda: repeat(b"x" * MiB, 64))
    with Hostile(route) as server:
        route.state["base"] = server.url  # type: ignore[attr-defined]
        replicate = client(server.url, mode)
        with Peak() as peak, pytest.raises(EventTooLargeError):
            if mode == "sync":
                for _ in replicate.stream("owner/model", input={}):
                    pass
            else:
                async for _ in await replicate.async_stream("owner/model", input={}):
                    pass
    assert peak.bytes < 40 * MiB  # the 16 MiB line cap, not 64 MiB


@pytest.mark.parametrize("mode", MODES)
async def test_many_logs_events_finish_within_the_run_bound(mode: str) -> None:
    def events() -> Iterator[bytes]:
        block = b"".join(b"event: logs\ndata: line %d\n\n" % i for i in range(1000))
        yield from repeat(block, 60)
        yield b"event: done\ndata: {}\n\n"

    route = _stream_run_route(events)
    with Hostile(route) as server:
        route.state["base"] = server.url  # type: ignore[attr-defined]
        replicate = client(server.url, mode)
        # 60,000 logs events: handling them per event re-joined all logs each time
        # (quadratic, about 17 s); linear handling ends well inside the run's bound.
        output = await call(mode, replicate, "run", "owner/model", input={}, timeout=8)
    assert output == "done"


# --- deeply nested JSON ---------------------------------------------------------------------

DEEP = nested(100_000)


@pytest.mark.parametrize("mode", MODES)
async def test_deep_json_in_a_200_body_is_an_invalid_response(mode: str) -> None:
    headers = {"Content-Type": "application/json"}
    with Hostile(lambda m, p: respond(200, DEEP, headers)) as server:
        replicate = client(server.url, mode)
        with pytest.raises(InvalidResponseError, match="nested too deep"):
            await call(mode, replicate.predictions, "get", "p1")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("status", [400, 429])
async def test_deep_json_in_an_error_body_is_a_replicate_error(mode: str, status: int) -> None:
    headers = {"Content-Type": "application/json"}
    with Hostile(lambda m, p: respond(status, DEEP, headers)) as server:
        replicate = client(server.url, mode)
        with pytest.raises(ReplicateError) as caught:
            await call(mode, replicate.predictions, "get", "p1")
    assert caught.value.status == status


@pytest.mark.parametrize("mode", MODES)
async def test_an_output_nested_600_deep_is_returned(mode: str) -> None:
    output: Any = "https://files.example/out.png"
    for _ in range(300):  # an object and a list per step: 600 levels
        output = {"a": [output]}
    body = json.dumps(prediction(status="succeeded", output=output)).encode()
    headers = {"Content-Type": "application/json"}
    with Hostile(lambda m, p: respond(201, body, headers)) as server:
        replicate = client(server.url, mode)
        result = await call(mode, replicate, "run", "owner/model", input={}, wait=False)
    depth = 0
    while isinstance(result, dict):
        result = result["a"][0]
        depth += 1
    assert depth == 300
    assert isinstance(result, FileOutput)
    assert result.url == "https://files.example/out.png"
