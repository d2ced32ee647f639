"""Every namespace method, sync and async, against the emulator over loopback."""

from __future__ import annotations

from typing import Any

import pytest
from support.client_support import make_client

from replicate.account import Account
from replicate.collection import Collection
from replicate.deployment import Deployment
from replicate.exceptions import ModelError, ReplicateError
from replicate.file import File
from replicate.hardware import Hardware
from replicate.model import Model
from replicate.pagination import Page
from replicate.prediction import Prediction
from replicate.training import Training
from replicate.version import Version

pytestmark = pytest.mark.anyio
MODES = pytest.mark.parametrize("mode", ["sync", "async"])


async def call(mode: str, target: Any, method: str, *args: Any, **kwargs: Any) -> Any:
    """Call ``target.method`` (sync) or ``target.async_method`` (async)."""
    if mode == "sync":
        return getattr(target, method)(*args, **kwargs)
    return await getattr(target, "async_" + method)(*args, **kwargs)


@pytest.fixture
def emu(replicate_emulator: Any) -> Any:
    return replicate_emulator


@pytest.fixture
def client(emu: Any) -> Any:
    return make_client(emu.base_url)


async def echo_version(mode: str, client: Any) -> str:
    model = await call(mode, client.models, "get", "emulator/echo")
    assert model.latest_version is not None
    return str(model.latest_version.id)


def ops(emu: Any) -> list[str]:
    return [r.operation for r in emu.requests]


# --- predictions ----------------------------------------------------------------------------


@MODES
async def test_predictions_create_get_list_cancel(mode: str, client: Any, emu: Any) -> None:
    version = await echo_version(mode, client)
    created = await call(mode, client.predictions, "create", version=version, input={"text": "a"})
    assert isinstance(created, Prediction) and created.version == version
    assert created.urls and "get" in created.urls
    fetched = await call(mode, client.predictions, "get", created.id)
    assert fetched.id == created.id and fetched.input == {"text": "a"}
    page = await call(mode, client.predictions, "list")
    assert isinstance(page, Page) and created.id in [p.id for p in page]
    slow = await call(mode, client.models, "get", "emulator/slow")
    running = await call(
        mode, client.predictions, "create", version=slow.latest_version.id, input={"seconds": 30}
    )
    canceled = await call(mode, client.predictions, "cancel", running.id)
    assert canceled.status in ("canceled", "processing", "starting")
    assert "predictions.cancel" in ops(emu)


@MODES
async def test_prediction_by_model_deployment_and_ref_forms(mode: str, client: Any) -> None:
    version = await echo_version(mode, client)
    by_ref = await call(
        mode,
        client.predictions,
        "create",
        version=f"emulator/echo:{version}",
        input={"text": "ref"},
    )
    assert by_ref.version == version
    positional = await call(mode, client.predictions, "create", version, {"text": "pos"})
    assert positional.input == {"text": "pos"}
    official = await call(
        mode, client.predictions, "create", model="emulator/official", input={"prompt": "hi"}
    )
    assert official.model == "emulator/official"
    via_models = await call(
        mode, client.models.predictions, "create", ("emulator", "official"), input={"prompt": "hi"}
    )
    assert via_models.model == "emulator/official"
    deployed = await call(
        mode,
        client.predictions,
        "create",
        deployment="emulator/echo-deployment",
        input={"text": "d"},
        wait=True,
    )
    assert deployed.status == "succeeded" and deployed.output == "d"
    via_deployments = await call(
        mode,
        client.deployments.predictions,
        "create",
        "emulator/echo-deployment",
        input={"text": "e"},
    )
    assert via_deployments.model == "emulator/echo"
    deployment = await call(mode, client.deployments, "get", "emulator/echo-deployment")
    via_object = await call(mode, deployment.predictions, "create", input={"text": "f"})
    assert via_object.input == {"text": "f"}


