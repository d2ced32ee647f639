"""A burst of calls started at once takes turns: a few per event-loop iteration.

``asyncio.gather`` over 1,000 ``async_run`` calls runs every call up to its first real wait in
one loop iteration: each builds its request, then waits for its connection. None of those
connections completes, and no request is written, until all 1,000 requests are built, so
the server idles while the client works, then the client idles while the server works.
Letting :data:`PER_TURN` calls start per iteration gives the loop a chance, between turns,
to connect and send the requests already built: the server starts on the first ones while
the client builds the rest. A call that starts alone, or among a few, starts at once.

Measured (1,000 concurrent ``async_run`` of a 0.5 s model through ``AiohttpTransport`` against
the emulator, the client and the emulator on one core each, medians of interleaved rounds
against a bare aiohttp loop doing the same requests): 1.52x the loop without turns; 1.32x
with 1 call per turn (an iteration per call costs more than it gains), 1.14-1.25x with 4,
1.19-1.25x with 8, 1.28x with 16 and 1.37x with 64.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # asyncio itself is loaded by whoever runs the loop
    import asyncio

#: Calls started per event-loop iteration before the rest wait for the next one.
PER_TURN = 4


class Turns:
    """Admission of calls on one asyncio event loop: at most ``per_turn`` start in each
    iteration, the others wait their turn in order (first come, first started).

    The loop is passed in rather than kept, so that a client keeping one of these per loop
    (in a ``WeakKeyDictionary``) does not keep the loops alive."""

    __slots__ = ("_per_turn", "_scheduled", "_started", "_waiting")

    def __init__(self, per_turn: int = PER_TURN) -> None:
        self._per_turn = per_turn
        self._started = 0  # calls started in this iteration
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._scheduled = False  # a _next_turn is due in the next iteration

    def turn(self, loop: asyncio.AbstractEventLoop) -> Awaitable[None] | None:
        """``None`` when the call may start now; otherwise what to await until its turn.
        ``loop`` is the running loop, the one these turns belong to."""
        if not self._waiting and self._started < self._per_turn:
            self._started += 1
            self._schedule(loop)  # the count starts over in the next iteration
            return None
        waiter: asyncio.Future[None] = loop.create_future()
        self._waiting.append(waiter)
        self._schedule(loop)
        return waiter

    def _schedule(self, loop: asyncio.AbstractEventLoop) -> None:
        if not self._scheduled:
            self._scheduled = True
            loop.call_soon(self._next_turn, loop)

    def _next_turn(self, loop: asyncio.AbstractEventLoop) -> None:
        # call_soon runs this in the next iteration, after the loop has polled for I/O.
        self._scheduled = False
        self._started = 0
        while self._waiting and self._started < self._per_turn:
            waiter = self._waiting.popleft()
            if not waiter.done():  # a call cancelled while it waited gives up its place
                waiter.set_result(None)
                self._started += 1
        if self._waiting or self._started:
            self._schedule(loop)
