"""The I/O-free cores driven the h11 way: scripted results in, the next action out, no sockets.

Waiting, streaming with reconnects and the transport's retries are generators that yield
what they want done and receive what happened. These tests play the part of the drivers:
each test answers a flow's actions from a script and checks every decision it makes.
"""

from __future__ import annotations

import time
from collections.abc import Generator
from typing import Any

import httpx
import pytest

from replicate._flows.flow import (
    NO_DEADLINE,
    Cancel,
    Deadline,
    Emit,
    OpenStream,
    ReadChunk,
    Reload,
    Sleep,
    guard_deadline,
    stream_events_flow,
    wait_flow,
)
from replicate._http.api_transport import Attempt, Backoff, ReadBody, _Gate, exchange
from replicate._http.retry import RetryPolicy
from replicate.exceptions import PredictionTimeoutError, ReplicateError, StreamError
from replicate.prediction import Prediction

STREAM = "https://stream.replicate.com/v1/streams/abc"


def _job(status: str = "starting") -> Prediction:
    return Prediction(id="p1", status=status)


def _first(flow: Generator[Any, Any, Any]) -> Any:
    return next(flow)


def _finished(flow: Generator[Any, Any, Any], value: Any = None) -> Any:
    """Send ``value`` and expect the flow to end; returns its result."""
    with pytest.raises(StopIteration) as stop:
        flow.send(value)
    return stop.value.value


# --- waiting ---------------------------------------------------------------------------


def test_waiting_without_a_stream_polls_at_the_fixed_interval_until_terminal() -> None:
    job = _job()
    flow = wait_flow(job, deadline=NO_DEADLINE, poll_interval=0.5, stream_url=None)
    assert _first(flow) == Sleep(0.5)
    assert flow.send(None) == Reload(None)
    job.status = "processing"  # what the reload found
    assert flow.send(None) == Sleep(0.5)
    assert flow.send(None) == Reload(None)
    job.status = "succeeded"
    _finished(flow)


def test_waiting_on_a_stream_ends_at_its_done_event_with_one_reload_and_no_polling() -> None:
    job = _job()
    flow = wait_flow(job, deadline=NO_DEADLINE, poll_interval=None, stream_url=STREAM)
    opened = _first(flow)
    assert isinstance(opened, OpenStream) and opened.url == STREAM
    assert "Last-Event-ID" not in opened.headers and opened.read_timeout is None
    assert flow.send(None) == ReadChunk()
    # A model event means it runs; the waiter emits nothing (it only waits).
    assert flow.send(b"event: output\ndata: x\n\n") == ReadChunk()
    assert job.status == "processing"
    assert flow.send(b"event: done\ndata: {}\n\n") == Reload(None)
    job.status = "succeeded"
    _finished(flow)


def test_a_refused_stream_falls_back_to_polling() -> None:
    job = _job()
    flow = wait_flow(job, deadline=NO_DEADLINE, poll_interval=1.0, stream_url=STREAM)
    assert isinstance(_first(flow), OpenStream)
    refused = ReplicateError(status=404, detail="no stream")
    assert flow.throw(refused) == Reload(None)  # the state first: it may be done already
    assert flow.send(None) == Sleep(1.0)
    assert flow.send(None) == Reload(None)
    job.status = "failed"
    _finished(flow)


def test_any_failure_of_the_stream_falls_back_to_polling() -> None:
    # A test double that does not serve the stream raises its own error (respx: an
    # AssertionError): waiting polls on rather than failing.
    job = _job()
    flow = wait_flow(job, deadline=NO_DEADLINE, poll_interval=1.0, stream_url=STREAM)
    assert isinstance(_first(flow), OpenStream)
    assert flow.throw(AssertionError("not mocked")) == Reload(None)
    job.status = "succeeded"
    _finished(flow)


def test_an_already_terminal_job_needs_no_action() -> None:
    flow = wait_flow(_job("succeeded"), deadline=NO_DEADLINE, poll_interval=None, stream_url=None)
    with pytest.raises(StopIteration):
        next(flow)


