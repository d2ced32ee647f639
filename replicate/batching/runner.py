"""The batch engine (async) and its sync shell.

:class:`BatchRun` drives every input of a batch through the ledger's states, taking a
token from the client's shared :class:`~replicate.batching.limiter.Limiter` before each
create. :func:`async_batch` hands its results out as an async iterator;
:func:`batch` runs the same engine on an event loop in a helper thread.
"""

from __future__ import annotations

import asyncio
import collections
import datetime
import hashlib
import logging
import os
import queue
import re
import threading
import time
from collections.abc import Callable, Coroutine, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

import attrs

from .._drive import CANCEL_TIMEOUT, AsyncDriver
from .._orphans import CLOCK_SKEW, matching_predictions, recent_predictions_flow
from .._run import run_target
from .._transport import THROTTLE_HANDLER
from ..exceptions import ReplicateError
from ..identifier import model_owner_name
from .keys import KeySpec, Shard, check_inputs, select_shard
from .ledger import CREATED, CREATING, FINISHED, INTERRUPTED, Entry, Ledger
from .limiter import DEFAULT_BURST, DEFAULT_RATE_PER_MINUTE, client_limiter, parse_rate
from .progress import BatchProgress, BatchResult, Reorder, Tally

if TYPE_CHECKING:
    from ..client import Client
    from ..prediction import Prediction

logger = logging.getLogger("replicate")

#: Predictions in flight at once by default (a 6 s model keeps 600/min busy with 60).
DEFAULT_CONCURRENCY = 100
#: Seconds the API may hold a create until the prediction finishes (``Prefer: wait``):
#: short models then cost one request instead of three. Kept short, as the id reaches
#: the ledger only when the create answers (a crash meanwhile is recovered by lookup).
CREATE_HOLD = 5
ProgressCallback = Callable[[BatchProgress], None]


class BatchParams(TypedDict, total=False):
    """Keyword arguments of :meth:`replicate.Client.batch` and ``async_batch``."""

    key: KeySpec
    ledger: Ledger | str | os.PathLike[str] | None
    concurrency: int
    rate: str | float | None
    burst: float | None
    shard: Shard | str | None
    output_dir: str | os.PathLike[str] | None
    on_progress: ProgressCallback | None
    ordered: bool
    cancel_on_interrupt: bool


@attrs.frozen
class BatchOptions:
    """Validated settings of one batch (checked before anything is sent)."""

    concurrency: int = DEFAULT_CONCURRENCY
    per_minute: float | None = None
    burst: float | None = None
    output_dir: Path | None = None
    on_progress: ProgressCallback | None = None
    ordered: bool = False
    cancel_on_interrupt: bool = True

    def __attrs_post_init__(self) -> None:
        if self.concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {self.concurrency}")
        if self.on_progress is not None and not callable(self.on_progress):
            raise TypeError("on_progress must be a callable taking a BatchProgress")


def batch_options(
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    rate: str | float | None = None,
    burst: float | None = None,
    shard: Shard | str | None = None,
    output_dir: str | os.PathLike[str] | None = None,
    on_progress: ProgressCallback | None = None,
    ordered: bool = False,
    cancel_on_interrupt: bool = True,
) -> tuple[BatchOptions, Shard | None]:
    """Check the keyword arguments of ``batch``/``async_batch``."""
    parsed_shard = Shard.parse(shard) if isinstance(shard, str) else shard
    per_minute = None if rate is None else parse_rate(rate)
    if parsed_shard is not None:
        # Shards run on separate machines: each gets its part of the account's rate.
        per_minute = parsed_shard.share(per_minute or DEFAULT_RATE_PER_MINUTE)
    if burst is not None and not burst >= 1:
        raise ValueError(f"burst must be at least 1, got {burst}")
    options = BatchOptions(
        concurrency,
        per_minute,
        burst,
        None if output_dir is None else Path(output_dir),
        on_progress,
        ordered,
        cancel_on_interrupt,
    )
    return options, parsed_shard


