"""The fault matrix: every client operation against every fault, sync and async.

Each cell injects one fault into the request that characterises the operation (the create
POST of ``run`` in sync mode, the final GET of ``run`` with polling, the event-stream GET of
``wait`` and ``stream``, the next-page GET of pagination, the download of ``FileOutput``) on a
real loopback emulator, and asserts the documented outcome (docs/reliability.md):

* success after retrying, with exactly as many requests seen by the server as the client
  sent (baseline + the retries the rule allows), or
* a specific exception with a useful message,

plus the invariants: nothing created twice (server-side count), streamed tokens exactly the
server's (none lost, repeated or reordered), the call ends within its bound (pytest-timeout),
and no connection is left checked out of the pool.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import attrs
import httpx
import pytest
from support.reliability_support import (
    FAST_RETRIES,
    RESTART_RETRIES,
    LiveEmulator,
    Middlebox,
    call,
    checked_out,
    make_client,
)

import replicate
from replicate.emulator.catalog import png_bytes
from replicate.exceptions import ReplicateError, ReplicateException

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(10)]

READ_TIMEOUT = 0.25  # client read timeout in the timeout cells (the server takes 0.4 s)
# In the slow-headers cells (the server takes 0.1 s): slow, yet well within the bound. 0.25 s
# left too little room for a loaded 2-core machine (an upload's answer timed out once).
SLOW_READ_TIMEOUT = 0.6
STREAM_TOKENS = 12


@attrs.define
class Ctx:
    """One cell's world: the server, the client and its middlebox, scratch state."""

    live: LiveEmulator
    middlebox: Middlebox
    client: replicate.Client
    mode: str
    state: dict[str, Any] = attrs.field(factory=dict)


# -- operations ------------------------------------------------------------------------------

Sent = Callable[[str, str], bool]  # (method, path) -> is this a request under test?


@attrs.frozen
class Op:
    """One client operation and the request of it that faults are injected into."""

    name: str
    route: str  # the emulator fault route of the request under test
    method: str
    sent: Sent
    act: Callable[[Ctx], Awaitable[Any]]
    check: Callable[[Ctx, Any], None]
    prepare: Callable[[Ctx], Awaitable[None]] | None = None
    creates: str | None = "prediction"  # what the act creates server-side, at most once
    waits: bool = False  # the request carries Prefer: wait (its read timeout is stretched)
    baseline: int = 1  # requests under test in a fault-free run


def _posts_to(suffix: str) -> Sent:
    return lambda method, path: method == "POST" and path.endswith(suffix)


def _gets_under(prefix: str) -> Sent:
    return lambda method, path: method == "GET" and path.startswith(prefix)


def _is_prediction_get(method: str, path: str) -> bool:
    return method == "GET" and path.startswith("/v1/predictions/") and path.count("/") == 3


def _is_prediction_list(method: str, path: str) -> bool:
    return method == "GET" and path == "/v1/predictions"


async def act_run_sync_mode(ctx: Ctx) -> Any:
    return await call(ctx.mode, ctx.client, "run", "emulator/echo", {"text": "hello"})


async def act_run_polling(ctx: Ctx) -> Any:
    return await call(ctx.mode, ctx.client, "run", "emulator/echo", {"text": "hello"}, wait=False)


def check_echo(ctx: Ctx, output: Any) -> None:
    assert output == "hello"
    (job,) = ctx.live.predictions.values()
    assert job.output == "hello"


async def act_create(ctx: Ctx) -> Any:
    return await call(
        ctx.mode, ctx.client.predictions, "create", model="emulator/echo", input={"text": "hi"}
    )


def check_created(ctx: Ctx, prediction: Any) -> None:
    assert list(ctx.live.predictions) == [prediction.id]


