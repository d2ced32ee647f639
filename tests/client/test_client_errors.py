"""Error mapping: problem details, extensions, non-JSON bodies, 52x codes, ModelError."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from support.client_support import PREDICTION, TOKEN, json_reply, make_client, scripted

from replicate.exceptions import ModelError, ReplicateError, ReplicateException
from replicate.prediction import Prediction

pytestmark = pytest.mark.anyio

_FIELDS = ("type", "title", "status", "detail", "instance")


def test_problem_details_with_extensions() -> None:
    body = {
        "type": "https://replicate.com/docs/errors#invalid-input",
        "title": "Input validation failed",
        "status": 422,
        "detail": "input.prompt is required",
        "instance": "/v1/predictions",
        "invalid_fields": [{"field": "input.prompt", "description": "prompt is required"}],
    }
    with scripted([json_reply(422, body)]) as server, pytest.raises(ReplicateError) as caught:
        make_client(server.base_url).request("POST", "/predictions", json={})
    error = caught.value
    assert (error.type, error.title, error.status) == (body["type"], body["title"], 422)
    assert (error.detail, error.instance) == (body["detail"], body["instance"])
    assert error.invalid_fields == body["invalid_fields"]
    assert error.extensions == {"invalid_fields": body["invalid_fields"]}
    assert error.method == "POST" and error.url == f"{server.base_url}/v1/predictions"
    assert error.to_dict()["invalid_fields"] == body["invalid_fields"]
    # str() is 1.x's text exactly (libraries sort errors by its words); what this package
    # adds is in the notes a traceback shows under it.
    assert str(error) == "\n".join(
        ["ReplicateError Details:", *(f"{k}: {body[k]}" for k in _FIELDS)]
    )
    assert error.__notes__ == [
        "invalid fields: input.prompt: prompt is required",
        f"request: POST {server.base_url}/v1/predictions",
    ]
    assert isinstance(error, ReplicateException)
    with pytest.raises(AttributeError):
        error.no_such_member  # noqa: B018


@pytest.mark.parametrize("status", [500, 502, 520, 521, 522, 523, 524, 525, 526, 527, 529, 530])
def test_html_and_non_iana_status_codes(status: int) -> None:
    page = b"<!DOCTYPE html><html><body><h1>Origin error</h1></body></html>"
    with scripted([(status, {"Content-Type": "text/html"}, page)]) as server:
        client = make_client(server.base_url, max_retries=0)
        with pytest.raises(ReplicateError) as caught:
            client.predictions.get("p1")
    error = caught.value
    assert error.status == status
    assert error.detail is not None and "Origin error" in error.detail
    assert f"status: {status}" in str(error) and "GET" not in str(error)
    assert error.__notes__[-1] == f"request: GET {server.base_url}/v1/predictions/p1"


def test_empty_and_plain_text_bodies() -> None:
    with scripted([(404, {}, b"")]) as server, pytest.raises(ReplicateError) as caught:
        make_client(server.base_url).predictions.get("p1")
    assert caught.value.status == 404 and "meaning: Not Found" in caught.value.__notes__
    with (
        scripted([(400, {"Content-Type": "text/plain"}, b"bad things")]) as server,
        pytest.raises(ReplicateError) as caught,
    ):
        make_client(server.base_url).predictions.get("p1")
    assert caught.value.detail == "bad things"


def test_legacy_detail_only_body_and_long_html_is_cut() -> None:
    with (
        scripted([json_reply(403, {"detail": "You do not have permission"})]) as server,
        pytest.raises(ReplicateError) as caught,
    ):
        make_client(server.base_url).accounts.current()
    assert caught.value.status == 403 and caught.value.detail == "You do not have permission"
    with scripted([(500, {}, b"x" * 10_000)]) as server, pytest.raises(ReplicateError) as caught:
        make_client(server.base_url, max_retries=0).accounts.current()
    assert len(str(caught.value)) < 600


def test_an_echoed_token_is_scrubbed() -> None:
    body = {"title": "Unauthenticated", "detail": f"token {TOKEN} is invalid", "echo": [TOKEN]}
    with scripted([json_reply(401, body)]) as server, pytest.raises(ReplicateError) as caught:
        make_client(server.base_url).accounts.current()
    error = caught.value
    assert TOKEN not in str(error) and TOKEN not in repr(error)
    assert TOKEN not in repr(error.to_dict())
    assert "[REDACTED]" in str(error)


async def test_emulator_422_names_the_misspelt_input(replicate_emulator: Any) -> None:
    client = make_client(replicate_emulator.base_url)
    model = await client.models.async_get("emulator/echo")
    with pytest.raises(ReplicateError) as caught:
        await client.predictions.async_create(
            version=model.latest_version.id, input={"txt": "typo"}
        )
    error = caught.value
    assert error.status == 422
    assert "text" in str(error)
    assert error.extensions.get("invalid_fields")


async def test_emulator_401_with_restricted_token(replicate_emulator: Any) -> None:
    replicate_emulator.token = "the-only-token"
    with pytest.raises(ReplicateError) as caught:
        await make_client(replicate_emulator.base_url).accounts.async_current()
    assert caught.value.status == 401
    assert TOKEN not in str(caught.value)


def test_model_error_carries_the_prediction() -> None:
    prediction = Prediction.from_json(None, {"id": "p9", "status": "failed", "error": "OOM"})
    error = ModelError(prediction)
    assert error.prediction is prediction
    assert str(error) == "OOM" and error.args == ("OOM",)  # the model's error alone, as in 1.x
    aborted = ModelError(Prediction.from_json(None, {"id": "p8", "status": "aborted"}))
    assert str(aborted) == "Prediction p8 aborted"  # no error to show: say what happened


def test_1x_constructor_and_from_response() -> None:
    error = ReplicateError(type="t", title="Bad", status=400, detail="d", instance="/i")
    assert error.to_dict() == {
        "type": "t",
        "title": "Bad",
        "status": 400,
        "detail": "d",
        "instance": "/i",
    }
    response = httpx.Response(
        429,
        json={"detail": "slow"},
        request=httpx.Request("GET", "https://api.replicate.com/v1/x?a=1"),
    )
    mapped = ReplicateError.from_response(response)
    assert mapped.status == 429 and mapped.url == "https://api.replicate.com/v1/x"


def test_unknown_statuses_and_fields_do_not_crash() -> None:
    future = {"id": "p2", "status": "hibernating", "brand_new_field": {"x": 1}}
    done = {**PREDICTION, "id": "p2", "status": "aborted", "output": None}
    with scripted([json_reply(200, future), json_reply(200, done)]) as server:
        client = make_client(server.base_url)
        prediction = client.predictions.get("p2")
        assert prediction.status == "hibernating" and not prediction.done
        assert prediction.to_dict()["brand_new_field"] == {"x": 1}
        assert prediction.model is None and prediction.urls is None
        prediction.wait()
    assert prediction.status == "aborted" and prediction.done


@pytest.mark.parametrize(
    "bad", [{"status": {"state": "running"}}, {"status": ["x"]}, {"urls": "http://x/s"}, {"id": 5}]
)
def test_a_job_of_the_wrong_shape_is_an_invalid_response(bad: dict[str, Any]) -> None:
    # Found with a hostile server: a status or urls of another type escaped as a bare
    # TypeError/AttributeError from deep in the wait.
    from replicate.exceptions import InvalidResponseError

    body = {**PREDICTION, "status": "starting", **bad}
    name = next(iter(bad))
    with scripted([json_reply(201, body)]) as server:
        client = make_client(server.base_url)
        with pytest.raises(InvalidResponseError, match=f"{name} is {type(bad[name]).__name__}"):
            client.run("o/n", input={}, wait=False)
