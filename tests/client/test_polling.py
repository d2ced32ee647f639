"""The pure poll schedule: adaptive delays, rate bound, user interval."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from replicate._flows.polling import PollDecision, PollSchedule
from replicate._job import TERMINAL_STATUSES, is_terminal


def simulate(schedule: PollSchedule, polls: int, status: str = "processing") -> list[float]:
    """Times (seconds since waiting began) at which each poll happens."""
    elapsed, times = 0.0, []
    for attempt in range(polls):
        decision = schedule.next(elapsed=elapsed, attempt=attempt, status=status)
        assert not decision.done
        elapsed += decision.delay
        times.append(elapsed)
    return times


def test_terminal_statuses() -> None:
    assert frozenset({"succeeded", "failed", "canceled", "aborted"}) == TERMINAL_STATUSES
    for status in TERMINAL_STATUSES:
        assert PollSchedule().next(elapsed=99, attempt=5, status=status) == PollDecision(done=True)
    assert not is_terminal("processing") and not is_terminal(None)


def test_starts_fast_then_settles_at_the_cap() -> None:
    times = simulate(PollSchedule(), 40)
    delays = [b - a for a, b in zip([0.0, *times], times, strict=False)]
    assert delays[0] <= 0.1
    assert delays == sorted(delays)  # never speeds up again
    assert delays[-1] == pytest.approx(0.5)
    assert times[2] < 0.5  # three polls before a fixed 0.5 s poller's first


@given(
    initial=st.floats(0.001, 1.0),
    backoff=st.floats(1.0, 3.0),
    max_delay=st.floats(0.01, 5.0),
    max_rate=st.floats(0.1, 10.0),
    burst=st.integers(0, 10),
    jitter=st.lists(st.floats(0.0, 0.2), min_size=60, max_size=60),
)
def test_rate_never_exceeds_the_bound(
    initial: float, backoff: float, max_delay: float, max_rate: float, burst: int,
    jitter: list[float],
) -> None:
    schedule = PollSchedule(initial_delay=initial, backoff=backoff, max_delay=max_delay,
                            max_rate=max_rate, burst=burst)
    elapsed = 0.0
    for attempt, late in enumerate(jitter):  # requests take time too: poll n at t_n + late
        delay = schedule.next(elapsed=elapsed, attempt=attempt, status="starting").delay
        assert delay > 0
        elapsed += delay
        polls = attempt + 1
        assert polls <= burst + max_rate * elapsed + 1e-9
        elapsed += late


def test_user_interval_is_honoured_exactly() -> None:
    schedule = PollSchedule(poll_interval=0.8)
    times = simulate(schedule, 5)
    assert times == pytest.approx([0.8, 1.6, 2.4, 3.2, 4.0])


def test_zero_interval_is_the_adaptive_floor_never_a_busy_loop() -> None:
    schedule = PollSchedule(poll_interval=0)
    delays = [schedule.delay(attempt, elapsed=0.0) for attempt in range(20)]
    assert min(delays) == schedule.initial_delay > 0
    times = simulate(schedule, 40)
    assert len(times) / times[-1] <= schedule.max_rate * 1.5, "still rate-bounded"


@pytest.mark.parametrize(
    "kwargs",
    [{"poll_interval": -1}, {"poll_interval": float("nan")}, {"poll_interval": float("inf")},
     {"backoff": 0.5}, {"burst": -1}, {"max_rate": 0}],
)
def test_rejects_nonsense_settings(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        PollSchedule(**kwargs)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        PollSchedule(poll_interval="1")  # type: ignore[arg-type]
