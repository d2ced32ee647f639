"""Batches, listings, schemas and responses from servers that misbehave on purpose: found by
an outsider pointing the newer features at hostile servers. Every call ends, with a clear
error where there is one to give."""

from __future__ import annotations

import inspect
import time

import pytest
from support.client_support import PREDICTION, json_reply, make_client, scripted

import replicate
from replicate import RetryPolicy
from replicate.emulator import Emulator
from replicate.exceptions import InvalidResponseError
from replicate.pagination import Page, paginate
from replicate.schema import SchemaError, parse_schema


def test_batch_goes_on_after_an_absurd_retry_after() -> None:
    with Emulator(time_scale=0.01) as emu:
        emu.faults.add("models.predictions.create", status=429, retry_after=1e9, times=1)
        client = replicate.Client(
            api_token="r8_x", base_url=emu.base_url, retry=RetryPolicy(max_retry_after=0.5)
        )
        started = time.monotonic()
        results = list(client.batch("emulator/echo", [{"text": "a"}, {"text": "b"}]))
        assert all(r.ok for r in results) and len(results) == 2
        assert time.monotonic() - started < 30  # paused for the policy's longest wait, not 1e9 s


def test_a_next_link_given_twice_ends_the_listing_with_an_error() -> None:
    page: Page[int] = Page(results=[1], next="https://api.example/v1/predictions?cursor=same")
    pages = paginate(lambda cursor: page)
    with pytest.raises(InvalidResponseError, match="given before"):
        for _ in pages:
            pass


def test_a_schema_of_references_to_itself_is_refused_quickly() -> None:
    ref = {"$ref": "#/components/schemas/A"}
    schema = {
        "components": {
            "schemas": {
                "A": {"anyOf": [ref, ref, ref]},
                "Input": {"type": "object", "properties": {"a": ref}},
                "Output": {"type": "string"},
            }
        }
    }
    started = time.monotonic()
    with pytest.raises(SchemaError, match="more than 10000 schema nodes"):
        parse_schema(schema)
    assert time.monotonic() - started < 5


def test_signature_with_an_input_named_inputs() -> None:
    schema = {
        "type": "object",
        "properties": {
            "inputs": {"type": "string", "x-order": 0},
            "class": {"type": "string", "x-order": 1},
            "x-y": {"type": "string", "x-order": 2},  # its keyword x_y is another input's name
            "x_y": {"type": "string", "x-order": 3},
        },
    }
    with Emulator(time_scale=0.01) as emu:
        emu.add_model(
            "acme/inputs", lambda **kw: "ok", input_schema=schema,
            output_schema={"type": "string"},
        )  # fmt: skip
        with emu.client() as client:
            fn = client.use("acme/inputs")
            names = list(inspect.signature(fn).parameters)
            # `class` and `x-y` take generated modules' keywords (`x_y` keeps its own name);
            # no catch-all is needed, so the input called "inputs" keeps its name.
            assert names == ["inputs", "class_", "x_y_", "x_y"]
            assert fn(inputs="a", **{"class": "b", "x-y": "c"}) == "ok"
            assert fn(inputs="a", class_="b") == "ok"


def test_a_json_body_of_the_wrong_shape_is_an_invalid_response() -> None:
    with scripted([json_reply(200, [PREDICTION])]) as server:
        client = make_client(server.base_url)
        with pytest.raises(InvalidResponseError, match="not shaped as the API documents"):
            client.predictions.get("p1")
