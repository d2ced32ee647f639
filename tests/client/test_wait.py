"""prediction.wait() / async_wait(): the done event if there is a stream, else adaptive polling."""

from __future__ import annotations

import itertools
import time

import pytest
from support.run_support import client_for

from replicate.emulator import Emulator
from replicate.exceptions import PredictionTimeoutError


def operations(emu: Emulator) -> list[str]:
    return [r.operation for r in emu.requests]


def test_wait_follows_the_stream(replicate_emulator: Emulator) -> None:
    replicate_emulator.time_scale = 1.0
    client = client_for(replicate_emulator)
    prediction = client.predictions.create(model="emulator/slow", input={"seconds": 0.5})
    assert prediction.status == "starting"
    prediction.wait()
    assert prediction.status == "succeeded"
    assert prediction.output == "finished after 0.5 seconds"
    ops = operations(replicate_emulator)
    assert ops.count("stream") == 1 and ops.count("predictions.get") == 1


def test_wait_polls_without_a_stream_and_bounds_the_rate(replicate_emulator: Emulator) -> None:
    replicate_emulator.time_scale = 1.0
    replicate_emulator.quirks = {"no_stream_url"}
    client = client_for(replicate_emulator)
    prediction = client.predictions.create(model="emulator/slow", input={"seconds": 1.5})
    started = time.monotonic()
    prediction.wait()
    elapsed = time.monotonic() - started
    assert prediction.status == "succeeded"
    polls = operations(replicate_emulator).count("predictions.get")
    # The adaptive schedule starts quickly but never averages above 2 requests/s
    # (plus a burst of 4 early polls).
    assert 2 <= polls <= 2 * elapsed + 5


def test_explicit_poll_interval_is_honoured(replicate_emulator: Emulator) -> None:
    replicate_emulator.time_scale = 0.5
    replicate_emulator.quirks = {"no_stream_url"}
    client = client_for(replicate_emulator, poll_interval=0.1)
    prediction = client.predictions.create(model="emulator/slow", input={"seconds": 1})
    prediction.wait()
    times = [r.time for r in replicate_emulator.requests if r.operation == "predictions.get"]
    assert len(times) >= 2
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.09


def test_stream_refused_falls_back_to_polling(replicate_emulator: Emulator) -> None:
    replicate_emulator.faults.add("stream", status=403)
    client = client_for(replicate_emulator)
    prediction = client.predictions.create(model="emulator/echo", input={"text": "fb"})
    prediction.wait()
    assert prediction.output == "fb"
    assert operations(replicate_emulator).count("predictions.get") >= 1


def test_wait_timeout_leaves_the_prediction_running(replicate_emulator: Emulator) -> None:
    replicate_emulator.time_scale = 1.0
    client = client_for(replicate_emulator)
    prediction = client.predictions.create(model="emulator/slow", input={"seconds": 30})
    with pytest.raises(PredictionTimeoutError) as caught:
        prediction.wait(timeout=0.3)
    assert caught.value.prediction is prediction
    job = replicate_emulator.predictions[prediction.id]
    assert not job.done and not job.cancel_requested
    prediction.cancel()


def test_aborted_is_terminal(replicate_emulator: Emulator) -> None:
    replicate_emulator.time_scale = 1.0
    client = client_for(replicate_emulator)
    prediction = client.predictions.create(
        model="emulator/slow", input={"seconds": 1, "queue_seconds": 60}, cancel_after="5s"
    )
    prediction.wait()
    assert prediction.status == "aborted"


@pytest.mark.anyio
@pytest.mark.parametrize("quirks", [set(), {"no_stream_url"}], ids=["stream", "polling"])
async def test_async_wait(replicate_emulator: Emulator, quirks: set[str]) -> None:
    replicate_emulator.quirks = quirks
    client = client_for(replicate_emulator)
    prediction = await client.predictions.async_create(model="emulator/echo", input={"text": "a"})
    await prediction.async_wait()
    assert prediction.status == "succeeded" and prediction.output == "a"


@pytest.mark.anyio
async def test_async_wait_timeout(replicate_emulator: Emulator) -> None:
    replicate_emulator.time_scale = 1.0
    client = client_for(replicate_emulator)
    prediction = await client.predictions.async_create(model="emulator/slow", input={"seconds": 30})
    with pytest.raises(PredictionTimeoutError):
        await prediction.async_wait(timeout=0.2)
    await prediction.async_cancel()


def test_a_cut_off_poll_response_is_polled_again(replicate_emulator: Emulator) -> None:
    replicate_emulator.quirks = {"no_stream_url"}
    replicate_emulator.faults.add("predictions.get", truncate=10, times=1)
    client = client_for(replicate_emulator)
    prediction = client.predictions.create(model="emulator/echo", input={"text": "cut"})
    prediction.wait()
    assert prediction.output == "cut"
    assert operations(replicate_emulator).count("predictions.get") >= 2
