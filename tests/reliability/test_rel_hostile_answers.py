"""Answers a client must survive: garbage the HTTP parser refuses (the same error and retries
on every transport, and no token in the error when the server echoed it into the garbage),
answers of the wrong shape, redirected streams, silence."""

from __future__ import annotations

import itertools
import traceback
from typing import Any

import httpx
import pytest
from support.hostile import (
    TOKEN,
    Hostile,
    call,
    client,
    head,
    prediction,
    respond,
    respond_json,
    silent,
)

from replicate.exceptions import InvalidResponseError, ReplicateError

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(30)]
MODES = ["sync", "async", "aiohttp"]
ECHO = f"Bearer {TOKEN}".encode()
GARBLED = {
    "header line": b"HTTP/1.1 200 OK\r\nX-Echo " + ECHO + b"\r\nContent-Length: 2\r\n\r\n{}",
    "chunk size": head(200, {"Transfer-Encoding": "chunked"}) + ECHO + b"\r\n",
    "status code": b"HTTP/1.1 2OO OK\r\nContent-Length: 2\r\n\r\n{}",
}


def options(mode: str, **extra: Any) -> dict[str, Any]:
    if mode != "aiohttp":
        return extra
    from replicate.transports import AiohttpTransport

    return {**extra, "transport": AiohttpTransport()}


def answer(data: bytes) -> Any:
    def script(conn: Any) -> None:
        conn.send(data)

    return script


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("garbage", ["header line", "chunk size"])
async def test_a_token_echoed_into_a_garbled_answer_stays_out_of_the_error(
    mode: str, garbage: str
) -> None:
    with Hostile(lambda m, p: answer(GARBLED[garbage])) as server:
        replicate = client(server.url, **options(mode))
        with pytest.raises(httpx.RemoteProtocolError) as caught:
            await call(mode, replicate.predictions, "get", "p1")
    shown = "".join(traceback.format_exception(caught.value))  # the chained errors too
    assert TOKEN not in shown and TOKEN not in repr(caught.value)
    assert server.headers[0]["authorization"] == f"Bearer {TOKEN}"  # it was sent


@pytest.mark.parametrize("mode", ["async", "aiohttp"])
@pytest.mark.parametrize("garbage", ["chunk size", "status code"])
async def test_a_garbled_answer_to_a_get_is_retried_on_every_transport(
    mode: str, garbage: str
) -> None:
    good = respond_json(200, prediction())
    answers = itertools.chain([answer(GARBLED[garbage])], itertools.repeat(good))
    with Hostile(lambda m, p: next(answers)) as server:
        replicate = client(server.url, **options(mode, max_retries=1))
        got = await call(mode, replicate.predictions, "get", "p1")
    assert got.id == prediction()["id"]
    assert len(server.requests) == 2


@pytest.mark.parametrize("mode", MODES)
async def test_a_create_answered_without_an_id_is_the_servers_error(mode: str) -> None:
    # It became Prediction(id=''), and waiting on it blamed the caller ("id must be a
    # non-empty string"), naming neither the request nor the server.
    shapeless = {key: value for key, value in prediction().items() if key != "id"}
    with Hostile(lambda m, p: respond_json(201, shapeless)) as server:
        replicate = client(server.url, **options(mode))
        with pytest.raises(InvalidResponseError, match=r"POST .* no id"):
            await call(mode, replicate, "run", "owner/model", input={})
        with pytest.raises(InvalidResponseError, match=r"GET .* no id"):
            await call(mode, replicate.predictions, "get", "p1")


@pytest.mark.parametrize("mode", MODES)
async def test_a_redirected_stream_url_raises_with_the_redirects_status(mode: str) -> None:
    # It read "Not an event stream ... got 'none'" with status None: the 3xx went unsaid.
    where: list[str] = []

    def route(method: str, path: str) -> Any:
        if path.startswith("/stream/"):
            return respond(307, b"", {"Location": "http://127.0.0.1:9/sse?signature=s3cr3t"})
        urls = {"get": "/v1/predictions/p1", "stream": f"{where[0]}/stream/p1"}
        return respond_json(201, prediction(urls=urls))

    with Hostile(route) as server:
        where.append(server.url)
        replicate = client(server.url, **options(mode))
        with pytest.raises(ReplicateError) as caught:
            if mode == "sync":
                list(replicate.stream("owner/model", input={}))
            else:
                async for _ in await replicate.async_stream("owner/model", input={}):
                    pass
    assert caught.value.status == 307
    assert "307, to http://127.0.0.1:9/sse" in str(caught.value) and "s3cr3t" not in str(
        caught.value
    )


@pytest.mark.parametrize("mode", MODES)
async def test_a_timeout_says_what_timed_out(mode: str) -> None:
    # On the default async transport it was ReadTimeout(''): anyio's timeouts carry no text.
    with Hostile(lambda m, p: silent()) as server:
        replicate = client(server.url, **options(mode))
        with pytest.raises(httpx.ReadTimeout) as caught:
            await call(mode, replicate.predictions, "get", "p1")
    assert str(caught.value)
