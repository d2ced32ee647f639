"""1.x behaviour a migrating user relied on, found by running typical 1.x scripts under both
packages against one emulator."""

from __future__ import annotations

import json

import httpx
import pytest

import replicate
import replicate.client
import replicate.exceptions
import replicate.identifier
import replicate.model
import replicate.prediction
from replicate.emulator import Emulator
from replicate.exceptions import ReplicateError
from replicate.prediction import Prediction
from replicate.training import Training


def test_poll_interval_reads_1x_default_while_adaptive() -> None:
    client = replicate.Client(api_token="r8_x", base_url="http://127.0.0.1:9")
    assert client.poll_interval == 0.5  # 1.x code sleeps this long in loops of its own
    assert client._poll_interval is None  # waits themselves use the adaptive schedule
    client.poll_interval = 2
    assert (client.poll_interval, client._poll_interval) == (2, 2)
    client.poll_interval = None  # type: ignore[assignment]
    assert client._poll_interval is None
    with pytest.raises(ValueError, match="poll_interval"):
        client.poll_interval = -1


def test_an_explicit_authorization_header_wins_over_the_token() -> None:
    with Emulator(time_scale=0.01) as emu:
        headers = {"Authorization": "Token gateway-credential"}
        with replicate.Client(api_token="r8_x", base_url=emu.base_url, headers=headers) as c:
            c.run("emulator/echo", input={"text": "x"})
        sent = {r.headers.get("authorization") for r in emu.requests}
        assert sent == {"Token gateway-credential"}


def test_from_response_accepts_a_response_built_by_hand() -> None:
    error = ReplicateError.from_response(httpx.Response(400, json={"detail": "bad"}))
    assert (error.status, error.detail, error.method, error.url) == (400, "bad", None, None)


def test_dict_has_every_declared_field() -> None:
    prediction = Prediction.from_json(None, {"id": "p1", "status": "starting"})
    as_dict = prediction.dict()
    assert as_dict["completed_at"] is None and as_dict["started_at"] is None
    assert dict(prediction)["status"] == "starting"
    training = Training.from_json(None, {"id": "t1", "status": "starting", "extra": 1})
    assert training.dict()["destination"] is None and training.dict()["extra"] == 1
    assert training.to_dict() == {"id": "t1", "status": "starting", "extra": 1}  # as sent


def _prediction_json(status: str, output: object = None) -> dict[str, object]:
    base = "https://api.replicate.com/v1/predictions/p1"
    urls = {"get": base, "cancel": base + "/cancel", "stream": "https://stream.replicate.com/p1"}
    return {"id": "p1", "model": "o/n", "version": "ab" * 32, "status": status, "input": {},
            "output": output, "urls": urls, "created_at": "2024-01-01T00:00:00Z"}


def test_patching_the_1x_request_helpers_intercepts_every_call() -> None:
    from unittest import mock

    answer = httpx.Response(
        201, json=_prediction_json("succeeded", "hello"), request=httpx.Request("POST", "https://x")
    )
    # Nothing listens on port 9: a call that got past the patch would fail.
    client = replicate.Client(api_token="r8_x", base_url="http://127.0.0.1:9")
    with mock.patch.object(replicate.Client, "_request", return_value=answer) as sent:
        assert client.run("o/n", input={}) == "hello"
        assert client.predictions.get("p1").output == "hello"
    # The method and path as 1.x passed them (suites assert on these).
    assert [c.args[:2] for c in sent.call_args_list] == [
        ("POST", "/v1/models/o/n/predictions"), ("GET", "/v1/predictions/p1")
    ]

    async def run_async() -> object:
        with mock.patch.object(
            replicate.Client, "_async_request", new_callable=mock.AsyncMock, return_value=answer
        ) as async_sent:
            output = await client.async_run("o/n", input={})
        assert async_sent.await_count == 1
        return output

    import asyncio

    assert asyncio.run(run_async()) == "hello"


