"""Batches of a model with a secret input, which the API redacts (``**********``) in the
predictions it lists: an unrecorded create is still found (the redacted value is unknown,
not different), two inputs that differ only in the secret are never taken for each other,
and ``Secret`` values are taken as ``run`` takes them. Found by an outsider killing a batch
during its creates: the rerun created every input a second time."""

from __future__ import annotations

import asyncio
import datetime
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import replicate
from replicate._flows.orphans import matching_predictions
from replicate.batching import Ledger
from replicate.batching.keys import check_inputs
from replicate.emulator import Emulator
from replicate.prediction import Prediction
from replicate.schema import Secret

MODEL = "acme/keyed"
SCHEMA = {
    "type": "object",
    "required": ["text", "api_key"],
    "properties": {
        "text": {"type": "string", "x-order": 0},
        "api_key": {"type": "string", "format": "password", "x-cog-secret": True, "x-order": 1},
        "seconds": {"type": "number", "default": 0, "x-order": 2},
    },
}


@pytest.fixture
def keyed(emu: Emulator) -> Emulator:
    def predict(text: str, api_key: str, seconds: float = 0, sleep: Any = None) -> str:
        sleep(seconds)
        return f"{text} with {api_key}"

    emu.add_model(MODEL, predict, input_schema=SCHEMA)
    return emu


def _crashed_during_creates(path: Path, inputs: list[dict[str, Any]]) -> None:
    """A ledger as a run killed while every create was in flight leaves it."""
    now = datetime.datetime.now(datetime.UTC)
    with Ledger(path) as ledger:
        ledger.bind(MODEL, "hash of the input")
        items, _ = check_inputs(inputs, None)
        ledger.add(items)
        for key, _, _ in items:
            ledger.creating(key, now)


def _create_redacted(
    client: replicate.Client, emu: Emulator, inputs: list[dict[str, Any]]
) -> list[Prediction]:
    """The predictions those creates made, running (so the API shows their secret redacted)."""
    made = [client.predictions.create(model=MODEL, input=value) for value in inputs]
    assert emu.wait_for(
        lambda: all(job.input["api_key"] == "**********" for job in emu.predictions.values()), 5
    )
    return made


def _per_text(emu: Emulator) -> Counter[str]:
    return emu.call(lambda: Counter(job.input["text"] for job in emu.predictions.values()))


def test_unrecorded_creates_of_a_secret_model_are_found_not_made_twice(
    client: replicate.Client, keyed: Emulator, tmp_path: Path
) -> None:
    inputs = [{"text": f"t{i}", "api_key": f"sk-{i}", "seconds": 2} for i in range(3)]
    _crashed_during_creates(tmp_path / "batch.db", inputs)
    made = _create_redacted(client, keyed, inputs)
    results = list(client.batch(MODEL, inputs, ledger=tmp_path / "batch.db"))
    assert sorted(r.id or "" for r in results) == sorted(p.id for p in made)
    assert [r.output for r in sorted(results, key=lambda r: r.index)] == [
        f"t{i} with sk-{i}" for i in range(3)
    ]
    assert set(_per_text(keyed).values()) == {1}


def test_inputs_differing_only_in_a_secret_are_failed_not_guessed(
    client: replicate.Client, keyed: Emulator, tmp_path: Path
) -> None:
    # Both creates were in flight at the crash; one reached the server. Its prediction shows
    # `**********`: it may be either input's, so neither takes it and neither is made again.
    inputs = [{"text": "same", "api_key": "sk-a"}, {"text": "same", "api_key": "sk-b"}]
    path = tmp_path / "batch.db"
    _crashed_during_creates(path, inputs)
    [made] = _create_redacted(client, keyed, inputs[1:])
    results = list(client.batch(MODEL, inputs, ledger=path))
    assert [r.status for r in results] == ["failed", "failed"]
    for result in results:
        assert result.id is None and result.error is not None
        assert "cannot be told apart" in result.error and made.id in result.error
        assert "api_key" in result.error and "sk-" not in result.error and "\n" not in result.error
    assert len(keyed.predictions) == 1  # nothing created again
    # The ledger keeps the verdict: a rerun does not guess either.
    again = list(client.batch(MODEL, inputs, ledger=path))
    assert all(r.status == "failed" and r.resumed for r in again) and len(keyed.predictions) == 1


