"""Every call ends: total time bounds against servers that trickle or never answer.

Each test uses a small client timeout (1 s) against a server that sends one byte per
second or nothing at all, and checks that the call ends within its bound plus a
grace. The servers stop themselves after their lifetime, so on a client without
these bounds the test fails on the elapsed time rather than hanging.
"""

from __future__ import annotations

import contextlib
import json
import math
import time
from typing import Any

import httpx
import pytest
from support.hostile import (
    TOKEN,
    Hostile,
    call,
    client,
    head,
    prediction,
    respond,
    respond_json,
    silent,
    trickle,
)

from replicate import Client
from replicate._flows.drive import DEADLINE_GRACE
from replicate.exceptions import PredictionTimeoutError, ReplicateError
from replicate.helpers import FileOutput

# Scheduling noise on a shared 2-core machine, on top of each documented bound.
SLACK = 1.5
pytestmark = pytest.mark.anyio
# "aiohttp": async calls through AiohttpTransport, which keeps the same bounds itself.
MODES = ["sync", "async", "aiohttp"]


def with_transport(mode: str, options: dict[str, Any]) -> dict[str, Any]:
    """Client options for ``mode``."""
    if mode != "aiohttp":
        return options
    from replicate.transports import AiohttpTransport

    return {**options, "transport": AiohttpTransport()}


BODY = json.dumps(prediction(status="processing")).encode()
# Status line and headers of a JSON answer (trickled, or sent at once before a trickled body).
TRICKLED_STATUS = head(200, {"Content-Type": "application/json", "Content-Length": str(len(BODY))})


def _trickled_body(conn: Any) -> None:
    conn.send(TRICKLED_STATUS)  # status line and headers at once
    trickle(BODY)(conn)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "script", [trickle(TRICKLED_STATUS + BODY), _trickled_body], ids=["whole", "body"]
)
async def test_a_trickled_answer_is_bounded_by_the_client_timeout(mode: str, script: Any) -> None:
    with Hostile(lambda m, p: script, lifetime=12) as server:
        replicate = client(server.url, **with_transport(mode, {}))
        start = time.monotonic()
        with pytest.raises(httpx.ReadTimeout):
            await call(mode, replicate.predictions, "get", "p1")
        # the read timeout (1 s), counted from when the request was written
        assert time.monotonic() - start < 2.0 + SLACK


@pytest.mark.parametrize("mode", MODES)
async def test_trickled_download_falls_below_the_rate_floor(mode: str) -> None:
    file_head = head(200, {"Content-Type": "application/octet-stream"})
    with Hostile(lambda m, p: trickle(file_head + b"x" * 1000), lifetime=12) as server:
        replicate = client(server.url, **with_transport(mode, {}))
        output = FileOutput(server.url + "/file.bin", replicate)
        start = time.monotonic()
        with pytest.raises(httpx.ReadTimeout):
            if mode == "sync":
                output.read()
            else:
                await output.aread()
        # headers within connect + read; then one read-timeout window of the rate floor
        assert time.monotonic() - start < 2.0 + 1.0 + 1.0 + SLACK


@pytest.mark.parametrize("mode", MODES)
async def test_a_download_whose_body_trickles_falls_below_the_rate_floor(mode: str) -> None:
    # Headers at once, then a byte every 0.3 s: each read is well within the read timeout,
    # and only the floor (64 KiB per read-timeout window) can end it. It must see every read,
    # not pieces of 64 KiB that a trickle never completes.
    def script(conn: Any) -> None:
        conn.send(head(200, {"Content-Type": "application/octet-stream"}))
        trickle(b"x" * 1000, interval=0.3)(conn)

    with Hostile(lambda m, p: script, lifetime=12) as server:
        replicate = client(server.url, **with_transport(mode, {}))
        output = FileOutput(server.url + "/file.bin", replicate)
        start = time.monotonic()
        with pytest.raises(httpx.ReadTimeout, match="the floor is"):
            if mode == "sync":
                output.read()
            else:
                await output.aread()
        # one read-timeout window of the floor, after the headers
        assert time.monotonic() - start < 1.0 + 1.0 + SLACK


def _run_server(get: Any, cancel: Any, create: Any = None) -> Hostile:
    def route(method: str, path: str) -> Any:
        if method == "POST" and path.endswith("/cancel"):
            return cancel
        if method == "POST":
            return create or respond_json(201, prediction())
        return get

    return Hostile(route, lifetime=12)