@MODES
async def test_prediction_methods_wait_reload_cancel(mode: str, client: Any, emu: Any) -> None:
    version = await echo_version(mode, client)
    prediction = await call(
        mode, client.predictions, "create", version=version, input={"text": "w"}
    )
    await call(mode, prediction, "wait")
    assert prediction.status == "succeeded" and prediction.output == "w"
    assert prediction.completed_at is not None and prediction.metrics is not None
    await call(mode, prediction, "reload")
    assert prediction.output == "w"
    slow = await call(mode, client.models, "get", "emulator/slow")
    running = await call(
        mode, client.predictions, "create", version=slow.latest_version.id, input={"seconds": 60}
    )
    await call(mode, running, "cancel")
    await call(mode, running, "wait")
    assert running.status == "canceled"


@MODES
async def test_wait_returns_on_aborted(mode: str, client: Any, emu: Any) -> None:
    slow = await call(mode, client.models, "get", "emulator/slow")
    queued = {"seconds": 60, "queue_seconds": 600}  # still queued when Cancel-After passes
    prediction = await call(
        mode,
        client.predictions,
        "create",
        version=slow.latest_version.id,
        input=queued,
        cancel_after="5s",  # the API's minimum
    )
    with pytest.raises(ModelError) as caught:  # meanwhile: both bounds pass in one wait
        await call(mode, client, "run", slow, input=queued, wait=False, cancel_after="5s")
    assert caught.value.prediction.status == "aborted"
    await call(mode, prediction, "wait")
    assert prediction.status == "aborted"  # cancelled while still queued
    assert prediction.done


# --- run ------------------------------------------------------------------------------------


@MODES
async def test_run_with_every_ref_form(mode: str, client: Any) -> None:
    version = await echo_version(mode, client)
    model = await call(mode, client.models, "get", "emulator/echo")
    for ref in ("emulator/echo", f"emulator/echo:{version}", version, model, model.latest_version):
        assert await call(mode, client, "run", ref, input={"text": "r"}) == "r"


@MODES
async def test_run_failure_raises_model_error(mode: str, client: Any) -> None:
    with pytest.raises(ModelError) as caught:
        await call(mode, client, "run", "emulator/fail", input={})
    assert caught.value.prediction.status == "failed"
    assert caught.value.prediction.error


@MODES
async def test_run_outliving_the_wait_falls_back_to_polling(mode: str, client: Any) -> None:
    output = await call(mode, client, "run", "emulator/slow", input={"seconds": 30}, wait=1)
    assert output is not None


# --- trainings ------------------------------------------------------------------------------


@MODES
async def test_trainings(mode: str, client: Any, emu: Any) -> None:
    version = await echo_version(mode, client)
    training = await call(
        mode,
        client.trainings,
        "create",
        version=f"emulator/echo:{version}",
        input={"text": "t"},
        destination="emulator/echo",
    )
    assert isinstance(training, Training)
    second = await call(
        mode,
        client.trainings,
        "create",
        model="emulator/echo",
        version=version,
        input={"text": "u"},
        destination=("emulator", "echo"),
    )
    fetched = await call(mode, client.trainings, "get", training.id)
    assert fetched.id == training.id
    page = await call(mode, client.trainings, "list")
    assert {training.id, second.id} <= {t.id for t in page}
    canceled = await call(mode, client.trainings, "cancel", second.id)
    assert canceled.id == second.id
    await call(mode, training, "reload")
    await call(mode, training, "wait")
    assert training.done
    # The API names the destination only in the output's new version; 1.x read it there.
    assert training.output["version"].startswith("emulator/echo:")
    assert training.destination == "emulator/echo"
    fetched = await call(mode, client.trainings, "get", training.id)
    assert fetched.destination == "emulator/echo"
    assert "trainings.cancel" in ops(emu)


@pytest.mark.anyio
async def test_trainings_positional_arguments_follow_1x_per_twin(client: Any) -> None:
    # 1.x's sync create takes (version, input, destination, ...), its async_create
    # (model, version, input): code written for each keeps working (found by an outsider).
    version = await echo_version("sync", client)
    made = client.trainings.create(f"emulator/echo:{version}", {"text": "s"}, "emulator/echo")
    amade = await client.trainings.async_create(
        "emulator/echo", version, {"text": "a"}, destination="emulator/echo"
    )
    assert (made.input, amade.input) == ({"text": "s"}, {"text": "a"})
    assert made.version == amade.version == version


