"""replicate.run / async_run against the emulator over loopback."""

from __future__ import annotations

import datetime
import json
import threading
import types
from typing import Any

import anyio
import pytest
from support.run_support import client_for, predictions_posted

from replicate.emulator import Emulator
from replicate.emulator.catalog import stream_tokens, version_id
from replicate.exceptions import ModelError, PredictionTimeoutError
from replicate.helpers import FileOutput
from replicate.prediction import Prediction

ECHO_V2 = version_id("emulator", "echo", 2)


def test_sync_mode_run_is_one_request(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator)
    assert client.run("emulator/echo", input={"text": "hello"}) == "hello"
    posted = predictions_posted(replicate_emulator)
    assert len(posted) == 1
    assert posted[0].headers.get("prefer") == "wait"
    body = json.loads(posted[0].body or b"{}")
    assert "stream" not in body  # the deprecated field is never sent
    # A finished, non-list output needs no schema and no polling.
    assert len(replicate_emulator.requests) == 1


@pytest.mark.parametrize(
    "ref",
    [
        "emulator/echo",
        f"emulator/echo:{ECHO_V2}",
        ECHO_V2,
    ],
)
def test_reference_forms(replicate_emulator: Emulator, ref: str) -> None:
    client = client_for(replicate_emulator)
    assert client.run(ref, input={"text": ref[:5]}) == ref[:5]
    (prediction,) = replicate_emulator.predictions.values()
    assert prediction.version == ECHO_V2


def test_model_and_version_objects(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator)
    model = client.models.get("emulator/echo")
    assert client.run(model, input={"text": "m"}) == "m"
    assert model.latest_version is not None
    assert client.run(model.latest_version, input={"text": "v"}) == "v"


def test_run_outliving_the_wait(replicate_emulator: Emulator) -> None:
    replicate_emulator.time_scale = 1.0
    client = client_for(replicate_emulator)
    output = client.run("emulator/slow", input={"seconds": 1.3}, wait=1)
    assert output == "finished after 1.3 seconds"
    posted = predictions_posted(replicate_emulator)
    assert posted[0].headers.get("prefer") == "wait=1"
    # Waited on the event stream, not by polling: one stream request, one final reload.
    ops = [r.operation for r in replicate_emulator.requests]
    assert ops.count("stream") == 1
    assert ops.count("predictions.get") == 1


def test_run_without_waiting_polls_when_there_is_no_stream(replicate_emulator: Emulator) -> None:
    replicate_emulator.quirks = {"no_stream_url"}
    client = client_for(replicate_emulator)
    assert client.run("emulator/echo", input={"text": "polled"}, wait=False) == "polled"
    posted = predictions_posted(replicate_emulator)
    assert "prefer" not in posted[0].headers
    gets = [r for r in replicate_emulator.requests if r.operation == "predictions.get"]
    assert gets, "the run was completed by polling"


def test_failure_raises_model_error_with_prediction(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator)
    with pytest.raises(ModelError) as caught:
        client.run("emulator/fail", input={"text": "x"})
    prediction = caught.value.prediction
    assert prediction.status == "failed"
    assert "emulated failure" in (prediction.error or "")
    assert "emulated failure" in str(caught.value)


def test_timeout_cancels_on_the_server(replicate_emulator: Emulator) -> None:
    replicate_emulator.time_scale = 1.0
    client = client_for(replicate_emulator)
    with pytest.raises(PredictionTimeoutError) as caught:
        client.run("emulator/slow", input={"seconds": 30}, timeout=0.5)
    error = caught.value
    assert isinstance(error, TimeoutError)
    (job,) = replicate_emulator.predictions.values()
    assert error.prediction.id == job.id
    assert job.status == "canceled" and job.cancel_requested
    posted = predictions_posted(replicate_emulator)
    # Cancel-After is the API's minimum (5 s); the hold never outlasts the bound.
    assert posted[0].headers.get("cancel-after") == "5s"
    assert "prefer" not in posted[0].headers


def test_deadline_bounds_the_prefer_wait(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator)
    deadline = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=30)
    assert client.run("emulator/echo", input={"text": "d"}, deadline=deadline) == "d"
    posted = predictions_posted(replicate_emulator)
    wait = int(posted[0].headers["prefer"].removeprefix("wait="))
    assert 27 <= wait <= 29
    assert posted[0].headers["cancel-after"] in ("30s", "29s")


