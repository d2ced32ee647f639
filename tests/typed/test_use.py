"""replicate.use(): signatures, checks, runs, streaming, async, errors (against the emulator)."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import logging
import pydoc
import sys
import warnings
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, Literal

import pytest
from real_models import SAMPLE, client_for, lookups, posted, sample_model, with_output

import replicate
from replicate.emulator import Emulator
from replicate.emulator.catalog import OWNER, version_id
from replicate.exceptions import ModelError
from replicate.helpers import FileOutput
from replicate.schema import InputValidationError, SchemaError, Secret
from replicate.typed import AsyncFunction, Function, ModelLookupError
from replicate.typed.main import main as typed_main


def test_signature_lists_inputs_in_x_order(replicate_emulator: Emulator) -> None:
    fn = client_for(replicate_emulator).use("emulator/stream-text")
    assert lookups(replicate_emulator) == []  # nothing is sent until needed
    sig = inspect.signature(fn)
    params = list(sig.parameters.values())
    assert [p.name for p in params] == ["prompt", "max_tokens"]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params)
    # Optional without a default: `= None` (left out of the request), as in generated modules.
    assert params[0].annotation == str | None and params[0].default is None
    assert params[1].annotation is int and params[1].default == 16
    assert sig.return_annotation == Iterator[str]
    text = pydoc.render_doc(fn, renderer=pydoc.plaintext)
    assert "max_tokens: int (default 16, range 1..4096)" in text
    assert "Returns: Iterator[str]" in text
    assert lookups(replicate_emulator) == ["/v1/models/emulator/stream-text"]


def test_call_checks_then_runs_the_resolved_version(
    replicate_emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    client = client_for(replicate_emulator)
    echo = client.use("emulator/echo")
    with caplog.at_level(logging.INFO, logger="replicate"):
        assert echo(text="hello") == "hello"
    latest = version_id(OWNER, "echo", 2)
    assert f"using the latest version {latest}" in caplog.text
    assert echo(text="again") == "again"
    assert client.use("emulator/echo")(text="third") == "third"
    assert lookups(replicate_emulator) == ["/v1/models/emulator/echo"]  # once per client and ref
    bodies = [json.loads(r.body) for r in posted(replicate_emulator)]
    assert [b["version"] for b in bodies] == [latest] * 3
    assert bodies[0]["input"] == {"text": "hello"}


def test_bad_inputs_fail_before_any_request(replicate_emulator: Emulator) -> None:
    fn = client_for(replicate_emulator).use("emulator/stream-text")
    with pytest.raises(InputValidationError) as caught:
        fn(promt="hi", max_tokens=0)
    assert caught.value.problems == {
        "promt": "unknown input; did you mean 'prompt'? (inputs: prompt, max_tokens)",
        "max_tokens": "must be >= 1",
    }
    assert "emulator/stream-text:" in str(caught.value)
    assert posted(replicate_emulator) == []


def test_iterator_outputs_and_streaming(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator)
    output = client.use("emulator/stream-text")(prompt="hi", max_tokens=3)
    assert len(str(output).split()) == 3  # concatenate: the text on demand
    streamed = list(client.use("emulator/stream-text", streaming=True)(prompt="hi", max_tokens=3))
    assert "".join(streamed) == str(output)
    assert list(client.use("emulator/echo", streaming=True)(text="one")) == ["one"]
    # run() reused the schema use() fetched: one lookup per ref, no version fetch of its own
    assert sorted(lookups(replicate_emulator)) == [
        "/v1/models/emulator/echo",
        "/v1/models/emulator/stream-text",
    ]


def test_file_outputs(replicate_emulator: Emulator) -> None:
    images = client_for(replicate_emulator).use("emulator/image")(prompt="x", num_outputs=2)
    assert len(images) == 2 and all(isinstance(image, FileOutput) for image in images)
    assert images[0].read().startswith(b"\x89PNG")


def test_create_returns_a_run(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator)
    run = client.use("emulator/echo").create(text="later")
    assert run.prediction.id in replicate_emulator.predictions
    assert run.output() == "later"
    assert "echoing 5 characters" in (run.logs() or "")
    tokens = client.use("emulator/stream-text").create(prompt="a", max_tokens=2).output()
    assert isinstance(tokens, str) and len(tokens.split()) == 2
    streamed = client.use("emulator/stream-text", streaming=True).create(prompt="a", max_tokens=2)
    assert "".join(streamed.output()) == tokens
    with pytest.raises(ModelError):
        client.use("emulator/fail").create(text="x").output()


def test_pinned_ref_fetches_that_version(replicate_emulator: Emulator) -> None:
    first = version_id(OWNER, "echo", 1)
    fn = client_for(replicate_emulator).use(f"emulator/echo:{first}")
    assert fn(text="v1") == "v1"
    assert lookups(replicate_emulator) == [f"/v1/models/emulator/echo/versions/{first}"]
    assert json.loads(posted(replicate_emulator)[0].body)["version"] == first


def test_errors_name_the_model(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator)
    with pytest.raises(ModelLookupError, match="model emulator/nope was not found"):
        client.use("emulator/nope")(text="x")
    hidden = "0" * 64
    with pytest.raises(ModelLookupError, match=f"version {hidden} of emulator/echo was not found"):
        client.use(f"emulator/echo:{hidden}")(text="x")
    broken = sample_model("zeke/haiku-standard")
    broken["latest_version"]["openapi_schema"]["components"]["schemas"]["Input"] = ["oops"]
    replicate_emulator.add_model_from_json(broken)
    with pytest.raises(SchemaError, match=r"zeke/haiku-standard:\w+ has a malformed schema"):
        client.use("zeke/haiku-standard")(seed=1)
    with pytest.raises(ValueError, match="Invalid reference to model version: not a ref"):
        client.use("not a ref")
    assert posted(replicate_emulator) == []


def test_model_without_schema_falls_back_to_untyped(replicate_emulator: Emulator) -> None:
    raw = sample_model("zeke/haiku-standard")
    raw["latest_version"]["openapi_schema"] = None
    replicate_emulator.add_model_from_json(with_output(raw, "a haiku"))
    fn = client_for(replicate_emulator).use("zeke/haiku-standard")
    with pytest.warns(UserWarning, match="publishes no input schema") as caught:
        assert fn(anything=1) == "a haiku"
    ours = [w for w in caught if "input schema" in str(w.message)]
    assert [w.filename for w in ours] == [__file__]  # once, pointing at the caller's line
    assert str(inspect.signature(fn)) == "(**inputs: Any) -> Any"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fn(anything=2) == "a haiku"  # once per function
    # A function whose model was resolved first for its signature still warns at its call.
    other = client_for(replicate_emulator).use("zeke/haiku-standard")
    assert str(inspect.signature(other)) == "(**inputs: Any) -> Any"
    with pytest.warns(UserWarning, match="publishes no input schema"):
        assert other(anything=1) == "a haiku"


def test_official_model_runs_by_name(replicate_emulator: Emulator) -> None:
    # Official models list their latest version (as on the real API), so they are typed too.
    # Found by an outsider: they were run by their latest version's id, which the real API
    # does not address for official models (and which changes without notice).
    client = client_for(replicate_emulator)
    fn = client.use("emulator/official")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fn(prompt="hi") == "official: hi"
    assert "prompt" in inspect.signature(fn).parameters
    assert fn.create(prompt="later").output() == "official: later"

    async def in_async() -> Any:
        return await client.use("emulator/official", use_async=True)(prompt="async")

    assert asyncio.run(in_async()) == "official: async"
    by_name = "/v1/models/emulator/official/predictions"
    assert [r.path for r in posted(replicate_emulator)] == [by_name] * 3
    assert all("version" not in json.loads(r.body) for r in posted(replicate_emulator))
    # Asked for by version, the version is run.
    model = replicate_emulator.add_model("acme/offi", lambda prompt: prompt, official=True)
    version = model.versions[-1].id
    assert client.use(f"acme/offi:{version}")(prompt="v") == "v"
    assert json.loads(posted(replicate_emulator)[-1].body)["version"] == version


def test_secret_inputs_stay_secret(
    replicate_emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    raw = sample_model("zeke/haiku-standard")
    props = raw["latest_version"]["openapi_schema"]["components"]["schemas"]["Input"]["properties"]
    props["api_key"] = {"type": "string", "format": "password", "x-cog-secret": True, "x-order": 1}
    replicate_emulator.add_model_from_json(with_output(raw, "done"))
    fn = client_for(replicate_emulator).use("zeke/haiku-standard")
    with caplog.at_level(logging.DEBUG):
        assert fn(seed=1, api_key=Secret("sk-live-123")) == "done"
        with pytest.raises(InputValidationError) as caught:
            fn(seed=-1, api_key=["sk-live-456"])
    assert "sk-live" not in caplog.text and "sk-live" not in str(caught.value)
    assert caught.value.problems["api_key"].startswith("<secret>")
    assert json.loads(posted(replicate_emulator)[0].body)["input"]["api_key"] == "sk-live-123"
    assert (
        "default"
        not in pydoc.render_doc(fn, renderer=pydoc.plaintext).split("api_key")[1].split("\n")[0]
    )


@pytest.mark.anyio
async def test_async_many_tasks_share_one_lookup(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator)
    fn = client.use("emulator/echo", use_async=True)
    assert isinstance(fn, AsyncFunction)
    outputs = await asyncio.gather(*(fn(text=f"t{i}") for i in range(20)))
    assert outputs == [f"t{i}" for i in range(20)]
    assert lookups(replicate_emulator) == ["/v1/models/emulator/echo"]
    run = await fn.create(text="async run")
    assert await run.output() == "async run"
    assert "echoing" in (await run.logs() or "")
    stream = await client.use("emulator/stream-text", streaming=True, use_async=True)(
        prompt="x", max_tokens=2
    )
    assert isinstance(stream, AsyncIterator)
    assert len([item async for item in stream]) == 2
    sig = inspect.signature(client.use("emulator/stream-text", use_async=True))
    assert sig.return_annotation == AsyncIterator[str]
    with pytest.raises(InputValidationError):
        await fn(text=3)
    await client.aclose()


@pytest.mark.anyio
async def test_async_lookup_errors_reach_every_waiter(replicate_emulator: Emulator) -> None:
    fn = client_for(replicate_emulator).use("emulator/missing", use_async=True)
    results = await asyncio.gather(*(fn(x=1) for _ in range(5)), return_exceptions=True)
    assert all(isinstance(r, ModelLookupError) for r in results)


def test_module_level_use(replicate_emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replicate, "default_client", client_for(replicate_emulator), raising=False)
    fn = replicate.use("emulator/echo")
    assert isinstance(fn, Function)
    assert fn(text="module") == "module"


def test_module_level_use_follows_the_default_client_in_place_at_each_call(
    replicate_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Found by a user's suite: `ECHO = replicate.use(...)` at import time bound the default
    # client of that moment, so the emulator fixture's client was bypassed and the real API
    # got the developer's token.
    monkeypatch.setattr(replicate, "default_client", None, raising=False)
    monkeypatch.setenv("REPLICATE_BASE_URL", "http://127.0.0.1:9")  # nothing listens there
    echo = replicate.use("emulator/echo")
    streaming = replicate.use("emulator/echo", use_async=True)
    monkeypatch.setattr(replicate, "default_client", client_for(replicate_emulator))
    assert echo(text="fixture") == "fixture"
    assert asyncio.run(streaming(text="async")) == "async"


def test_functions_pickle_by_ref_without_the_client(
    replicate_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # For process pools: the copy runs through the default client of the loading process;
    # the token of the client it was made with is not in the pickle.
    import pickle

    monkeypatch.setenv("REPLICATE_API_TOKEN", "r8_env")
    monkeypatch.setenv("REPLICATE_BASE_URL", replicate_emulator.base_url)
    monkeypatch.setattr(replicate, "default_client", None, raising=False)
    made = client_for(replicate_emulator).use("emulator/echo", streaming=True)
    made(text="resolved first")  # a used function pickles the same
    data = pickle.dumps(made)
    assert b"r8_" not in data and b"typed-test-token" not in data
    copy = pickle.loads(data)
    assert isinstance(copy, Function) and copy.ref == "emulator/echo"
    assert list(copy(text="hi")) == ["hi"]
    async_copy = pickle.loads(pickle.dumps(replicate.use("emulator/echo", use_async=True)))
    assert isinstance(async_copy, AsyncFunction)
    assert asyncio.run(async_copy(text="hi")) == "hi"


@pytest.mark.parametrize("raw", SAMPLE, ids=lambda raw: f"{raw['owner']}/{raw['name']}")
def test_real_signature_lists_exactly_the_schema_inputs(
    replicate_emulator: Emulator, raw: dict[str, Any]
) -> None:
    replicate_emulator.add_model_from_json(raw)
    fn = client_for(replicate_emulator).use(f"{raw['owner']}/{raw['name']}")
    properties = raw["latest_version"]["openapi_schema"]["components"]["schemas"]["Input"][
        "properties"
    ]
    names = [p.name for p in inspect.signature(fn).parameters.values()]
    assert sorted(names) == sorted(properties)
    for name in names:
        assert properties[name].get("x-order", 0) >= 0


def test_real_enum_and_file_types(replicate_emulator: Emulator) -> None:
    raw = sample_model("azizakgul/water-color")
    replicate_emulator.add_model_from_json(with_output(raw, ["https://example.com/a.png"]))
    client = client_for(replicate_emulator)
    sig = inspect.signature(client.use("azizakgul/water-color"))
    aspect = sig.parameters["aspect_ratio"].annotation
    assert aspect.__origin__ is Literal and "1:1" in aspect.__args__
    assert sig.return_annotation == list[FileOutput]


def test_threads_share_one_lookup(replicate_emulator: Emulator) -> None:
    from concurrent.futures import ThreadPoolExecutor

    fn = client_for(replicate_emulator).use("emulator/echo")
    with ThreadPoolExecutor(8) as pool:
        outputs = list(pool.map(lambda i: fn(text=f"t{i}"), range(8)))
    assert outputs == [f"t{i}" for i in range(8)]
    assert lookups(replicate_emulator) == ["/v1/models/emulator/echo"]


@pytest.mark.anyio
async def test_a_cancelled_lookup_does_not_fail_the_other_tasks(
    replicate_emulator: Emulator,
) -> None:
    replicate_emulator.faults.add("models.get", latency=0.3, times=1)
    fn = client_for(replicate_emulator).use("emulator/echo", use_async=True)
    first = asyncio.create_task(fn(text="a"))
    await asyncio.sleep(0.05)
    second = asyncio.create_task(fn(text="b"))
    await asyncio.sleep(0.05)
    first.cancel()
    assert await second == "b"
    with pytest.raises(asyncio.CancelledError):
        await first


def test_optional_input_without_default_defaults_to_none_and_is_left_out() -> None:
    # As in generated modules: `prompt: str | None = None`, and None is not sent.
    with Emulator(time_scale=0.01) as emu:
        fn = emu.client().use("emulator/image")
        prompt = inspect.signature(fn).parameters["prompt"]
        assert prompt.default is None and prompt.annotation == (str | None)
        inspect.signature(fn).bind()  # nothing required
        fn(prompt=None, num_outputs=1)
        assert "prompt" not in emu.last_input("emulator/image")


def test_secret_inputs_are_redacted_from_predictions_once_sent() -> None:
    secret = "sk-outsider-secret-value"

    def predict(prompt: str, api_key: str) -> str:
        return "ok" if api_key == secret else "wrong key"

    schema = {
        "type": "object",
        "required": ["prompt"],
        "properties": {
            "prompt": {"type": "string", "x-order": 0},
            "api_key": {"type": "string", "format": "password", "x-cog-secret": True, "x-order": 1},
        },
    }
    with Emulator(time_scale=0.01) as emu:
        emu.add_model(
            "acme/secretive", predict, input_schema=schema, output_schema={"type": "string"}
        )
        run = emu.client().use("acme/secretive").create(prompt="hi", api_key=Secret(secret))
        assert run.output() == "ok"  # the model got the value
        assert secret not in repr(run.prediction) and secret not in repr(run)
        assert run.prediction.input["api_key"] == "**********"
        assert emu.last_input("acme/secretive")["api_key"] == secret  # as sent


def test_emulator_accepts_null_for_a_nullable_input() -> None:
    with Emulator(time_scale=0.01) as emu:
        client = emu.client()
        emu.add_model(
            "acme/nullable",
            lambda seed=None: f"seed {seed}",
            input_schema={
                "type": "object",
                "properties": {"seed": {"type": "integer", "nullable": True, "x-order": 0}},
            },
            output_schema={"type": "string"},
        )
        assert client.run("acme/nullable", input={"seed": None}) == "seed None"


def test_secrets_in_a_tuple_are_unwrapped_and_a_secret_default_is_not_shown() -> None:
    schema = {
        "type": "object",
        "properties": {
            "keys": {
                "type": "array",
                "items": {"type": "string", "format": "password", "x-cog-secret": True},
                "x-order": 0,
            },
            "key": {
                "type": "string",
                "format": "password",
                "x-cog-secret": True,
                "default": "sk-default-secret",
                "x-order": 1,
            },
        },
    }
    with Emulator(time_scale=0.01) as emu:
        emu.add_model(
            "acme/keys", lambda keys=(), key="": len(keys), input_schema=schema,
            output_schema={"type": "integer"},
        )  # fmt: skip
        fn = emu.client().use("acme/keys")
        assert fn(keys=(Secret("sk-1"), Secret("sk-2"))) == 2
        assert emu.last_input("acme/keys")["keys"] == ["sk-1", "sk-2"]
        assert "sk-default-secret" not in str(inspect.signature(fn))


def _keyword_named_model() -> dict[str, Any]:
    properties = {
        "class": {"type": "string", "x-order": 0},
        "str": {"type": "string", "default": "s", "x-order": 1},
        "a-b": {"type": "integer", "default": 1, "x-order": 2},
        "a_b": {"type": "integer", "default": 2, "x-order": 3},
    }
    schemas = {
        "Input": {"type": "object", "required": ["class"], "properties": properties},
        "Output": {"type": "string"},
    }
    return {
        "owner": "acme",
        "name": "keywords",
        "latest_version": {"id": "b" * 64, "openapi_schema": {"components": {"schemas": schemas}}},
        "default_example": {"output": "done"},
    }


def test_inputs_named_like_keywords_take_the_generated_modules_keywords(
    replicate_emulator: Emulator,
) -> None:
    # Found by a user switching between use() and a generated module: the module takes
    # class_="c", use() took only **{"class": "c"}.
    replicate_emulator.add_model_from_json(_keyword_named_model())
    fn = client_for(replicate_emulator).use("acme/keywords")
    params = inspect.signature(fn).parameters
    # `a_b` keeps its own name; `a-b` takes the generated module's `a_b_` (found by an
    # outsider: use() and the generated module sent a_b=... to different inputs).
    assert list(params) == ["class_", "str", "a_b_", "a_b"]
    assert fn(class_="c", str_="t") == "done"
    assert fn(**{"class": "c", "a-b": 3}) == "done"
    assert fn(class_="c", a_b_=4, a_b=5) == "done"
    sent = [json.loads(r.body)["input"] for r in posted(replicate_emulator)]
    assert sent == [
        {"class": "c", "str": "t"},
        {"class": "c", "a-b": 3},
        {"class": "c", "a-b": 4, "a_b": 5},
    ]
    with pytest.raises(TypeError, match="'class' given twice"):
        fn(**{"class": "c", "class_": "d"})
    assert len(posted(replicate_emulator)) == 3


def test_use_and_a_generated_module_map_every_keyword_to_the_same_input(
    replicate_emulator: Emulator, tmp_path: Path
) -> None:
    model = _keyword_named_model()
    model["owner"] = "kw-lab"
    replicate_emulator.add_model_from_json(model)
    source = tmp_path / "model.json"
    source.write_text(json.dumps(model))
    assert typed_main(["--from-json", str(source), "--out", str(tmp_path / "out")]) == 0
    sys.path.insert(0, str(tmp_path / "out"))
    try:
        module = importlib.import_module("kw_lab.keywords")
    finally:
        sys.path.remove(str(tmp_path / "out"))
    client = client_for(replicate_emulator)
    fn = client.use("kw-lab/keywords")
    for keyword in ("class_", "str_", "a_b_", "a_b"):
        given = {"class_": "c", keyword: "x" if keyword.startswith(("c", "s")) else 7}
        module.run(module.Options(client=client), **given)
        fn(**given)
        generated, used = (json.loads(r.body)["input"] for r in posted(replicate_emulator)[-2:])
        # The module also sends the defaults of its signature; use() sends what was given.
        assert used.items() <= generated.items(), keyword


def test_secret_inputs_are_left_out_of_reprs_and_errors_that_echo_them(
    replicate_emulator: Emulator,
) -> None:
    # Found by an outsider: the create's answer holds the plain value, so repr(run.prediction)
    # showed it; and a model (or server) echoing it put it in errors.
    def model(prompt: str, api_key: str) -> str:
        raise RuntimeError(f"upstream refused key {api_key}")

    schema = {
        "type": "object",
        "properties": {
            "prompt": {"type": "string", "x-order": 0},
            "api_key": {"type": "string", "format": "password", "x-cog-secret": True,
                        "x-order": 1},
        },
    }  # fmt: skip
    replicate_emulator.add_model("acme/keyed", model, input_schema=schema)
    client = client_for(replicate_emulator)
    fn = client.use("acme/keyed")
    # Short ones too (found by an outsider: under 8 characters, the rule for API tokens,
    # they were never scrubbed), down to 4 characters.
    for key in ("sk-plain-0123456789", Secret("sk-wrapped-0123456789"), "pin-Qz", Secret("Qz4x")):
        shown = key if isinstance(key, str) else key.get_secret_value()
        run = fn.create(prompt="p", api_key=key)
        with pytest.raises(ModelError) as caught:
            run.output()
        assert shown not in repr(run.prediction) and shown not in repr(run)
        assert shown not in str(caught.value) and shown not in repr(caught.value.prediction)
        assert "upstream refused key" in str(caught.value)


def test_run_takes_a_secret_wrapped_value_and_sends_it_plain(replicate_emulator: Emulator) -> None:
    # Secret's docstring says to pass it where a model takes a secret input: run() refused it.
    client = client_for(replicate_emulator)
    assert client.run("emulator/echo", input={"text": Secret("sk-run-0123456789")}) == (
        "sk-run-0123456789"
    )
    assert json.loads(posted(replicate_emulator)[0].body)["input"] == {"text": "sk-run-0123456789"}
