"""How a batch's results reach the caller: an async iterator, and a sync one on a thread."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import queue
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .progress import BatchResult, Reorder

if TYPE_CHECKING:
    from ..client import Client
    from .runner import BatchRun

_END = object()


class AsyncBatch:
    """The results of :func:`async_batch`: ``async for result in ...``.

    The engine starts with the first ``__anext__``. ``aclose()`` (or ``async with``),
    cancelling the consuming task, or dropping the iterator after leaving the loop stops
    it: in-flight predictions are cancelled (unless ``cancel_on_interrupt=False``) and the
    ledger is left ready to resume.
    """

    def __init__(self, run: BatchRun, owns_ledger: bool) -> None:
        self._run = run
        self._owns_ledger = owns_ledger
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._ready: collections.deque[BatchResult] = collections.deque()
        self._order = Reorder([index for _, index, _ in run.items]) if run.options.ordered else None
        self._task: asyncio.Task[None] | None = None

    def __aiter__(self) -> AsyncBatch:
        return self

    async def __anext__(self) -> BatchResult:
        if self._task is None:
            # The task must not reference self, so that __del__ can stop an abandoned batch.
            results = self._queue
            self._task = asyncio.ensure_future(self._run.run(results.put_nowait))
            self._task.add_done_callback(lambda _: results.put_nowait(_END))
        try:
            while not self._ready:
                item = await self._queue.get()
                if item is _END:
                    self._finish()
                    error = self._task.exception()
                    if error is not None:
                        raise error
                    raise StopAsyncIteration
                self._ready.extend(self._order.push(item) if self._order else [item])
            return self._ready.popleft()
        except (asyncio.CancelledError, KeyboardInterrupt):
            await self.aclose()
            raise

    async def aclose(self) -> None:
        """Stop the batch (cancelling in-flight predictions unless told not to)."""
        task = self._task
        if task is not None and not task.done():
            task.cancel()
            await asyncio.wait({task})
        self._finish()

    def _finish(self) -> None:
        if self._owns_ledger:
            self._owns_ledger = False
            self._run.ledger.close()

    def __del__(self) -> None:
        # Left by `break` without aclose(): stop creating predictions, cancel those in flight.
        task = self._task
        if task is not None and not task.done():
            task.cancel()

    async def __aenter__(self) -> AsyncBatch:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def in_thread(client: Client, results: AsyncBatch) -> Iterator[BatchResult]:
    handoff: queue.Queue[Any] = queue.Queue()
    state: dict[str, Any] = {}
    started = threading.Event()

    async def pump() -> None:
        state["task"] = asyncio.current_task()
        started.set()
        try:
            async for result in results:
                handoff.put(result)
        except BaseException as exc:
            handoff.put(exc)
            raise
        finally:
            await client.aclose()  # this loop's connections end with it
            handoff.put(_END)

    def main() -> None:
        loop = asyncio.new_event_loop()
        state["loop"] = loop
        try:
            loop.run_until_complete(pump())
        except BaseException:
            pass  # handed over through the queue
        finally:
            started.set()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    thread = threading.Thread(target=main, name="replicate-batch", daemon=True)
    thread.start()
    started.wait()
    try:
        while True:
            item = handoff.get()
            if item is _END:
                return
            if isinstance(item, asyncio.CancelledError):
                continue
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        if thread.is_alive():
            loop, task = state.get("loop"), state.get("task")
            if loop is not None and task is not None:
                # The loop may close between the check above and this call: then it is done.
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(task.cancel)
            thread.join()
