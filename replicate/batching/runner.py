"""The batch engine.

:class:`BatchRun` drives every input of a batch through the ledger's states, taking a
token from the client's shared :class:`~replicate.batching.limiter.Limiter` before each
create. :func:`async_batch` hands its results out as an async iterator;
:func:`batch` runs the same engine on an event loop in a helper thread (see
:mod:`.shells`).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime
import functools
import logging
import math
import os
import time
from collections.abc import Callable, Collection, Coroutine, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

import attrs

from .._encoding.file_output import is_file_url
from .._flows.drive import CANCEL_TIMEOUT, AsyncDriver
from .._flows.orphans import TooManyPredictions, created_time, recent_predictions_flow
from .._flows.run import run_target
from .._http.api_transport import THROTTLE_HANDLER
from ..exceptions import InvalidArgumentError, ReplicateError
from ..identifier import ModelVersionIdentifier, is_version_id, model_owner_name, parse_ref
from .clock import Offset, from_created, from_date
from .files import save_outputs
from .keys import KeySpec, Shard, check_inputs, key_kind, select_shard
from .ledger import CREATED, CREATING, FINISHED, INTERRUPTED, Attempt, Entry, Ledger
from .limiter import DEFAULT_BURST, DEFAULT_RATE_PER_MINUTE, client_limiter, parse_rate
from .progress import BatchProgress, BatchResult, Tally
from .recovery import InputIndex, Lookup, LookupFailed, Span, look_up, spans, windows
from .shells import AsyncBatch, in_thread

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
        if not isinstance(self.concurrency, int) or isinstance(self.concurrency, bool):
            raise TypeError(f"concurrency must be an int, got {self.concurrency!r}")
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
    if burst is not None and not 1 <= burst < math.inf:
        raise ValueError(f"burst must be at least 1 and finite, got {burst}")
    if parsed_shard is not None:
        # Shards run on separate machines: each gets its part of the account's rate and
        # burst (N shards each sending a full burst at once would be throttled).
        per_minute = parsed_shard.share(per_minute or DEFAULT_RATE_PER_MINUTE)
        burst = max(1.0, parsed_shard.share(burst or DEFAULT_BURST))
    if output_dir is not None and Path(output_dir).exists() and not Path(output_dir).is_dir():
        raise ValueError(f"output_dir {os.fspath(output_dir)!r} is a file, not a folder")
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


def lookup_target(ref: Any, target: Mapping[str, Any]) -> dict[str, Any]:
    """What a batch's predictions are recognised by after a crash: ``target``, and the model
    too when a version ref names it (``owner/name:version``), since the API may list a pinned
    official model's prediction with its version ``"hidden"``."""
    if "model" in target:
        return dict(target)
    named = parse_ref(ref) if isinstance(ref, str) and not is_version_id(ref) else ref
    if isinstance(named, ModelVersionIdentifier):
        return {**target, "model": (named.owner, named.name)}
    return dict(target)  # a bare version id or a Version: no model name to go by


def _utcnow() -> datetime.datetime:
    # Every reading of our clock the batch records or compares with the API's goes through
    # here (tests move it to play a machine whose clock is off).
    return datetime.datetime.now(datetime.UTC)


#: Refusals about the account or the model rather than the input (a bad token, billing, no
#: access, an unknown model): every input would get the same answer, so the batch stops and
#: its inputs stay pending for a rerun, instead of each being recorded as failed.
STOPS_BATCH = frozenset({401, 402, 403, 404})


class _Refused(Exception):
    """The API refused the create for good (recorded as failed)."""


class _Stopped(Exception):
    """The batch is stopping (see :data:`STOPS_BATCH`); this input stays pending."""


class _CallbackFailed(Exception):
    """``on_progress`` raised: ends the workers' task group (the caller gets its error)."""


async def _raise(exc: Exception) -> None:
    raise exc


def _leaves(value: Any) -> Iterator[Any]:
    """The scalars of a JSON value (an output), depth first."""
    if isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    else:
        yield value


