from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

import replicate
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