def ref_name(target: Mapping[str, Any]) -> str:
    """What a ledger records as the batch's model: a version id or ``owner/name``."""
    if "version" in target:
        return str(target["version"])
    owner, name = model_owner_name(target["model"])
    return f"{owner}/{name}"


def _utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _parse_time(value: str | None) -> datetime.datetime | None:
    if not value:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _definitive(exc: BaseException) -> bool:
    """A refusal meaning the create did not happen and will not succeed if repeated."""
    return isinstance(exc, ReplicateError) and exc.status is not None and 400 <= exc.status < 500


class _Refused(Exception):
    """The API refused the create for good (recorded as failed)."""


def _throttled(exc: BaseException) -> bool:
    return isinstance(exc, ReplicateError) and exc.status == 429


class BatchRun:
    """One run of a batch over its ledger."""

    def __init__(
        self,
        client: Client,
        ref: Any,
        items: list[tuple[str, int, dict[str, Any]]],
        ledger: Ledger,
        options: BatchOptions,
    ) -> None:
        self.client = client
        self.target = run_target(ref)
        self.items = items
        self.ledger = ledger
        self.options = options
        self.limiter = client_limiter(client)
        if options.per_minute is not None or options.burst is not None:
            self.limiter.configure(
                options.per_minute or self.limiter.bucket.per_minute,
                options.burst or (None if options.per_minute is None else DEFAULT_BURST),
            )
        self.tally = Tally(len(items), time.monotonic())
        self._claimed: set[str] = set()

    async def run(self, emit: Callable[[BatchResult], None]) -> None:
        """Take every input to a result, handing each to ``emit`` as it is known."""
        self.ledger.bind(ref_name(self.target))
        entries = self.ledger.add(self.items)
        self._claimed = {e.prediction_id for e in self.ledger.entries() if e.prediction_id}
        work: collections.deque[Entry] = collections.deque()
        for entry in entries:
            if entry.state in FINISHED:
                self._emit(emit, self._from_ledger(entry))
        entries = await self._recover([e for e in entries if e.state not in FINISHED])
        work.extend(e for e in entries if e.state == CREATED)
        work.extend(e for e in entries if e.state != CREATED)
        self._progress()

        async def worker() -> None:
            while work:
                entry = work.popleft()
                self._emit(emit, await self._one(entry))

        async with asyncio.TaskGroup() as group:
            for _ in range(min(self.options.concurrency, len(work))):
                group.create_task(worker())

    def _emit(self, emit: Callable[[BatchResult], None], result: BatchResult) -> None:
        self.tally.finish(result)
        emit(result)
        self._progress()

    def _progress(self) -> None:
        if self.options.on_progress is not None:
            self.options.on_progress(self.tally.snapshot(time.monotonic()))

    def _from_ledger(self, entry: Entry) -> BatchResult:
        return BatchResult(
            entry.index,
            entry.key,
            entry.prediction_id,
            entry.state,
            entry.output,
            entry.error,
            entry.metrics,
            resumed=True,
        )

    # --- resuming ----------------------------------------------------------------------

    async def _recover(self, entries: list[Entry]) -> list[Entry]:
        """Settle inputs a previous run left mid-way; returns the entries to work on."""
        unsure = [e for e in entries if e.state == CREATING]
        if unsure:
            since = min(e.since or _utcnow() for e in unsure)
            driver = AsyncDriver(self.client, None)
            recent = await driver.run(recent_predictions_flow(since))
            for entry in unsure:
                found = self._find(entry, recent)
                if found is None:
                    self.ledger.pending(entry.key)
                else:
                    logger.info("input %s: adopting prediction %s", entry.key, found.id)
                    self.ledger.created(entry.key, found.id)
        for entry in entries:
            if entry.state == INTERRUPTED and entry.prediction_id:
                prediction = await self.client.predictions.async_get(entry.prediction_id)
                if prediction.status == "canceled":
                    self.ledger.pending(entry.key)  # cancelled by our Ctrl-C: run it again
                else:
                    self.ledger.created(entry.key, entry.prediction_id)
        keys = {e.key for e in entries}
        return [e for e in self.ledger.entries() if e.key in keys]

    def _find(self, entry: Entry, recent: list[Prediction]) -> Prediction | None:
        """The prediction a create of ``entry`` made without its id being recorded."""
        earliest = (entry.since or _utcnow()) - CLOCK_SKEW
        candidates = [
            p
            for p in matching_predictions(recent, self.target, entry.input)
            if p.id not in self._claimed
            and (created := _parse_time(p.created_at)) is not None
            and created >= earliest
        ]
        # Prefer predictions whose input is exactly this one; the list is newest first.
        matches = [p for p in candidates if p.input == entry.input] or candidates
        if not matches:
            return None
        if len(matches) > 1:
            logger.warning(
                "input %s: %d predictions match; adopting the oldest", entry.key, len(matches)
            )
        self._claimed.add(matches[-1].id)
        return matches[-1]

    # --- one input ---------------------------------------------------------------------

    async def _one(self, entry: Entry) -> BatchResult:
        self.tally.in_flight += 1
        try:
            return await self._settle(entry)
        finally:
            self.tally.in_flight -= 1

    async def _settle(self, entry: Entry) -> BatchResult:
        prediction: Prediction | None = None
        try:
            if entry.state == CREATED and entry.prediction_id:
                prediction = await self.client.predictions.async_get(entry.prediction_id)
            else:
                try:
                    prediction = await self._create(entry)
                except _Refused as refused:
                    return BatchResult(entry.index, entry.key, None, "failed", error=str(refused))
            await prediction.async_wait()
            output = prediction.output
            if prediction.status == "succeeded" and self.options.output_dir is not None:
                output = await save_outputs(self.client, output, self.options.output_dir, entry.key)
            error = None if prediction.error is None else str(prediction.error)
            status = prediction.status or "unknown"
            self.ledger.finished(entry.key, status, output, error, prediction.metrics)
            return BatchResult(
                entry.index, entry.key, prediction.id, status, output, error, prediction.metrics
            )
        except asyncio.CancelledError:
            if prediction is not None and not prediction.done and self.options.cancel_on_interrupt:
                await self._cancel(entry, prediction)
            raise
        except Exception as exc:
            # The prediction may still run (or the create may have happened): the ledger
            # keeps it as created/creating, so a rerun picks it up.
            logger.warning("input %s: %s", entry.key, exc)
            return BatchResult(
                entry.index,
                entry.key,
                prediction.id if prediction else None,
                "failed",
                error=f"{type(exc).__name__}: {exc}",
            )

    async def _create(self, entry: Entry) -> Prediction:
        """Create the prediction, recording each step first; :class:`_Refused` if the
        API refuses it for good (e.g. invalid input)."""
        while True:
            await self.limiter.acquire()
            since = _utcnow()
            self.ledger.creating(entry.key, since)
            paced = THROTTLE_HANDLER.set(self.limiter.throttled)
            try:
                prediction = await self.client.predictions.async_create(
                    **self.target, input=entry.input, wait=CREATE_HOLD
                )
            except asyncio.CancelledError:
                # The create may have reached the server (it may be held there): find and
                # cancel it, or leave it 'creating' for a rerun to look up.
                if self.options.cancel_on_interrupt:
                    await _shielded(self._cancel_unrecorded(entry, since))
                raise
            except Exception as exc:
                if _throttled(exc):
                    # Not created; the limiter was told and paces the next attempt.
                    self.ledger.pending(entry.key)
                    continue
                if _definitive(exc):
                    self.ledger.finished(entry.key, "failed", None, str(exc), None)
                    raise _Refused(str(exc)) from exc
                raise
            finally:
                THROTTLE_HANDLER.reset(paced)
            self.ledger.created(entry.key, prediction.id)
            self.tally.created += 1
            self._progress()
            return prediction

    async def _cancel(self, entry: Entry, prediction: Prediction) -> None:
        async def cancel() -> None:
            try:
                await prediction.async_cancel()
                self.ledger.interrupted(entry.key)
            except Exception as exc:
                logger.warning("could not cancel %s: %s", prediction.id, exc)

        await _shielded(cancel())

    async def _cancel_unrecorded(self, entry: Entry, since: datetime.datetime) -> None:
        try:
            driver = AsyncDriver(self.client, None)
            found = self._find(entry, await driver.run(recent_predictions_flow(since)))
            if found is not None:
                self.ledger.created(entry.key, found.id)
                await found.async_cancel()
                self.ledger.interrupted(entry.key)
        except Exception as exc:
            logger.warning("input %s: could not cancel its prediction: %s", entry.key, exc)