def one_line(exc: BaseException) -> str:
    """An exception as one line (a ``ReplicateError``'s own text spans several)."""
    if isinstance(exc, ReplicateError):
        return exc.summary()
    return " ".join(f"{type(exc).__name__}: {exc}".split())


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
        keys: str | None = None,
        secrets: Collection[str] = (),
    ) -> None:
        self.client = client
        self.keys = keys  # how inputs are keyed (keys.key_kind), checked against the ledger
        self.target = run_target(ref)
        self._lookup_target = lookup_target(ref, self.target)
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
        #: Every prediction id recorded for an input, by an earlier run or this one.
        self._known: set[str] = set()
        self._inputs = InputIndex(items, secrets)  # secret inputs: never compared
        #: The refusal that stops the batch (:data:`STOPS_BATCH`), raised once in flight ends.
        self._stop: ReplicateError | None = None
        self._group: asyncio.TaskGroup | None = None  # the workers, while they run
        self._callback_error: Exception | None = None  # raised by on_progress: stops the batch
        self._holds_files: bool | None = None  # by the version's schema; see _may_hold_files
        self._schema_lock = asyncio.Lock()
        #: How the API's clock stands to ours, from this run's answers (None: none yet).
        self._clock: Offset | None = None
        #: Inputs whose create this run sent before it had a reading of the API's clock.
        self._unclocked: set[str] = set()
        self._clock_lock = asyncio.Lock()  # one reading for the lookups of a Ctrl-C at once

    async def run(self, emit: Callable[[BatchResult], None]) -> None:
        """Take every input to a result, handing each to ``emit`` as it is known."""
        self.ledger.bind(ref_name(self.target), self.keys)
        entries = self.ledger.add(self.items)
        self._known = self.ledger.known_predictions()
        work: collections.deque[Entry] = collections.deque()
        unsaved: collections.deque[Entry] = collections.deque()
        for entry in entries:
            if entry.state in FINISHED:
                if self._outputs_unsaved(entry):
                    unsaved.append(entry)  # finished earlier, --output-dir given only now
                else:
                    self._emit(emit, self._from_ledger(entry))
        self._check_callback()
        entries = await self._recover([e for e in entries if e.state not in FINISHED])
        for entry in entries:
            if entry.state in FINISHED:  # an unrecorded create that could not be settled
                self._emit(emit, attrs.evolve(self._from_ledger(entry), resumed=False))
        work.extend(e for e in entries if e.state == CREATED)
        work.extend(e for e in entries if e.state not in FINISHED and e.state != CREATED)
        self._progress()
        self._check_callback()

        async def worker() -> None:
            while unsaved:
                self._emit(emit, await self._save_finished(unsaved.popleft()))
            while work and self._stop is None:
                result = await self._one(work.popleft())
                if result is not None:
                    self._emit(emit, result)

        try:
            async with asyncio.TaskGroup() as group:
                self._group = group
                for _ in range(min(self.options.concurrency, len(work) + len(unsaved))):
                    group.create_task(worker())
        except BaseExceptionGroup:
            self._check_callback()  # the callback's own error, not the group it stopped
            raise
        finally:
            self._group = None
        if self._stop is not None:
            raise self._stop

    def _emit(self, emit: Callable[[BatchResult], None], result: BatchResult) -> None:
        self.tally.finish(result)
        emit(result)
        self._progress()

    def _progress(self) -> None:
        """Hand a snapshot to ``on_progress``. An exception it raises stops the batch as a
        Ctrl-C does (predictions in flight cancelled unless told not to), and then reaches
        the caller itself; it never becomes an input's result, nor stops only one input."""
        if self.options.on_progress is None or self._callback_error is not None:
            return
        self.tally.limit_per_minute = self.limiter.bucket.current_per_minute
        try:
            self.options.on_progress(self.tally.snapshot(time.monotonic()))
        except Exception as exc:
            self._callback_error = exc
            # Stop the workers: the group cancels them all. One shutting down already (the
            # batch is being cancelled) refuses the task, and needs none.
            if self._group is not None:
                with contextlib.suppress(RuntimeError):
                    self._group.create_task(_raise(_CallbackFailed()))

    def _check_callback(self) -> None:
        if self._callback_error is not None:
            raise self._callback_error from None

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

    def _outputs_unsaved(self, entry: Entry) -> bool:
        # A succeeded input of an earlier run whose output still holds URLs (saved ones are
        # paths), when this run saves outputs.
        if self.options.output_dir is None or entry.state != "succeeded" or not entry.prediction_id:
            return False
        return any(is_file_url(value) for value in _leaves(entry.output))

    async def _save_finished(self, entry: Entry) -> BatchResult:
        """An earlier run's result, its output files saved now (URLs last an hour: a failure
        keeps the URLs and says so in ``error``; the status stays the prediction's)."""
        result = self._from_ledger(entry)
        folder = self.options.output_dir
        assert folder is not None and entry.prediction_id is not None
        try:
            prediction = await self.client.predictions.async_get(entry.prediction_id)
            if not await self._may_hold_files(prediction):
                return result
            output = await save_outputs(self.client, entry.output, folder, entry.key)
        except Exception as exc:
            logger.warning("input %s: outputs not saved: %s", entry.key, exc)
            return attrs.evolve(result, error=f"outputs not saved: {type(exc).__name__}: {exc}")
        self.ledger.finished(entry.key, entry.state, output, entry.error, entry.metrics)
        return attrs.evolve(result, output=output)

    # --- resuming ----------------------------------------------------------------------

    async def _recover(self, entries: list[Entry]) -> list[Entry]:
        """Settle inputs a previous run left mid-way; returns the entries to work on."""
        unsure = [e for e in entries if e.state == CREATING]
        if unsure:
            attempts = {e.key: e.attempt or Attempt(_utcnow()) for e in unsure}
            try:
                unrecorded = await self._spans(attempts)
                recent, unread = await self._recent(unrecorded)
            except Exception as exc:
                raise LookupFailed(_unknown(unsure, exc)) from exc
            for entry in unsure:
                if entry.key in unread:  # unknown: neither adopted nor created again
                    self.ledger.finished(entry.key, "failed", None, unread[entry.key], None)
                    continue
                lookup = self._look_up(entry.key, recent, unrecorded)
                if lookup.twins:
                    self.ledger.finished(entry.key, "failed", None, _untold(lookup), None)
                elif lookup.found:
                    logger.info("input %s: adopting prediction %s", entry.key, lookup.found[0].id)
                    self.ledger.created(entry.key, lookup.found[0].id)
                else:
                    self.ledger.pending(entry.key)
        for entry in entries:
            if entry.state == INTERRUPTED and entry.prediction_id:
                prediction = await self.client.predictions.async_get(entry.prediction_id)
                if prediction.status == "canceled":
                    self.ledger.pending(entry.key)  # cancelled by our Ctrl-C: run it again
                else:
                    self.ledger.created(entry.key, entry.prediction_id)
        keys = {e.key for e in entries}
        return [e for e in self.ledger.entries() if e.key in keys]

    async def _spans(self, attempts: Mapping[str, Attempt]) -> dict[str, Span]:
        """When, by the API's clock, ``attempts`` may have made their predictions. An attempt
        recorded without a reading (sent before any answer came, by a run that got none, or
        by older code) goes by this run's; without one yet, the API's clock is read first."""
        if any(a.offset is None for a in attempts.values()):
            async with self._clock_lock:
                if self._clock is None:
                    self._read_clock(await self._date_reading())
        return spans(attempts, self._clock)

    async def _date_reading(self) -> Offset | None:
        """A reading of the API's clock from the ``Date`` header of one small answer (``None``
        if it has none, or is an error: the lookup then goes by our clock, as before)."""
        from replicate_api.api.account import account_get

        sent = _utcnow()
        try:  # the generated call, for its answer's headers (the parsed account is not needed)
            response = await account_get.asyncio_detailed(client=self.client.raw)
        except ReplicateError as exc:  # other failures: the lookup would fail the same way
            logger.info("could not read the API's clock (%s); going by ours", exc.summary())
            return None
        return from_date(sent, _utcnow(), response.headers.get("date"))

    def _read_clock(self, reading: Offset | None) -> None:
        if reading is None:
            return
        if self._clock is not None:
            self._clock = self._clock.narrowed(reading)
            return
        self._clock = reading
        # The creates sent before it (the first of the run, in flight together) go by it too.
        self.ledger.clock_read(self._unclocked, reading)
        self._unclocked.clear()

    async def _recent(
        self, unrecorded: Mapping[str, Span]
    ) -> tuple[list[Prediction], dict[str, str]]:
        """The predictions created in the ``unrecorded`` creates' spans, newest first, and why
        the inputs whose window held too many predictions to read cannot be settled."""
        found: dict[str, Prediction] = {}
        unread: dict[str, str] = {}
        now = None if self._clock is None else self._clock.bounds(_utcnow())[1]
        for window in reversed(windows(unrecorded)):  # the newest first, as each window's
            flow = recent_predictions_flow(
                window.since, skew=datetime.timedelta(0), until=window.until, now=now
            )
            try:
                recent = await AsyncDriver(self.client, None).drive(flow)
            except TooManyPredictions as exc:
                unread.update((key, _unread(exc)) for key in window.keys)
                continue
            found.update((p.id, p) for p in recent if p.id not in found)
        return list(found.values()), unread

    def _look_up(
        self, key: str, recent: list[Prediction], unrecorded: Mapping[str, Span]
    ) -> Lookup:
        """What ``recent`` says about input ``key``'s unrecorded create; the prediction it
        adopts (the one made nearest its create, unless twins make it unclear) is never adopted
        again."""
        lookup = look_up(
            key,
            recent,
            target=self._lookup_target,
            known=self._known,
            index=self._inputs,
            unrecorded=unrecorded,
        )
        if lookup.found and not lookup.twins:
            if len(lookup.found) > 1:
                logger.warning(
                    "input %s: %d predictions match; adopting the one made nearest its create",
                    key,
                    len(lookup.found),
                )
            self._known.add(lookup.found[0].id)
        return lookup

    async def _may_hold_files(self, prediction: Prediction) -> bool:
        """Whether the model's output may hold files, by its version's schema (looked up once
        per batch): a text output that happens to be a URL is not downloaded."""
        async with self._schema_lock:  # one lookup, whichever input finishes first
            if self._holds_files is None:
                from ..schema.model import output_may_hold_files
                from ..version import Versions

                schema = None
                if prediction.model and prediction.version:
                    versions = Versions(self.client, prediction.model)
                    try:
                        schema = (await versions.async_get(prediction.version)).openapi_schema
                    except (ReplicateError, ValueError):
                        schema = None  # unknown: every URL is a file, as in 1.x
                self._holds_files = output_may_hold_files(schema)
        return self._holds_files

    # --- one input ---------------------------------------------------------------------

    async def _one(self, entry: Entry) -> BatchResult | None:
        """The input's result; ``None`` when the batch stopped before creating it."""
        self.tally.in_flight += 1
        self._progress()  # "in flight" from now: its create may be held for seconds
        try:
            return await self._settle(entry)
        except _Stopped:
            return None
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
            folder = self.options.output_dir if prediction.status == "succeeded" else None
            if folder is not None and await self._may_hold_files(prediction):
                output = await save_outputs(self.client, output, folder, entry.key)
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
        except _Stopped:
            raise
        except Exception as exc:
            # The prediction may still run (or the create may have happened): the ledger
            # keeps it as created/creating, so a rerun picks it up.
            error = one_line(exc)
            logger.warning("input %s: %s", entry.key, error)
            return BatchResult(
                entry.index, entry.key, prediction.id if prediction else None, "failed", error=error
            )

    async def _create(self, entry: Entry) -> Prediction:
        """Create the prediction, recording each step first; :class:`_Refused` if the
        API refuses it for good (e.g. invalid input)."""
        while True:
            await self.limiter.acquire()
            if self._stop is not None:  # refused for every input meanwhile: do not send
                raise _Stopped
            since = _utcnow()
            self.ledger.creating(entry.key, since, self._clock)
            if self._clock is None:
                self._unclocked.add(entry.key)
            paced = THROTTLE_HANDLER.set(functools.partial(self._throttled, sent=time.monotonic()))
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
                if not (isinstance(exc, ReplicateError) and 400 <= (exc.status or 0) < 500):
                    # No answer (a network error, a 5xx): it may have been created, by now.
                    self.ledger.unanswered(entry.key, _utcnow())
                    raise
                if exc.status in STOPS_BATCH:
                    self.ledger.pending(entry.key)  # not created: a rerun creates it
                    self._stop = self._stop or exc
                    raise _Stopped from exc
                # A refusal of this input (e.g. 422): not created, and would be refused again.
                self.ledger.finished(entry.key, "failed", None, exc.summary(), None)
                raise _Refused(exc.summary()) from exc
            finally:
                THROTTLE_HANDLER.reset(paced)
            self._read_clock(from_created(since, _utcnow(), created_time(prediction)))
            self.ledger.created(entry.key, prediction.id)
            # Never adopted for another input (by a Ctrl-C's lookup of its unrecorded create).
            self._known.add(prediction.id)
            self.tally.created += 1
            self._progress()
            return prediction

    def _throttled(self, delay: float | None, *, sent: float) -> None:
        # A server asking for an absurd pause (1e9 s, inf) gets the retry policy's longest
        # wait, and the batch goes on after it: every call ends.
        longest = self.client.retry_policy.max_retry_after
        if delay is not None and not 0 <= delay <= longest:
            delay = longest if delay > longest else None  # negative or NaN: no pause asked
        self.limiter.throttled(delay, sent)

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
            attempts = self.ledger.unrecorded()
            attempts.setdefault(entry.key, Attempt(since, offset=self._clock))
            unrecorded = await self._spans(attempts)
            recent, unread = await self._recent({entry.key: unrecorded[entry.key]})
            # Other creates in flight now may have made a prediction this input cannot be
            # told apart from (see recovery.Lookup.twins): then it is left to the rerun.
            lookup = self._look_up(entry.key, recent, unrecorded)
            if unread:
                logger.warning("input %s: %s; left for the rerun", entry.key, unread[entry.key])
            elif lookup.twins:
                logger.warning("input %s: %s; left for the rerun", entry.key, _untold(lookup))
            elif lookup.found:
                found = lookup.found[0]
                self.ledger.created(entry.key, found.id)
                await found.async_cancel()
                self.ledger.interrupted(entry.key)
        except Exception as exc:
            logger.warning("input %s: could not cancel its prediction: %s", entry.key, exc)