# --- models and versions --------------------------------------------------------------------


@MODES
async def test_models_read(mode: str, client: Any) -> None:
    model = await call(mode, client.models, "get", "emulator", "echo")
    assert isinstance(model, Model) and model.id == "emulator/echo"
    assert isinstance(model.latest_version, Version) and model.latest_version.openapi_schema
    same = await call(mode, client.models, "get", owner="emulator", name="echo")
    assert same.url == model.url
    page = await call(mode, client.models, "list", sort_by="model_created_at", sort_direction="asc")
    assert "emulator/echo" in [m.id for m in page]
    found = await call(mode, client.models, "search", "echo")
    assert "emulator/echo" in [m.id for m in found]
    examples = await call(mode, client.models, "examples", "emulator/echo")
    assert all(isinstance(p, Prediction) for p in examples)
    readme = await call(mode, client.models, "readme", model)
    assert "echo" in readme
    await call(mode, model, "reload")
    assert model.name == "echo"


@MODES
async def test_models_write_and_versions(mode: str, client: Any, emu: Any) -> None:
    created = await call(
        mode,
        client.models,
        "create",
        "emulator",
        f"new-{mode}",
        visibility="private",
        hardware="cpu",
        description="first",
    )
    assert created.description == "first" and created.visibility == "private"
    updated = await call(mode, client.models, "update", created, description="second")
    assert updated.description == "second"
    assert await call(mode, client.models, "delete", f"emulator/new-{mode}") is True
    with pytest.raises(ReplicateError) as caught:
        await call(mode, client.models, "get", f"emulator/new-{mode}")
    assert caught.value.status == 404
    echo = await call(mode, client.models, "get", "emulator/echo")
    versions = await call(mode, echo.versions, "list")
    assert len(versions) >= 2
    one = await call(mode, echo.versions, "get", versions[0].id)
    assert one.id == versions[0].id and one.cog_version
    assert await call(mode, echo.versions, "delete", versions[-1].id) is True
    assert "models.versions.delete" in ops(emu)


# --- deployments ----------------------------------------------------------------------------


@MODES
async def test_deployments(mode: str, client: Any) -> None:
    version = await echo_version(mode, client)
    created = await call(
        mode,
        client.deployments,
        "create",
        name=f"dep-{mode}",
        model="emulator/echo",
        version=version,
        hardware="cpu",
        min_instances=0,
        max_instances=1,
    )
    assert isinstance(created, Deployment) and created.current_release
    assert created.current_release.configuration.max_instances == 1
    updated = await call(
        mode, client.deployments, "update", created.owner, created.name, max_instances=3
    )
    assert updated.current_release.configuration.max_instances == 3
    assert updated.current_release.number == 2
    page = await call(mode, client.deployments, "list")
    assert created.id in [d.id for d in page]
    fetched = await call(mode, client.deployments, "get", created.id)
    assert fetched.current_release.version == version
    assert await call(mode, client.deployments, "delete", created.owner, created.name) is True


# --- the rest -------------------------------------------------------------------------------


@MODES
async def test_collections_hardware_accounts(mode: str, client: Any) -> None:
    page = await call(mode, client.collections, "list")
    assert page.results and all(isinstance(c, Collection) for c in page)
    collection = await call(mode, client.collections, "get", page[0].slug)
    assert collection.models and all(isinstance(m, Model) for m in collection)
    hardware = await call(mode, client.hardware, "list")
    assert hardware and all(isinstance(h, Hardware) for h in hardware)
    account = await call(mode, client.accounts, "current")
    assert isinstance(account, Account) and account.username


