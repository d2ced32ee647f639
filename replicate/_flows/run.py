"""``run_model`` / ``async_run_model``, behind ``Client.run`` / ``async_run``: create a
prediction, wait for it, return its output.

The prediction is created with ``Prefer: wait`` so short runs finish in one
request; longer ones are waited on through the prediction's event stream (or
adaptive polling). What happens after the create is one I/O-free flow
(:func:`run_flow`) run by a blocking or an async driver. Return types are 1.x's:
an output declared as an iterator comes back as a generator (async generator) when
the ref names a version, else as the finished list. ``rich=True`` opts in to
:class:`~replicate._flows.outputs.OutputIterator` / ``AsyncOutputIterator`` for every
iterator output (items as the model produces them, plus ``.prediction`` and ``.text()``).
"""

from __future__ import annotations

import datetime
import enum
import logging
import math
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Callable,
    Generator,
    Iterator,
    Sequence,
)
from typing import TYPE_CHECKING, Any, Final, Literal, TypedDict

import attrs
import httpx

from .._encoding.file_output import transform_output
from .._http.wallclock import bounded
from .._numbers import finite_seconds
from ..exceptions import ModelError, PredictionTimeoutError
from ..identifier import ModelVersionIdentifier, check_version_id, is_version_id, parse_ref
from .drive import CANCEL_TIMEOUT, DEADLINE_GRACE, AsyncDriver, SyncDriver, is_interrupt
from .flow import Deadline, Flow, Observer, guard_deadline, stream_url, wait_flow, within
from .orphans import async_cancel_orphan, cancel_orphan
from .outputs import (
    AsyncOutputIterator,
    OutputIterator,
    OutputKind,
    items_flow,
    output_kind,
    remember_schema,
    schema_flow,
)

if TYPE_CHECKING:
    from ..client import Client
    from ..prediction import Prediction

__all__ = ["AsyncOutputIterator", "OutputIterator", "RunParams", "async_run_model", "run_model"]

logger = logging.getLogger("replicate")

Progress = Callable[["Prediction"], None]


class RunParams(TypedDict, total=False):
    """Keyword arguments of :meth:`replicate.Client.run` and ``async_run``."""

    wait: bool | int
    use_file_output: bool | None
    timeout: float | datetime.timedelta | None
    deadline: datetime.datetime | None
    progress: Progress | None
    webhook: str
    webhook_completed: str
    webhook_events_filter: Sequence[str]
    cancel_after: str | int | float
    file_encoding_strategy: str
    stream: bool
    rich: bool


# The API refuses Cancel-After values under this many seconds.
MIN_CANCEL_AFTER = 5
MAX_PREFER_WAIT = 60
# Seconds a bounded run's ``Prefer: wait`` hold ends before its deadline: time for the
# answer to come back (and be read on a loaded machine) before the deadline cuts it off.
HOLD_MARGIN = 1.0


def names_version(ref: Any) -> bool:
    """Whether ``ref`` says which version (``owner/name:version``, a Version): then, as in
    1.x, an iterator output comes back as a generator; otherwise run waits for a list."""
    if isinstance(ref, ModelVersionIdentifier):
        return ref.version is not None
    if isinstance(ref, str):
        return ":" in ref
    return not hasattr(ref, "owner") and hasattr(ref, "openapi_schema")


