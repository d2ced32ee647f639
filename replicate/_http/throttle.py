"""When to resend requests the API throttled (429): one slot each, spread out in time.

Without it, every request of a burst that the API refused waits the same ``Retry-After``
and is sent again at the same moment: a second refusal for most of them, and after a few
rounds the retries run out (of 300 runs started with ``asyncio.gather`` against the API's
limit of 600 creates a minute with a burst of 60, 196 failed that way). :class:`RetrySlots`
hands each throttled request its own send time, at least the delay the server asked for
and one ``spacing`` after the slot handed out before it, so the resends arrive at the rate
the API accepts. The schedule is arithmetic on a clock value the caller passes in (no
I/O); the transports sleep until the slot.
"""

from __future__ import annotations

import bisect
import threading

#: The API accepts 600 prediction creates a minute: one every 0.1 s.
BASE_SPACING = 0.1
#: It accepts 3,000 a minute of every other request (polls, cancels, lists...), counted apart.
OTHER_SPACING = 0.02
#: The slowest pace the spacing widens to: the API's lowest limit (6 creates a minute).
MAX_SPACING = 10.0


class RetrySlots:
    """Send times for throttled requests, shared by every request of one client.

    A resend that is throttled again shows that the spacing is too tight for this
    account's limit: the spacing doubles (up to :data:`MAX_SPACING`), once for all the
    resends sent before the first slot at the new spacing; a resend throttled after that
    one was due doubles it again. Once every slot handed out has passed (or been given
    back), the schedule starts over at ``base``.
    Thread-safe: sync clients share it between threads, async ones between event loops.
    """

    def __init__(self, base: float = BASE_SPACING) -> None:
        self._base = base  # the spacing of a new schedule
        self._lock = threading.Lock()
        # The slots handed out that are still ahead, in order: a request that gives up
        # waiting (cancelled) gives its slot back, so that no later request waits behind it.
        self._ahead: list[float] = []
        self._widened_from = -float("inf")  # the first slot at the current spacing
        self.spacing = base

    def reserve(
        self, now: float, earliest: float, *, again: bool, within: float | None = None
    ) -> float | None:
        """The time (on the clock of ``now``) to resend a throttled request at: at least
        ``earliest`` seconds from ``now`` (the delay the server asked for), and one spacing
        after the previous slot. ``again``: this request was a resend, throttled once more.
        ``None``, and nothing reserved, when that is not within ``within`` seconds (the time
        the request has left): it will not be resent, and must not hold back the others."""
        with self._lock:
            del self._ahead[: bisect.bisect_left(self._ahead, now)]  # those have passed
            spacing, widened_from = self.spacing, self._widened_from
            if not self._ahead:
                spacing, widened_from = self._base, -float("inf")  # start over
            elif again and now >= widened_from:
                spacing = min(MAX_SPACING, spacing * 2)
                widened_from = max(now + earliest, self._ahead[-1] + spacing)
            slot = now + earliest
            if self._ahead:
                slot = max(slot, self._ahead[-1] + spacing)
            if within is not None and slot - now >= within:
                return None
            self.spacing, self._widened_from = spacing, widened_from
            self._ahead.append(slot)
            return slot

    def release(self, slot: float) -> None:
        """Give back a slot whose request was not resent at it (its wait was cut short)."""
        with self._lock:
            index = bisect.bisect_left(self._ahead, slot)
            if index < len(self._ahead) and self._ahead[index] == slot:
                del self._ahead[index]


class Throttles:
    """One :class:`RetrySlots` for each of the API's limits: a throttled poll is refused by
    a limit of its own, and must neither wait behind throttled creates nor widen their
    spacing."""

    def __init__(self) -> None:
        self.creates = RetrySlots(BASE_SPACING)
        self.others = RetrySlots(OTHER_SPACING)

    def of(self, method: str, path: str) -> RetrySlots:
        """The slots of a request: creates of predictions and trainings, or the others."""
        creates = method == "POST" and path.rstrip("/").endswith(("/predictions", "/trainings"))
        return self.creates if creates else self.others