def test_bad_time_bounds_are_refused_before_sending(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator)
    past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1)
    with pytest.raises(ValueError, match="already passed"):
        client.run("emulator/echo", input={"text": "x"}, deadline=past)
    with pytest.raises(ValueError, match="positive"):
        client.run("emulator/echo", input={"text": "x"}, timeout=0)
    with pytest.raises(TypeError, match="either"):
        client.run("emulator/echo", input={"text": "x"}, timeout=1, deadline=past)
    with pytest.raises(ValueError, match="webhook_events_filter"):
        client.run("emulator/echo", input={"text": "x"}, webhook_events_filter=["finished"])
    assert replicate_emulator.requests == []


def test_cancel_after_elapsed_before_start_is_aborted(replicate_emulator: Emulator) -> None:
    replicate_emulator.time_scale = 1.0
    client = client_for(replicate_emulator)
    with pytest.raises(ModelError) as caught:
        client.run("emulator/slow", input={"seconds": 1, "queue_seconds": 60}, cancel_after="5s")
    assert caught.value.prediction.status == "aborted"


def test_interrupt_cancels_the_prediction(replicate_emulator: Emulator) -> None:
    replicate_emulator.time_scale = 1.0
    client = client_for(replicate_emulator, poll_interval=0.02)
    replicate_emulator.quirks = {"no_stream_url"}  # polling: the callback fires on each update
    calls: list[str | None] = []

    def progress(prediction: Prediction) -> None:
        calls.append(prediction.status)
        if len(calls) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        client.run("emulator/slow", input={"seconds": 30}, wait=False, progress=progress)
    (job,) = replicate_emulator.predictions.values()
    assert job.status == "canceled" and job.cancel_requested


def test_progress_is_called_on_create_updates_and_completion(
    replicate_emulator: Emulator,
) -> None:
    replicate_emulator.quirks = {"no_stream_url"}
    # The model finishes only once the callback has seen it running: an update mid-run is
    # observed whatever the machine's speed, instead of depending on a poll landing in time.
    running = threading.Event()

    def gated(text: str) -> str:
        if not running.wait(30):
            raise RuntimeError("progress never saw the prediction processing")
        return text

    replicate_emulator.add_model("acme/gated", gated)
    client = client_for(replicate_emulator)
    seen: list[tuple[str | None, str]] = []

    def progress(prediction: Prediction) -> None:
        seen.append((prediction.status, prediction.id))
        if prediction.status == "processing":
            running.set()

    output = client.run("acme/gated", input={"text": "done"}, wait=False, progress=progress)
    assert output == "done"
    statuses = [status for status, _ in seen]
    assert statuses[0] == "starting"
    assert "processing" in statuses
    assert statuses[-1] == "succeeded"
    assert len(seen) >= 3
    assert len({pid for _, pid in seen}) == 1


def test_file_outputs(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator)
    outputs = client.run("emulator/image", input={"prompt": "fox", "num_outputs": 2})
    assert [type(o) for o in outputs] == [FileOutput, FileOutput]
    first = outputs[0].read()
    assert first.startswith(b"\x89PNG")
    assert b"".join(outputs[1]) == outputs[1].read()
    raw = client.run("emulator/image", input={"prompt": "fox"}, use_file_output=False)
    assert isinstance(raw[0], str) and raw[0].startswith(replicate_emulator.base_url)


def test_client_wide_use_file_output(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator, use_file_output=False)
    (url,) = client.run("emulator/image", input={"prompt": "fox"})
    assert isinstance(url, str)
    (file,) = client.run("emulator/image", input={"prompt": "fox"}, use_file_output=True)
    assert isinstance(file, FileOutput)


def expected_tokens(prompt: str, count: int) -> list[str]:
    return stream_tokens(prompt, count)


@pytest.mark.parametrize("quirks", [set(), {"no_stream_url"}], ids=["stream", "polling"])
def test_iterator_output_yields_items_as_produced(
    replicate_emulator: Emulator, quirks: set[str]
) -> None:
    replicate_emulator.quirks = quirks
    replicate_emulator.time_scale = 0.5  # a token every 25 ms
    client = client_for(replicate_emulator)
    iterator = client.run(
        "emulator/stream-text", input={"prompt": "tide", "max_tokens": 6}, wait=False, rich=True
    )
    first = next(iterator)
    job = replicate_emulator.predictions[iterator.prediction.id]
    assert job.status == "processing", "the first item arrived before the run finished"
    rest = list(iterator)
    assert [first, *rest] == expected_tokens("tide", 6)
    assert iterator.text() == "".join(expected_tokens("tide", 6))


