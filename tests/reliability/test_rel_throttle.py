"""Many plain runs started at once against the API's create limit: every one succeeds.

Throttled creates are resent one slot apart (``_http.throttle.RetrySlots``) instead of all
at the moment ``Retry-After`` names, which refused most of them again until their retries
ran out (1.x did not retry a throttled create at all).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

import replicate
from replicate._http.throttle import BASE_SPACING, MAX_SPACING, RetrySlots, Throttles
from replicate.emulator import Emulator, RateLimit
from replicate.exceptions import ReplicateException

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
    at = [slots.reserve(100.0, 1.0, again=False) for _ in range(3)]
    assert at == pytest.approx([101.0, 101.0 + BASE_SPACING, 101.0 + 2 * BASE_SPACING])
    # A longer requested delay wins over the spacing.
    assert slots.reserve(100.0, 5.0, again=False) == pytest.approx(105.0)


def test_spacing_doubles_once_per_round_of_refused_resends() -> None:
    slots = RetrySlots()
    for _ in range(5):
        slots.reserve(0.0, 1.0, again=False)  # slots at 1.0 .. 1.4
    # The resends of that round are refused: the first doubles the spacing, the rest of
    # the same round (sent before the first slot at the new spacing) do not double it again.
    assert slots.reserve(1.05, 0.5, again=True) == pytest.approx(1.4 + 2 * BASE_SPACING)
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
    last = slots.reserve(now, 1.0, again=False)
    assert last is not None
    assert slots.reserve(last + 0.1, 1.0, again=True) == pytest.approx(last + 1.1)
    assert slots.spacing == BASE_SPACING


def test_a_slot_past_the_time_left_is_not_held() -> None:
    slots = RetrySlots()
    assert slots.reserve(0.0, 1.0, again=False) == pytest.approx(1.0)
    # Its slot (1.1) is past its deadline: refused, and neither held nor widening the spacing.
    assert slots.reserve(0.0, 1.0, again=True, within=1.05) is None
    assert slots.spacing == BASE_SPACING
    assert slots.reserve(0.0, 1.0, again=False) == pytest.approx(1.0 + BASE_SPACING)


def test_a_slot_given_back_is_not_waited_behind() -> None:
    slots = RetrySlots()
    first, second = (slots.reserve(0.0, 1.0, again=False) for _ in range(2))
    assert first is not None and second is not None
    slots.release(second)
    assert slots.reserve(0.0, 1.0, again=False) == pytest.approx(second)
    slots.release(first)  # a slot in the middle: the later one still spaces the next
    assert slots.reserve(0.0, 1.0, again=False) == pytest.approx(second + BASE_SPACING)


CREATE = "POST /v1/models/emulator/echo/predictions"
GET_MODEL = "GET /v1/models/emulator/echo"


def lone_throttled_get_wait(emu: Emulator, client: replicate.Client) -> float:
    """How long one GET answered 429 with ``Retry-After: 0.2`` waits before its resend."""
    emu.faults.add(GET_MODEL, status=429, retry_after=0.2, times=1)
    start = time.monotonic()
    client.models.get("emulator/echo")
    return time.monotonic() - start


def test_a_resend_given_up_for_its_deadline_holds_no_slot() -> None:
    # Each run gives up its throttled create (its slot is past its timeout); the slots it
    # left reserved pushed every later throttled request of the client back by 0.1 s each.
    with Emulator(time_scale=0.01) as emu:
        client = replicate.Client(api_token=TOKEN, base_url=emu.base_url)
        emu.faults.add(CREATE, status=429, retry_after=0.2, times=20)
        for i in range(20):
            with pytest.raises(ReplicateException):  # 429 (or, for a slow start, a timeout)
                client.run("emulator/echo", input={"text": str(i)}, timeout=0.15)
        assert lone_throttled_get_wait(emu, client) < 1.0  # it waited 2.2 s


def test_a_resend_cancelled_while_waiting_frees_its_slot() -> None:
    with Emulator(time_scale=0.01) as emu:
        client = replicate.Client(api_token=TOKEN, base_url=emu.base_url)
        emu.faults.add(CREATE, status=429, retry_after=0.2, times=20)

        async def cancelled() -> None:
            runs = [client.async_run("emulator/echo", input={"text": str(i)}) for i in range(20)]
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(asyncio.gather(*runs), 0.1)

        asyncio.run(cancelled())
        assert lone_throttled_get_wait(emu, client) < 1.0  # it waited 2.2 s


def test_a_throttled_poll_does_not_queue_behind_throttled_creates() -> None:
    # The API limits creates (600/min) apart from every other request (3000/min): a GET
    # refused by its own limit waited for the slot after the last throttled create.
    with Emulator(time_scale=0.01) as emu:
        client = replicate.Client(api_token=TOKEN, base_url=emu.base_url, max_retries=1)
        refusals = emu.faults.add(CREATE, status=429, retry_after=0.2, times=30)

        async def creates() -> None:
            runs = [
                client.models.predictions.async_create("emulator/echo", input={"text": str(i)})
                for i in range(30)
            ]
            await asyncio.gather(*runs)

        with ThreadPoolExecutor(1) as pool:
            storm = pool.submit(asyncio.run, creates())
            while refusals.hits < 30:  # every create waits for its slot
                time.sleep(0.01)
            waited = lone_throttled_get_wait(emu, client)
            storm.result()
        assert waited < 1.0  # it waited 3.1 s


@pytest.mark.parametrize(
    ("method", "path", "creates"),
    [
        ("POST", "/v1/predictions", True),
        ("POST", "/v1/models/o/n/predictions", True),
        ("POST", "/v1/deployments/o/n/predictions/", True),
        ("POST", "/v1/models/o/n/versions/v/trainings", True),
        ("POST", "/v1/predictions/abc/cancel", False),
        ("GET", "/v1/predictions", False),
        ("POST", "/v1/files", False),
    ],
)
def test_creates_and_other_requests_have_slots_of_their_own(
    method: str, path: str, creates: bool
) -> None:
    throttles = Throttles()
    assert (throttles.of(method, path) is throttles.creates) is creates
