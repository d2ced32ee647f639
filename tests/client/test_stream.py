"""replicate.stream / async_stream / prediction.stream against the emulator."""

from __future__ import annotations

import json
import os
import signal
import threading
import types
from collections.abc import Iterator
from typing import Any

import anyio
import httpx
import pytest
from support.run_support import TOKEN, FileHost, client_for

from replicate._flows.drive import is_replicate_stream_host
from replicate._flows.outputs import AsyncOutputIterator, OutputIterator
from replicate.client import Client
from replicate.emulator import Emulator
from replicate.emulator.catalog import stream_tokens
from replicate.exceptions import ModelError, PredictionTimeoutError, ReplicateError, StreamError
from replicate.helpers import FileOutput
from replicate.prediction import Prediction
from replicate.stream import AsyncEventStream, EventStream, ServerSentEvent

TEXT = {"prompt": "sea", "max_tokens": 6}


def outputs(events: list[ServerSentEvent]) -> list[str]:
    return [str(e) for e in events if e.event == "output"]


def test_stream_events_in_order(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator)
    stream = client.stream("emulator/stream-text", input=TEXT, rich=True)
    events = list(stream)
    assert [e.event for e in events] == ["logs", *["output"] * 6, "logs", "done"]
    assert outputs(events) == stream_tokens("sea", 6)
    assert events[-1].event == ServerSentEvent.EventType.DONE
    assert json.loads(events[-1].data) == {}
    assert [int(e.id) for e in events] == list(range(1, 10))
    assert str(events[0]) == ""  # only output events have text
    assert stream.prediction.id in replicate_emulator.predictions
    body = json.loads(replicate_emulator.requests[0].body or b"{}")
    assert "stream" not in body and "prefer" not in replicate_emulator.requests[0].headers


def test_stream_is_a_lazy_generator_by_default(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator)
    stream = client.stream("emulator/stream-text", input=TEXT)
    assert isinstance(stream, types.GeneratorType), "1.x's type, which tracing wrappers expect"
    assert replicate_emulator.requests == [], "as in 1.x, nothing is sent before iterating"
    assert outputs(list(stream)) == stream_tokens("sea", 6)
    body = json.loads(replicate_emulator.requests[0].body or b"{}")
    assert "stream" not in body, "stream() does not add the deprecated field on its own"


def test_explicit_stream_field_is_sent_as_given(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator)
    client.predictions.create(model="emulator/stream-text", input=TEXT, stream=True)
    client.models.predictions.create("emulator/stream-text", TEXT, stream=False)
    bodies = [json.loads(r.body or b"{}") for r in replicate_emulator.requests]
    assert [b.get("stream") for b in bodies] == [True, False]


@pytest.mark.parametrize("drop", [False, True], ids=["clean-end", "cut-connection"])
def test_reconnects_lose_and_repeat_nothing(replicate_emulator: Emulator, drop: bool) -> None:
    replicate_emulator.faults.add("stream", sse_disconnect_after=2, drop=drop)
    client = client_for(replicate_emulator)
    events = list(client.stream("emulator/stream-text", input={"prompt": "x", "max_tokens": 12}))
    assert outputs(events) == stream_tokens("x", 12)
    ids = [int(e.id) for e in events]
    assert ids == sorted(set(ids)), "no event repeated or reordered"
    streams = [r for r in replicate_emulator.requests if r.operation == "stream"]
    assert len(streams) > 3
    assert "last-event-id" not in streams[0].headers
    resumed = [int(r.headers["last-event-id"]) for r in streams[1:]]
    assert resumed == sorted(resumed) and resumed[0] >= 1


def test_error_event_raises_a_typed_error(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator)
    seen: list[ServerSentEvent] = []
    with pytest.raises(StreamError) as caught:
        for event in client.stream("emulator/fail", input={"text": "x"}):
            seen.append(event)
    error = caught.value
    assert isinstance(error, ModelError) and isinstance(error, RuntimeError)
    assert "emulated failure" in error.detail
    # str() is the event's data, as 1.x's RuntimeError(sse.data) gave it.
    assert json.loads(str(error)) == {"detail": error.detail}
    assert error.prediction.id in replicate_emulator.predictions
    assert [e.event for e in seen] == ["logs", "logs"]


def test_done_event_says_canceled(replicate_emulator: Emulator) -> None:
    replicate_emulator.time_scale = 1.0
    client = client_for(replicate_emulator)
    stream = client.stream("emulator/slow", input={"seconds": 30}, rich=True)
    stream.prediction.cancel()
    events = list(stream)
    assert events[-1].event == "done"
    assert json.loads(events[-1].data) == {"reason": "canceled"}


def test_stream_timeout_cancels(replicate_emulator: Emulator) -> None:
    replicate_emulator.time_scale = 1.0
    client = client_for(replicate_emulator)
    with pytest.raises(PredictionTimeoutError):
        list(client.stream("emulator/slow", input={"seconds": 30}, timeout=0.4))
    (job,) = replicate_emulator.predictions.values()
    assert job.status == "canceled"


