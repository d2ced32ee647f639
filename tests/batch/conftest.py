from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import replicate
from replicate.batching import Ledger, input_hash
from replicate.emulator import Emulator

TOKEN = "r8_batch_test_token"


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(time_scale=0.01) as emulator:
        yield emulator


@pytest.fixture
def client(emu: Emulator) -> Iterator[replicate.Client]:
    with replicate.Client(api_token=TOKEN, base_url=emu.base_url) as c:
        yield c


def creates_per_input(emu: Emulator) -> Counter[str]:
    """How many predictions the server holds for each input (canonical JSON)."""
    import json

    def count() -> Counter[str]:
        return Counter(
            json.dumps(job.input, sort_keys=True) for job in emu.app.store.predictions.values()
        )

    return emu.call(count)


def echo_inputs(n: int) -> list[dict[str, Any]]:
    return [{"text": f"input {i}"} for i in range(n)]


def killed_while_creating(
    path: Path, ref: str, value: dict[str, Any], since: datetime.datetime | None = None
) -> None:
    """A ledger as a batch of ``ref`` leaves it when killed while ``value``'s create (sent at
    ``since``, default now) was in flight: its prediction id never recorded."""
    with Ledger(path) as ledger:
        ledger.bind(ref, "hash of the input")
        ledger.add([(input_hash(value), 0, value)])
        ledger.creating(input_hash(value), since or datetime.datetime.now(datetime.UTC))
