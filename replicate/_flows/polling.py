"""When to poll a prediction next: an adaptive, rate-bounded schedule.

Fixed 0.5 s polling notices completion 0.25 s late on average. This schedule polls
quickly at first (most waits are short) and backs off geometrically to ``max_delay``,
while a token bucket keeps the long-run rate at or below ``max_rate`` requests per
second per prediction (``burst`` early polls may come faster). A user-set
``poll_interval`` replaces the adaptive part and is honoured exactly; ``0`` means "as
often as allowed": the adaptive schedule's floor (``initial_delay``, still rate-bounded),
never a busy loop. No I/O here: callers sleep and fetch.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import attrs

from .._job import is_terminal

__all__ = [
    "PollDecision",
    "PollSchedule",
    "check_poll_interval",
    "poll_interval_from_env",
]

POLL_INTERVAL_ENV_VAR = "REPLICATE_POLL_INTERVAL"


@attrs.frozen
class PollDecision:
    """What to do after a poll: stop (``done``) or sleep ``delay`` seconds."""

    delay: float = 0.0
    done: bool = False


def _positive(name: str, value: float | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise TypeError(f"{name} must be a number of seconds")
    if value <= 0:
        raise ValueError(f"{name} must be positive")


def check_poll_interval(value: object, name: str = "poll_interval") -> float | None:
    """``value`` as a poll interval in seconds (``None`` = adaptive; ``0`` = the adaptive
    floor), or a ``TypeError``/``ValueError`` naming ``name``."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds, got {value!r}")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number of seconds >= 0, got {value!r}")
    return float(value)


def poll_interval_from_env(environ: Mapping[str, str]) -> float | None:
    """``$REPLICATE_POLL_INTERVAL`` checked like :func:`check_poll_interval` (unset or
    empty: ``None``)."""
    text = environ.get(POLL_INTERVAL_ENV_VAR, "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(
            f"{POLL_INTERVAL_ENV_VAR} must be a number of seconds, got {text!r}"
        ) from None
    return check_poll_interval(value, POLL_INTERVAL_ENV_VAR)


@attrs.frozen
class PollSchedule:
    """Poll delays for one waiting prediction.

    ``poll_interval``: fixed delay chosen by the user (disables the adaptive schedule);
    ``0`` polls at the adaptive schedule's floor: ``initial_delay``, within the rate bound.
    ``initial_delay``/``backoff``/``max_delay``: the adaptive geometric schedule.
    ``max_rate``/``burst``: poll ``n`` (1-based) never happens before
    ``(n - burst) / max_rate`` seconds, so on average at most ``max_rate`` per second.
    """

    poll_interval: float | None = None
    initial_delay: float = 0.05
    backoff: float = 1.5
    max_delay: float = 0.5
    max_rate: float = 2.0
    burst: int = 4

    def __attrs_post_init__(self) -> None:
        check_poll_interval(self.poll_interval)
        _positive("initial_delay", self.initial_delay)
        _positive("max_delay", self.max_delay)
        _positive("max_rate", self.max_rate)
        if self.backoff < 1:
            raise ValueError("backoff must be at least 1")
        if self.burst < 0:
            raise ValueError("burst must not be negative")

    def delay(self, attempt: int, elapsed: float) -> float:
        """Seconds to sleep before poll number ``attempt + 1``.

        ``attempt`` is how many polls were made so far; ``elapsed`` the seconds since
        waiting began.
        """
        if self.poll_interval:
            return self.poll_interval
        earliest = (attempt + 1 - self.burst) / self.max_rate
        if self.poll_interval == 0:  # as often as allowed, never a busy loop
            return max(self.initial_delay, earliest - elapsed)
        # Cap the exponent so huge attempt counts cannot overflow the float.
        step = min(self.initial_delay * self.backoff ** min(attempt, 200), self.max_delay)
        return max(step, earliest - elapsed)

    def next(self, *, elapsed: float, attempt: int, status: str | None) -> PollDecision:
        """Decide after a poll (or before the first one, with ``attempt=0``).

        ``status`` is the prediction's latest status. Terminal statuses end the wait;
        otherwise sleep the returned delay and poll again.
        """
        if is_terminal(status):
            return PollDecision(done=True)
        return PollDecision(delay=self.delay(attempt, max(elapsed, 0.0)))