@MODES
async def test_files(mode: str, client: Any, emu: Any, tmp_path: Any) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"from a path")
    from_path = await call(mode, client.files, "create", path)
    assert isinstance(from_path, File) and from_path.size == len(b"from a path")
    assert from_path.content_type == "text/plain"
    from_bytes = await call(
        mode, client.files, "create", b"\x00\x01", filename="b.bin", metadata={"k": "v"}
    )
    assert from_bytes.metadata == {"k": "v"}
    with path.open("rb") as handle:
        from_handle = await call(mode, client.files, "create", handle)
    assert from_handle.size == from_path.size
    fetched = await call(mode, client.files, "get", from_bytes.id)
    assert fetched.checksums == from_bytes.checksums
    listed = await call(mode, client.files, "list")
    assert {from_path.id, from_bytes.id} <= {f.id for f in listed}
    data = await call(mode, client.files, "download", emu.signed_file_url(from_bytes.id))
    assert data == b"\x00\x01"
    assert await call(mode, client.files, "delete", from_bytes.id) is True
    with pytest.raises(ReplicateError) as caught:
        await call(mode, client.files, "get", from_bytes.id)
    assert caught.value.status == 404


@MODES
async def test_webhooks_default_secret_and_search(mode: str, client: Any, emu: Any) -> None:
    secret = await call(mode, client.webhooks.default, "secret")
    assert secret.key == emu.webhook_secret
    results = await call(mode, client, "search", "echo", limit=5)
    assert results.query == "echo"
    assert "emulator/echo" in [hit.model.id for hit in results.models]


@MODES
async def test_request_escape_hatch(mode: str, client: Any, emu: Any) -> None:
    response = await call(mode, client, "request", "GET", "/account")
    assert response.status_code == 200 and response.json()["username"]
    with pytest.raises(ReplicateError) as caught:
        await call(mode, client, "request", "GET", "predictions/does-not-exist")
    assert caught.value.status == 404 and caught.value.method == "GET"
    # A path from the host, as 1.x's helpers took ("/v1/..."), means the same (it went to
    # /v1/v1/...).
    for path in ("/v1/models/emulator/echo", "/models/emulator/echo", "models/emulator/echo"):
        response = await call(mode, client, "request", "GET", path)
        assert response.json()["name"] == "echo", path


@MODES
async def test_real_api_quirks_are_tolerated(mode: str, client: Any, emu: Any) -> None:
    emu.quirks = "all"
    version = await echo_version(mode, client)
    prediction = await call(
        mode, client.predictions, "create", version=version, input={"text": "q"}
    )
    await call(mode, prediction, "wait")
    assert prediction.status == "succeeded" and prediction.output == "q"
    page = await call(mode, client.predictions, "list")
    assert prediction.id in [p.id for p in page]
    for model in await call(mode, client.models, "list"):
        assert model.owner and model.name
    examples = await call(mode, client.models, "examples", "emulator/echo")
    assert all(p.id for p in examples)
    trainings = await call(mode, client.trainings, "list")
    assert isinstance(trainings, Page)


@MODES
async def test_webhooks_validate_with_the_fetched_secret(mode: str, client: Any) -> None:
    import time

    from replicate.webhook import InvalidSignatureError, sign

    secret = await call(mode, client.webhooks.default, "secret")
    body = b'{"id": "p1", "status": "succeeded"}'
    stamp = int(time.time())
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(stamp),
        "webhook-signature": sign(secret.key, "msg_1", stamp, body),
    }
    assert client.webhooks.validate(headers=headers, body=body, secret=secret) is True
    with pytest.raises(InvalidSignatureError):
        client.webhooks.validate(headers=headers, body=body + b" ", secret=secret)
    assert secret.key not in repr(secret)


@MODES
async def test_file_inputs_are_uploaded_once_or_inlined(
    mode: str, client: Any, emu: Any, tmp_path: Any
) -> None:
    path = tmp_path / "hello.txt"
    path.write_bytes(b"hello")
    version = await echo_version(mode, client)
    uploaded = await call(mode, client.predictions, "create", version=version, input={"text": path})
    assert uploaded.input["text"].startswith(emu.base_url)
    assert len(emu.files) == 1
    inline = await call(
        mode,
        client.predictions,
        "create",
        version=version,
        input={"text": b"hi"},
        file_encoding_strategy="data-uri",
    )
    assert inline.input["text"].startswith("data:")
    assert len(emu.files) == 1