async def prepare_wait(ctx: Ctx) -> None:
    if ctx.state.get("long"):  # still running when the server restarts
        prediction = ctx.client.predictions.create(model="emulator/slow", input={"seconds": 8})
    else:
        prediction = ctx.client.predictions.create(
            model="emulator/stream-text", input={"prompt": "wait", "max_tokens": STREAM_TOKENS}
        )
        assert ctx.live.wait_for(lambda: ctx.live.predictions[prediction.id].done)
    ctx.state["prediction"] = prediction


async def act_wait(ctx: Ctx) -> Any:
    prediction = ctx.state["prediction"]
    await call(ctx.mode, prediction, "wait")
    return prediction


def check_waited(ctx: Ctx, prediction: Any) -> None:
    assert prediction.status == "succeeded"
    assert prediction.output == ctx.live.predictions[prediction.id].output


async def act_stream(ctx: Ctx) -> list[str]:
    events: Any
    inputs = {"prompt": "reliable", "max_tokens": STREAM_TOKENS}
    tokens: list[str] = []
    restart_after = ctx.state.get("restart_after")
    if ctx.mode == "sync":
        events = ctx.client.stream("emulator/stream-text", input=inputs)
        for event in events:
            if event.event == "output":
                tokens.append(str(event))
                if len(tokens) == restart_after:
                    ctx.live.restart()
        return tokens
    async for event in await ctx.client.async_stream("emulator/stream-text", input=inputs):
        if event.event == "output":
            tokens.append(str(event))
            if len(tokens) == restart_after:
                await anyio.to_thread.run_sync(ctx.live.restart)
    return tokens


def check_tokens(ctx: Ctx, tokens: list[str]) -> None:
    (job,) = ctx.live.predictions.values()
    assert job.status == "succeeded"
    assert len(job.output) == STREAM_TOKENS
    assert tokens == job.output  # nothing lost, repeated or reordered


FILE_BODY = b"reliable bytes \x00\xff" * 64


async def act_files_create(ctx: Ctx) -> Any:
    return await call(ctx.mode, ctx.client.files, "create", FILE_BODY, filename="data.bin")


def check_file(ctx: Ctx, file: Any) -> None:
    files = ctx.live.files
    assert list(files) == [file.id]
    assert file.size == len(FILE_BODY)


async def prepare_pages(ctx: Ctx) -> None:
    ctx.live.app.store.page_size = 2
    created = [
        ctx.client.predictions.create(model="emulator/echo", input={"text": f"t{i}"}).id
        for i in range(5)
    ]
    first = ctx.client.predictions.list()
    ctx.state.update(created=created, first=first)


async def act_pages(ctx: Ctx) -> list[str]:
    first = ctx.state["first"]
    ids = [p.id for p in first]
    cursor = first.next
    while cursor:
        page = await call(ctx.mode, ctx.client.predictions, "list", cursor)
        ids += [p.id for p in page]
        cursor = page.next
    return ids


def check_pages(ctx: Ctx, ids: list[str]) -> None:
    assert ids == list(reversed(ctx.state["created"]))  # newest first, each exactly once


async def prepare_file_output(ctx: Ctx) -> None:
    outputs = ctx.client.run("emulator/image", {"prompt": "dots"})
    ctx.state["file"] = outputs[0]


async def act_file_output(ctx: Ctx) -> bytes:
    file = ctx.state["file"]
    data: bytes = file.read() if ctx.mode == "sync" else await file.aread()
    return data


def check_file_bytes(ctx: Ctx, data: bytes) -> None:
    assert data == png_bytes("dots/0")


