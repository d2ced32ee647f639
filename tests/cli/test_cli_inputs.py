"""``key=value`` conversion with a model's input schema (no server needed)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from replicate.cli.errors import UsageError
from replicate.cli.inputs import parse_assignments, secret_names, sendable, version_schema
from replicate.schema import SchemaError, Secret

RAW: dict[str, Any] = {
    "components": {
        "schemas": {
            "Input": {
                "type": "object",
                "properties": {
                    "prompt": {"type": "string"},
                    "steps": {"type": "integer", "minimum": 1, "maximum": 500},
                    "guidance": {"type": "number"},
                    "safe": {"type": "boolean"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "sizes": {"type": "array", "items": {"type": "integer"}},
                    "extra": {"type": "object"},
                    "scheduler": {"allOf": [{"$ref": "#/components/schemas/scheduler"}]},
                    "image": {"type": "string", "format": "uri"},
                    "masks": {"type": "array", "items": {"type": "string", "format": "uri"}},
                    "api_key": {"type": "string", "format": "password", "x-cog-secret": True},
                },
                "required": ["prompt"],
            },
            "scheduler": {"type": "string", "enum": ["DDIM", "K_EULER", "PNDM"]},
        }
    }
}
SCHEMA = version_schema(RAW)


def test_values_take_the_declared_types() -> None:
    parsed = parse_assignments(
        [
            "prompt=a cat",
            "steps=20",
            "guidance=7.5",
            "safe=false",
            "tags=a",
            "tags=b",
            "sizes=[512, 768]",
            'extra={"k": [1]}',
            "scheduler=K_EULER",
        ],
        SCHEMA,
    )
    assert parsed == {
        "prompt": "a cat",
        "steps": 20,
        "guidance": 7.5,
        "safe": False,
        "tags": ["a", "b"],
        "sizes": [512, 768],
        "extra": {"k": [1]},
        "scheduler": "K_EULER",
    }
    assert isinstance(parse_assignments(["prompt=x", "guidance=3"], SCHEMA)["guidance"], int)
    assert parse_assignments(["prompt=x", "guidance=1e3"], SCHEMA)["guidance"] == 1000.0


def test_equals_signs_after_the_first_belong_to_the_value() -> None:
    assert parse_assignments(["prompt=a=b"], SCHEMA) == {"prompt": "a=b"}


def test_one_error_lists_every_problem_by_input_name() -> None:
    with pytest.raises(UsageError) as caught:
        parse_assignments(
            ["promt=x", "steps=many", "guidance=9e999", "scheduler=EULER", "safe=1", "safe=0"],
            SCHEMA,
            model="acme/painter",
        )
    lines = str(caught.value).splitlines()
    assert lines[0] == "invalid input for acme/painter:"
    assert sorted(line.split(":")[0].strip() for line in lines[1:]) == [
        "guidance",
        "prompt",
        "promt",
        "safe",
        "scheduler",
        "steps",
    ]
    assert "  prompt: required input is missing" in lines


def test_secret_inputs_are_never_shown() -> None:
    secret = "sk-live-never-shown"
    parsed = parse_assignments(["prompt=x", f"api_key={secret}"], SCHEMA)
    assert parsed["api_key"] == Secret(secret) and secret not in repr(parsed)
    assert sendable(parsed) == {"prompt": "x", "api_key": secret}
    assert secret_names(parsed) == {"api_key"}
    assert secret_names({"masks": ["https://x/a.png"]}) == frozenset()
    properties = {
        "pin": {"type": "string", "format": "password", "x-cog-secret": True},
        "vault": {"type": "string", "x-cog-secret": True, "enum": ["alpha", "beta"]},
    }
    schema: Any = {"components": {"schemas": {"Input": {"properties": properties}}}}
    with pytest.raises(UsageError) as caught:
        parse_assignments(["pin=x", "pin=y", "vault=alphx"], version_schema(schema))
    message = str(caught.value)
    assert "pin: given 2 times" in message and "vault: <secret> must be one of" in message
    assert "alphx" not in message and "did you mean" not in message


def test_files_are_checked_as_the_url_they_are_sent_as(tmp_path: Path) -> None:
    picture = tmp_path / "cat.png"
    picture.write_bytes(b"png")
    parsed = parse_assignments(
        ["prompt=x", f"masks=@{picture}", "masks=https://x/b.png", f"tags=@{picture}"], SCHEMA
    )
    assert parsed["masks"] == [picture, "https://x/b.png"] and parsed["tags"] == [picture]
    nullable = version_schema(
        {
            "components": {
                "schemas": {
                    "Input": {
                        "properties": {
                            "seeds": {
                                "type": "array",
                                "items": {"type": "integer"},
                                "nullable": True,
                            }
                        }
                    }
                }
            }
        }
    )
    assert parse_assignments(["seeds=null"], nullable) == {"seeds": None}
    assert parse_assignments(["seeds=[1]", "seeds=2"], nullable) == {"seeds": [1, 2]}
    with pytest.raises(UsageError, match="steps: must be an int, not str"):
        parse_assignments(["prompt=x", f"steps=@{picture}"], SCHEMA)


def test_a_malformed_schema_names_the_model() -> None:
    broken: Any = {"components": {"schemas": {"Input": ["oops"]}}}
    with pytest.raises(SchemaError, match="acme/broken has a malformed schema"):
        version_schema(broken, model="acme/broken")


@pytest.mark.parametrize(
    ("pair", "message"),
    [
        ("promt=x", "promt: unknown input; did you mean 'prompt'?"),
        ("Prompt=x", "Prompt: unknown input; did you mean 'prompt'?"),
        ("steps=many", "steps: expected an integer, got 'many'"),
        ("steps=0", "steps: must be >= 1"),
        ("steps=501", "steps: must be <= 500"),
        ("guidance=high", "guidance: expected a number"),
        ("safe=maybe", "safe: expected true or false"),
        ("scheduler=k_euler", "scheduler: must be one of 'DDIM', 'K_EULER', 'PNDM'; did you mean"),
        ("sizes=[1, 2", "sizes: expected valid JSON"),
        ("sizes=[1, x]", "sizes: expected valid JSON"),
        ('sizes={"a": 1}', "sizes: expected an integer"),
        ('sizes=["1"]', "sizes: item 0 must be an int, not str"),
        ("extra=[1]", "extra: expected a JSON object"),
        ("guidance=nan", "guidance: expected a finite number"),
        ("image=cat.png", "image: expected a URL (https://..., data:...) or @path"),
        ("noequals", "expected key=value, got 'noequals'"),
        ("=x", "expected key=value"),
        ("image=@/no/such/file.png", "image: no such file"),
    ],
)
def test_bad_values_are_refused_with_a_clear_message(pair: str, message: str) -> None:
    with pytest.raises(UsageError, match=None) as caught:
        parse_assignments([pair], SCHEMA)
    assert message in str(caught.value)


def test_a_single_value_key_given_twice_is_refused() -> None:
    with pytest.raises(UsageError, match="steps: given 2 times"):
        parse_assignments(["steps=1", "steps=2"], SCHEMA)


def test_files_and_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    picture = tmp_path / "cat.png"
    picture.write_bytes(b"png")
    stdin = io.TextIOWrapper(io.BytesIO(b"from stdin"))
    monkeypatch.setattr("sys.stdin", stdin)
    parsed = parse_assignments([f"image=@{picture}", "prompt=@-"], SCHEMA)
    assert parsed["image"] == picture
    assert parsed["prompt"] is stdin.buffer
    assert parse_assignments(["prompt=@@home"], SCHEMA) == {"prompt": "@home"}
    with pytest.raises(UsageError, match="image: expected a URL"):
        parse_assignments(["prompt=x", "image=@@home"], SCHEMA)
    with pytest.raises(UsageError, match="only one input can be read from stdin"):
        parse_assignments(["prompt=@-", "image=@-"], SCHEMA)


def test_without_a_schema_values_stay_text() -> None:
    assert parse_assignments(["n=3", "n=4", "flag=true"], None) == {"n": ["3", "4"], "flag": "true"}
