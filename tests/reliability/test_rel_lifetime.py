"""Client lifetime: ``asyncio.run`` leaves nothing behind; ``close()`` under concurrent use
neither stalls nor breaks the calls other threads have in flight."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from support.client_support import json_reply, scripted
from support.reliability_support import LiveEmulator, make_client

pytestmark = [pytest.mark.timeout(60)]


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_a_hundred_asyncio_runs_keep_open_files_flat(live: LiveEmulator) -> None:
    client = make_client(live.base_url)

    async def once() -> None:
        await client.accounts.async_current()  # opens this loop's client and a connection

    asyncio.run(once())
    before = open_fds()
    for _ in range(100):
        asyncio.run(once())
    assert open_fds() - before <= 4, (before, open_fds())
    assert len(client._async) == 0  # no client kept for a loop that has ended


def test_aclose_inside_the_loop_still_works_and_a_later_call_reopens(live: LiveEmulator) -> None:
    client = make_client(live.base_url)

    async def twice() -> None:
        await client.accounts.async_current()
        await client.aclose()
        assert len(client._async) == 0
        await client.accounts.async_current()

    asyncio.run(twice())
    assert len(client._async) == 0


def test_close_while_other_threads_call_lets_their_calls_finish(live: LiveEmulator) -> None:
    live.faults.add("*", latency=0.3)
    client = make_client(live.base_url)
    client.accounts.current()  # the pool exists before the threads start
    first_pool = client._sync
    assert first_pool is not None
    outcomes: list[Any] = []
    durations: list[float] = []

    def worker() -> None:
        for _ in range(4):
            started = time.monotonic()
            try:
                outcomes.append(client.accounts.current())
            except Exception as error:  # recorded: the assertion below names it
                outcomes.append(error)
            durations.append(time.monotonic() - started)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for _ in range(30):  # close repeatedly while requests are in flight
        time.sleep(0.05)
        client.close()
    for thread in threads:
        thread.join(timeout=20)
    assert not any(thread.is_alive() for thread in threads)
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert errors == []
    assert len(outcomes) == 32
    assert max(durations) < 5.0  # nobody waited for a read timeout
    client.close()
    assert first_pool.is_closed  # the retired pool closed once its requests had ended


class _Gated(httpx.HTTPTransport):
    """A real transport that, once a response's headers are in, holds the reading of its
    body until the test opens the gate: the request is in flight on its connection."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived = threading.Event()
        self.gate = threading.Event()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        response.stream = _HeldStream(response.stream, self)
        return response


class _HeldStream(httpx.SyncByteStream):
    def __init__(self, stream: Any, gated: _Gated) -> None:
        self._stream, self._gated = stream, gated

    def __iter__(self) -> Iterator[bytes]:
        self._gated.arrived.set()
        assert self._gated.gate.wait(10)
        yield from self._stream

    def close(self) -> None:
        self._stream.close()


def test_a_call_in_flight_when_close_is_called_finishes() -> None:
    # A body larger than what is read with the headers: the rest is still on the socket.
    account = {"type": "user", "username": "me", "name": "x" * (4 * 1024 * 1024)}
    with scripted([json_reply(200, account)]) as api:
        _call_in_flight_across_close(api.base_url)


def _call_in_flight_across_close(base_url: str) -> None:
    transport = _Gated()
    client = make_client(base_url, transport=transport, max_retries=0)
    outcome: list[Any] = []

    def worker() -> None:
        try:
            outcome.append(client.accounts.current())
        except Exception as error:  # recorded: the assertion below names it
            outcome.append(error)

    thread = threading.Thread(target=worker)
    thread.start()
    assert transport.arrived.wait(10)
    pool = client._sync
    client.close()  # the request is in flight, held in the transport
    transport.gate.set()
    thread.join(10)
    assert not isinstance(outcome[0], Exception), outcome
    assert pool is not None and pool.is_closed  # closed as soon as its last request ended
    assert client.accounts.current()  # a later call opens a new pool
