"""An ``on_progress`` that raises stops the batch, and the caller gets that exception itself.
Found by an outsider: the error became one input's ``failed`` result (its prediction had
succeeded) while the batch went on, or reached the caller wrapped in an ExceptionGroup."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

import replicate
from replicate.batching import BatchProgress, BatchResult, Ledger
from replicate.emulator import Emulator

from .conftest import TOKEN

# One quick input, four that would run for ten seconds (time_scale 0.01).
INPUTS = [{"seconds": 1, "queue_seconds": 0}] + [
    {"seconds": 1000 + i, "queue_seconds": 0} for i in range(4)
]


class Stop(Exception):
    pass


def _after_first_create(progress: BatchProgress) -> None:
    if progress.per_minute > 0:
        raise Stop("stop after a create")


def _after_first_result(progress: BatchProgress) -> None:
    if progress.done >= 1:
        raise Stop("stop after a result")


def _sync(
    client: replicate.Client, path: Path, callback: Callable[[BatchProgress], None]
) -> list[BatchResult]:
    got: list[BatchResult] = []
    with pytest.raises(Stop):  # itself, not an ExceptionGroup
        for result in client.batch("emulator/slow", INPUTS, ledger=path, on_progress=callback):
            got.append(result)
    return got


def _async(
    emu: Emulator, path: Path, callback: Callable[[BatchProgress], None]
) -> list[BatchResult]:
    got: list[BatchResult] = []

    async def main() -> None:
        async with replicate.Client(api_token=TOKEN, base_url=emu.base_url) as client:
            results = client.async_batch("emulator/slow", INPUTS, ledger=path, on_progress=callback)
            async for result in results:
                got.append(result)

    with pytest.raises(Stop):
        asyncio.run(main())
    return got


@pytest.mark.parametrize("callback", [_after_first_create, _after_first_result])
@pytest.mark.parametrize("engine", ["sync", "async"])
def test_a_raising_progress_callback_stops_the_batch_with_its_own_error(
    client: replicate.Client,
    emu: Emulator,
    tmp_path: Path,
    callback: Callable[[BatchProgress], None],
    engine: str,
) -> None:
    path = tmp_path / "batch.db"
    got = _sync(client, path, callback) if engine == "sync" else _async(emu, path, callback)
    assert all(r.ok for r in got)  # nobody's result is the callback's error
    # The long predictions were cancelled, as by Ctrl-C, and nothing is recorded as failed:
    # a rerun goes on from the ledger.
    assert emu.wait_for(
        lambda: all(j.status in ("succeeded", "canceled") for j in emu.predictions.values()), 5
    )
    assert sum(j.status == "canceled" for j in emu.predictions.values()) >= 3
    with Ledger(path) as ledger:
        states = [entry.state for entry in ledger.entries()]
    assert "failed" not in states and states.count("succeeded") == len(got)