def _unknown(unsure: list[Entry], exc: Exception) -> str:
    """Why the batch stops when its unrecorded creates cannot be looked up."""
    keys = ", ".join(e.key for e in unsure[:3]) + (", ..." if len(unsure) > 3 else "")
    return (
        f"could not look up the predictions of {len(unsure)} input(s) whose create got no "
        f"answer ({keys}): {one_line(exc)}; their state is unknown, so nothing was created "
        "(none twice); a rerun tries again"
    )


def _unread(exc: TooManyPredictions) -> str:
    """Why an input's unrecorded create was neither adopted nor made again."""
    return (
        f"its create may have reached the API, but {exc}, too many to look through for it; "
        "not created again: check the account's predictions of that time, then run it again, "
        "with another ledger, if it did not run"
    )


def _untold(lookup: Lookup) -> str:
    """Why an input's unrecorded create was neither adopted nor made again."""
    found = ", ".join(p.id for p in lookup.found)
    return (
        f"its create may have reached the API, and so may those of {', '.join(lookup.twins)}, "
        f"which differ from it only in inputs the API hides ({', '.join(lookup.hidden)}), so "
        f"their predictions ({found}) cannot be told apart; not adopted and not created again: "
        "check those predictions and run again, with another ledger, the inputs that did not run"
    )


async def _shielded(work: Coroutine[Any, Any, None]) -> None:
    """Run ``work`` to its end (at most CANCEL_TIMEOUT) although our task is being cancelled."""
    task = asyncio.ensure_future(work)
    try:
        await asyncio.wait_for(asyncio.shield(task), CANCEL_TIMEOUT)
    except (asyncio.CancelledError, TimeoutError):
        await asyncio.wait({task}, timeout=CANCEL_TIMEOUT)


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
    from ..deployment import Deployment

    if isinstance(ref, Deployment):
        raise InvalidArgumentError(
            f"Invalid argument: deployment {ref.owner}/{ref.name}. Batches do not support "
            "deployments: pass a model or a version, or create the deployment's predictions "
            "with client.deployments.predictions.create"
        )
    run_target(ref)  # a bad ref fails here, before the ledger file is created
    checked, secrets = check_inputs(inputs, key)
    items = select_shard(checked, shard)
    owns = not isinstance(ledger, Ledger)
    opened = ledger if isinstance(ledger, Ledger) else Ledger(ledger or ":memory:")
    return BatchRun(client, ref, items, opened, options, key_kind(key), secrets), owns


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
    return in_thread(client, async_batch(client, ref, inputs, **params))
