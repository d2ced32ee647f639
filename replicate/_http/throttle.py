"""When to resend requests the API throttled (429): one slot each, spread out in time.

Without it, every request of a burst that the API refused waits the same ``Retry-After``
and is sent again at the same moment: a second refusal for most of them, and after a few
rounds the retries run out (1,000 runs started with ``asyncio.gather`` against a limit of
600 creates a minute). :class:`RetrySlots` hands each throttled request its own send time,
at least the delay the server asked for and one ``spacing`` after the slot handed out
before it, so the resends arrive at the rate the API accepts. The schedule is arithmetic on
a clock value the caller passes in (no I/O); the transports sleep until the slot.
"""

from __future__ import annotations

import threading

#: The API accepts 600 prediction creates a minute: one every 0.1 s.
BASE_SPACING = 0.1
#: The slowest pace the spacing widens to: the API's lowest limit (6 creates a minute).
MAX_SPACING = 10.0


class RetrySlots:
    """Send times for throttled requests, shared by every request of one client.

    A resend that is throttled again shows that the spacing is too tight for this
    account's limit: the spacing doubles (up to :data:`MAX_SPACING`), once for all the
    resends sent before the first slot at the new spacing; a resend throttled after that
    one was due doubles it again. Once every slot handed out has passed, the schedule starts over at
    :data:`BASE_SPACING`.
    Thread-safe: sync clients share it between threads, async ones between event loops.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: float | None = None  # the latest slot handed out
        self._widened_from = -float("inf")  # the first slot at the current spacing
        self.spacing = BASE_SPACING

    def reserve(self, now: float, earliest: float, *, again: bool) -> float:
        """Seconds to wait before resending a throttled request: at least ``earliest`` (the
        delay the server asked for), and one spacing after the previous slot. ``again``:
        this request was a resend, throttled once more."""
        with self._lock:
            if self._last is None or self._last < now:
                # The earlier slots have passed: start over.
                self._last, self._widened_from, self.spacing = None, -float("inf"), BASE_SPACING
            elif again and now >= self._widened_from:
                self.spacing = min(MAX_SPACING, self.spacing * 2)
                self._widened_from = max(now + earliest, self._last + self.spacing)
            slot = now + earliest
            if self._last is not None:
                slot = max(slot, self._last + self.spacing)
            self._last = slot
            return slot - now
