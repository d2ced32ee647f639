"""The async transports: the default sharded httpx pool and the optional aiohttp one.

Every scenario in the first half runs against the emulator through both backends (the aiohttp
one is skipped when aiohttp is not installed); the second half covers the sharded pool's own
rules (lazy shards, the per-shard bound, ``limits``, slots given back on close and cancel).
"""

from __future__ import annotations

import asyncio
import math
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.run_support import client_for

from replicate._http.pool import DEFAULT_SHARD_CAPACITY
from replicate.client import Client
from replicate.emulator import Emulator
from replicate.emulator.catalog import png_bytes, stream_tokens
from replicate.helpers import FileOutput
from replicate.transports import ShardedAsyncTransport


def _aiohttp_transport() -> httpx.AsyncBaseTransport:
    pytest.importorskip("aiohttp")
    from replicate.transports import AiohttpTransport

    return AiohttpTransport()


BACKENDS: dict[str, Callable[[], httpx.AsyncBaseTransport | None]] = {
    "sharded": lambda: None,  # what Client() picks when given no transport
    "aiohttp": _aiohttp_transport,
}


@pytest.fixture(params=sorted(BACKENDS))
def make(request: pytest.FixtureRequest, replicate_emulator: Emulator) -> Callable[..., Client]:
    """A client factory for the emulator on the backend under test."""
    transport = BACKENDS[request.param]()

    def make_client(**kwargs: Any) -> Client:
        if transport is not None:
            kwargs.setdefault("transport", transport)
        return client_for(replicate_emulator, **kwargs)

    return make_client


def inner_transport(client: Client) -> httpx.AsyncBaseTransport:
    """The transport under the client's retrying wrapper, for the running event loop."""
    wrapper: Any = client._async_http()._transport
    inner: httpx.AsyncBaseTransport = wrapper._inner
    return inner


# --- both backends -------------------------------------------------------------------------


@pytest.mark.anyio
async def test_many_concurrent_runs(
    make: Callable[..., Client], replicate_emulator: Emulator
) -> None:
    client = make()
    texts = [f"run {i}" for i in range(300)]
    results = await asyncio.gather(
        *(client.async_run("emulator/echo", input={"text": t}) for t in texts),
        return_exceptions=True,
    )
    assert results == texts  # every run answered, in order, no exception among them
    assert len(replicate_emulator.predictions) == len(texts)
    transport = inner_transport(client)
    if isinstance(transport, ShardedAsyncTransport):
        assert transport.shard_count <= math.ceil(len(texts) / DEFAULT_SHARD_CAPACITY)
        assert transport.in_flight == 0
    await client.aclose()


@pytest.mark.anyio
async def test_event_stream(make: Callable[..., Client]) -> None:
    client = make()
    events = [
        e
        async for e in await client.async_stream(
            "emulator/stream-text", input={"prompt": "sea", "max_tokens": 6}
        )
    ]
    assert [str(e) for e in events if e.event == "output"] == stream_tokens("sea", 6)
    assert events[-1].event == "done"
    transport = inner_transport(client)
    if isinstance(transport, ShardedAsyncTransport):
        assert transport.in_flight == 0  # the stream's slot came back when it ended
    await client.aclose()


@pytest.mark.anyio
async def test_event_stream_cut_mid_way_resumes(
    make: Callable[..., Client], replicate_emulator: Emulator
) -> None:
    # The connection drops after 3 events: the body error must surface as httpx's, so the
    # stream reconnects with Last-Event-ID and loses nothing.
    replicate_emulator.faults.add("stream", sse_disconnect_after=3, drop=True, times=1)
    client = make()
    stream = await client.async_stream(
        "emulator/stream-text", input={"prompt": "y", "max_tokens": 10}
    )
    events = [e async for e in stream]
    assert [str(e) for e in events if e.event == "output"] == stream_tokens("y", 10)
    streams = [r for r in replicate_emulator.requests if r.operation == "stream"]
    assert len(streams) == 2
    await client.aclose()


@pytest.mark.anyio
async def test_upload_and_downloads(
    make: Callable[..., Client], replicate_emulator: Emulator, tmp_path: Path
) -> None:
    client = make()
    payload = bytes(range(256)) * 4096  # 1 MiB, more than one chunk each way
    path = tmp_path / "in.bin"
    path.write_bytes(payload)
    assert await client.async_run("emulator/echo", input={"text": "up", "f": path}) == "up"
    (stored,) = replicate_emulator.files.values()
    assert stored.name == "in.bin"
    url = replicate_emulator.signed_file_url(stored.id)
    assert await client.files.async_download(url) == payload
    chunks = [chunk async for chunk in client.files.async_iter_download(url)]
    assert b"".join(chunks) == payload

    outputs = await client.async_run("emulator/image", input={"prompt": "cat", "num_outputs": 2})
    assert all(isinstance(o, FileOutput) for o in outputs)
    assert [await o.aread() for o in outputs] == [png_bytes("cat/0"), png_bytes("cat/1")]
    await client.aclose()