@pytest.mark.parametrize("mode", MODES)
async def test_run_ends_by_its_deadline_when_the_create_is_never_answered(mode: str) -> None:
    # A default client (60 s read timeout): the run's own bound must win. The look-up of
    # the prediction the create may have made gets the deadline's grace, and no answer.
    with _run_server(silent(), silent(), create=silent()) as server:
        replicate = Client(TOKEN, **with_transport(mode, {"base_url": server.url}))
        start = time.monotonic()
        with pytest.raises(PredictionTimeoutError) as caught:
            await call(mode, replicate, "run", "owner/model", input={}, wait=False, timeout=1.5)
        assert time.monotonic() - start < 1.5 + DEADLINE_GRACE + SLACK
        assert caught.value.prediction is None
        assert isinstance(caught.value.__cause__, httpx.TimeoutException)
        assert [m for m, _ in server.requests] == ["POST", "GET"]


@pytest.mark.parametrize("mode", MODES)
async def test_run_ends_by_its_deadline_when_polls_and_the_cancel_are_never_answered(
    mode: str,
) -> None:
    with _run_server(silent(), silent()) as server:
        replicate = Client(
            TOKEN, **with_transport(mode, {"base_url": server.url, "poll_interval": 0.1})
        )
        start = time.monotonic()
        with pytest.raises(PredictionTimeoutError):
            await call(mode, replicate, "run", "owner/model", input={}, wait=False, timeout=1.5)
        assert time.monotonic() - start < 1.5 + DEADLINE_GRACE + SLACK
        methods = [m for m, _ in server.requests]
        # one unanswered poll (never retried past the deadline), then the cancel
        assert methods.count("GET") == 1
        assert methods[-1] == "POST" and server.requests[-1][1].endswith("/cancel")


@pytest.mark.parametrize("mode", MODES)
async def test_run_ends_by_its_deadline_when_polls_trickle(mode: str) -> None:
    polled = head(200, {"Content-Type": "application/json"}) + BODY
    with _run_server(trickle(polled), respond(200, b"{}")) as server:
        replicate = Client(
            TOKEN, **with_transport(mode, {"base_url": server.url, "poll_interval": 0.1})
        )
        start = time.monotonic()
        with pytest.raises(PredictionTimeoutError):
            await call(mode, replicate, "run", "owner/model", input={}, wait=False, timeout=1.5)
        assert time.monotonic() - start < 1.5 + DEADLINE_GRACE + SLACK


@pytest.mark.parametrize("mode", MODES)
async def test_wait_ends_by_its_timeout_when_polls_are_never_answered(mode: str) -> None:
    with _run_server(silent(), silent()) as server:
        replicate = Client(
            TOKEN, **with_transport(mode, {"base_url": server.url, "poll_interval": 0.1})
        )
        server_prediction = replicate.predictions.create(model="owner/model", input={}, wait=False)
        start = time.monotonic()
        with pytest.raises(PredictionTimeoutError):
            await call(mode, server_prediction, "wait", timeout=1.0)
        assert time.monotonic() - start < 1.0 + SLACK


# --- no argument makes the client spin -------------------------------------------------------

BAD_SECONDS = [math.nan, math.inf, -math.inf, -1.0]


@pytest.mark.parametrize("value", BAD_SECONDS)
def test_bad_wait_timeouts_are_refused_before_anything_is_sent(value: float) -> None:
    with _run_server(respond_json(200, prediction()), silent()) as server:
        replicate = Client(TOKEN, base_url=server.url)
        job = replicate.predictions.create(model="owner/model", input={}, wait=False)
        sent = len(server.requests)
        with pytest.raises((TypeError, ValueError), match="timeout"):
            job.wait(timeout=value)
        assert len(server.requests) == sent


@pytest.mark.parametrize("value", BAD_SECONDS)
@pytest.mark.parametrize("how", ["run", "stream", "deadline"])
def test_bad_run_bounds_are_refused_before_anything_is_sent(value: float, how: str) -> None:
    with _run_server(silent(), silent(), create=silent()) as server:
        replicate = Client(TOKEN, base_url=server.url)
        with pytest.raises((TypeError, ValueError)):
            if how == "run":
                replicate.run("owner/model", input={}, timeout=value)
            elif how == "stream":  # a generator, as in 1.x: checked at the first iteration
                next(replicate.stream("owner/model", input={}, timeout=value))
            else:  # a deadline is a datetime; a number (NaN above all) is refused
                replicate.run("owner/model", input={}, deadline=value)
        assert server.requests == []


@pytest.mark.parametrize(
    "options",
    [
        {"max_retries": math.nan},
        {"max_retries": math.inf},
        {"max_retries": -1},
        {"max_retries": 2.5},
        {"timeout": math.nan},
        {"timeout": math.inf},
        {"timeout": -1},
        {"timeout": httpx.Timeout(5.0, read=math.nan)},
        {"timeout": httpx.Timeout(5.0, connect=-1.0)},
    ],
    ids=repr,
)
def test_bad_client_numbers_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises((TypeError, ValueError)):
        Client(TOKEN, base_url="http://127.0.0.1:9", **options)