OPS = [
    Op(
        "run-sync-mode",
        "models.predictions.create",
        "POST",
        _posts_to("/emulator/echo/predictions"),
        act_run_sync_mode,
        check_echo,
        waits=True,
    ),
    Op(
        "run-polling",
        "predictions.get",
        "GET",
        _is_prediction_get,
        act_run_polling,
        check_echo,
    ),
    Op(
        "predictions.create",
        "models.predictions.create",
        "POST",
        _posts_to("/emulator/echo/predictions"),
        act_create,
        check_created,
    ),
    Op(
        "wait",
        "stream",
        "GET",
        _gets_under("/stream/"),
        act_wait,
        check_waited,
        prepare=prepare_wait,
        creates=None,
    ),
    Op("stream", "stream", "GET", _gets_under("/stream/"), act_stream, check_tokens),
    Op(
        "files.create",
        "files.create",
        "POST",
        _posts_to("/v1/files"),
        act_files_create,
        check_file,
        creates="file",
    ),
    Op(
        "list-pagination",
        "predictions.list",
        "GET",
        _is_prediction_list,
        act_pages,
        check_pages,
        prepare=prepare_pages,
        creates=None,
        baseline=2,
    ),
    Op(
        "FileOutput.read",
        "output",
        "GET",
        _gets_under("/output/"),
        act_file_output,
        check_file_bytes,
        prepare=prepare_file_output,
        creates=None,
    ),
]


# -- faults ----------------------------------------------------------------------------------


# Operations whose request under test is answered with JSON.
JSON_OPS = ("run-sync-mode", "run-polling", "predictions.create", "files.create", "list-pagination")


@attrs.frozen
class Fault:
    """A fault and how to inject it; ``kind`` selects the documented outcome."""

    name: str
    kind: str
    emulator: dict[str, Any] = attrs.field(factory=dict)
    middlebox: str | None = None
    times: int = 1
    only: tuple[str, ...] = ()  # operations this fault applies to (empty: all)
    # On an event stream the emulator cannot cut the body by bytes; it cuts after N events.
    on_streams: dict[str, Any] | None = None
    not_on_streams: bool = False

    def injected(self, op: Op) -> dict[str, Any]:
        if op.route == "stream" and self.on_streams is not None:
            return self.on_streams
        return self.emulator


FAULTS = [
    Fault("429-retry-after", "throttle", {"status": 429, "retry_after": 0.01}, times=2),
    Fault(
        "429-no-retry-after",
        "throttle",
        {"status": 429, "retry_after": 0.01},
        middlebox="strip-retry-after",
        times=2,
    ),
    Fault("429-persistent", "throttle-forever", {"status": 429, "retry_after": 0.001}, times=99),
    *(Fault(str(s), "server-error", {"status": s}, times=2) for s in (500, 502, 503, 504)),
    Fault("520-html", "server-error", {"status": 520}, times=2),
    Fault("502-html-proxy-page", "server-error", {"status": 502}, middlebox="html", times=2),
    Fault("connection-refused", "refused"),
    Fault("connection-dropped", "dropped", {"drop": True}),
    Fault(
        "reset-mid-response",
        "cut",
        {"truncate": 0},
        on_streams={"sse_disconnect_after": 1, "drop": True},
    ),
    Fault("truncated-body", "cut", {"truncate": 40}, not_on_streams=True),
    Fault("read-timeout", "timeout", {"latency": 0.4}),
    Fault("slow-headers", "slow", {"latency": 0.1}),
    Fault(
        "sse-disconnect-repeatedly",
        "sse",
        {"sse_disconnect_after": 3},
        times=3,
        only=("stream", "wait"),
    ),
    Fault(
        "sse-cut-repeatedly",
        "sse",
        {"sse_disconnect_after": 2, "drop": True},
        times=4,
        only=("stream", "wait"),
    ),
    Fault("server-restart", "restart", only=("stream", "wait")),
    # A proxy that answers 200 with a JSON body cut short but a matching Content-Length.
    Fault("malformed-json-200", "malformed", middlebox="cut-json", only=JSON_OPS),
]


@attrs.frozen
class Outcome:
    """What a cell must end with."""

    error: type[BaseException] | None = None  # None: success
    extra: int = 0  # requests under test beyond the baseline (retries), on success
    attempts: int | None = None  # requests under test, on failure
    created: int | None = 1  # objects the faulted POST created server-side (None: 0 or 1)
    message: tuple[str, ...] = ()  # substrings the error message must contain