async def _shielded(work: Coroutine[Any, Any, None]) -> None:
    """Run ``work`` to its end (at most CANCEL_TIMEOUT) although our task is being cancelled."""
    task = asyncio.ensure_future(work)
    try:
        await asyncio.wait_for(asyncio.shield(task), CANCEL_TIMEOUT)
    except (asyncio.CancelledError, TimeoutError):
        await asyncio.wait({task}, timeout=CANCEL_TIMEOUT)


# --- output files ------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def output_folder(root: Path, key: str) -> Path:
    """The folder of one input's files: its key made safe (and unique if it had to change)."""
    safe = _UNSAFE.sub("_", key)[:80].strip("._") or "input"
    if safe != key:
        safe += "-" + hashlib.sha256(key.encode()).hexdigest()[:8]
    return root / safe


async def save_outputs(client: Client, output: Any, root: Path, key: str) -> Any:
    """Download every file URL in ``output`` under ``root/<key>/``; paths replace URLs."""
    from .._file_output import FileOutput, is_file_url

    folder = output_folder(root, key)
    used: set[str] = set()

    async def walk(value: Any) -> Any:
        if isinstance(value, str) and is_file_url(value):
            file = FileOutput(value, client)
            name = file.name
            while name in used:
                name = f"{len(used)}_{file.name}"
            used.add(name)
            folder.mkdir(parents=True, exist_ok=True)
            return str(await file.asave(folder / name))
        if isinstance(value, list):
            return [await walk(item) for item in value]
        if isinstance(value, dict):
            return {k: await walk(v) for k, v in value.items()}
        return value

    return await walk(output)


