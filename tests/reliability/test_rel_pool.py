"""httpcore's connection pool, as the client configures it: no connection a request holds is
closed under it, and a busy sync client keeps its connections alive.

The race (encode/httpcore issue 1110) needs another thread's pass to land between a
connection being handed to a request and the request starting on it, which a load test hits
only now and then; so the first test puts the pool in that state itself and runs the pass.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import anyio
import httpcore
import httpx
import pytest
from httpcore._sync.connection_pool import PoolRequest
from support.hostile import Hostile, call, prediction, respond_json
from support.hostile import client as hostile_client
from support.reliability_support import make_client

from replicate._http.pool_guard import spare_held_connections
from replicate.emulator import Emulator


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator() as emu:
        yield emu


def held_connection_survives(base_url: str, *, guarded: bool) -> bool:
    """One idle connection, handed to a request that has not started on it yet, while a
    request to another origin needs room at ``max_connections=1``: is the connection
    still usable by its request after the pool's next pass?"""
    transport = httpx.HTTPTransport(
        limits=httpx.Limits(max_connections=1, max_keepalive_connections=1)
    )
    if guarded:
        spare_held_connections(transport)
    url = f"{base_url}/v1/account"
    auth = "Bearer r8_test"
    with httpx.Client(transport=transport) as http:
        assert http.get(url, headers={"Authorization": auth}).status_code == 200
        pool: Any = transport._pool
        [connection] = pool.connections
        assert connection.is_idle()

        host = httpx.URL(url).netloc
        held = PoolRequest(
            httpcore.Request("GET", url, headers=[(b"Host", host), (b"Authorization", auth)])
        )
        held.assign_to_connection(connection)  # as an earlier pass would
        elsewhere = PoolRequest(httpcore.Request("GET", "http://127.0.0.1:9/"))
        pool._requests += [held, elsewhere]

        closing = pool._assign_requests_to_connections()
        pool._close_connections(closing)
        pool._requests.remove(elsewhere)
        try:
            response = connection.handle_request(held.request)
        except httpcore.ConnectionNotAvailable:
            return False
        finally:
            pool._requests.remove(held)
        response.read()
        response.close()
        return response.status == 200 and elsewhere.is_queued()


def test_an_unguarded_pool_closes_a_held_connection(emulator: Emulator) -> None:
    # The test's setup reproduces the flaw, so the next test's pass means something.
    assert held_connection_survives(emulator.base_url, guarded=False) is False


def test_the_guarded_pool_spares_a_held_connection(emulator: Emulator) -> None:
    assert held_connection_survives(emulator.base_url, guarded=True) is True


def test_a_busy_sync_client_reuses_its_connections(emulator: Emulator) -> None:
    # httpcore counts busy connections against max_keepalive_connections; with httpx's
    # default of 20, a second wave of 40 concurrent requests would open new connections.
    emulator.faults.add("models.get", answer_latency=0.2)  # all 40 in flight at once
    client = make_client(emulator.base_url)
    threads = 40
    start = threading.Barrier(threads)

    def one(_: int) -> None:
        start.wait()
        client.models.get("emulator/echo")

    def wave() -> set[int]:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(one, range(threads)))
        inner: Any = client._http._transport._inner  # type: ignore[attr-defined]
        return {id(c) for c in inner._pool.connections}

    try:
        first = wave()
        second = wave()
    finally:
        client.close()
        emulator.faults.clear()
    assert len(first) > 20
    assert second <= first  # no new connection: the first wave's were all kept alive


def _answer_then_hang_up(conn: Any) -> None:
    # Keep-alive promised (no "Connection: close"), then the server closes the connection.
    respond_json(200, prediction(), {"Connection": "keep-alive"})(conn)


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_connection_the_server_closed_while_idle_is_not_reused(mode: str) -> None:
    # No retries: a request sent on the dead connection would fail.
    with Hostile(lambda m, p: _answer_then_hang_up, lifetime=10) as server:
        replicate = hostile_client(server.url)
        for _ in range(3):
            await call(mode, replicate.predictions, "get", "p1")
            await anyio.sleep(0.1)  # the server's FIN arrives
    assert len(server.requests) == 3


def _echo_in_child(text: str) -> str:
    return str(_FORK_CLIENT[0].run("emulator/echo", input={"text": text}))


_FORK_CLIENT: list[Any] = []


@pytest.mark.timeout(120)  # a worker that does not end on terminate() must fail, not hang
def test_a_client_used_before_fork_opens_its_own_connections_in_the_child() -> None:
    # Found by an outsider: children shared the parent's open connections, mixing requests
    # and answers (400s, lost predictions, another process's output).
    import multiprocessing

    from replicate.emulator import Emulator

    with Emulator(time_scale=0.01) as emu:
        client = make_client(emu.base_url)
        assert client.run("emulator/echo", input={"text": "parent"}) == "parent"  # a connection
        _FORK_CLIENT[:] = [client]
        with multiprocessing.get_context("fork").Pool(4) as pool:
            texts = [f"child-{i}" for i in range(16)]
            assert pool.map(_echo_in_child, texts) == texts
        assert client.run("emulator/echo", input={"text": "after"}) == "after"
        assert len(emu.app.store.predictions) == 18


@pytest.mark.anyio
async def test_closing_the_aiohttp_transport_wakes_a_stream_reader() -> None:
    # Found by an outsider: aclose() while another task read an event stream left that task
    # waiting for ever.
    pytest.importorskip("aiohttp")
    import asyncio

    from replicate.emulator import Emulator
    from replicate.transports import AiohttpTransport

    with Emulator(time_scale=0.05) as emu:
        client = make_client(emu.base_url, transport=AiohttpTransport())
        reader = asyncio.ensure_future(
            client.async_run("emulator/slow", {"seconds": 20}, wait=False)
        )
        await asyncio.sleep(0.4)  # the event stream is open
        await client.aclose()
        assert await asyncio.wait_for(reader, 10) == "finished after 20 seconds"


@pytest.mark.anyio
@pytest.mark.parametrize("aiohttp", [False, True])
async def test_aclose_lets_other_tasks_runs_finish_as_close_does(aiohttp: bool) -> None:
    # Found by an outsider: close() let other threads' calls finish, but aclose() failed
    # every run in flight (ReadError) and left their predictions running.
    import asyncio

    from replicate.emulator import Emulator

    options: dict[str, Any] = {}
    if aiohttp:
        pytest.importorskip("aiohttp")
        from replicate.transports import AiohttpTransport

        options["transport"] = AiohttpTransport()
    with Emulator(time_scale=0.05) as emu:
        client = make_client(emu.base_url, **options)
        runs = [
            asyncio.ensure_future(client.async_run("emulator/slow", {"seconds": 10, "n": i}))
            for i in range(5)
        ]
        await asyncio.sleep(0.2)  # every create is held by Prefer: wait
        first = client._async_http()
        await client.aclose()
        assert client._async_http() is not first  # a later call gets a new pool at once
        assert await asyncio.gather(*runs) == ["finished after 10 seconds"] * 5
        assert first.is_closed  # the retired pool closed when its last request ended
        await client.aclose()