def expected(op: Op, fault: Fault) -> Outcome:
    """The documented outcome of ``fault`` on ``op`` (see docs/reliability.md)."""
    idempotent = op.method == "GET"
    all_attempts = FAST_RETRIES.max_retries + 1
    kind = fault.kind
    if kind == "throttle":  # 429 is retried for every method
        return Outcome(extra=fault.times)
    if kind == "throttle-forever" and op.name == "wait":
        # wait() gives up on a refused event stream and polls instead.
        return Outcome(extra=FAST_RETRIES.max_retries)
    if kind == "throttle-forever":  # ... but only max_retries times
        return Outcome(ReplicateError, attempts=all_attempts, created=0, message=("429",))
    if kind == "server-error":
        if idempotent:
            return Outcome(extra=fault.times)
        status = str(fault.emulator["status"])
        return Outcome(ReplicateError, attempts=1, created=0, message=(status, op.method))
    if kind == "refused":  # nothing was sent: retried for every method, then raised
        return Outcome(httpx.ConnectError, attempts=0, created=0)
    if kind == "dropped":  # not handled by the server, but the client cannot know that
        if idempotent:
            return Outcome(extra=1)
        return Outcome(httpx.TransportError, attempts=1, created=0)
    if kind == "cut":  # handled, answer lost: only idempotent requests may be repeated
        if idempotent:
            return Outcome(extra=1)
        return Outcome(httpx.TransportError, attempts=1, created=1)
    if kind == "timeout":
        if idempotent:
            return Outcome(extra=1)
        if op.waits:  # a Prefer: wait request's read timeout covers the hold
            return Outcome()
        # The server may still handle it after the client gave up: at most one is created.
        return Outcome(httpx.ReadTimeout, attempts=1, created=None)
    if kind == "sse":  # reconnect with Last-Event-ID after each disconnect
        return Outcome(extra=fault.times)
    if kind in ("slow", "restart"):
        return Outcome()
    if kind == "malformed":  # not retried (a broken proxy would repeat it): a clear error
        return Outcome(ReplicateException, attempts=1, message=("JSON", op.method))
    raise AssertionError(kind)


CELLS = [
    pytest.param(op, fault, id=f"{op.name}--{fault.name}")
    for op in OPS
    for fault in FAULTS
    if (not fault.only or op.name in fault.only)
    and not (fault.not_on_streams and op.route == "stream")
]


def matching(op: Op, requests: list[Any]) -> list[Any]:
    return [r for r in requests if op.sent(r.method, r.path)]


def created_count(ctx: Ctx, op: Op) -> int:
    if op.creates == "file":
        return len(ctx.live.files)
    return len(ctx.live.predictions)


def expected_created(op: Op, fault: Fault, outcome: Outcome) -> range:
    """How many objects the act may create server-side (a range, usually one value)."""
    if fault.kind == "refused":  # nothing reached the server
        return range(0, 1)
    if op.method == "POST" and outcome.error is not None:  # the faulted request creates
        return (
            range(0, 2) if outcome.created is None else range(outcome.created, outcome.created + 1)
        )
    return range(1, 2)


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize(("op", "fault"), CELLS)
async def test_cell(
    op: Op, fault: Fault, mode: str, live: LiveEmulator, middlebox: Middlebox
) -> None:
    await run_cell(op, fault, mode, live, middlebox)


# The same faults through the client's own default async transport (the sharded pool) instead
# of the counting middlebox (plain httpx pools): no pool slot or connection may leak.
DEFAULT_TRANSPORT_FAULTS = (
    "503",
    "connection-refused",
    "connection-dropped",
    "reset-mid-response",
    "read-timeout",
    "sse-cut-repeatedly",
)
DEFAULT_TRANSPORT_CELLS = [
    cell
    for cell in CELLS
    if cell.values[1].name in DEFAULT_TRANSPORT_FAULTS  # type: ignore[attr-defined]
]


