"""Rate limiting for prediction creation: an I/O-free token bucket and its async shell.

The API accepts 600 prediction creates per minute with short bursts. :class:`TokenBucket`
holds the decisions (refill, take, back off after a 429) as plain arithmetic on a clock
value the caller passes in; the emulator uses the same bucket to refuse requests.
:class:`Limiter` is the async shell a batch waits on: one per client, shared by every
task of that client. A batch's creates run with ``THROTTLE_HANDLER`` (``_http.api_transport``)
set to :meth:`Limiter.throttled`: a 429 is reported to the limiter and not retried by
the transport, so each throttled create waits once, in the shared queue.
"""

from __future__ import annotations

import asyncio
import math
import re
import threading
import time
import weakref
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from ..client import Client

#: The API's documented limit on prediction creates.
DEFAULT_RATE_PER_MINUTE = 600.0
#: Kept below any burst the server allows, so that jitter in arrival times is absorbed.
DEFAULT_BURST = 10
# After a 429 the rate drops by this factor (never below MIN_RATE_FRACTION of the
# configured rate) and climbs back by RECOVERY of the configured rate per granted token.
_BACKOFF = 0.75
_MIN_RATE_FRACTION = 0.05
_RECOVERY = 0.002

_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:/\s*(s|sec|second|m|min|minute|h|hour))?\s*$")
_UNIT_SECONDS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60}
_UNIT_SECONDS.update({"h": 3600, "hour": 3600})


def parse_rate(value: str | float) -> float:
    """Requests per minute from ``600``, ``"600/min"``, ``"10/s"`` or ``"36000/hour"``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        per_minute = float(value)
    else:
        match = _RATE.match(str(value))
        if match is None:
            raise ValueError(f"rate must look like 600/min or 10/s, got {value!r}")
        per_minute = float(match[1]) * 60 / _UNIT_SECONDS[match[2] or "min"]
    if not 0 < per_minute < math.inf:
        raise ValueError(f"rate must be positive and finite, got {value!r}")
    return per_minute


@attrs.define
class TokenBucket:
    """``per_minute`` tokens a minute, at most ``burst`` saved up; starts full.

    Every method takes ``now`` (seconds on a monotonic clock) and does no I/O.
    """

    per_minute: float
    burst: float
    tokens: float = attrs.field(default=-1.0)
    stamp: float | None = None
    paused_until: float = 0.0
    current_per_minute: float = attrs.field(default=0.0)
    cut_at: float | None = None

    def __attrs_post_init__(self) -> None:
        if not self.per_minute > 0:
            raise ValueError("per_minute must be positive")
        if not self.burst >= 1:
            raise ValueError("burst must be at least 1")
        if self.tokens < 0:
            self.tokens = float(self.burst)
        if not self.current_per_minute:
            self.current_per_minute = self.per_minute

    def _refill(self, now: float) -> None:
        if self.stamp is not None and now > self.stamp:
            gained = (now - self.stamp) * self.current_per_minute / 60
            self.tokens = min(float(self.burst), self.tokens + gained)
        if self.stamp is None or now > self.stamp:
            self.stamp = now

    def take(self, now: float) -> float:
        """Take a token and return 0, or return the seconds until one is available."""
        self._refill(now)
        if now < self.paused_until:
            return self.paused_until - now
        if self.tokens >= 1:
            self.tokens -= 1
            self.current_per_minute = min(
                self.per_minute, self.current_per_minute + _RECOVERY * self.per_minute
            )
            return 0.0
        return (1 - self.tokens) * 60 / self.current_per_minute

    def throttled(self, retry_after: float | None, now: float, sent: float | None = None) -> None:
        """The server refused a request (sent at ``sent``, if known): empty the bucket, slow
        down, and send nothing before ``retry_after`` seconds (when the server said how long).

        The rate is cut once for the refusals of requests sent before the last cut: a burst
        the server refused in part answers several 429s at once, and cutting for each would
        leave a fraction of the rate. A refusal of a request sent since shows that the lower
        rate is still too high, and cuts again.
        """
        self._refill(now)
        self.tokens = 0.0
        if sent is None or self.cut_at is None or sent >= self.cut_at:
            self.cut_at = now
            self.current_per_minute = max(
                self.per_minute * _MIN_RATE_FRACTION, self.current_per_minute * _BACKOFF
            )
        if retry_after is not None:
            self.paused_until = max(self.paused_until, now + retry_after)

    def configure(self, per_minute: float, burst: float | None = None) -> None:
        """New settings (a batch's ``rate`` and ``burst``). A bucket nothing was taken from
        yet holds the new burst, as a new bucket would: the burst asked for is what the
        first creates get (a shard's smaller one included); one in use keeps what it
        saved, up to the new burst."""
        self.per_minute = self.current_per_minute = per_minute
        if burst is not None:
            self.burst = burst
        unused = self.stamp is None
        self.tokens = float(self.burst) if unused else min(self.tokens, float(self.burst))


class Limiter:
    """The async shell over a :class:`TokenBucket`: ``await limiter.acquire()``.

    Waiters queue on a lock (first come, first served), so only the head of the queue
    sleeps until the next token instead of every waiter waking up for each token.
    Thread-safe: several event loops may share one limiter.
    """

    def __init__(
        self, per_minute: float = DEFAULT_RATE_PER_MINUTE, burst: float = DEFAULT_BURST
    ) -> None:
        self.bucket = TokenBucket(per_minute, burst)
        self._mutex = threading.Lock()
        self._queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        #: 429 answers seen (from any task of the client).
        self.throttle_count = 0

    def configure(self, per_minute: float, burst: float | None = None) -> None:
        """Change the rate (and burst) for every task sharing this limiter."""
        with self._mutex:
            self.bucket.configure(per_minute, burst)

    def _take(self) -> float:
        with self._mutex:
            return self.bucket.take(time.monotonic())

    def throttled(self, retry_after: float | None, sent: float | None = None) -> None:
        """Tell the limiter about a 429 (called by the client's transport) to a request
        sent at ``sent`` (``time.monotonic()``; ``None``: unknown)."""
        with self._mutex:
            self.throttle_count += 1
            self.bucket.throttled(retry_after, time.monotonic(), sent)

    async def acquire(self) -> None:
        """Wait for a token."""
        loop = asyncio.get_running_loop()
        with self._mutex:
            queue = self._queues.get(loop)
            if queue is None:
                queue = self._queues[loop] = asyncio.Lock()
        async with queue:
            while (delay := self._take()) > 0:
                await asyncio.sleep(delay)


_limiters: weakref.WeakKeyDictionary[Client, Limiter] = weakref.WeakKeyDictionary()
_limiters_lock = threading.Lock()


def client_limiter(client: Client) -> Limiter:
    """The limiter shared by every batch of ``client``."""
    with _limiters_lock:
        limiter = _limiters.get(client)
        if limiter is None:
            limiter = _limiters[client] = Limiter()
        return limiter
