"""User models: Python functions and real model objects, served wherever the seeds are."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
from collections.abc import Iterator
from typing import Annotated, Any, Literal

import httpx
import pytest
from emulator_spec import SpecChecker
from test_emulator_webhooks import Receiver

import replicate
from replicate.emulator import Emulator, Input
from replicate.emulator.signature import schema_from_callable

REAL_MODELS = pathlib.Path(__file__).parents[1] / "fixtures" / "emulator" / "real_models.json"
WAIT = {"Prefer": "wait"}
FLUX = "black-forest-labs/flux-schnell"
LLAMA = "meta/meta-llama-3-8b-instruct"


def caption(
    image: pathlib.Path,
    style: Literal["short", "long"] = "short",
    temperature: Annotated[float, Input(description="Sampling temperature", ge=0, le=2)] = 0.7,
    tags: list[str] | None = None,
) -> str:
    """Describes an image."""
    return f"{style} caption"


def tokens(prompt: Annotated[str, "The prompt"], n: int = 3, log: Any = None) -> Iterator[str]:
    log(f"generating {n} tokens")
    for i in range(n):
        yield f"{prompt}-{i} "


def picture(size: int = 2) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + bytes(size)


def broken(text: str) -> str:
    print("about to fail")
    raise ValueError(f"cannot handle {text!r}")


def slow(seconds: float = 100, sleep: Any = None) -> str:
    sleep(seconds)
    return "done"


def test_schema_is_derived_cog_style() -> None:
    schemas = schema_from_callable(caption)["components"]["schemas"]
    props = schemas["Input"]["properties"]
    assert list(props) == ["image", "style", "temperature", "tags"]
    assert [p["x-order"] for p in props.values()] == [0, 1, 2, 3]
    assert schemas["Input"]["required"] == ["image"]
    assert props["image"] == {"title": "Image", "x-order": 0, "type": "string", "format": "uri"}
    assert props["style"]["enum"] == ["short", "long"] and props["style"]["default"] == "short"
    assert props["temperature"] == {
        "title": "Temperature",
        "x-order": 2,
        "type": "number",
        "default": 0.7,
        "description": "Sampling temperature",
        "minimum": 0,
        "maximum": 2,
    }
    assert props["tags"]["items"] == {"type": "string"} and props["tags"]["nullable"]
    assert schemas["Output"] == {"title": "Output", "type": "string"}
    stream = schema_from_callable(tokens)["components"]["schemas"]
    assert "log" not in stream["Input"]["properties"]
    assert stream["Input"]["properties"]["prompt"]["description"] == "The prompt"
    assert stream["Output"]["x-cog-array-type"] == "iterator"
    assert stream["Output"]["x-cog-array-display"] == "concatenate"
    assert schema_from_callable(picture)["components"]["schemas"]["Output"]["format"] == "uri"


async def _async_tokens(prompt: str) -> Any:
    yield prompt


def test_async_functions(emu: Emulator) -> None:
    async def shout(text: str) -> str:
        return text.upper()

    emu.add_model("me/shout", shout)
    with emu.client() as client:
        assert client.run("me/shout", input={"text": "hey"}) == "HEY"
    with pytest.raises(TypeError, match="async generators"):
        emu.add_model("me/agen", _async_tokens)


def test_explicit_schemas_and_bad_registrations(emu: Emulator) -> None:
    model = emu.add_model(
        "me/explicit",
        lambda **kw: kw["a"],
        input_schema={"properties": {"a": {"type": "integer"}}, "required": ["a"]},
        output_schema={"type": "integer"},
    )
    schemas = model.versions[0].schema["components"]["schemas"]
    assert schemas["Input"]["required"] == ["a"] and schemas["Output"]["type"] == "integer"
    with pytest.raises(ValueError, match="owner/name"):
        emu.add_model("no-slash", tokens)
    with pytest.raises(TypeError, match="cannot derive a cog schema"):
        emu.add_model("me/bad", _set_annotated)


def _set_annotated(x: set[int]) -> str:
    return ""


def test_run_by_name_version_and_deployment(emu: Emulator, api: httpx.Client) -> None:
    model = emu.add_model("acme/tokens", tokens, versions=2)
    with emu.client() as client:
        assert "".join(client.run("acme/tokens", input={"prompt": "a", "n": 2})) == "a-0 a-1 "
        pinned = client.run(f"acme/tokens:{model.versions[0].id}", input={"prompt": "b", "n": 1})
        assert list(pinned) == ["b-0 "]
        deployment = client.deployments.create(
            name="tokens-prod",
            model="acme/tokens",
            version=model.versions[-1].id,
            hardware="cpu",
            min_instances=0,
            max_instances=1,
        )
        prediction = client.deployments.predictions.create(
            deployment, input={"prompt": "c", "n": 1}
        )
        prediction.wait()
        assert prediction.output == ["c-0 "]
    runs = emu.predictions_for("acme/tokens")
    assert [j.version for j in runs[:2]] == [model.versions[-1].id, model.versions[0].id]
    assert runs[-1].deployment == "emulator/tokens-prod"
    assert emu.last_input("acme/tokens") == {"prompt": "c", "n": 1}
    assert "generating 1 tokens" in runs[-1].logs
    with pytest.raises(LookupError):
        emu.last_input("acme/other")


def test_deployments_and_collections_under_any_owner(emu: Emulator) -> None:
    # The shapes of the docs' examples: a deployment of the user's account, a collection slug.
    model = emu.add_model("acme/tokens", tokens, versions=2)
    served = emu.add_deployment("acme/my-app", "acme/tokens")
    assert served["current_release"]["version"] == model.versions[-1].id
    emu.add_deployment("acme/pinned", "acme/tokens", model.versions[0].id)
    emu.add_collection("text-to-image", ["acme/tokens", "emulator/echo"], name="Text to image")
    with emu.client() as client:
        deployment = client.deployments.get("acme/my-app")
        assert (deployment.owner, deployment.name) == ("acme", "my-app")
        prediction = deployment.predictions.create(input={"prompt": "d", "n": 1})
        prediction.wait()
        assert prediction.output == ["d-0 "]
        collection = client.collections.get("text-to-image")
        assert collection.name == "Text to image"
        names = [f"{m.owner}/{m.name}" for m in collection.models]
        assert names == ["acme/tokens", "emulator/echo"]
    assert emu.predictions_for("acme/tokens")[-1].deployment == "acme/my-app"
    with pytest.raises(ValueError, match="not a version"):
        emu.add_deployment("acme/x", "acme/tokens", "0" * 64)
    with pytest.raises(ValueError, match="no model"):
        emu.add_deployment("acme/x", "acme/missing")
    with pytest.raises(ValueError, match="slug"):
        emu.add_collection("a/b", [])
    emu.reset()
    with emu.client() as client, pytest.raises(replicate.exceptions.ReplicateError):
        client.deployments.get("acme/my-app")


def test_inputs_are_checked_against_the_derived_schema(emu: Emulator, api: httpx.Client) -> None:
    emu.add_model("me/caption", caption)
    bad = api.post("/models/me/caption/predictions", json={"input": {"image": "x", "style": "?"}})
    assert bad.status_code == 422 and "style" in bad.text
    missing = api.post("/models/me/caption/predictions", json={"input": {}})
    assert missing.status_code == 422 and "image" in missing.text
    assert emu.predictions_for("me/caption") == []


def test_failure_logs_and_print_capture(emu: Emulator, api: httpx.Client) -> None:
    emu.add_model("me/broken", broken)
    body = api.post(
        "/models/me/broken/predictions", json={"input": {"text": "x"}}, headers=WAIT
    ).json()
    assert body["status"] == "failed"
    assert body["error"] == "ValueError: cannot handle 'x'"
    assert body["logs"].startswith("about to fail\n") and "Traceback" in body["logs"]


def test_files_stream_and_cancel(emu: Emulator, api: httpx.Client) -> None:
    emu.add_model("me/picture", picture)
    emu.add_model("me/slow", slow)
    emu.add_model("me/tokens", tokens)
    with emu.client() as client:
        out = client.run("me/picture", input={"size": 3})
        assert str(out).endswith(".png") and out.read() == b"\x89PNG\r\n\x1a\n\x00\x00\x00"
        events = [(e.event, e.data) for e in client.stream("me/tokens", input={"prompt": "s"})]
        outputs = [data for kind, data in events if kind == "output"]
        assert outputs == ["s-0 ", "s-1 ", "s-2 "]
        assert ("logs", "generating 3 tokens") in events
        prediction = client.predictions.create(model="me/slow", input={"seconds": 1000})
        prediction.cancel()
        prediction.wait()
        assert prediction.status == "canceled"


def test_file_inputs_arrive_as_paths(emu: Emulator, tmp_path: pathlib.Path) -> None:
    def measure(image: pathlib.Path, extras: list[pathlib.Path] | None = None) -> dict[str, Any]:
        files = [image, *(extras or [])]
        return {"names": [f.name for f in files], "sizes": [len(f.read_bytes()) for f in files]}

    emu.add_model("me/picture", picture)
    emu.add_model("me/measure", measure)
    upload = tmp_path / "photo.jpg"
    upload.write_bytes(b"\xff\xd8\xff" + bytes(7))
    with emu.client() as client:
        sizes = client.run("me/measure", input={"image": upload, "extras": [b"abc"]})
        assert sizes == {"names": ["photo.jpg", "file"], "sizes": [10, 3]}
        inline = client.run(
            "me/measure", input={"image": upload}, file_encoding_strategy="data-uri"
        )
        assert inline["sizes"] == [10]
        chained = client.run("me/measure", input={"image": client.run("me/picture", input={})})
        assert chained == {"names": ["output-0.png"], "sizes": [10]}
    raw = emu.last_input("me/measure")["image"]
    assert isinstance(raw, str) and raw.startswith(emu.base_url)  # as sent: a URL


def test_file_inputs_given_as_urls(emu: Emulator) -> None:
    # As cog does, a URL input reaches the function as a downloaded file; the emulator fetches
    # only on this machine or its local network, and a URL it will not or cannot fetch fails
    # the prediction saying why (the function never gets a str where it declared a Path).
    from support.run_support import FileHost

    def measure(image: pathlib.Path) -> str:
        return f"{image.name}:{len(image.read_bytes())}"

    emu.add_model("me/measure", measure)
    files = FileHost({"/pics/owl%20at%20dusk.png": b"\x89PNG" + bytes(6)})
    with files.running() as host, emu.client() as client:
        url = host.url + "/pics/owl%20at%20dusk.png"
        assert client.run("me/measure", input={"image": url}) == "owl at dusk.png:10"
        refused = {
            "https://example.com/owl.png": "does not fetch file inputs from 'example.com'",
            host.url + "/missing.png": "could not fetch file input",
            "data:image/png;base64,%%%": "malformed data: URI file input",
        }
        for given, reason in refused.items():
            prediction = client.predictions.create(model="me/measure", input={"image": given})
            prediction.wait()
            assert prediction.status == "failed" and reason in prediction.error, given
    assert [path for path, _ in host.seen] == ["/pics/owl%20at%20dusk.png", "/missing.png"]


def test_path_output_and_prefer_wait(
    emu: Emulator, api: httpx.Client, tmp_path: pathlib.Path
) -> None:
    report = tmp_path / "report.txt"
    report.write_text("hello")

    def write_report() -> pathlib.Path:
        return report

    emu.add_model("me/report", write_report)
    body = api.post("/models/me/report/predictions", json={"input": {}}, headers=WAIT).json()
    assert body["status"] == "succeeded" and body["output"].endswith("/report.txt")
    served = httpx.get(body["output"])
    assert served.text == "hello" and served.headers["content-type"].startswith("text/plain")


def test_training_a_user_model_makes_a_runnable_version(emu: Emulator, api: httpx.Client) -> None:
    model = emu.add_model("me/tokens", tokens)
    api.post(
        "/models", json={"owner": "me", "name": "tuned", "visibility": "private", "hardware": "cpu"}
    )
    refused = api.post("/models/me/tuned/predictions", json={"input": {"prompt": "x"}})
    assert refused.status_code == 422 and "add_model" in refused.text
    training = api.post(
        f"/models/me/tokens/versions/{model.versions[0].id}/trainings",
        json={"destination": "me/tuned", "input": {"steps": 1}},
    ).json()
    assert emu.wait_for(lambda: emu.trainings[training["id"]].done)
    done = api.get(f"/trainings/{training['id']}").json()
    assert done["status"] == "succeeded" and done["output"]["version"].startswith("me/tuned:")
    with emu.client() as client:
        tuned = done["output"]["version"]
        assert "".join(client.run(tuned, input={"prompt": "t", "n": 1})) == "t-0 "
        assert "".join(client.run("me/tuned", input={"prompt": "u", "n": 1})) == "u-0 "


def test_webhooks_faults_and_quirks(emu: Emulator, api: httpx.Client) -> None:
    emu.add_model("me/tokens", tokens, official=True)
    receiver = Receiver()
    try:
        api.post(
            "/models/me/tokens/predictions",
            json={"input": {"prompt": "w", "n": 2}, "webhook": receiver.url},
        )
        assert emu.wait_for(lambda: any(e["status"] == "succeeded" for e in receiver.events()))
        assert receiver.events()[-1]["output"] == ["w-0 ", "w-1 "]
    finally:
        receiver.server.shutdown()
    faulted = api.post(
        "/models/me/tokens/predictions",
        json={"input": {"prompt": "f"}},
        headers={"X-Emulator-Fault": "status=503"},
    )
    assert faulted.status_code == 503
    emu.quirks = {"hidden_version"}
    hidden = api.post("/models/me/tokens/predictions", json={"input": {"prompt": "h"}}).json()
    assert hidden["version"] == "hidden"


def test_real_model_objects(emu: Emulator, api: httpx.Client) -> None:
    emu.load_models(REAL_MODELS)
    flux = api.get(f"/models/{FLUX}").json()
    real = json.loads(REAL_MODELS.read_text())["models"][0]
    assert flux["latest_version"]["id"] == real["latest_version"]["id"]
    assert flux["latest_version"]["openapi_schema"] == real["latest_version"]["openapi_schema"]
    assert flux["default_example"] == real["default_example"]
    with emu.client() as client:
        (image,) = client.run(FLUX, input={"prompt": "cake", "go_fast": True})
        assert str(image).startswith(emu.base_url) and str(image).endswith("out-0.webp")
        assert image.read().startswith(b"\x89PNG")
        text = "".join(client.run(LLAMA, input={"prompt": "hi"}))
        assert text.startswith("The number of parameters")
        bad = api.post(f"/models/{FLUX}/predictions", json={"input": {"aspect_ratio": "7:3"}})
        assert bad.status_code == 422 and "aspect_ratio" in bad.text


def test_real_model_object_without_a_schema(emu: Emulator, api: httpx.Client) -> None:
    real = json.loads(REAL_MODELS.read_text())["models"][0]
    untyped = {**real, "owner": "old-lab", "default_example": {"output": "canned"}}
    untyped["latest_version"] = {**real["latest_version"], "openapi_schema": None}
    emu.add_model_from_json(untyped)
    served = api.get("/models/old-lab/" + real["name"]).json()["latest_version"]
    assert served["openapi_schema"] is None
    with emu.client() as client:  # nothing to validate against: any input runs
        assert client.run(f"old-lab/{real['name']}", input={"anything": 1}) == "canned"
    broken = {**real, "latest_version": {**real["latest_version"], "openapi_schema": {}}}
    with pytest.raises(ValueError, match="openapi_schema has no Input"):
        emu.add_model_from_json(broken)


def test_load_models_from_yaml_and_cli(tmp_path: pathlib.Path) -> None:
    import yaml

    models_file = tmp_path / "models.yaml"
    models_file.write_text(yaml.safe_dump(json.loads(REAL_MODELS.read_text())))
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "replicate.emulator",
            "--models",
            str(models_file),
            "--time-scale",
            "0.05",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip().rsplit(" ", 1)[-1]
        headers = {"Authorization": "Bearer t", **WAIT}
        body = httpx.post(
            f"{url}/v1/models/{LLAMA}/predictions",
            json={"input": {"prompt": "x"}},
            headers=headers,
            timeout=10,
        ).json()
        assert body["status"] == "succeeded" and body["output"][0] == "The"
        httpx.post(f"{url}/_emulator/reset").raise_for_status()
        assert httpx.get(f"{url}/v1/models/{FLUX}", headers=headers).status_code == 200
    finally:
        process.terminate()
        process.wait(10)


def test_registered_models_are_gone_after_reset(emu: Emulator) -> None:
    emu.add_model("me/tokens", tokens)
    emu.reset()
    assert "me/tokens" not in emu.models and "emulator/echo" in emu.models


def test_user_models_conform_to_the_spec(
    emu: Emulator, api: httpx.Client, spec: SpecChecker
) -> None:
    c = spec.check
    model = emu.add_model("me/picture", picture, versions=2)
    emu.add_model("me/broken", broken)
    emu.add_model("me/official", tokens, official=True)
    emu.load_models(REAL_MODELS)
    for name in ("me/picture", "me/official", FLUX, LLAMA):
        c(api.get(f"/models/{name}"), "GET", "/models/{model_owner}/{model_name}")
        c(api.get(f"/models/{name}/versions"), "GET", "/models/{model_owner}/{model_name}/versions")
    for name, inp in [
        ("me/picture", {}),
        ("me/broken", {"text": "x"}),
        ("me/official", {"prompt": "o"}),
        (FLUX, {"prompt": "f"}),
        (LLAMA, {"prompt": "l"}),
    ]:
        created = c(
            api.post(f"/models/{name}/predictions", json={"input": inp}, headers=WAIT),
            "POST",
            "/models/{model_owner}/{model_name}/predictions",
        )
        c(api.get(f"/predictions/{created['id']}"), "GET", "/predictions/{prediction_id}")
    c(
        api.post("/predictions", json={"version": model.versions[0].id, "input": {}}, headers=WAIT),
        "POST",
        "/predictions",
    )
    deployment = c(
        api.post(
            "/deployments",
            json={
                "name": "pic",
                "model": "me/picture",
                "version": model.versions[-1].id,
                "hardware": "cpu",
                "min_instances": 0,
                "max_instances": 1,
            },
        ),
        "POST",
        "/deployments",
    )
    assert deployment["current_release"]["model"] == "me/picture"
    c(
        api.post("/deployments/emulator/pic/predictions", json={"input": {}}, headers=WAIT),
        "POST",
        "/deployments/{deployment_owner}/{deployment_name}/predictions",
    )
    api.post(
        "/models", json={"owner": "me", "name": "tuned", "visibility": "public", "hardware": "cpu"}
    )
    training = c(
        api.post(
            f"/models/me/picture/versions/{model.versions[0].id}/trainings",
            json={"destination": "me/tuned", "input": {}},
        ),
        "POST",
        "/models/{model_owner}/{model_name}/versions/{version_id}/trainings",
    )
    assert emu.wait_for(lambda: emu.trainings[training["id"]].done)
    c(api.get(f"/trainings/{training['id']}"), "GET", "/trainings/{training_id}")
    c(api.get("/models/me/tuned"), "GET", "/models/{model_owner}/{model_name}")
    c(api.get("/models"), "GET", "/models")
    c(api.get("/predictions"), "GET", "/predictions")
    c(api.get("/search", params={"query": "flux"}), "GET", "/search")


@pytest.mark.parametrize("round", [1, 2])
def test_plugin_fixtures_isolate_tests(
    round: int,
    replicate_emulator: Emulator,
    replicate_client: replicate.Client,
    replicate_default_client: replicate.Client,
) -> None:
    assert "me/counter" not in replicate_emulator.models  # registered by the other round
    replicate_emulator.add_model("me/counter", lambda: round)
    assert replicate_client.run("me/counter", input={}) == round
    assert replicate.run("me/counter", input={}) == round  # the module-level default client
    assert len(replicate_emulator.predictions_for("me/counter")) == 2


def test_as_default_client_restores_the_previous_default(emu: Emulator) -> None:
    before = vars(replicate).get("default_client")
    with emu.as_default_client() as client:
        assert replicate.default_client is client
    assert vars(replicate).get("default_client") is before