# --- iterators ---------------------------------------------------------------------------

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


def prepare(
    client: Client,
    ref: Any,
    inputs: Iterable[Mapping[str, Any]],
    *,
    key: KeySpec,
    ledger: Ledger | str | os.PathLike[str] | None,
    options: BatchOptions,
    shard: Shard | None,
) -> tuple[BatchRun, bool]:
    """Check everything and open the ledger; nothing is sent yet."""
    run_target(ref)  # a bad ref fails here, before the ledger file is created
    items = select_shard(check_inputs(inputs, key), shard)
    owns = not isinstance(ledger, Ledger)
    opened = ledger if isinstance(ledger, Ledger) else Ledger(ledger or ":memory:")
    return BatchRun(client, ref, items, opened, options), owns


def async_batch(
    client: Client,
    ref: Any,
    inputs: Iterable[Mapping[str, Any]],
    **params: Unpack[BatchParams],
) -> AsyncBatch:
    """See :meth:`replicate.Client.async_batch`."""
    settings: dict[str, Any] = dict(params)
    key, ledger = settings.pop("key", None), settings.pop("ledger", None)
    options, shard = batch_options(**settings)
    run, owns = prepare(client, ref, inputs, key=key, ledger=ledger, options=options, shard=shard)
    return AsyncBatch(run, owns)


def batch(
    client: Client,
    ref: Any,
    inputs: Iterable[Mapping[str, Any]],
    **params: Unpack[BatchParams],
) -> Iterator[BatchResult]:
    """See :meth:`replicate.Client.batch`: the async engine on a loop in a helper thread."""
    return _in_thread(client, async_batch(client, ref, inputs, **params))


def _in_thread(client: Client, results: AsyncBatch) -> Iterator[BatchResult]:
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
                loop.call_soon_threadsafe(task.cancel)
            thread.join()