def test_a_secret_twin_whose_prediction_is_recorded_does_not_block_the_lookup(
    client: replicate.Client, keyed: Emulator, tmp_path: Path
) -> None:
    inputs = [{"text": "same", "api_key": "sk-a"}, {"text": "same", "api_key": "sk-b"}]
    path = tmp_path / "batch.db"
    _crashed_during_creates(path, inputs)
    first, second = _create_redacted(client, keyed, inputs)
    with Ledger(path) as ledger:  # the second create answered before the crash
        [_, (key, _, _)] = check_inputs(inputs, None)[0]
        ledger.created(key, second.id)
    results = {r.index: r for r in client.batch(MODEL, inputs, ledger=path)}
    assert results[0].id == first.id and results[0].output == "same with sk-a"
    assert results[1].id == second.id and results[1].output == "same with sk-b"
    assert len(keyed.predictions) == 2


def test_secret_values_are_taken_sent_plain_and_not_compared(
    client: replicate.Client, keyed: Emulator, tmp_path: Path
) -> None:
    inputs = [{"text": f"t{i}", "api_key": Secret(f"sk-{i}"), "seconds": 2} for i in range(2)]
    plain = [{**value, "api_key": f"sk-{i}"} for i, value in enumerate(inputs)]
    items, secrets = check_inputs(inputs, None)
    assert secrets == {"api_key"} and [value for _, _, value in items] == plain
    _crashed_during_creates(tmp_path / "batch.db", plain)
    made = _create_redacted(client, keyed, plain)
    results = list(client.batch(MODEL, inputs, ledger=tmp_path / "batch.db"))
    assert sorted(r.id or "" for r in results) == sorted(p.id for p in made)
    assert all(r.ok for r in results)


def test_cancelling_a_batch_cancels_the_creates_held_for_a_secret_model(
    client: replicate.Client, keyed: Emulator, tmp_path: Path
) -> None:
    # The creates are held (Prefer: wait) when the batch is cancelled: their predictions are
    # found (secret redacted) and cancelled, then made again on the rerun.
    inputs = [{"text": f"t{i}", "api_key": f"sk-{i}", "seconds": 500} for i in range(3)]
    path = tmp_path / "batch.db"

    async def cancel_during_creates() -> None:
        async with replicate.Client(api_token="t", base_url=keyed.base_url) as aclient:
            results = aclient.async_batch(MODEL, inputs, ledger=path)
            task = asyncio.ensure_future(anext(results))
            await _until(lambda: _all_redacted(keyed, 3))
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    asyncio.run(cancel_during_creates())
    statuses = keyed.call(lambda: [job.status for job in keyed.predictions.values()])
    assert statuses == ["canceled"] * 3


def _all_redacted(emu: Emulator, n: int) -> bool:
    jobs = emu.call(lambda: list(emu.predictions.values()))
    return len(jobs) == n and all(job.input["api_key"] == "**********" for job in jobs)


async def _until(condition: Callable[[], bool]) -> None:
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("timed out")


def test_run_finds_its_orphan_although_the_api_redacted_its_secret() -> None:
    # The same matcher backs run()'s clean-up of a create interrupted before it answered.
    stored = {"text": "hi", "api_key": "**********", "keys": ["**********"]}
    prediction = Prediction.from_json(None, {"id": "p", "model": "o/m", "input": stored})
    given = {"text": "hi", "api_key": "sk-plain", "keys": ["sk-1"]}
    assert matching_predictions([prediction], {"model": "o/m"}, given) == [prediction]
    assert matching_predictions([prediction], {"model": "o/m"}, {**given, "text": "x"}) == []


def test_a_cancelled_run_cancels_its_prediction_although_the_api_redacted_its_secret(
    keyed: Emulator,
) -> None:
    # Cancelled while its create is held (Prefer: wait): run() looks the prediction up by its
    # input, in which the API shows the secret as `**********`.
    async def cancel_during_create() -> None:
        async with replicate.Client(api_token="t", base_url=keyed.base_url) as aclient:
            value = {"text": "t", "api_key": "sk-plain", "seconds": 500}
            task = asyncio.ensure_future(aclient.async_run(MODEL, input=value))
            await _until(lambda: _all_redacted(keyed, 1))
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    asyncio.run(cancel_during_create())
    assert keyed.call(lambda: [job.status for job in keyed.predictions.values()]) == ["canceled"]
