"""Many plain runs started at once against the API's create limit: every one succeeds.

Throttled creates are resent one slot apart (``_http.throttle.RetrySlots``) instead of all
at the moment ``Retry-After`` names, which refused most of them again until their retries
ran out (1.x did not retry a throttled create at all).
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

import replicate
from replicate._http.throttle import BASE_SPACING, MAX_SPACING, RetrySlots
from replicate.emulator import Emulator, RateLimit

pytestmark = pytest.mark.timeout(120)
TOKEN = "r8_throttle_test_token"
RUNS = 40
BURST = 10


def created_per_input(emu: Emulator) -> Counter[str]:
    def count() -> Counter[str]:
        return Counter(
            json.dumps(job.input, sort_keys=True) for job in emu.app.store.predictions.values()
        )

    return emu.call(count)


def limited() -> Emulator:
    # The API's documented limit, as the API answers it (whole seconds of Retry-After).
    return Emulator(time_scale=0.01, rate_limit=RateLimit.parse("600/min", burst=BURST))


def check_all_created_once(emu: Emulator, outputs: list[object]) -> None:
    assert sorted(outputs) == sorted(f"run {i}" for i in range(RUNS))  # type: ignore[type-var]
    created = created_per_input(emu)
    assert len(created) == RUNS and set(created.values()) == {1}


def test_concurrent_async_runs_past_the_limit_all_succeed() -> None:
    with limited() as emu:
        # Two retries: enough when the resends are spread out; the storm needed four rounds.
        client = replicate.Client(api_token=TOKEN, base_url=emu.base_url, max_retries=2)

        async def main() -> list[object]:
            runs = [
                client.async_run("emulator/echo", input={"text": f"run {i}"}) for i in range(RUNS)
            ]
            return await asyncio.gather(*runs)

        outputs = asyncio.run(main())
        check_all_created_once(emu, outputs)
        refused = emu.app.rate_limit.refused  # type: ignore[union-attr]
        assert RUNS - BURST <= refused <= RUNS - BURST + 5  # the burst's excess, and no storm


def test_threads_running_past_the_limit_all_succeed() -> None:
    with limited() as emu:
        client = replicate.Client(api_token=TOKEN, base_url=emu.base_url, max_retries=2)

        def run(i: int) -> object:
            return client.run("emulator/echo", input={"text": f"run {i}"})

        with ThreadPoolExecutor(RUNS) as pool:
            outputs = list(pool.map(run, range(RUNS)))
        check_all_created_once(emu, outputs)


def test_slots_are_spaced_after_the_requested_delay() -> None:
    slots = RetrySlots()
    delays = [slots.reserve(100.0, 1.0, again=False) for _ in range(3)]
    assert delays == pytest.approx([1.0, 1.0 + BASE_SPACING, 1.0 + 2 * BASE_SPACING])
    # A longer requested delay wins over the spacing.
    assert slots.reserve(100.0, 5.0, again=False) == pytest.approx(5.0)


def test_spacing_doubles_once_per_round_of_refused_resends() -> None:
    slots = RetrySlots()
    for _ in range(5):
        slots.reserve(0.0, 1.0, again=False)  # slots at 1.0 .. 1.4
    # The resends of that round are refused: the first doubles the spacing, the rest of
    # the same round (sent before the first slot at the new spacing) do not double it again.
    assert slots.reserve(1.05, 0.5, again=True) == pytest.approx(1.4 + 2 * BASE_SPACING - 1.05)
    assert slots.spacing == 2 * BASE_SPACING
    for now in (1.15, 1.25, 1.35, 1.55):
        slots.reserve(now, 0.5, again=True)
    assert slots.spacing == 2 * BASE_SPACING
    # A resend refused once the new spacing's first slot (1.6) was due: too tight still.
    slots.reserve(1.65, 0.5, again=True)
    assert slots.spacing == 4 * BASE_SPACING


def test_spacing_is_capped_and_starts_over_once_the_slots_have_passed() -> None:
    slots = RetrySlots()
    now = 0.0
    slots.reserve(now, 1.0, again=False)
    for _ in range(20):
        now += 0.01
        slots._widened_from = -1.0  # every refusal from a new round
        slots.reserve(now, 1.0, again=True)
    assert slots.spacing == MAX_SPACING
    last = now + slots.reserve(now, 1.0, again=False)
    assert slots.reserve(last + 0.1, 1.0, again=True) == pytest.approx(1.0)
    assert slots.spacing == BASE_SPACING
