"""A committed sample of real public model objects parses through the generated models.

The sample (tests/fixtures/generated/real_models_sample.json) is 40 objects from the npm package
all-the-public-replicate-models, chosen to cover failed and null-output default examples, null
timestamps, every output shape, old and new cog versions and missing optional URLs. `make
realdata` runs the same check (codegen/realdata.py) over the whole current package.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from replicate_api.models import SchemasModelResponse, SchemasPredictionResponse

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "codegen"))

from realdata import model_problems  # noqa: E402

SAMPLE_FILE = ROOT / "tests" / "fixtures" / "generated" / "real_models_sample.json"
SAMPLE: list[dict[str, Any]] = json.loads(SAMPLE_FILE.read_text("utf-8"))["models"]


def test_sample_is_small_and_diverse() -> None:
    assert SAMPLE_FILE.stat().st_size < 1_000_000
    assert len(SAMPLE) >= 40
    examples = [model["default_example"] for model in SAMPLE]
    assert {example["status"] for example in examples} >= {"succeeded", "failed"}
    assert any(example["started_at"] is None for example in examples)
    assert any(example["output"] is None for example in examples)
    assert all("urls" not in example for example in examples)  # what the spec calls invalid


@pytest.mark.parametrize("raw", SAMPLE, ids=lambda raw: f"{raw['owner']}/{raw['name']}")
def test_real_model_parses_with_its_example_and_version(raw: dict[str, Any]) -> None:
    assert model_problems(raw) == []
    model = SchemasModelResponse.from_dict(raw)
    assert model.owner == raw["owner"]
    assert model.default_example is not None and not isinstance(model.default_example, type(None))
    example = SchemasPredictionResponse.from_dict(raw["default_example"])
    assert example.id == raw["default_example"]["id"]
    schema = raw["latest_version"]["openapi_schema"]
    assert schema is None or isinstance(schema, dict)


def test_checker_reports_what_does_not_parse() -> None:
    broken = copy.deepcopy(SAMPLE[0])
    del broken["default_example"]["id"]
    broken["latest_version"]["created_at"] = "not a timestamp"
    problems = model_problems(broken)
    assert len(problems) == 2
    assert "default_example: KeyError" in problems[0]
    assert "latest_version: created_at is not a valid timestamp" in problems[1]