def test_finished_iterator_output_is_still_an_iterator(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator)
    iterator = client.run(
        "emulator/stream-text", input={"prompt": "moon", "max_tokens": 3}, rich=True
    )
    assert str(iterator) == "".join(expected_tokens("moon", 3))
    assert iterator.items == expected_tokens("moon", 3)
    versions = [r for r in replicate_emulator.requests if r.operation == "models.versions.get"]
    client.run("emulator/stream-text", input={"prompt": "moon", "max_tokens": 3}, rich=True)
    again = [r for r in replicate_emulator.requests if r.operation == "models.versions.get"]
    assert len(versions) == len(again) == 1, "the version schema is fetched once per client"


@pytest.mark.parametrize("wait", [True, False], ids=["sync-mode", "wait-false"])
def test_default_return_types_are_1x(replicate_emulator: Emulator, wait: bool) -> None:
    client = client_for(replicate_emulator)
    tokens = {"prompt": "moon", "max_tokens": 3}
    by_name = client.run("emulator/stream-text", input=tokens, wait=wait)
    assert type(by_name) is list and by_name == expected_tokens("moon", 3)
    assert not [r for r in replicate_emulator.requests if r.operation == "models.versions.get"], (
        "a run by name waits for the list, as 1.x: no schema needed"
    )
    by_version = client.run(
        f"emulator/stream-text:{version_id('emulator', 'stream-text', 1)}", input=tokens, wait=wait
    )
    assert isinstance(by_version, types.GeneratorType)
    assert list(by_version) == expected_tokens("moon", 3)
    assert client.run("emulator/echo", input={"text": "x"}, wait=wait) == "x"


@pytest.mark.anyio
async def test_async_default_return_types_are_1x(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator)
    tokens = {"prompt": "moon", "max_tokens": 3}
    by_name = await client.async_run("emulator/stream-text", input=tokens, wait=False)
    assert type(by_name) is list and by_name == expected_tokens("moon", 3)
    ref = f"emulator/stream-text:{version_id('emulator', 'stream-text', 1)}"
    by_version = await client.async_run(ref, input=tokens)
    assert isinstance(by_version, types.AsyncGeneratorType)
    assert [item async for item in by_version] == expected_tokens("moon", 3)


def test_iterator_stream_disconnects_lose_nothing(replicate_emulator: Emulator) -> None:
    replicate_emulator.faults.add("stream", sse_disconnect_after=2, times=3)
    client = client_for(replicate_emulator)
    iterator = client.run(
        "emulator/stream-text", input={"prompt": "drops", "max_tokens": 8}, wait=False
    )
    assert list(iterator) == expected_tokens("drops", 8)
    assert [r.operation for r in replicate_emulator.requests].count("stream") == 4


def test_prediction_output_iterator(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator)
    prediction = client.predictions.create(
        model="emulator/stream-text", input={"prompt": "it", "max_tokens": 4}
    )
    assert list(prediction.output_iterator()) == expected_tokens("it", 4)


def test_official_model_and_deployment_refs(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator)
    assert client.run("emulator/official", input={"prompt": "x"}) == "official: x"
    prediction = client.deployments.predictions.create(
        "emulator/echo-deployment", input={"text": "dep"}
    )
    prediction.wait()
    assert prediction.output == "dep"


def test_webhook_options_are_sent(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator)
    client.run(
        "emulator/echo",
        input={"text": "w"},
        webhook="http://127.0.0.1:9/hook",
        webhook_events_filter=["start", "completed"],
        webhook_completed="http://127.0.0.1:9/done",
    )
    body = json.loads(predictions_posted(replicate_emulator)[0].body or b"{}")
    assert body["webhook"] == "http://127.0.0.1:9/hook"
    assert body["webhook_events_filter"] == ["start", "completed"]
    assert body["webhook_completed"] == "http://127.0.0.1:9/done"


# --- async ------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_async_run(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator)
    assert await client.async_run("emulator/echo", input={"text": "a"}) == "a"
    assert await client.async_run("emulator/slow", input={"seconds": 1}, wait=False) == (
        "finished after 1 seconds"
    )
    with pytest.raises(ModelError):
        await client.async_run("emulator/fail", input={"text": "x"})
    (file,) = await client.async_run("emulator/image", input={"prompt": "p"})
    assert (await file.aread()).startswith(b"\x89PNG")


@pytest.mark.anyio
async def test_async_iterator_output(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator)
    iterator = await client.async_run(
        "emulator/stream-text", input={"prompt": "async", "max_tokens": 5}, wait=False, rich=True
    )
    items = [item async for item in iterator]
    assert items == expected_tokens("async", 5)
    assert await iterator.text() == "".join(items)


