"""Load: many concurrent runs through one client, against an emulator in its own process.

Zero errors, every output correct, every prediction created exactly once, and the
connection pool stays within its limit.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import anyio
import httpx
import pytest
from support.reliability_support import make_client

from replicate.emulator import Emulator

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(120)]
MAX_CONNECTIONS = 50


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator(time_scale=0.02, process=True) as emu:
        yield emu


def open_connections(http: httpx.Client | httpx.AsyncClient) -> int:
    """Connections open in the client's pool(s): one httpx pool, or a sharded set of them."""
    inner: Any = http._transport._inner  # type: ignore[union-attr]
    shards = getattr(inner, "_shards", None)
    pools = [shard.transport._pool for shard in shards] if shards is not None else [inner._pool]
    return sum(len(pool.connections) for pool in pools)


class PoolWatcher:
    """Samples how many connections a client has open, from a thread, while the load runs."""

    def __init__(self, http: httpx.Client | httpx.AsyncClient) -> None:
        self.http = http
        self.largest = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.wait(0.002):
            self.largest = max(self.largest, open_connections(self.http))

    def __enter__(self) -> PoolWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


async def test_a_thousand_concurrent_async_runs(emulator: Emulator) -> None:
    emulator.reset()
    client = make_client(emulator.base_url, limits=httpx.Limits(max_connections=MAX_CONNECTIONS))
    results: dict[int, Any] = {}

    async def one(i: int) -> None:
        results[i] = await client.async_run("emulator/echo", {"text": f"load-{i}"})

    with PoolWatcher(client._async_http()) as watcher:
        async with anyio.create_task_group() as group:
            for i in range(1000):
                group.start_soon(one, i)
    await client.aclose()

    assert results == {i: f"load-{i}" for i in range(1000)}
    state = emulator.summary()
    assert len(state["predictions"]) == 1000  # each created exactly once
    assert set(state["predictions"].values()) == {"succeeded"}
    assert 0 < watcher.largest <= MAX_CONNECTIONS


def test_two_hundred_threads_share_one_sync_client(emulator: Emulator) -> None:
    emulator.reset()
    client = make_client(emulator.base_url, limits=httpx.Limits(max_connections=MAX_CONNECTIONS))
    start = threading.Barrier(200)

    def worker(i: int) -> list[Any]:
        start.wait()
        return [client.run("emulator/echo", {"text": f"t{i}-{n}"}) for n in range(3)]

    with PoolWatcher(client._http) as watcher, ThreadPoolExecutor(200) as pool:
        outputs = list(pool.map(worker, range(200)))
    client.close()

    assert outputs == [[f"t{i}-{n}" for n in range(3)] for i in range(200)]
    state = emulator.summary()
    assert len(state["predictions"]) == 600
    assert set(state["predictions"].values()) == {"succeeded"}
    assert 0 < watcher.largest <= MAX_CONNECTIONS