@pytest.mark.parametrize("iterator", [False, True])
def test_a_1x_style_mock_of_create_and_get_is_enough_to_wait(iterator: bool) -> None:
    # Test suites written for 1.x mock the create ("starting") and the status check
    # ("succeeded"); real answers carry a stream URL, which such mocks do not cover: the
    # mock raises for it (as respx and vcrpy do), and waiting polls instead.
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url.host}{request.url.path}")
        if request.url.host != "api.replicate.com":
            raise AssertionError(f"not mocked: {request.url}")  # as respx raises
        if request.url.path.endswith("/versions/" + "ab" * 32):
            output_schema = {"type": "array", "items": {"type": "string"}}
            if iterator:
                output_schema["x-cog-array-type"] = "iterator"
            schema = {"components": {"schemas": {"Output": output_schema}}}
            return httpx.Response(200, json={"id": "ab" * 32, "openapi_schema": schema})
        if request.method == "POST":
            return httpx.Response(201, json=_prediction_json("starting"))
        return httpx.Response(200, json=_prediction_json("succeeded", ["a", "b"]))

    client = replicate.Client(api_token="r8_x", transport=httpx.MockTransport(answer))
    output = client.run("o/n:" + "ab" * 32, input={}, wait=False)
    assert list(output) == ["a", "b"]  # the stream the mock refused gave way to polling
    prediction = client.predictions.create(version="ab" * 32, input={})
    prediction.wait()
    assert prediction.status == "succeeded"
    streams = [s for s in seen if "stream.replicate.com" in s]
    assert len(streams) == 2, "one attempt per wait, not retried"


def test_objects_built_or_changed_by_hand_keep_their_values_in_dicts_copies_and_pickles() -> None:
    import copy
    import pickle

    # As 1.x's pydantic models allowed (and test suites do): build one by keyword.
    built = Prediction(id="p1", model="o/n", status="succeeded", input={}, output="hi")
    for same in (built, copy.copy(built), copy.deepcopy(built), pickle.loads(pickle.dumps(built))):
        assert (same.id, same.output) == ("p1", "hi")
        assert same.dict()["id"] == "p1" and same.dict()["completed_at"] is None
    built.status = "failed"
    assert built.dict()["status"] == dict(built)["status"] == "failed"
    assert '"status": "failed"' in built.json()
    # Changed after parsing: the new value wins; to_dict() stays the JSON as received.
    parsed = Prediction.from_json(None, {"id": "x", "status": "starting", "extra": 1})
    parsed.output = ["changed"]
    assert parsed.dict()["output"] == ["changed"] and parsed.dict()["extra"] == 1
    assert copy.deepcopy(parsed).output == ["changed"]
    assert pickle.loads(pickle.dumps(parsed)).output == ["changed"]
    assert parsed.to_dict() == {"id": "x", "status": "starting", "extra": 1}


def test_create_autospec_of_the_client_configures_namespaces() -> None:
    from unittest import mock

    fake = mock.create_autospec(replicate.Client, instance=True)
    fake.predictions.create.return_value = "P"  # 1.x's namespaces were properties too
    assert fake.predictions.create(model="o/n", input={}) == "P"
    client = replicate.Client(api_token="r8_x")
    assert client.predictions is client.predictions  # made once per client


# Found by diffing the public surface and behaviour of replicate 1.0.7 against ours.


def test_objects_built_from_json_with_members_they_do_not_declare() -> None:
    payload = {"id": "p1", "status": "succeeded", "output": "done", "added_by_the_api": 1}
    prediction = Prediction(**payload)  # type: ignore[arg-type]  # (a webhook handler's)
    assert (prediction.id, prediction.output) == ("p1", "done")
    prediction.wait()  # finished and built by hand: nothing to ask, no client needed
    with pytest.raises(TypeError):
        Prediction("p1")  # type: ignore[misc]  # positional arguments are still refused


@pytest.mark.anyio
async def test_a_finished_prediction_built_by_hand_awaits_at_once() -> None:
    await Prediction(id="p1", status="failed").async_wait()