def test_prediction_stream(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator)
    prediction = client.predictions.create(model="emulator/stream-text", input=TEXT)
    assert outputs(list(prediction.stream())) == stream_tokens("sea", 6)
    # After the end, the stream replays from the start: the whole output again.
    assert "".join(str(e) for e in prediction.stream()) == "".join(stream_tokens("sea", 6))


@pytest.mark.anyio
async def test_prediction_streams_are_1x_generators_unless_rich(
    replicate_emulator: Emulator,
) -> None:
    client = client_for(replicate_emulator)
    prediction = client.predictions.create(model="emulator/stream-text", input=TEXT)
    plain, rich = prediction.stream(), prediction.stream(rich=True)
    assert isinstance(plain, types.GeneratorType) and isinstance(rich, EventStream)
    assert rich.prediction is prediction
    assert outputs(list(plain)) == outputs(list(rich)) == stream_tokens("sea", 6)
    items, rich_items = prediction.output_iterator(), prediction.output_iterator(rich=True)
    assert isinstance(items, types.GeneratorType) and isinstance(rich_items, OutputIterator)
    assert list(items) == list(rich_items) == rich_items.items == stream_tokens("sea", 6)

    plain_async = prediction.async_stream()
    assert isinstance(plain_async, types.AsyncGeneratorType)
    assert outputs([e async for e in plain_async]) == stream_tokens("sea", 6)
    assert isinstance(prediction.async_stream(rich=True), AsyncEventStream)
    async_items = prediction.async_output_iterator()
    assert isinstance(async_items, types.AsyncGeneratorType)
    assert [i async for i in async_items] == stream_tokens("sea", 6)
    assert isinstance(prediction.async_output_iterator(rich=True), AsyncOutputIterator)
    with pytest.raises(TypeError, match="rich"):
        prediction.stream(rich="yes")  # type: ignore[arg-type]


def _frames(count: int = 1) -> Iterator[bytes]:
    for index in range(count):
        yield bytes([index]) * 8


def test_stream_file_urls_become_file_outputs_as_in_1x(replicate_emulator: Emulator) -> None:
    replicate_emulator.add_model("acme/frames", _frames)
    client = client_for(replicate_emulator)
    events = [e for e in client.stream("acme/frames", input={"count": 2}) if e.event == "output"]
    files: list[Any] = [e.data for e in events]
    assert all(isinstance(f, FileOutput) for f in files)
    assert [f.read() for f in files] == [b"\0" * 8, b"\1" * 8]
    assert [str(e) for e in events] == [f.url for f in files]  # str(event) stays the URL
    prediction = client.predictions.create(model="acme/frames", input={"count": 1})
    assert isinstance(next(e for e in prediction.stream() if e.event == "output").data, FileOutput)
    kept = client.stream("acme/frames", input={"count": 1}, use_file_output=False)
    texts = [e.data for e in kept if e.event == "output"]
    assert len(texts) == 1 and isinstance(texts[0], str) and texts[0].startswith("http")
    off = Client(
        api_token=TOKEN, base_url=replicate_emulator.base_url, use_file_output=False
    ).stream("acme/frames", input={"count": 1})
    assert all(isinstance(e.data, str) for e in off)


def test_no_stream_url_is_a_clear_error(replicate_emulator: Emulator) -> None:
    replicate_emulator.quirks = {"no_stream_url"}
    client = client_for(replicate_emulator)
    prediction = client.predictions.create(model="emulator/echo", input={"text": "x"})
    with pytest.raises(ReplicateError, match="no stream URL"):
        next(prediction.stream())


def test_token_never_goes_to_another_origin(replicate_emulator: Emulator) -> None:
    body = b"id: 1\nevent: output\ndata: hi\n\nid: 2\nevent: done\ndata: {}\n\n"
    with FileHost({"/s": body}, content_type="text/event-stream").running() as host:
        for opt_in in (False, True):  # opting in only covers Replicate's own hosts
            client = client_for(replicate_emulator, authenticate_streams=opt_in)
            prediction = Prediction.from_json(
                client, {"id": "p1", "status": "processing", "urls": {"stream": host.url + "/s"}}
            )
            assert outputs(list(prediction.stream())) == ["hi"]
        assert len(host.seen) == 2
        assert all("authorization" not in headers for _, headers in host.seen)
        assert all(TOKEN not in str(headers) for _, headers in host.seen)


def test_not_an_event_stream(replicate_emulator: Emulator) -> None:
    with FileHost({"/s": b"{}"}, content_type="application/json").running() as host:
        client = client_for(replicate_emulator)
        prediction = Prediction.from_json(
            client, {"id": "p1", "status": "processing", "urls": {"stream": host.url + "/s"}}
        )
        with pytest.raises(ReplicateError, match="text/event-stream") as caught:
            list(prediction.stream())
    # The prediction is still running on the server: the error says which one.
    assert caught.value.__notes__[-1] == (
        "prediction p1 may still be running: client.predictions.get('p1') fetches it"
    )


