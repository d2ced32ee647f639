"""replicate.schema: parsing real and seeded cog schemas, checking inputs, CLI coercion."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

import pytest
from real_models import SAMPLE, sample_model

from replicate.emulator.catalog import seeded_models
from replicate.helpers import FileOutput
from replicate.schema import (
    NO_DEFAULT,
    CliValueError,
    FileInput,
    InputValidationError,
    SchemaError,
    Secret,
    check_inputs,
    coerce_cli_value,
    input_problems,
    parse_schema,
)


def cog(properties: dict[str, Any], required: list[str], output: Any, **extra: Any) -> Any:
    return {
        "components": {
            "schemas": {
                "Input": {"type": "object", "properties": properties, "required": required},
                "Output": output,
                **extra,
            }
        }
    }


SECRET_MODEL = cog(
    {
        "prompt": {"type": "string", "x-order": 0, "description": "What to draw"},
        "api_key": {
            "type": "string",
            "format": "password",
            "x-cog-secret": True,
            "writeOnly": True,
            "x-order": 3,
        },
        "steps": {"type": "integer", "minimum": 1, "maximum": 50, "default": 20, "x-order": 1},
        "scheduler": {
            "allOf": [{"$ref": "#/components/schemas/scheduler"}],
            "default": "DDIM",
            "x-order": 2,
        },
        "image": {"type": "string", "format": "uri", "x-order": 4},
        "guidance": {"type": "number", "x-order": 5},
        "masks": {"type": "array", "items": {"type": "string", "format": "uri"}, "x-order": 6},
        "seed": {"anyOf": [{"type": "integer"}, {"type": "null"}], "x-order": 7},
        "extra": {"type": "object", "x-order": 8},
        "anything": {"x-order": 9},
    },
    ["prompt"],
    {"type": "array", "items": {"type": "string", "format": "uri"}},
    scheduler={"title": "scheduler", "enum": ["DDIM", "K_EULER"], "type": "string"},
)


def test_inputs_come_in_x_order_with_their_types() -> None:
    schema = parse_schema(SECRET_MODEL)
    assert [s.name for s in schema.inputs] == [
        "prompt",
        "steps",
        "scheduler",
        "api_key",
        "image",
        "guidance",
        "masks",
        "seed",
        "extra",
        "anything",
    ]
    types = {s.name: s.annotation_source for s in schema.inputs}
    assert types == {
        "prompt": "str",
        "steps": "int",
        "scheduler": "Literal['DDIM', 'K_EULER']",
        "api_key": "str | Secret",
        "image": "FileInput",
        "guidance": "float",
        "masks": "Sequence[FileInput]",
        "seed": "int | None",
        "extra": "dict[str, Any]",
        "anything": "Any",
    }
    steps = schema.by_name["steps"]
    assert (steps.default, steps.minimum, steps.maximum, steps.required) == (20, 1, 50, False)
    assert schema.by_name["prompt"].required and schema.by_name["prompt"].default is NO_DEFAULT
    assert schema.by_name["scheduler"].choices == ("DDIM", "K_EULER")
    assert schema.by_name["api_key"].secret and schema.secrets == {"api_key"}
    assert schema.by_name["masks"].is_file
    assert schema.by_name["scheduler"].annotation == Literal["DDIM", "K_EULER"]
    assert schema.by_name["image"].annotation == FileInput
    assert schema.by_name["masks"].annotation == Sequence[FileInput]  # as generated modules
    assert schema.output.annotation_source() == "list[FileOutput]"
    assert schema.output.annotation() == list[FileOutput]
    assert "scheduler" in schema.source  # enum components travel with the schema


def test_seeded_output_shapes() -> None:
    by_name = {spec.name: parse_schema(spec.schema) for spec in seeded_models()}
    stream = by_name["stream-text"].output
    assert (stream.iterator, stream.concatenate) == (True, True)
    assert stream.annotation_source() == "Iterator[str]"
    assert stream.annotation(use_async=False) == Iterator[str]
    assert by_name["image"].output.has_files
    assert by_name["echo"].output.annotation_source() == "str"


@pytest.mark.parametrize("raw", SAMPLE, ids=lambda raw: f"{raw['owner']}/{raw['name']}")
def test_every_real_schema_parses(raw: dict[str, Any]) -> None:
    openapi = raw["latest_version"]["openapi_schema"]
    schema = parse_schema(openapi)
    properties = openapi["components"]["schemas"]["Input"]["properties"]
    assert {s.name for s in schema.inputs} == set(properties)
    orders = [properties[s.name].get("x-order", 10_000) for s in schema.inputs]
    assert orders == sorted(orders)


def test_one_error_names_every_problem_and_hides_secrets() -> None:
    schema = parse_schema(SECRET_MODEL)
    secret_value = "sk-very-secret-value"
    with pytest.raises(InputValidationError) as caught:
        check_inputs(
            schema,
            {
                "promt": "a cat",
                "steps": 99,
                "scheduler": "EULER",
                "api_key": 12345,
                "image": "not/a/url.png",
                "guidance": "high",
                "masks": ["https://x/a.png", 3],
            },
            model="acme/painter:v1",
        )
    error = caught.value
    assert set(error.problems) == {
        "promt",
        "prompt",
        "steps",
        "scheduler",
        "api_key",
        "image",
        "guidance",
        "masks",
    }
    message = str(error)
    assert message.startswith("invalid input for acme/painter:v1:")
    assert "did you mean 'prompt'?" in error.problems["promt"]
    assert error.problems["prompt"] == "required input is missing"
    assert error.problems["steps"] == "must be <= 50"
    assert (
        error.problems["scheduler"] == "must be one of 'DDIM', 'K_EULER'; did you mean 'K_EULER'?"
    )
    assert error.problems["api_key"].startswith("<secret> must be a str or Secret")
    assert "URL" in error.problems["image"]
    assert "12345" not in message and secret_value not in message
    problems = input_problems(
        schema, {"prompt": "x", "api_key": Secret(secret_value), "seed": None}
    )
    assert problems == {}


def test_valid_inputs_pass_unchanged() -> None:
    schema = parse_schema(SECRET_MODEL)
    inputs = {
        "prompt": "a cat",
        "steps": 10,
        "scheduler": "K_EULER",
        "image": Path("cat.png"),
        "guidance": 7,
        "masks": ["data:image/png;base64,AAAA", io.BytesIO(b"x")],
        "seed": 3,
        "extra": {"a": 1},
        "anything": [1, "two"],
    }
    before = dict(inputs)
    check_inputs(schema, inputs)
    assert inputs == before


def test_bool_is_not_a_number_and_bounds_are_inclusive() -> None:
    schema = parse_schema(SECRET_MODEL)
    assert input_problems(schema, {"prompt": "x", "steps": True}) == {
        "steps": "must be an int, not bool"
    }
    assert input_problems(schema, {"prompt": "x", "steps": 1}) == {}
    assert input_problems(schema, {"prompt": "x", "steps": 0}) == {"steps": "must be >= 1"}


def test_secret_never_shows() -> None:
    secret = Secret("hunter2")
    assert (
        "hunter2" not in repr(secret)
        and "hunter2" not in str(secret)
        and "hunter2" not in f"{secret}"
    )
    assert secret.get_secret_value() == "hunter2"
    with pytest.raises(TypeError):
        Secret(3)  # type: ignore[arg-type]


def test_cli_values_follow_the_input_types() -> None:
    by_name = parse_schema(SECRET_MODEL).by_name
    assert coerce_cli_value(by_name["steps"], "30") == 30
    assert coerce_cli_value(by_name["guidance"], "7.5") == 7.5
    assert coerce_cli_value(by_name["scheduler"], "DDIM") == "DDIM"
    assert coerce_cli_value(by_name["image"], "https://x/cat.png") == "https://x/cat.png"
    assert coerce_cli_value(by_name["masks"], '["https://x/a.png"]') == ["https://x/a.png"]
    assert coerce_cli_value(by_name["masks"], "data:,x") == ["data:,x"]
    # A local file is the command line's explicit @path: a bare string is never read from disk.
    for local in ("cat.png", "C:/cat.png", "c:\\cat.png"):  # a drive letter is no scheme
        with pytest.raises(CliValueError, match="image: expected a URL"):
            coerce_cli_value(by_name["image"], local)
    assert input_problems(parse_schema(SECRET_MODEL), {"prompt": "x", "image": "C:/a.png"})
    assert coerce_cli_value(by_name["seed"], "null") is None
    assert coerce_cli_value(by_name["seed"], "4") == 4
    assert coerce_cli_value(by_name["extra"], '{"a": 1}') == {"a": 1}
    assert isinstance(coerce_cli_value(by_name["api_key"], "sk-1"), Secret)
    assert coerce_cli_value(by_name["guidance"], "7") == 7  # as typed: sent as 7, not 7.0
    with pytest.raises(CliValueError, match="steps: expected an integer, got 'many'"):
        coerce_cli_value(by_name["steps"], "many")
    real = parse_schema(sample_model("meta/meta-llama-3-8b")["latest_version"]["openapi_schema"])
    assert coerce_cli_value(real.by_name["max_tokens"], "12") == 12


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ([], "openapi_schema must be an object"),
        ({"components": []}, "no components.schemas"),
        (cog({"a": 3}, [], {}), "Input.properties.a is not an object"),
        ({"components": {"schemas": {"Input": {"properties": [], "required": []}}}}, "must be"),
    ],
)
def test_malformed_schemas_are_named(schema: Any, message: str) -> None:
    with pytest.raises(SchemaError, match=message):
        parse_schema(schema)


def test_string_lengths_patterns_and_list_items_are_checked_before_sending() -> None:
    # Found by an outsider: cog publishes Input(min_length=, max_length=, regex=) and item
    # bounds, which the API enforces (422), but only number bounds were checked here.
    schema = parse_schema(
        cog(
            {
                "code": {"type": "string", "minLength": 2, "maxLength": 4,
                         "pattern": "^[a-z]+$"},
                "steps": {"type": "array", "minItems": 1, "maxItems": 3,
                          "items": {"type": "integer", "minimum": 1, "maximum": 10}},
                "tags": {"type": "array", "items": {"type": "string", "maxLength": 3}},
                "pin": {"type": "string", "format": "password", "x-cog-secret": True,
                        "minLength": 6},
                "odd": {"type": "string", "pattern": "^\\p{L}+$"},  # not Python's re syntax
            },
            [],
            {"type": "string"},
        )
    )  # fmt: skip
    refused = {
        "code": ("a", "TOO-LONG", "ABC"),
        "steps": ([], [1, 2, 3, 4], [5, 0], (1, 11)),
        "tags": (["ok", "long"],),
        "pin": ("abc12", Secret("abc12")),
    }
    for name, values in refused.items():
        for value in values:
            assert name in input_problems(schema, {name: value}), (name, value)
    problems = input_problems(
        schema, {"code": "TOO-LONG", "steps": [5, 0], "tags": ["ok", "long"], "pin": "abc12"}
    )
    assert problems == {
        "code": "must be at most 4 characters long",
        "steps": "item 1 must be >= 1",
        "tags": "item 1 must be at most 3 characters long",
        "pin": "<secret> must be at least 6 characters long",
    }
    assert input_problems(schema, {"code": "Ab"}) == {"code": "must match the pattern '^[a-z]+$'"}
    valid = {"code": "abc", "steps": (1, 10), "tags": [], "pin": "abc123", "odd": "anything"}
    assert input_problems(schema, valid) == {}