def test_past_the_deadline_the_run_cancels_then_raises_the_timeout() -> None:
    job = _job()
    expired = Deadline(time.monotonic() - 1)
    waiting = wait_flow(job, deadline=expired, poll_interval=None, stream_url=None)
    flow = guard_deadline(waiting, job, cancel=True)
    assert _first(flow) == Cancel()
    with pytest.raises(PredictionTimeoutError) as raised:
        flow.send(None)
    assert raised.value.prediction is job


def test_a_wait_with_a_timeout_does_not_cancel() -> None:
    job = _job()
    waiting = wait_flow(
        job, deadline=Deadline(time.monotonic() - 1), poll_interval=None, stream_url=None
    )
    flow = guard_deadline(waiting, job, cancel=False)
    with pytest.raises(PredictionTimeoutError):
        next(flow)


# --- reconnecting ----------------------------------------------------------------------


def _collect(flow: Generator[Any, Any, Any], action: Any) -> tuple[list[Any], Any]:
    """Answer ``Emit`` actions (collecting their values) until another action comes."""
    emitted: list[Any] = []
    while isinstance(action, Emit):
        emitted += [str(value) for value in action.values]
        action = flow.send(None)
    return emitted, action


def test_a_dropped_stream_resumes_after_the_last_event_id_without_loss_or_repeats() -> None:
    flow = stream_events_flow(_job(), STREAM, NO_DEADLINE)
    assert isinstance(_first(flow), OpenStream)
    assert flow.send(None) == ReadChunk()
    action = flow.send(b"retry: 250\n\nid: 1\nevent: output\ndata: a\n\nid: 2\nevent: out")
    seen, action = _collect(flow, action)
    assert seen == ["a"] and action == ReadChunk()
    # The connection drops mid-event: wait the server's retry delay, reopen from event 1.
    assert flow.throw(httpx.ReadError("connection reset")) == Sleep(0.25)
    reopened = flow.send(None)
    assert isinstance(reopened, OpenStream)
    assert reopened.headers["Last-Event-ID"] == "1"
    assert flow.send(None) == ReadChunk()
    action = flow.send(b"id: 2\nevent: output\ndata: b\n\nid: 3\nevent: done\ndata: {}\n\n")
    emitted = [(event.event, event.data) for event in action.values]
    assert emitted == [("output", "b"), ("done", "{}")]  # event 2 once, in full; then done
    _finished(flow)  # done: no more reading, no reconnect


def test_a_stream_that_ends_cleanly_before_done_is_reopened() -> None:
    flow = stream_events_flow(_job(), STREAM, NO_DEADLINE)
    next(flow)
    assert flow.send(None) == ReadChunk()
    action = flow.send(b"id: 7\nevent: output\ndata: x\n\n")
    _, action = _collect(flow, action)
    step = flow.send(b"")  # end of body without a done event
    assert isinstance(step, Sleep)
    reopened = flow.send(None)
    assert isinstance(reopened, OpenStream) and reopened.headers["Last-Event-ID"] == "7"


def test_an_error_event_raises_after_the_events_before_it() -> None:
    flow = stream_events_flow(_job(), STREAM, NO_DEADLINE)
    next(flow)
    flow.send(None)
    action = flow.send(b'event: output\ndata: a\n\nevent: error\ndata: {"detail": "boom"}\n\n')
    assert action == Emit([action.values[0]]) and str(action.values[0]) == "a"
    # The job is fetched first, so that the error's prediction is the failed one ...
    assert isinstance(flow.send(None), Reload)
    with pytest.raises(StreamError, match="boom"):
        flow.send(None)
    # ... best effort: a failed fetch does not hide the stream's error.
    again = stream_events_flow(_job(), STREAM, NO_DEADLINE)
    next(again)
    again.send(None)
    again.send(b'event: error\ndata: {"detail": "boom"}\n\n')
    with pytest.raises(StreamError, match="boom"):
        again.throw(httpx.ReadError("the fetch failed"))


# --- retrying (the transport's exchange) -----------------------------------------------

API = httpx.URL("https://api.replicate.com/v1/")