@pytest.mark.parametrize("field", ["max_retries", "backoff_base", "backoff_max", "max_retry_after"])
@pytest.mark.parametrize("value", BAD_SECONDS)
def test_bad_retry_policy_fields_are_refused(field: str, value: float) -> None:
    from replicate import RetryPolicy

    with pytest.raises((TypeError, ValueError), match=field):
        RetryPolicy(**{field: value})


# --- answers the operation does not expect ----------------------------------------------------


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_a_redirect_from_the_api_is_a_replicate_error(mode: str, status: int) -> None:
    with Hostile(lambda m, p: respond(status, b"", {"Location": "/v1/other"})) as server:
        replicate = client(server.url)
        with pytest.raises(ReplicateError) as caught:
            await call(mode, replicate.predictions, "get", "p1")
        assert caught.value.status == status


@pytest.mark.parametrize("mode", MODES)
async def test_stream_ends_by_its_deadline_when_the_event_stream_trickles(mode: str) -> None:
    base: list[str] = []

    def route(method: str, path: str) -> Any:
        if method == "POST" and not path.endswith("/cancel"):
            urls = {"stream": f"{base[0]}/stream/p1", "get": f"{base[0]}/v1/predictions/p1"}
            return respond_json(201, prediction(urls=urls))
        if path.startswith("/stream/"):
            return trickle(head(200, {"Content-Type": "text/event-stream"}) + b": x\n" * 100)
        return respond_json(200, prediction())

    with Hostile(route, lifetime=12) as server:
        base.append(server.url)
        replicate = Client(TOKEN, **with_transport(mode, {"base_url": server.url}))
        start = time.monotonic()
        with pytest.raises(PredictionTimeoutError):
            if mode == "sync":
                for _ in replicate.stream("owner/model", input={}, timeout=1.5):
                    pass
            else:
                async for _ in await replicate.async_stream("owner/model", input={}, timeout=1.5):
                    pass
        assert time.monotonic() - start < 1.5 + DEADLINE_GRACE + SLACK


def _unread_upload_server(lifetime: float) -> Any:
    """A server that accepts connections and never reads what is sent (nor answers)."""
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def serve() -> None:
        listener.settimeout(lifetime)
        with contextlib.suppress(OSError):
            while True:
                held.append(listener.accept()[0])

    threading.Thread(target=serve, daemon=True).start()
    return listener, held


@pytest.mark.parametrize("mode", MODES)
async def test_an_upload_the_server_never_reads_ends_with_a_write_timeout(
    mode: str, tmp_path: Any
) -> None:
    # Found with a hostile server: through AiohttpTransport (aiohttp has no write timeout)
    # an upload nobody read hung for ever; httpx's transport ends it by its write timeout.
    listener, held = _unread_upload_server(lifetime=15)
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        replicate = client(url, **with_transport(mode, {}))
        big = tmp_path / "big.bin"
        with big.open("wb") as out:
            out.truncate(64 * 1024 * 1024)  # far more than the socket buffers hold
        start = time.monotonic()
        with pytest.raises(httpx.WriteTimeout):
            await call(mode, replicate.files, "create", big)
        assert time.monotonic() - start < 2.0 + SLACK
    finally:
        listener.close()
        for sock in held:
            sock.close()


@pytest.mark.parametrize("mode", MODES)
async def test_the_answer_to_an_upload_is_bounded_by_the_client_timeout(mode: str) -> None:
    with Hostile(lambda m, p: _trickled_body, lifetime=12) as server:
        replicate = client(server.url, **with_transport(mode, {}))
        start = time.monotonic()
        with pytest.raises(httpx.ReadTimeout):
            await call(mode, replicate.files, "create", b"some bytes to upload")
        assert time.monotonic() - start < 2.0 + SLACK


@pytest.mark.parametrize("mode", MODES)
async def test_a_wait_on_a_stream_that_only_keeps_alive_checks_the_status(
    mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Found with a hostile server: a stream sending keep-alive comments for ever, never an
    # event, held wait() for ever although the prediction had long finished.
    from replicate._flows import flow

    monkeypatch.setattr(flow, "QUIET_RECHECK", 0.5)

    def keep_alive(conn: Any) -> None:
        conn.send(head(200, {"Content-Type": "text/event-stream"}))
        while True:
            conn.send(b": keep-alive\n\n")
            conn.sleep(0.1)

    def route(method: str, path: str) -> Any:
        if path.startswith("/stream"):
            return keep_alive
        status = "starting" if method == "POST" else "succeeded"
        return respond_json(200, prediction(status=status, output="done"))

    with Hostile(route, lifetime=20) as server:
        replicate = client(server.url, **with_transport(mode, {}))
        created = replicate.predictions.create(model="owner/model", input={}, wait=False)
        created.urls = {**(created.urls or {}), "stream": server.url + "/stream/p1"}
        start = time.monotonic()
        await call(mode, created, "wait")
        assert created.status == "succeeded" and created.output == "done"
        assert time.monotonic() - start < 0.5 + 2.0 + SLACK