def run_target(ref: Any) -> dict[str, Any]:
    """``model=``/``version=`` arguments of ``predictions.create`` for a run reference.

    Accepts ``owner/name``, ``owner/name:version``, a bare 64-hex version id, a
    Model, a Version or a ModelVersionIdentifier; anything else (a Deployment included)
    is a ``ValueError`` starting with 1.x's words, before any request: code written for 1.x
    catches or matches it.
    """
    from ..deployment import Deployment

    if isinstance(ref, Deployment):
        # It has an owner and a name, like a Model: taken for one, it would run the model
        # that happens to share the deployment's name.
        raise ValueError(
            f"Invalid argument: deployment {ref.owner}/{ref.name}. A deployment is not a model: "
            f"run it with client.deployments.predictions.create('{ref.owner}/{ref.name}', "
            "input=...) and wait for that prediction"
        )
    if isinstance(ref, ModelVersionIdentifier):
        if ref.version:
            return {"version": check_version_id(ref.version, f"the version in {ref!r}")}
        return {"model": (ref.owner, ref.name)}
    if isinstance(ref, str):
        if is_version_id(ref):
            return {"version": ref}
        return run_target(parse_ref(ref))
    if hasattr(ref, "owner") and hasattr(ref, "name"):
        return {"model": ref}
    if hasattr(ref, "openapi_schema") and hasattr(ref, "id"):
        return {"version": ref.id}
    raise ValueError(
        f"Invalid argument: {ref}. Expected model, version, or reference in the format "
        f"owner/name or owner/name:version (a version id, a Model or a Version also work; "
        f"got {type(ref).__name__})"
    )


# --- options -------------------------------------------------------------------------------


@attrs.frozen
class RunOptions:
    """Validated options of one run (or stream), decided before anything is sent."""

    use_file_output: bool
    deadline: Deadline
    create_args: dict[str, Any]
    progress: Progress | None = None
    #: Iterator outputs as OutputIterator whatever the ref (opt-in); else 1.x's types.
    rich: bool = False

    def items(self, client: Client, prediction: Prediction, kind: OutputKind) -> Flow[None]:
        """The flow emitting an iterator output's items under these options."""
        return items_flow(
            client,
            prediction,
            kind,
            use_file_output=self.use_file_output,
            deadline=self.deadline,
            observe=self.observer(prediction),
        )

    def observer(self, prediction: Prediction) -> Observer | None:
        """The progress callback bound to ``prediction`` (None without one)."""
        progress = self.progress
        if progress is None:
            return None
        return lambda: progress(prediction)


class _Default(enum.Enum):
    CLIENT = "client"


#: ``use_file_output`` not given: the client's setting. (Given as ``None``, it is off, as
#: in 1.x, where wrappers pass their own ``Optional[bool] = None`` through.)
CLIENT_DEFAULT: Final = _Default.CLIENT
FileOutputChoice = bool | None | Literal[_Default.CLIENT]


def run_options(
    client: Client,
    params: dict[str, Any],
    *,
    wait: bool | int = True,
    use_file_output: FileOutputChoice = CLIENT_DEFAULT,
    timeout: float | datetime.timedelta | None = None,
    deadline: datetime.datetime | None = None,
    progress: Progress | None = None,
    rich: bool = False,
) -> RunOptions:
    """Check the run-level arguments and compute the create arguments (sends nothing).

    With a time bound, ``Prefer: wait`` never holds past it and ``Cancel-After``
    tells the server to stop the model too (at least the API's 5 s minimum).
    """
    from ..prediction import prefer_header

    prefer_header(wait)  # refuse a bad wait now, before the time bound can shorten it
    seconds = _bound_seconds(timeout, deadline)
    if progress is not None and not callable(progress):
        raise TypeError("progress must be a callable taking the prediction")
    if use_file_output is CLIENT_DEFAULT:
        use_file_output = getattr(client, "use_file_output", True)
    create_args = dict(params)
    create_args["wait"] = _bounded_wait(wait, seconds)
    if seconds is not None and create_args.get("cancel_after") is None:
        create_args["cancel_after"] = f"{max(MIN_CANCEL_AFTER, math.ceil(seconds))}s"
    if not isinstance(rich, bool):
        raise TypeError("rich must be True or False")
    return RunOptions(bool(use_file_output), Deadline.after(seconds), create_args, progress, rich)