def test_events_pages_and_secrets_have_1x_dump_methods() -> None:
    from replicate.pagination import Page
    from replicate.stream import ServerSentEvent
    from replicate.webhook import WebhookSigningSecret

    event = ServerSentEvent("output", "hi", "7")
    fields = {"event": "output", "data": "hi", "id": "7", "retry": None}
    assert event.dict() == dict(event) == event.model_dump() == fields
    assert json.loads(event.json()) == fields
    page = Page(results=[Prediction(id="p1", status="succeeded")], next="/v1/x")
    assert page.dict()["results"][0]["id"] == "p1" and json.loads(page.json())["next"] == "/v1/x"
    secret = WebhookSigningSecret(key="whsec_abc")
    assert dict(secret) == secret.dict() == {"key": "whsec_abc"}
    assert "whsec_abc" not in repr(secret)


def test_1x_arguments_and_names_that_were_missing() -> None:
    with Emulator(time_scale=0.01) as emu:
        client = replicate.Client(api_token="r8_x", base_url=emu.base_url)
        # use_file_output=None is off, as in 1.x; left out, the client's setting (on).
        urls = client.run("emulator/image", input={"prompt": "a"}, use_file_output=None)
        assert [type(u) for u in urls] == [str]
        files = client.run("emulator/image", input={"prompt": "a"})
        assert [type(f).__name__ for f in files] == ["FileOutput"]
        # trainings.create takes 1.x's positional webhook.
        version = client.models.get("emulator/echo").latest_version
        assert version is not None
        training = client.trainings.create(
            f"emulator/echo:{version.id}", {"text": "t"}, "emulator/echo", "https://e.x/hook"
        )
        body = json.loads(next(r for r in emu.requests if r.path.endswith("/trainings")).body)
        assert training.id and body["webhook"] == "https://e.x/hook"
        assert isinstance(client._client, httpx.Client)
    assert replicate.client.ReplicateError is ReplicateError
    assert replicate.prediction.ModelError is replicate.exceptions.ModelError
    assert replicate.model.ModelVersionIdentifier is replicate.identifier.ModelVersionIdentifier


def test_a_stream_error_carries_the_failed_prediction() -> None:
    # Its .prediction said "starting" with no error, unlike run()'s ModelError.
    with Emulator(time_scale=0.01) as emu:
        client = replicate.Client(api_token="r8_x", base_url=emu.base_url)
        with pytest.raises(replicate.exceptions.StreamError) as caught:
            list(client.stream("emulator/fail", input={"text": "x"}))
    assert caught.value.prediction.status == "failed"
    assert "emulated failure" in (caught.value.prediction.error or "")


def test_bad_webhook_events_are_a_replicate_exception() -> None:
    client = replicate.Client(api_token="r8_x", base_url="http://127.0.0.1:9")
    with pytest.raises(replicate.exceptions.InvalidArgumentError, match="unknown events"):
        client.predictions.create(
            model="emulator/echo", input={}, webhook="https://e.x/h",
            webhook_events_filter=["finished"],
        )  # fmt: skip


def test_dir_lists_the_names_provided_on_first_use() -> None:
    names = dir(replicate)
    assert {"Client", "RetryPolicy", "exceptions", "prediction", "run"} <= set(names)


def test_vars_and_dunder_dict_give_the_attributes_as_1x(replicate_emulator: Emulator) -> None:
    # 1.x's pydantic objects kept their fields in __dict__; ours have slots, and vars(obj)
    # raised TypeError (found by an outsider).
    client = replicate_emulator.client()
    model = client.models.get("emulator/echo")
    fields = vars(model)
    assert fields["owner"] == "emulator" and fields == model.__dict__
    assert isinstance(fields["latest_version"], replicate.model.Version)  # not its JSON
    assert "_client" not in fields and "client" not in fields
    prediction = client.predictions.create(model="emulator/echo", input={"text": "x"})
    prediction.status = "changed"
    assert vars(prediction)["status"] == "changed" and vars(prediction)["id"] == prediction.id


def test_model_predict_raises_a_replicate_exception_as_1x(replicate_emulator: Emulator) -> None:
    model = replicate_emulator.client().models.get("emulator/echo")
    with pytest.raises(replicate.exceptions.ReplicateException, match=r"model\.predict\(\)"):
        model.predict(text="x")
    with pytest.raises(AttributeError):  # as this package raised before
        model.predict(text="x")
    assert replicate_emulator.predictions == {}
