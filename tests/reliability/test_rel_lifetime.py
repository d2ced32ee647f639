"""Client lifetime: ``asyncio.run`` leaves nothing behind; ``close()`` under concurrent use
neither stalls nor breaks the calls other threads have in flight."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from typing import Any

import pytest
from reliability_support import LiveEmulator, make_client

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
    for _ in range(3):  # close repeatedly while requests are in flight
        time.sleep(0.35)
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