def _bound_seconds(
    timeout: float | datetime.timedelta | None, deadline: datetime.datetime | None
) -> float | None:
    if timeout is not None and deadline is not None:
        raise TypeError("pass either timeout= or deadline=, not both")
    if deadline is not None:
        if not isinstance(deadline, datetime.datetime):
            raise TypeError("deadline must be a datetime.datetime")
        now = datetime.datetime.now(deadline.tzinfo)
        timeout = (deadline - now).total_seconds()  # a datetime is always finite
        if timeout <= 0:
            raise ValueError(f"deadline {deadline.isoformat()} has already passed")
    if timeout is None:
        return None
    if isinstance(timeout, datetime.timedelta):
        timeout = timeout.total_seconds()
    return finite_seconds("timeout", timeout, positive=True)


def _bounded_wait(wait: bool | int, seconds: float | None) -> bool | int:
    """The ``wait`` to send: the hold ends :data:`HOLD_MARGIN` before the time bound, so
    that its answer arrives in time; with under ``1 + HOLD_MARGIN`` seconds, no hold."""
    if seconds is None or wait is False:
        return wait
    held = MAX_PREFER_WAIT if wait is True else wait
    if not isinstance(held, int) or isinstance(held, bool):
        return wait  # let predictions.create report the bad value
    bounded = min(held, math.floor(seconds - HOLD_MARGIN))
    return bounded if bounded >= 1 else False


# --- the flow after the create -------------------------------------------------------------


SchemaPolicy = Literal["never", "if-needed", "always"]


def schema_policy(ref: Any, options: RunOptions) -> SchemaPolicy:
    """When a run asks for the version schema (to learn if the output is an iterator).

    As 1.x: always when ``ref`` names a version, never otherwise (the run waits for
    the list). With ``rich=True``: whenever the output could still be an iterator.
    """
    if names_version(ref):
        return "always"
    return "if-needed" if options.rich else "never"


def run_flow(
    client: Client, prediction: Prediction, options: RunOptions, schema: SchemaPolicy
) -> Flow[OutputKind]:
    """Everything after the create: learn the output kind if ``schema`` says so, then wait.

    Returns the output kind; for iterator outputs it returns at once, and the
    caller iterates :func:`items_flow` instead of waiting.
    """
    observe = options.observer(prediction)
    if observe is not None:
        observe()
    kind = OutputKind()
    # The schema only matters if the output could be an iterator: still running, or a list.
    could_iterate = not prediction.done or isinstance(prediction.output, list)
    if schema == "always" or (schema == "if-needed" and could_iterate):
        fetched = within(options.deadline, schema_flow(client, prediction))
        kind = output_kind((yield from guard_deadline(fetched, prediction, cancel=True)))
    if kind.iterator:
        return kind
    waiting = wait_flow(
        prediction,
        deadline=options.deadline,
        poll_interval=client._poll_interval,
        stream_url=stream_url(prediction),
        observe=observe,
    )
    yield from guard_deadline(waiting, prediction, cancel=True)
    return kind


def finish(client: Client, prediction: Prediction, options: RunOptions) -> Any:
    """The run's result: the output of a succeeded prediction, else the right error."""
    if prediction.status != "succeeded":
        if options.deadline.expired and prediction.status in ("canceled", "aborted"):
            raise PredictionTimeoutError(prediction)  # the server's Cancel-After got there first
        raise ModelError(prediction)
    if options.use_file_output:
        return transform_output(prediction.output, client)
    return prediction.output


# --- the shells ------------------------------------------------------------------------------


