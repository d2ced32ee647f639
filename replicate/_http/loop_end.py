"""Running clean-up when an asyncio event loop ends (``asyncio.run()`` returning).

A per-loop resource (our per-loop httpx client and its connections) can only be closed
on its own loop, and nothing tells a library when a loop is about to close. But loops
finalise the async generators still suspended in them before closing
(``loop.shutdown_asyncgens()``, which ``asyncio.run`` calls): :func:`on_loop_end`
parks one such generator whose ``finally`` awaits the clean-up.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import suppress


def on_loop_end(cleanup: Callable[[], Awaitable[None]]) -> AsyncGenerator[None, None]:
    """Arrange for ``await cleanup()`` when the running loop shuts down its async generators.

    Call from code running on the loop. Keep the returned generator referenced as long as
    the resource lives; ``await handle.aclose()`` runs the clean-up earlier (once only).
    """

    async def parked() -> AsyncGenerator[None, None]:
        try:
            yield
        finally:
            await cleanup()

    handle = parked()
    # Start it up to its ``yield``: that registers it with the running loop (the loop's
    # first-iteration hook) without needing an ``await`` here.
    with suppress(StopIteration):
        handle.asend(None).send(None)
    return handle
