"""``key=value`` conversion with a model's input schema (no server needed)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from replicate.cli.errors import UsageError
from replicate.cli.inputs import parse_assignments

SCHEMA: dict[str, Any] = {
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
                },
            },
            "scheduler": {"type": "string", "enum": ["DDIM", "K_EULER", "PNDM"]},
        }
    }
}


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
    assert isinstance(parse_assignments(["guidance=3"], SCHEMA)["guidance"], int)


def test_equals_signs_after_the_first_belong_to_the_value() -> None:
    assert parse_assignments(["prompt=a=b"], SCHEMA) == {"prompt": "a=b"}


@pytest.mark.parametrize(
    ("pair", "message"),
    [
        ("promt=x", "unknown input 'promt'; did you mean 'prompt'?"),
        ("steps=many", "steps: expected an integer, got 'many'"),
        ("steps=0", "steps: 0 is below the minimum 1"),
        ("steps=501", "steps: 501 is above the maximum 500"),
        ("guidance=high", "guidance: expected a number"),
        ("safe=maybe", "safe: expected true or false"),
        ("scheduler=k_euler", "did you mean 'K_EULER'?"),
        ("sizes=[1, 2", "sizes: invalid JSON"),
        ("sizes=[1, x]", "sizes: invalid JSON"),
        ('sizes={"a": 1}', "sizes[0]: expected an integer"),
        ("extra=[1]", "extra: expected a JSON object"),
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
    with pytest.raises(UsageError, match="only one input can be read from stdin"):
        parse_assignments(["prompt=@-", "image=@-"], SCHEMA)


def test_without_a_schema_values_stay_text() -> None:
    assert parse_assignments(["n=3", "n=4", "flag=true"], None) == {"n": ["3", "4"], "flag": "true"}