def plan_run(
    client: Client,
    ref: Any,
    *,
    wait: bool | int = True,
    use_file_output: FileOutputChoice = CLIENT_DEFAULT,
    timeout: float | datetime.timedelta | None = None,
    deadline: datetime.datetime | None = None,
    progress: Progress | None = None,
    rich: bool = False,
    **params: Any,
) -> tuple[dict[str, Any], RunOptions]:
    """The create target and options of a run (see :meth:`replicate.Client.run`); sends nothing."""
    options = run_options(
        client,
        params,
        wait=wait,
        use_file_output=use_file_output,
        timeout=timeout,
        deadline=deadline,
        progress=progress,
        rich=rich,
    )
    return run_target(ref), options


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def create_prediction(
    client: Client, target: dict[str, Any], input: Any, options: RunOptions
) -> Prediction:
    """The run's create, answering by its deadline.

    A create cut off (by Ctrl-C, or by the deadline while ``Prefer: wait`` holds it or
    the server is slow) may have made a prediction that nobody knows the id of: it is
    found and cancelled, within the interrupt's or the deadline's grace.
    """
    since = _now()
    with bounded(options.deadline.at):
        try:
            return client.predictions.create(**target, input=input, **options.create_args)
        except KeyboardInterrupt:
            cancel_orphan(client, target, input, since, CANCEL_TIMEOUT)
            raise
        except httpx.TransportError as exc:
            if not options.deadline.expired:
                raise
            found = cancel_orphan(client, target, input, since, DEADLINE_GRACE)
            raise PredictionTimeoutError(found) from exc


async def async_create_prediction(
    client: Client, target: dict[str, Any], input: Any, options: RunOptions
) -> Prediction:
    """Async :func:`create_prediction` (task cancellation counts as an interrupt)."""
    since = _now()
    with bounded(options.deadline.at):
        try:
            return await client.predictions.async_create(
                **target, input=input, **options.create_args
            )
        except BaseException as exc:
            if is_interrupt(exc):
                await async_cancel_orphan(client, target, input, since, CANCEL_TIMEOUT)
            elif isinstance(exc, httpx.TransportError) and options.deadline.expired:
                found = await async_cancel_orphan(client, target, input, since, DEADLINE_GRACE)
                raise PredictionTimeoutError(found) from exc
            raise


def run_model(client: Client, ref: Any, input: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    """See :meth:`replicate.Client.run`."""
    target, options = plan_run(client, ref, **kwargs)
    prediction = create_prediction(client, target, input, options)
    # Every request of the run answers by its deadline (the cancel after it has a grace).
    with bounded(options.deadline.at):
        _remember_version_schema(client, ref, prediction)
        # Ctrl-C while waiting or iterating cancels the prediction on the server.
        driver = SyncDriver(client, prediction, cancel_on_interrupt=True)
        kind = driver.drive(run_flow(client, prediction, options, schema_policy(ref, options)))
    if kind.iterator:
        items = OutputIterator(driver, options.items(client, prediction, kind), kind)
        return items if options.rich else _generator(items)
    return finish(client, prediction, options)


def _remember_version_schema(client: Client, ref: Any, prediction: Prediction) -> None:
    # A Version given as ref carries its schema: no need to fetch it (1.x does not either).
    schema = getattr(ref, "openapi_schema", None)
    if schema is not None and not hasattr(ref, "owner"):
        remember_schema(client, prediction.model, prediction.version, schema)


def _generator(items: Iterator[Any]) -> Generator[Any, None, None]:
    # 1.x returns a plain generator, and code (e.g. tracing) checks for exactly that type.
    yield from items


async def _async_generator(items: AsyncIterator[Any]) -> AsyncGenerator[Any, None]:
    async for item in items:
        yield item


async def async_run_model(
    client: Client, ref: Any, input: dict[str, Any] | None = None, **kwargs: Any
) -> Any:
    """See :meth:`replicate.Client.async_run`."""
    target, options = plan_run(client, ref, **kwargs)
    prediction = await async_create_prediction(client, target, input, options)
    with bounded(options.deadline.at):
        _remember_version_schema(client, ref, prediction)
        driver = AsyncDriver(client, prediction, cancel_on_interrupt=True)
        kind = await driver.drive(
            run_flow(client, prediction, options, schema_policy(ref, options))
        )
    if kind.iterator:
        items = AsyncOutputIterator(driver, options.items(client, prediction, kind), kind)
        return items if options.rich else _async_generator(items)
    return finish(client, prediction, options)