@pytest.mark.parametrize(("op", "fault"), DEFAULT_TRANSPORT_CELLS)
async def test_cell_on_the_sharded_async_pool(op: Op, fault: Fault, live: LiveEmulator) -> None:
    await run_cell(op, fault, "async", live, None)


async def run_cell(
    op: Op, fault: Fault, mode: str, live: LiveEmulator, middlebox: Middlebox | None
) -> None:
    """Inject ``fault`` into ``op`` and check the documented outcome and the invariants.

    Without a middlebox the client's attempts are not observed; the server's count and the
    client's pools are still checked.
    """
    observer = middlebox or Middlebox()  # an unused one keeps the bookkeeping uniform
    policy = RESTART_RETRIES if fault.kind == "restart" else FAST_RETRIES
    read = {"timeout": READ_TIMEOUT, "slow": SLOW_READ_TIMEOUT}.get(fault.kind, 5.0)
    timeout = httpx.Timeout(read)
    client = make_client(live.base_url, middlebox, retry=policy, timeout=timeout)
    ctx = Ctx(live, observer, client, mode)
    if fault.kind == "restart":
        ctx.state.update(restart_after=4, long=True)
    if op.prepare is not None:
        await op.prepare(ctx)
    before_requests = len(live.requests)
    before_attempts = len(observer.attempts)
    before_created = created_count(ctx, op)
    outcome = expected(op, fault)

    if fault.injected(op):
        live.faults.add(op.route, **fault.injected(op), times=fault.times)
    rewrite = None
    if fault.middlebox:
        assert middlebox is not None
        rewrite = middlebox.add(
            fault.middlebox, lambda request: op.sent(request.method, request.url.path)
        )
    if fault.kind == "refused":
        live.crash()
    timer = None
    if fault.kind == "restart" and op.name != "stream":  # stream restarts it mid-iteration
        timer = threading.Timer(0.1, live.restart)
        timer.start()

    error: BaseException | None = None
    result: Any = None
    try:
        result = await op.act(ctx)
    except Exception as exc:
        error = exc
    finally:
        if timer is not None:
            timer.join()
        if fault.kind == "refused":
            live.start()

    allowed = expected_created(op, fault, outcome)
    if op.method == "POST":
        live.settle()  # a create the client gave up on may still be finishing on the server
    seen = matching(op, live.requests[before_requests:])
    attempts = observer.attempts[before_attempts:]
    sent = [a for a in attempts if op.sent(a.method, _path(a.url))]

    if outcome.error is None:
        assert error is None, f"expected success, got {error!r}"
        op.check(ctx, result)
        if fault.kind == "restart" and middlebox is not None:
            # Nothing reached the server that the client did not send. Not an equality: a
            # request in flight when the server is killed may or may not be on its record.
            reached = [a for a in sent if a.outcome != "ConnectError"]
            assert 1 <= len(seen) <= len(reached)
        else:
            assert len(seen) == op.baseline + outcome.extra
            assert middlebox is None or len(sent) == len(seen)
    else:
        assert isinstance(error, outcome.error), f"expected {outcome.error}, got {error!r}"
        # str() is 1.x's text; the request that failed is in the notes under it.
        text = "\n".join([str(error), *getattr(error, "__notes__", [])])
        for part in outcome.message:
            assert part in text, text
        assert len(seen) == outcome.attempts
        if fault.kind == "refused" and middlebox is not None:
            assert attempts and all(a.outcome == "ConnectError" for a in attempts)
            if op.method == "POST":  # one request, retried max_retries times
                assert len(attempts) == policy.max_retries + 1
    if rewrite is not None:
        assert rewrite.hits >= 1  # the proxy really rewrote the faulted answers
    if op.creates:
        assert created_count(ctx, op) - before_created in allowed
    assert checked_out(client) == 0, "a connection or pool slot is still checked out"


def _path(url: str) -> str:
    return httpx.URL(url).path
