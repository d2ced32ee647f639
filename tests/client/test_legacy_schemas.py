"""1.x's module paths replicate.run and replicate.schema, and old cog versions' iterator outputs."""

from __future__ import annotations

import asyncio
import copy
import types
from typing import Any

import pytest

import replicate
from replicate.emulator import Emulator
from replicate.schema import make_schema_backwards_compatible, version_has_no_array_type

ARRAY_OUTPUT: dict[str, Any] = {
    "components": {"schemas": {"Output": {"type": "array", "items": {"type": "string"}}}}
}


@pytest.mark.parametrize(
    ("cog_version", "expected"),
    [
        ("0.3.8", True),
        ("0.3", True),
        ("0.3.9b1", True),
        ("0.3.9-beta", True),
        ("0.3.9", False),
        ("0.3.9.post1", False),
        ("0.13.0", False),
        ("1", False),
        ("not a version", None),
    ],
)
def test_which_cog_versions_predate_marked_iterators(
    cog_version: str, expected: bool | None
) -> None:
    assert version_has_no_array_type(cog_version) is expected


def test_old_array_outputs_are_marked_as_iterators() -> None:
    old = make_schema_backwards_compatible(copy.deepcopy(ARRAY_OUTPUT), "0.3.4")
    assert old["components"]["schemas"]["Output"]["x-cog-array-type"] == "iterator"
    new = make_schema_backwards_compatible(copy.deepcopy(ARRAY_OUTPUT), "0.4.0")
    assert "x-cog-array-type" not in new["components"]["schemas"]["Output"]


def test_replicate_run_module_takes_the_client_first(replicate_emulator: Emulator) -> None:
    import replicate.run as by_attribute
    from replicate.run import async_run, run

    assert by_attribute is replicate.run  # the package's function, as in 1.x
    client = replicate.Client(api_token="t", base_url=replicate_emulator.base_url)
    assert run(client, "emulator/echo", input={"text": "old path"}) == "old path"
    assert asyncio.run(async_run(client, "emulator/echo", input={"text": "async"})) == "async"


def test_an_old_cog_versions_array_output_runs_as_an_iterator(
    replicate_emulator: Emulator,
) -> None:
    version_id = "0" * 63 + "1"
    schema = copy.deepcopy(ARRAY_OUTPUT)
    schema["components"]["schemas"]["Input"] = {"type": "object", "properties": {}}
    replicate_emulator.add_model_from_json(
        {
            "owner": "acme",
            "name": "old-cog",
            "visibility": "public",
            "latest_version": {
                "id": version_id,
                "cog_version": "0.3.4",
                "created_at": "2022-01-01T00:00:00Z",
                "openapi_schema": schema,
            },
            "default_example": {"input": {}, "output": ["a", "b"]},
        }
    )
    client = replicate.Client(api_token="t", base_url=replicate_emulator.base_url)
    output = client.run(f"acme/old-cog:{version_id}", input={})
    assert isinstance(output, types.GeneratorType)  # 1.x's type for iterator outputs
    assert list(output) == ["a", "b"]