def test_replicate_stream_hosts_get_the_token_only_when_opted_in() -> None:
    # Narrow case: Replicate's hosts cannot be reached from tests, so a MockTransport
    # stands in for the network under the client's real auth layer.
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("authorization"))
        return httpx.Response(
            200,
            headers={"content-type": "text/event-stream"},
            content=b"event: done\ndata: {}\n\n",
        )

    url = "https://stream.replicate.com/v1/streams/abc"
    for opt_in in (False, True):
        client = Client(TOKEN, transport=httpx.MockTransport(handler), authenticate_streams=opt_in)
        prediction = Prediction.from_json(client, {"id": "p", "urls": {"stream": url}})
        assert [e.event for e in prediction.stream()] == ["done"]
    assert seen == [None, f"Bearer {TOKEN}"]
    # httpx copies request extensions onto a redirect: the opt-in names the stream's origin,
    # so a redirect to another host (followed with follow_redirects=True) goes without it.
    seen.clear()

    def redirecting(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.url.host} {request.headers.get('authorization')}")
        if request.url.host == "stream.replicate.com":
            return httpx.Response(307, headers={"location": "https://elsewhere.example/c"})
        return httpx.Response(
            200, headers={"content-type": "text/event-stream"}, content=b"event: done\ndata: {}\n\n"
        )

    client = Client(
        TOKEN,
        transport=httpx.MockTransport(redirecting),
        authenticate_streams=True,
        follow_redirects=True,
    )
    prediction = Prediction.from_json(client, {"id": "p", "urls": {"stream": url}})
    assert [e.event for e in prediction.stream()] == ["done"]
    assert seen == [f"stream.replicate.com Bearer {TOKEN}", "elsewhere.example None"]
    assert is_replicate_stream_host(httpx.URL("https://x.svc.replicate.net/s"))
    assert not is_replicate_stream_host(httpx.URL("http://stream.replicate.com/s"))
    assert not is_replicate_stream_host(httpx.URL("https://replicate.com.evil.example/s"))


# --- async ------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_async_stream_default_and_rich(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator)
    plain = await client.async_stream("emulator/stream-text", input=TEXT)
    assert isinstance(plain, types.AsyncGeneratorType), "1.x's type by default"
    assert replicate_emulator.requests == [], "the prediction is created on first iteration"
    events = [e async for e in plain]
    rich = await client.async_stream("emulator/stream-text", input=TEXT, rich=True)
    assert isinstance(rich, AsyncEventStream)
    assert outputs(events) == outputs([e async for e in rich]) == stream_tokens("sea", 6)


@pytest.mark.anyio
async def test_async_stream_reconnects(replicate_emulator: Emulator) -> None:
    replicate_emulator.faults.add("stream", sse_disconnect_after=3, drop=True)
    client = client_for(replicate_emulator)
    stream = await client.async_stream(
        "emulator/stream-text", input={"prompt": "y", "max_tokens": 10}
    )
    events = [e async for e in stream]
    assert outputs(events) == stream_tokens("y", 10)


@pytest.mark.anyio
async def test_async_error_event(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator)
    with pytest.raises(StreamError):
        async for _ in await client.async_stream("emulator/fail", input={"text": "x"}):
            pass


@pytest.mark.anyio
async def test_async_prediction_stream(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator)
    prediction = await client.predictions.async_create(model="emulator/stream-text", input=TEXT)
    events = [e async for e in prediction.async_stream()]
    assert outputs(events) == stream_tokens("sea", 6)


def test_ctrl_c_while_streaming_cancels(replicate_emulator: Emulator) -> None:
    replicate_emulator.time_scale = 1.0
    client = client_for(replicate_emulator)
    stream = client.stream("emulator/slow", input={"seconds": 30}, rich=True)
    # A real SIGINT while the stream blocks reading from the socket.
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            list(stream)
    finally:
        timer.cancel()
    job = replicate_emulator.predictions[stream.prediction.id]
    assert job.status == "canceled" and job.cancel_requested


@pytest.mark.anyio
async def test_cancelling_the_streaming_task_cancels(replicate_emulator: Emulator) -> None:
    replicate_emulator.time_scale = 1.0
    client = client_for(replicate_emulator)
    stream = await client.async_stream("emulator/slow", input={"seconds": 30}, rich=True)
    with anyio.move_on_after(0.3):
        async for _ in stream:
            pass
    assert stream.prediction is not None
    job = replicate_emulator.predictions[stream.prediction.id]
    assert job.status == "canceled" and job.cancel_requested


def test_deadline_while_the_stream_is_slow_to_answer(replicate_emulator: Emulator) -> None:
    replicate_emulator.time_scale = 1.0
    replicate_emulator.faults.add("stream", latency=2.0)
    client = client_for(replicate_emulator)
    with pytest.raises(PredictionTimeoutError) as caught:
        list(client.stream("emulator/slow", input={"seconds": 30}, timeout=0.4))
    job = replicate_emulator.predictions[caught.value.prediction.id]
    assert job.status == "canceled"
