"""A burst of async calls takes turns, so the first requests go out while the rest are built."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

import replicate
from replicate._http.pacing import Turns

pytestmark = pytest.mark.anyio


async def _iterations(count: int) -> None:
    for _ in range(count):
        await asyncio.sleep(0)


async def test_calls_beyond_the_turn_wait_for_the_next_iterations_in_order() -> None:
    loop = asyncio.get_running_loop()
    turns = Turns(per_turn=3)
    answers = [turns.turn(loop) for _ in range(8)]
    assert answers[:3] == [None, None, None]  # a few start at once
    waiters = answers[3:]
    assert all(isinstance(w, asyncio.Future) and not w.done() for w in waiters)
    await _iterations(1)  # the next iteration lets the next three go
    assert [w.done() for w in waiters] == [True, True, True, False, False]  # type: ignore[union-attr]
    await _iterations(1)
    assert all(w.done() for w in waiters)  # type: ignore[union-attr]


async def test_a_waiter_cancelled_gives_its_place_to_the_next() -> None:
    loop = asyncio.get_running_loop()
    turns = Turns(per_turn=1)
    assert turns.turn(loop) is None
    first, second = turns.turn(loop), turns.turn(loop)
    assert isinstance(first, asyncio.Future) and isinstance(second, asyncio.Future)
    first.cancel()
    await _iterations(1)
    assert second.done() and not second.cancelled()


async def test_new_calls_queue_behind_waiting_ones_and_the_count_starts_over() -> None:
    loop = asyncio.get_running_loop()
    turns = Turns(per_turn=2)
    assert turns.turn(loop) is None and turns.turn(loop) is None
    waiting = turns.turn(loop)
    assert isinstance(waiting, asyncio.Future)
    await _iterations(3)
    assert waiting.done()
    assert turns.turn(loop) is None  # a later iteration with nothing waiting: at once


async def _answer_creates(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, seen: dict[str, Any]
) -> None:
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    await reader.readexactly(length)
    if seen["first"] is None:
        seen["first"] = seen["built"]  # requests built when the first one arrived
    seen["answered"] += 1
    body = json.dumps(
        {
            "id": f"p{seen['answered']}",
            "status": "starting",
            "model": "owner/model",
            "version": "v1",
            "input": {},
            "created_at": "2026-01-01T00:00:00Z",
            "urls": {"get": "http://127.0.0.1/v1/predictions/x", "cancel": "x"},
        }
    ).encode()
    writer.write(
        b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nConnection: close\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
    )
    await writer.drain()
    writer.close()


async def test_the_first_requests_reach_the_server_while_later_calls_wait_their_turn() -> None:
    # Without turns, all 300 requests were built (one loop iteration) before the first was
    # sent, and the server sat idle meanwhile.
    seen: dict[str, Any] = {"built": 0, "answered": 0, "first": None}
    server = await asyncio.start_server(lambda r, w: _answer_creates(r, w, seen), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = replicate.Client(api_token="r8_test", base_url=f"http://127.0.0.1:{port}")
    inner = client._async_request

    def counted(method: str, path: str, **kwargs: Any) -> Any:
        seen["built"] += 1
        return inner(method, path, **kwargs)

    client._async_request = counted  # type: ignore[method-assign]
    async with server:
        predictions = await asyncio.gather(
            *(client.predictions.async_create(model="owner/model", input={}) for _ in range(300))
        )
    await client.aclose()
    assert len({p.id for p in predictions}) == 300  # every call ended with its own answer
    assert seen["built"] == 300
    assert seen["first"] is not None and seen["first"] < 150, seen["first"]


def test_loops_that_took_turns_are_not_kept_alive_by_the_client(
    replicate_emulator: Any,
) -> None:
    import gc
    import weakref

    client = replicate.Client(api_token="r8_test", base_url=replicate_emulator.base_url)
    loops: list[weakref.ref[asyncio.AbstractEventLoop]] = []

    async def burst() -> None:
        loops.append(weakref.ref(asyncio.get_running_loop()))
        await asyncio.gather(*(client.models.async_list() for _ in range(20)))

    asyncio.run(burst())
    asyncio.run(burst())
    gc.collect()
    assert [ref() for ref in loops] == [None, None]
