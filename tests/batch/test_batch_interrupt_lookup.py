"""Cancelling a batch while a create is in flight looks its prediction up among the recent
ones: a prediction this very run created for another input is never taken for it. Found by
rereading runner.py: only ids recorded before the run began were excluded."""

from __future__ import annotations

import asyncio
from pathlib import Path

import replicate
from replicate.batching import BatchProgress, Ledger
from replicate.batching.keys import input_hash
from replicate.emulator import Emulator

SHORT = {"seconds": 0}
LONGER = {"seconds": 0, "queue_seconds": 0}  # holds every value of SHORT, and one more


def test_an_interrupted_create_never_adopts_a_prediction_made_for_another_input(
    emu: Emulator, tmp_path: Path
) -> None:
    path = tmp_path / "batch.db"

    def short_done(progress: BatchProgress) -> None:
        if progress.done == 1 and not len(emu.faults):
            # The server filled in the default of queue_seconds in SHORT's prediction (its
            # input then holds LONGER's values too), and holds LONGER's create a while.
            def fill_default() -> None:
                [job] = emu.app.store.predictions.values()
                job.input = {**job.input, "queue_seconds": 0}

            emu.call(fill_default)
            emu.faults.add("models.predictions.create", latency=1.0, times=1)

    async def cancel_during_the_second_create() -> str:
        async with replicate.Client(api_token="t", base_url=emu.base_url) as client:
            results = client.async_batch(
                "emulator/slow", [SHORT, LONGER], ledger=path, concurrency=1,
                on_progress=short_done,
            )  # fmt: skip
            first = await anext(results)
            assert first.ok and first.key == input_hash(SHORT)
            await asyncio.sleep(0.3)  # LONGER's create is held by the server
            await results.aclose()
            return str(first.id)

    short_id = asyncio.run(cancel_during_the_second_create())
    with Ledger(path) as ledger:
        states = {e.key: e for e in ledger.entries()}
    assert states[input_hash(LONGER)].prediction_id != short_id
    assert emu.wait_for(lambda: len(emu.predictions) == 2, 5)  # the held create went through
    with replicate.Client(api_token="t", base_url=emu.base_url) as client:
        results = {r.key: r for r in client.batch("emulator/slow", [SHORT, LONGER], ledger=path)}
    longer = results[input_hash(LONGER)]
    assert longer.ok and longer.id != short_id
    assert emu.call(lambda: emu.predictions[str(longer.id)].sent_input) == LONGER
    assert len(emu.predictions) == 2