def _exchange(method: str = "GET", **policy: Any) -> tuple[Generator[Any, Any, Any], Any]:
    gate = _Gate(API, lambda: "r8_test", RetryPolicy(**policy))
    request = httpx.Request(method, API.join("predictions/p1"))
    steps = exchange(gate, request)
    return steps, request


def _answer(request: httpx.Request, status: int, body: bytes, **headers: str) -> httpx.Response:
    # Unread, as the inner transport hands it over: the exchange asks for the body next.
    return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body), request=request)


def test_a_connection_error_then_a_503_are_retried_with_backoff_then_the_answer_returns() -> None:
    steps, request = _exchange(backoff_base=0.1, backoff_max=0.1)
    assert isinstance(next(steps), Attempt)
    assert request.headers["Authorization"] == "Bearer r8_test"
    slept = steps.throw(httpx.ConnectError("refused"))
    assert isinstance(slept, Backoff) and 0.05 <= slept.seconds <= 0.1
    assert isinstance(steps.send(None), Attempt)
    busy = _answer(request, 503, b'{"detail": "busy"}')
    read = steps.send(busy)
    assert isinstance(read, ReadBody) and read.response is busy
    slept = steps.send(b'{"detail": "busy"}')
    assert isinstance(slept, Backoff)
    assert isinstance(steps.send(None), Attempt)
    ok = _answer(request, 200, b'{"id": "p1"}')
    assert isinstance(steps.send(ok), ReadBody)
    response = _finished(steps, b'{"id": "p1"}')
    assert response.status_code == 200 and response.read() == b'{"id": "p1"}'


def test_retry_after_is_honoured() -> None:
    steps, request = _exchange()
    next(steps)
    steps.send(_answer(request, 429, b"{}", **{"Retry-After": "3"}))
    slept = steps.send(b"{}")
    assert isinstance(slept, Backoff) and slept.seconds == pytest.approx(3.0)


def test_a_client_error_is_raised_at_once() -> None:
    steps, request = _exchange()
    next(steps)
    steps.send(_answer(request, 404, b'{"detail": "not found"}'))
    with pytest.raises(ReplicateError) as raised:
        steps.send(b'{"detail": "not found"}')
    assert raised.value.status == 404


def test_a_create_is_not_replayed_after_a_server_error() -> None:
    steps, request = _exchange("POST")
    next(steps)
    steps.send(_answer(request, 500, b'{"detail": "oops"}'))
    with pytest.raises(ReplicateError):
        steps.send(b'{"detail": "oops"}')


def test_retries_stop_after_max_retries() -> None:
    steps, _ = _exchange(max_retries=2, backoff_base=0.0)
    step = next(steps)
    sleeps = 0
    with pytest.raises(httpx.ConnectError):
        while True:
            assert isinstance(step, Attempt)
            step = steps.throw(httpx.ConnectError("refused"))
            assert isinstance(step, Backoff)
            sleeps += 1
            step = steps.send(None)
    assert sleeps == 2


def test_only_a_resend_throttled_again_widens_the_spacing() -> None:
    # Another request holds a slot ahead, so this one's resends queue behind it.
    gate = _Gate(API, lambda: "r8_test", RetryPolicy(backoff_base=0.0))
    creates = gate.slots.creates
    creates.reserve(time.monotonic(), 5.0, again=False)
    request = httpx.Request("POST", API.join("predictions"))
    steps = exchange(gate, request)
    next(steps)
    # A refused connection, then a 429: the 429 is this request's first, not a resend's.
    assert isinstance(steps.throw(httpx.ConnectError("refused")), Backoff)
    next(steps)
    steps.send(_answer(request, 429, b"{}", **{"Retry-After": "0"}))
    assert isinstance(steps.send(b"{}"), Backoff)
    assert creates.spacing == pytest.approx(0.1)
    # The resend at its slot is refused again: now the spacing is too tight.
    next(steps)
    steps.send(_answer(request, 429, b"{}", **{"Retry-After": "0"}))
    assert isinstance(steps.send(b"{}"), Backoff)
    assert creates.spacing == pytest.approx(0.2)
