"""Input validation the API does before a model runs: type lists and anyOf, string length and
pattern, file inputs that are no URI, array items and sizes, exclusive bounds."""

from __future__ import annotations

import pathlib
from typing import Any

import httpx
import pytest

from replicate.emulator import Emulator
from replicate.emulator.validation import validate_input

_PROPS: dict[str, Any] = {
    "prompt": {"type": "string", "maxLength": 10, "minLength": 2},
    "code": {"type": "string", "pattern": "^[a-z]+$"},
    "seeds": {"type": "array", "items": {"type": "integer", "minimum": 1}, "maxItems": 3},
    "strength": {"type": "number", "exclusiveMaximum": 1, "exclusiveMinimum": 0},
    "negative": {"type": ["string", "null"]},
    "either": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
    "image": {"type": "string", "format": "uri"},
    "colors": {"type": "array", "items": {"$ref": "#/components/schemas/color"}},
}
_SCHEMA = {
    "components": {
        "schemas": {
            "Input": {"type": "object", "properties": _PROPS},
            "color": {"type": "string", "enum": ["red", "blue"]},
        }
    }
}


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ({"prompt": "x" * 11}, "input.prompt"),
        ({"prompt": "x"}, "input.prompt"),
        ({"code": "NOT LOWER"}, "input.code"),
        ({"seeds": ["one"]}, "input.seeds.0"),
        ({"seeds": [1, 0]}, "input.seeds.1"),
        ({"seeds": [1, 2, 3, 4]}, "input.seeds"),
        ({"strength": 1}, "input.strength"),
        ({"strength": 0}, "input.strength"),
        ({"negative": 3}, "input.negative"),
        ({"either": "x"}, "input.either"),
        ({"image": "/etc/hostname"}, "input.image"),
        ({"image": "not a uri at all"}, "input.image"),
        ({"colors": ["red", "green"]}, "input.colors.1"),
    ],
)
def test_values_the_schema_forbids_are_named(value: dict[str, Any], field: str) -> None:
    _, problems = validate_input(value, _SCHEMA)
    assert [p.field for p in problems] == [field]


def test_values_the_schema_allows_pass() -> None:
    good = {
        "prompt": "a cat",
        "code": "abc",
        "seeds": [1, 2],
        "strength": 0.5,
        "negative": None,
        "either": None,
        "image": "data:text/plain;base64,aGk=",
        "colors": ["blue"],
    }
    assert validate_input(good, _SCHEMA)[1] == []
    assert validate_input({"negative": "blurry", "either": 3}, _SCHEMA)[1] == []


def test_a_type_list_input_is_checked_not_a_500() -> None:
    def paint(negative_prompt: str | None = None) -> str:
        return f"neg={negative_prompt}"

    schema = {"properties": {"negative_prompt": {"type": ["string", "null"], "default": None}}}
    with Emulator(time_scale=0.01) as emu:
        emu.add_model("acme/typelist", paint, input_schema=schema)
        with emu.client() as client:
            assert client.run("acme/typelist", input={"negative_prompt": "a"}) == "neg=a"
            assert client.run("acme/typelist", input={"negative_prompt": None}) == "neg=None"
        answer = httpx.post(
            f"{emu.api_url}/models/acme/typelist/predictions",
            headers={"Authorization": "Bearer t"},
            json={"input": {"negative_prompt": 5}},
        )
        assert answer.status_code == 422
        assert answer.json()["invalid_fields"][0]["field"] == "input.negative_prompt"


def test_derived_list_items_are_checked_before_the_function_runs() -> None:
    calls = []

    def total(seeds: list[int]) -> int:
        calls.append(seeds)
        return sum(seeds)

    with Emulator(time_scale=0.01) as emu:
        emu.add_model("acme/total", total)
        answer = httpx.post(
            f"{emu.api_url}/models/acme/total/predictions",
            headers={"Authorization": "Bearer t"},
            json={"input": {"seeds": [1, "2"]}},
        )
        assert answer.status_code == 422
        assert answer.json()["invalid_fields"][0]["field"] == "input.seeds.1"
        assert calls == []


def test_a_file_input_with_an_unfetchable_scheme_fails_rather_than_passing_a_str() -> None:
    def size(image: pathlib.Path) -> int:
        return len(image.read_bytes())

    with Emulator(time_scale=0.01) as emu:
        emu.add_model("acme/size", size)
        with emu.client() as client:
            refused = httpx.post(
                f"{emu.api_url}/models/acme/size/predictions",
                headers={"Authorization": "Bearer t"},
                json={"input": {"image": "/etc/hostname"}},
            )
            assert refused.status_code == 422
            prediction = client.predictions.create(
                model="acme/size", input={"image": "s3://bucket/key.png"}
            )
            prediction.wait()
            assert prediction.status == "failed"
            assert "cannot fetch file input 's3://bucket/key.png'" in (prediction.error or "")
