"""Bad input is refused with a clear error before any request is sent."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from support.client_support import make_client

from replicate.exceptions import InvalidArgumentError, ReplicateException
from replicate.identifier import ModelVersionIdentifier, parse_ref

VERSION = "a" * 64


@pytest.fixture
def setup(replicate_emulator: Any) -> tuple[Any, Any]:
    return make_client(replicate_emulator.base_url), replicate_emulator


def cyclic() -> dict[str, Any]:
    value: dict[str, Any] = {}
    value["self"] = value
    return value


BAD_CALLS: list[tuple[str, Callable[[Any], Any], type[Exception], str]] = [
    ("malformed ref", lambda c: c.run("not a ref", input={}), ValueError, "not a ref"),
    ("ref with too many slashes", lambda c: c.run("a/b/c", input={}), ValueError, "a/b/c"),
    ("empty version", lambda c: c.run("owner/name:", input={}), ValueError, "owner/name:"),
    ("ref of wrong type", lambda c: c.run(42, input={}), ValueError, "int"),  # as 1.x
    (
        "unknown keyword",
        lambda c: c.predictions.create(version=VERSION, input={}, webhok="x"),
        TypeError,
        "webhok",
    ),
    ("no target", lambda c: c.predictions.create(input={}), ValueError, "'deployment'"),
    (
        "training without version",
        lambda c: c.trainings.create(model="a/b", input={}, destination="a/c"),
        ValueError,
        "version=",
    ),
    (
        "two targets",
        lambda c: c.predictions.create(model="a/b", version=VERSION, input={}),
        ValueError,
        "Exactly one of",  # 1.x's whole message, which code compares
    ),
    (
        "model as version",
        lambda c: c.predictions.create(version="owner/name", input={}),
        ValueError,
        "model=",
    ),
    (
        "non-serialisable value",
        lambda c: c.predictions.create(version=VERSION, input={"a": [1, {"b": object()}]}),
        TypeError,
        'input["a"][1]["b"]',
    ),
    (
        "NaN",
        lambda c: c.predictions.create(version=VERSION, input={"x": math.nan}),
        ValueError,
        'input["x"]',
    ),
    ("cycle", lambda c: c.predictions.create(version=VERSION, input=cyclic()), ValueError, "input"),
    (
        "input not a dict",
        lambda c: c.predictions.create(version=VERSION, input=[1]),
        TypeError,
        "input",
    ),
    (
        "bad webhook events",
        lambda c: c.predictions.create(
            version=VERSION,
            input={},
            webhook="https://example.com/hook",
            webhook_events_filter=["start", "finish"],
        ),
        ValueError,
        "finish",
    ),
    (
        "webhook not a URL",
        lambda c: c.predictions.create(version=VERSION, input={}, webhook="example.com"),
        ValueError,
        "webhook",
    ),
    (
        "wait out of range",
        lambda c: c.predictions.create(version=VERSION, input={}, wait=600),
        ValueError,
        "wait",
    ),
    (
        "bad cancel_after",
        lambda c: c.predictions.create(version=VERSION, input={}, cancel_after="soon"),
        ValueError,
        "cancel_after",
    ),
    ("bad model ref for get", lambda c: c.models.get("just-a-name"), ValueError, "just-a-name"),
    ("bad tuple", lambda c: c.models.get(("a",)), ValueError, "owner"),
    (
        "unknown model field",
        lambda c: c.models.create("o", "n", visibility="public", hardware="cpu", colour="red"),
        TypeError,
        "colour",
    ),
    (
        "missing model field",
        lambda c: c.models.create("o", "n", visibility="public"),
        TypeError,
        "hardware",
    ),
    (
        "unknown deployment field",
        lambda c: c.deployments.update("o", "n", gpus=2),
        TypeError,
        "gpus",
    ),
    ("missing deployment field", lambda c: c.deployments.create(name="x"), TypeError, "model"),
    (
        "deployment name with a slash",  # made by a lenient server, never addressable again
        lambda c: c.deployments.create(
            name="acme/foo", model="o/n", version=VERSION, hardware="cpu",
            min_instances=0, max_instances=1,
        ),
        ValueError,
        "deployment name",
    ),
    (
        "training without destination",
        lambda c: c.trainings.create(version=f"o/n:{VERSION}", input={}),
        ValueError,  # as 1.x
        "destination='owner/name'",
    ),
    (
        "training version without model",
        lambda c: c.trainings.create(version=VERSION, input={}, destination="o/n"),
        ValueError,
        "model",
    ),
    ("empty id", lambda c: c.predictions.get(""), InvalidArgumentError, "id"),
    (
        "training destination not owner/name",
        lambda c: c.trainings.create(version=f"o/n:{VERSION}", input={}, destination="oops"),
        InvalidArgumentError,
        "destination must look like 'owner/name'",
    ),
    (
        "version not an id",
        lambda c: c.run("o/n:latest", input={}),
        InvalidArgumentError,
        "'latest'",
    ),
    ("bad cursor", lambda c: c.predictions.list(cursor=5), TypeError, "cursor"),
    ("unknown list filter", lambda c: c.predictions.list(owner="x"), TypeError, "owner"),
    ("missing file", lambda c: c.files.create("/no/such/file.bin"), ValueError, "file.bin"),
    ("bad file type", lambda c: c.files.create(12), TypeError, "int"),
    ("download without signature", lambda c: c.files.download("abc"), TypeError, "signature"),
    ("empty search", lambda c: c.models.search("  "), ValueError, "query"),
    ("bad search limit", lambda c: c.search("x", limit=0), ValueError, "limit"),
    ("bad collection slug", lambda c: c.collections.get("a/b"), ValueError, "slug"),
]


@pytest.mark.parametrize(
    ("name", "bad_call", "error", "mentions"), BAD_CALLS, ids=[c[0] for c in BAD_CALLS]
)
def test_bad_input_fails_before_sending(
    setup: tuple[Any, Any],
    name: str,
    bad_call: Callable[[Any], Any],
    error: type[Exception],
    mentions: str,
) -> None:
    client, emu = setup
    before = len(emu.requests)
    with pytest.raises(error) as caught:
        bad_call(client)
    assert mentions in str(caught.value)
    assert len(emu.requests) == before


def test_arguments_1x_sent_are_refused_as_a_replicate_exception_too() -> None:
    # 1.x sent these and raised the API's error; code catching ReplicateException still works.
    assert issubclass(InvalidArgumentError, ReplicateException)
    assert issubclass(InvalidArgumentError, ValueError)


@pytest.mark.anyio
async def test_async_bad_input_fails_before_sending(setup: tuple[Any, Any]) -> None:
    client, emu = setup
    with pytest.raises(TypeError, match="unexpected keyword"):
        await client.predictions.async_create(version=VERSION, input={}, bogus=1)
    with pytest.raises(TypeError, match=r'input\["x"\]'):
        await client.predictions.async_create(version=VERSION, input={"x": {1, 2}.__iter__()})
    with pytest.raises(ValueError, match="Invalid reference to model version"):
        await client.async_run("nope", input={})
    assert emu.requests == []


def test_identifier_parsing() -> None:
    assert ModelVersionIdentifier.parse("a/b") == ("a", "b", None)
    assert ModelVersionIdentifier.parse("a/b:" + "0f" * 32) == ("a", "b", "0f" * 32)
    for bad in ("a", "a/b/c", "a/b:", "/b", "a/", "", "a/b\n"):
        with pytest.raises(ValueError):
            ModelVersionIdentifier.parse(bad)
    # As in 1.x, parsing accepts any version text; a reference about to be sent must carry a
    # real version id.
    for loose in ("a/b:v1", "a/b:" + "0" * 63):
        assert ModelVersionIdentifier.parse(loose).version == loose[4:]
        with pytest.raises(ValueError, match="64 lowercase hex digits"):
            parse_ref(loose)
