"""Nothing is left running: interrupted and timed-out runs are cancelled on the server, and
abandoned streams and downloads give their connections back."""

from __future__ import annotations

import os
import signal
import threading
import time

import anyio
import pytest
from support.reliability_support import LiveEmulator, Middlebox, call, make_client

from replicate._flows.drive import DEADLINE_GRACE
from replicate.exceptions import PredictionTimeoutError

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(20)]
MODES = pytest.mark.parametrize("mode", ["sync", "async"])
SLOW = {"seconds": 200}  # 10 s at the suite's time scale: far longer than any test waits


def only_prediction(live: LiveEmulator) -> object:
    (job,) = live.predictions.values()
    return job


@MODES
async def test_a_timed_out_run_is_cancelled_on_the_server(
    mode: str, live: LiveEmulator, middlebox: Middlebox
) -> None:
    client = make_client(live.base_url, middlebox)
    with pytest.raises(PredictionTimeoutError) as caught:
        if mode == "sync":
            client.run("emulator/slow", SLOW, timeout=0.3)
        else:
            await client.async_run("emulator/slow", SLOW, timeout=0.3)
    job = only_prediction(live)
    assert caught.value.prediction.id == job.id  # type: ignore[attr-defined]
    assert live.wait_for(lambda: job.status == "canceled", 2)  # type: ignore[attr-defined]
    create = next(r for r in live.requests if r.method == "POST")
    assert "cancel-after" in create.headers  # the server was told the bound too
    # ... and the client cancelled when the bound passed, not when the server's
    # (coarser, at least 5 s) Cancel-After fired.
    assert any(r.path.endswith("/cancel") for r in live.requests)
    live.settle()
    assert middlebox.in_flight() == 0


@MODES
async def test_a_create_answered_after_the_deadline_is_found_and_cancelled(
    mode: str, live: LiveEmulator
) -> None:
    # The server makes the prediction at once but answers the create only after the
    # deadline (as under load): the run still raises PredictionTimeoutError, and the
    # prediction nobody knew the id of is cancelled within the deadline's grace.
    live.faults.add("predictions.create", answer_latency=6, times=1)
    client = make_client(live.base_url)
    start = time.monotonic()
    with pytest.raises(PredictionTimeoutError) as caught:
        await call(mode, client, "run", "emulator/slow", SLOW, timeout=1)
    assert time.monotonic() - start < 1 + DEADLINE_GRACE + 1  # 1 s of slack for a loaded machine
    job = only_prediction(live)
    assert caught.value.prediction is not None
    assert caught.value.prediction.id == job.id  # type: ignore[attr-defined]
    assert live.wait_for(lambda: job.status == "canceled", 2)  # type: ignore[attr-defined]
    create = next(r for r in live.requests if r.method == "POST")
    assert "prefer" not in create.headers  # under 2 s to go: no hold


# wait=True: interrupted while the create request is held by ``Prefer: wait``;
# wait=False: interrupted while waiting after the create.
WAITS = pytest.mark.parametrize("wait", [True, False], ids=["during-create-hold", "after-create"])


@WAITS
async def test_cancelling_an_async_run_cancels_the_prediction(
    wait: bool, live: LiveEmulator, middlebox: Middlebox
) -> None:
    client = make_client(live.base_url, middlebox)
    with anyio.move_on_after(0.3) as scope:
        await client.async_run("emulator/slow", SLOW, wait=wait)
    assert scope.cancelled_caught
    job = only_prediction(live)
    assert live.wait_for(lambda: job.status == "canceled", 2)  # type: ignore[attr-defined]
    assert any(r.path.endswith("/cancel") for r in live.requests)
    live.settle()
    assert middlebox.in_flight() == 0


@WAITS
def test_ctrl_c_in_run_cancels_the_prediction(
    wait: bool, live: LiveEmulator, middlebox: Middlebox
) -> None:
    client = make_client(live.base_url, middlebox)
    # A real SIGINT, as Ctrl-C sends: it interrupts a blocking socket read.
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        client.run("emulator/slow", SLOW, wait=wait)
    timer.join()
    job = only_prediction(live)
    assert live.wait_for(lambda: job.status == "canceled", 2)  # type: ignore[attr-defined]
    live.settle()
    assert middlebox.in_flight() == 0


@MODES
async def test_abandoned_streams_and_downloads_release_connections(
    mode: str, live: LiveEmulator, middlebox: Middlebox
) -> None:
    client = make_client(live.base_url, middlebox)
    inputs = {"prompt": "abandon", "max_tokens": 50}
    if mode == "sync":
        for event in client.stream("emulator/stream-text", input=inputs):
            if event.event == "output":
                break
        (image,) = client.run("emulator/image", {"prompt": "x"})
        for _chunk in image:
            break
    else:
        events = await client.async_stream("emulator/stream-text", input=inputs)
        async for event in events:
            if event.event == "output":
                break
        await events.aclose()  # type: ignore[attr-defined]
        (image,) = await client.async_run("emulator/image", {"prompt": "x"})
        chunks = image.__aiter__()
        await anext(chunks)
        await chunks.aclose()
    assert middlebox.in_flight() == 0


# Found by an outsider cancelling runs at random (each failed before its fix).


@pytest.mark.parametrize("wait", [True, False])
def test_a_run_cancelled_twice_still_cancels_its_prediction(wait: bool) -> None:
    # asyncio only (trio's shielded scopes hold): a second task.cancel(), as from wait_for
    # around gather or asyncio.run cancelling every task after Ctrl-C, cut the cleanup off.
    import asyncio

    from replicate.emulator import Emulator

    with Emulator(time_scale=0.05) as emu:
        client = make_client(emu.base_url)

        async def main() -> None:
            runs = [
                asyncio.ensure_future(
                    client.async_run("emulator/slow", {"seconds": 200, "n": i}, wait=wait)
                )
                for i in range(5)
            ]
            await asyncio.sleep(0.5)
            for task in runs:
                task.cancel()
            await asyncio.sleep(0.002)  # the clean-up requests are under way ...
            for task in runs:
                task.cancel()  # ... when a second cancellation arrives
            await asyncio.gather(*runs, return_exceptions=True)

        asyncio.run(main())  # waits for the clean-up threads before it returns
        jobs = list(emu.app.store.predictions.values())
        assert len(jobs) == 5
        assert emu.wait_for(lambda: all(job.status == "canceled" for job in jobs), 5)


def test_interrupted_creates_are_found_beyond_the_first_page_of_predictions() -> None:
    import asyncio

    from replicate.emulator import Emulator

    with Emulator(time_scale=0.05, page_size=3) as emu:
        client = make_client(emu.base_url)

        async def main() -> None:
            runs = [
                asyncio.ensure_future(client.async_run("emulator/slow", {"seconds": 200, "n": i}))
                for i in range(8)
            ]
            assert await asyncio.to_thread(
                emu.wait_for, lambda: len(emu.app.store.predictions) == 8, 5
            )
            for task in runs:  # during the Prefer: wait hold: no prediction id yet
                task.cancel()
            await asyncio.gather(*runs, return_exceptions=True)

        asyncio.run(main())
        jobs = list(emu.app.store.predictions.values())
        assert emu.wait_for(lambda: all(job.status == "canceled" for job in jobs), 5)