@pytest.mark.anyio
async def test_async_timeout(replicate_emulator: Emulator) -> None:
    replicate_emulator.time_scale = 1.0
    client = client_for(replicate_emulator)
    with pytest.raises(PredictionTimeoutError):
        await client.async_run("emulator/slow", input={"seconds": 30}, timeout=0.3)
    (job,) = replicate_emulator.predictions.values()
    assert job.status == "canceled" and job.cancel_requested


@pytest.mark.anyio
async def test_task_cancellation_cancels_the_prediction(replicate_emulator: Emulator) -> None:
    replicate_emulator.time_scale = 1.0
    client = client_for(replicate_emulator)
    result: list[Any] = []
    with anyio.move_on_after(0.5):
        result.append(await client.async_run("emulator/slow", input={"seconds": 30}, wait=False))
    assert result == []
    (job,) = replicate_emulator.predictions.values()
    assert job.status == "canceled" and job.cancel_requested


# --- pure decisions ---------------------------------------------------------------------------


def test_output_kind_reads_the_cog_extensions() -> None:
    from replicate._flows.outputs import OutputKind, output_kind

    def schema(output: dict[str, Any]) -> dict[str, Any]:
        return {"components": {"schemas": {"Output": output}}}

    tokens = {"type": "array", "items": {"type": "string"}, "x-cog-array-type": "iterator"}
    assert output_kind(schema(tokens)) == OutputKind(True, False, "string")
    joined = {**tokens, "x-cog-array-display": "concatenate"}
    assert output_kind(schema(joined)) == OutputKind(True, True, "string")
    assert output_kind(schema({"type": "array", "items": {"type": "string"}})) == OutputKind()
    assert output_kind(None) == OutputKind()
    assert output_kind({"components": []}) == OutputKind()


def test_wait_is_bounded_by_the_time_limit() -> None:
    from replicate._flows.run import _bounded_wait

    assert _bounded_wait(True, None) is True
    # The hold ends at least HOLD_MARGIN (1 s) before the bound, so its answer arrives in time.
    assert _bounded_wait(True, 12.7) == 11
    assert _bounded_wait(True, 2.0) == 1
    assert _bounded_wait(True, 1.9) is False
    assert _bounded_wait(30, 100.0) == 30
    assert _bounded_wait(30, 0.4) is False
    assert _bounded_wait(False, 5.0) is False


@pytest.mark.anyio
async def test_cancelling_during_the_prefer_wait_hold_finds_and_cancels(
    replicate_emulator: Emulator,
) -> None:
    # The create has not answered yet, so the client has no id: it finds the prediction.
    replicate_emulator.time_scale = 1.0
    client = client_for(replicate_emulator)
    with anyio.move_on_after(0.3):
        await client.async_run("emulator/slow", input={"seconds": 30})
    (job,) = replicate_emulator.predictions.values()
    assert job.status == "canceled" and job.cancel_requested


def test_an_ambiguous_orphan_is_left_alone() -> None:
    from replicate._flows.flow import Send
    from replicate._flows.orphans import cancel_orphan_flow
    from replicate.pagination import Page

    since = datetime.datetime.now(datetime.UTC)

    def running(pid: str, text: str, created: datetime.datetime | None = since) -> Prediction:
        return Prediction.from_json(
            None,
            {
                "id": pid,
                "model": "o/m",
                "status": "processing",
                "input": {"text": text, "n": 1},
                "created_at": created and created.isoformat(),
            },
        )

    def sent_after(page: Page[Prediction]) -> list[Any]:
        flow = cancel_orphan_flow({"model": "o/m"}, {"text": "a", "n": 1, "f": b"x"}, since)
        listing = next(flow)
        assert isinstance(listing, Send)
        try:
            return [flow.send(page)]
        except StopIteration:
            return []

    one = sent_after(Page([running("p1", "a"), running("p2", "other")]))
    assert len(one) == 1 and one[0].call.args == ("p1",)
    assert sent_after(Page([running("p1", "a"), running("p2", "a")])) == []
    assert sent_after(Page([])) == []
    # Found with a hostile server that ignores created_after: a prediction of the same model
    # and input made 45 s before the run began is another caller's, never this run's orphan;
    # nor is one whose creation time is unknown (cancelling destroys work).
    earlier = since - datetime.timedelta(seconds=45)
    assert sent_after(Page([running("theirs", "a", earlier)])) == []
    assert sent_after(Page([running("unknown", "a", None)])) == []
    late = sent_after(Page([running("theirs", "a", earlier), running("ours", "a")]))
    assert len(late) == 1 and late[0].call.args == ("ours",)
