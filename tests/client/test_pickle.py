"""API objects and errors survive pickle and copy: they cross process boundaries
(multiprocessing, task queues) where 1.x's failed on the client's lock."""

from __future__ import annotations

import copy
import io
import multiprocessing
import pickle
from typing import Any

import pytest
from support.client_support import make_client

from replicate.exceptions import (
    ModelError,
    PredictionTimeoutError,
    ReplicateError,
    StreamError,
)
from replicate.prediction import Prediction


@pytest.fixture
def client(replicate_emulator: Any) -> Any:
    return make_client(replicate_emulator.base_url)


def test_a_pickled_prediction_keeps_its_fields_and_leaves_the_client_behind(client: Any) -> None:
    prediction = client.predictions.create(model="emulator/echo", input={"text": "hi"}, wait=True)
    restored = pickle.loads(pickle.dumps(prediction))
    assert type(restored) is Prediction
    assert (restored.id, restored.status, restored.output) == (prediction.id, "succeeded", "hi")
    assert restored.to_dict() == prediction.to_dict()
    assert restored.created_at == prediction.created_at
    with pytest.raises(RuntimeError, match=r"not attached to a replicate\.Client"):
        restored.reload()
    again = client.predictions.get(restored.id)  # the documented way back
    assert again.output == "hi"


def test_models_files_and_nested_objects_pickle(client: Any) -> None:
    model = client.models.get("emulator/echo")
    restored = pickle.loads(pickle.dumps(model))
    assert (restored.owner, restored.name) == ("emulator", "echo")
    assert restored.latest_version.id == model.latest_version.id
    assert restored.latest_version.openapi_schema == model.latest_version.openapi_schema
    uploaded = client.files.create(io.BytesIO(b"hello"), filename="a.txt")
    assert pickle.loads(pickle.dumps(uploaded)).size == 5


def test_copies_share_the_client(client: Any) -> None:
    prediction = client.predictions.create(model="emulator/echo", input={"text": "x"}, wait=True)
    for duplicate in (copy.copy(prediction), copy.deepcopy(prediction)):
        assert duplicate is not prediction
        assert duplicate.to_dict() == prediction.to_dict()
        assert duplicate.reload() is None and duplicate.status == "succeeded"
    deep = copy.deepcopy(prediction)
    deep.input["text"] = "changed"  # a deep copy owns its JSON
    assert prediction.input == {"text": "x"}


def _failed() -> Prediction:
    return Prediction.from_json(
        None, {"id": "p1", "status": "failed", "error": "boom", "input": {"a": 1}}
    )


@pytest.mark.parametrize(
    "error",
    [
        ReplicateError(
            status=422,
            title="Unprocessable",
            detail="bad input",
            extensions={"invalid_fields": [{"field": "a"}]},
            method="POST",
            url="https://api.replicate.com/v1/predictions",
        ),
        ModelError(_failed()),
        StreamError(_failed(), "the stream said no"),
        PredictionTimeoutError(_failed()),
        PredictionTimeoutError(None),
    ],
    ids=lambda e: type(e).__name__,
)
def test_errors_round_trip(error: Exception) -> None:
    restored = pickle.loads(pickle.dumps(error))
    assert type(restored) is type(error)
    assert str(restored) == str(error) and restored.args == error.args
    for name, value in vars(error).items():
        mine = getattr(restored, name)
        if isinstance(value, Prediction):
            assert mine.to_dict() == value.to_dict()
        else:
            assert mine == value, name


def test_an_error_crosses_a_process_boundary() -> None:
    # What multiprocessing does with a worker's exception: pickle it in the child, raise it
    # in the parent.
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool, pytest.raises(ModelError) as raised:
        pool.apply(_raise_model_error)
    assert raised.value.prediction.error == "boom"
    assert "boom" in str(raised.value)


def _raise_model_error() -> None:
    raise ModelError(_failed())


def test_invalid_fields_survive_as_attributes() -> None:
    error = ReplicateError(status=422, extensions={"invalid_fields": ["a"]})
    assert pickle.loads(pickle.dumps(error)).invalid_fields == ["a"]


def test_a_pickled_file_output_keeps_its_url_and_reads_through_the_default_client(
    client: Any, replicate_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import replicate
    from replicate.helpers import FileOutput

    default = make_client(replicate_emulator.base_url)
    monkeypatch.setattr(replicate, "default_client", default, raising=False)
    [output] = client.run("emulator/image", input={"prompt": "x"})
    assert isinstance(output, FileOutput)
    data = output.read()
    restored = pickle.loads(pickle.dumps(output))
    assert restored == output and restored.url == output.url
    assert restored._client is default  # the token and connections stay behind
    assert restored.read() == data
    duplicate = copy.deepcopy(output)
    assert duplicate._client is client and duplicate.read() == data