@pytest.mark.anyio
async def test_body_of_unknown_length_is_sent_chunked(
    make: Callable[..., Client], replicate_emulator: Emulator
) -> None:
    client = make()
    version = (await client.models.async_get("emulator/echo")).latest_version
    assert version is not None

    async def body() -> AsyncIterator[bytes]:  # no length known up front
        yield b'{"version": "' + version.id.encode()
        yield b'", "input": {"text": "chunks"}}'

    response = await client._async_http().post(
        "predictions", content=body(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 201
    assert replicate_emulator.requests[-1].headers.get("transfer-encoding") == "chunked"
    (job,) = replicate_emulator.predictions.values()
    assert job.input == {"text": "chunks"}
    await client.aclose()


@pytest.mark.anyio
async def test_retries_see_transport_failures(
    make: Callable[..., Client], replicate_emulator: Emulator
) -> None:
    # A dropped connection and a 503 are retried: the backend raised httpx's exception types.
    replicate_emulator.faults.add("predictions.create", drop=True, times=1)
    replicate_emulator.faults.add("predictions.get", status=503, times=1)
    client = make()
    prediction = await client.predictions.async_create(model="emulator/echo", input={"text": "x"})
    await prediction.async_reload()
    assert prediction.id in replicate_emulator.predictions
    await client.aclose()


def test_one_pool_per_event_loop(make: Callable[..., Client]) -> None:
    client = make()
    seen: list[tuple[Any, str]] = []

    def run_in_new_loop(text: str) -> None:
        async def main() -> None:
            output = await client.async_run("emulator/echo", input={"text": text})
            seen.append((client._async_http(), output))
            await client.aclose()

        asyncio.run(main())

    run_in_new_loop("first")
    thread = threading.Thread(target=run_in_new_loop, args=("second",))
    thread.start()
    thread.join()
    run_in_new_loop("third")
    assert [output for _, output in seen] == ["first", "second", "third"]
    assert len({id(http) for http, _ in seen}) == 3


# --- the sharded pool ----------------------------------------------------------------------


def test_client_defaults_to_sharded_pool_and_keeps_user_transports(
    replicate_emulator: Emulator,
) -> None:
    async def inner_of(client: Client) -> tuple[httpx.AsyncBaseTransport, int]:
        inner = inner_transport(client)  # the loop's client closes when asyncio.run ends
        return inner, inner.shard_count if isinstance(inner, ShardedAsyncTransport) else -1

    default, shards = asyncio.run(inner_of(client_for(replicate_emulator)))
    assert isinstance(default, ShardedAsyncTransport)
    assert shards == 1  # nothing more opens before there is load
    mine = httpx.AsyncHTTPTransport()
    assert asyncio.run(inner_of(client_for(replicate_emulator, transport=mine)))[0] is mine


def test_client_options_reach_every_shard() -> None:
    pool = ShardedAsyncTransport(
        verify=False,
        limits=httpx.Limits(max_connections=50, max_keepalive_connections=7, keepalive_expiry=2),
        proxy="http://127.0.0.1:9",
        shard_capacity=10,
    )
    pool._shards.append(pool._open_shard())
    ssl_contexts = set()
    for shard in pool._shards:
        core: Any = shard.transport._pool
        assert type(core).__name__ == "AsyncHTTPProxy"
        assert core._max_keepalive_connections == 7
        assert core._keepalive_expiry == 2
        ssl_contexts.add(id(core._ssl_context))
        assert core._ssl_context.check_hostname is False
    assert len(ssl_contexts) == 1  # one SSL context shared by all shards
    with pytest.raises(ValueError, match="shard_capacity"):
        ShardedAsyncTransport(shard_capacity=0)
    with pytest.raises(ValueError, match="max_connections"):
        ShardedAsyncTransport(limits=httpx.Limits(max_connections=0))


@pytest.mark.anyio
async def test_shards_open_as_load_grows_and_stay_bounded(replicate_emulator: Emulator) -> None:
    pool = ShardedAsyncTransport(shard_capacity=4)
    http = httpx.AsyncClient(transport=pool)
    url = await _stored_file_url(replicate_emulator)
    for _ in range(5):  # one at a time: the first shard serves them all
        assert (await http.get(url)).status_code == 200
    assert (pool.shard_count, pool.in_flight) == (1, 0)

    held = [await http.send(http.build_request("GET", url), stream=True) for _ in range(10)]
    assert pool.shard_count == 3  # 4 + 4 + 2 open responses
    assert [s.in_flight for s in pool._shards] == [4, 4, 2]
    for response in held:
        await response.aread()
        await response.aclose()
    assert pool.in_flight == 0
    await http.aclose()
    assert pool.shard_count == 0


@pytest.mark.anyio
async def test_idle_shards_close_after_the_keepalive_expiry(replicate_emulator: Emulator) -> None:
    pool = ShardedAsyncTransport(
        shard_capacity=2, limits=httpx.Limits(max_connections=None, keepalive_expiry=0.05)
    )
    http = httpx.AsyncClient(transport=pool)
    url = await _stored_file_url(replicate_emulator)
    held = [await http.send(http.build_request("GET", url), stream=True) for _ in range(6)]
    shards = list(pool._shards)
    assert len(shards) == 3
    for response in held:
        await response.aread()
        await response.aclose()
    await asyncio.sleep(0.1)  # past the expiry: the next request sweeps
    assert (await http.get(url)).status_code == 200
    assert pool.shard_count == 1
    assert [len(s.transport._pool.connections) for s in shards] == [0, 0, 0]
    await http.aclose()


@pytest.mark.anyio
async def test_max_connections_caps_the_total(replicate_emulator: Emulator) -> None:
    class Recording(ShardedAsyncTransport):
        peak = 0

        def _take_slot(self) -> Any:
            shard = super()._take_slot()
            Recording.peak = max(Recording.peak, self.in_flight)
            return shard

    pool = Recording(limits=httpx.Limits(max_connections=2), shard_capacity=1)
    client = client_for(replicate_emulator, transport=pool)
    texts = [str(i) for i in range(12)]
    outputs = await asyncio.gather(
        *(client.async_run("emulator/echo", input={"text": t}) for t in texts)
    )
    assert outputs == texts
    assert Recording.peak == 2
    assert pool.shard_count == 2 and pool.in_flight == 0
    await client.aclose()


@pytest.mark.anyio
async def test_waiting_past_the_pool_timeout_raises(replicate_emulator: Emulator) -> None:
    pool = ShardedAsyncTransport(limits=httpx.Limits(max_connections=1))
    http = httpx.AsyncClient(transport=pool, timeout=httpx.Timeout(5, pool=0.05))
    url = await _stored_file_url(replicate_emulator)
    held = await http.send(http.build_request("GET", url), stream=True)
    with pytest.raises(httpx.PoolTimeout, match="max_connections=1"):
        await http.get(url)
    waiting = asyncio.ensure_future(http.get(url, timeout=None))
    await asyncio.sleep(0.01)
    waiting.cancel()  # a waiter that gives up leaves no trace
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert not pool._waiters
    await held.aclose()
    assert (await http.get(url)).status_code == 200
    assert pool.in_flight == 0
    await http.aclose()


@pytest.mark.anyio
async def test_cancelled_request_gives_its_slot_back(replicate_emulator: Emulator) -> None:
    replicate_emulator.time_scale = 1.0
    pool = ShardedAsyncTransport()
    client = client_for(replicate_emulator, transport=pool)
    task = asyncio.ensure_future(client.async_run("emulator/slow", input={"seconds": 30}))
    assert await _eventually(lambda: pool.in_flight == 1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert pool.in_flight == 0
    await client.aclose()


@pytest.mark.anyio
async def test_close_releases_connections(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator)
    await asyncio.gather(
        *(client.async_run("emulator/echo", input={"text": "x"}) for _ in range(60))
    )
    pool = inner_transport(client)
    assert isinstance(pool, ShardedAsyncTransport)
    cores: list[Any] = [shard.transport._pool for shard in pool._shards]
    assert sum(len(core.connections) for core in cores) > 0  # kept alive for reuse
    await client.aclose()
    assert sum(len(core.connections) for core in cores) == 0
    assert pool.shard_count == 0


# --- helpers -------------------------------------------------------------------------------


async def _stored_file_url(emu: Emulator) -> str:
    client = client_for(emu)
    file = await client.files.async_create(b"x" * 100_000, filename="f.bin")
    await client.aclose()
    return emu.signed_file_url(file.id)


async def _eventually(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    for _ in range(int(timeout / 0.01)):
        if condition():
            return True
        await asyncio.sleep(0.01)
    return condition()
