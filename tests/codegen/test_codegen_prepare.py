"""codegen/prepare_spec.py: what the generator is given."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "codegen"))

from prepare_spec import load_spec, module_name, prepare

NO_OVERLAY: dict[str, Any] = {"overlay": "1.0.0", "actions": []}


def spec(*operations: tuple[str, str, str]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for method, path, operation_id in operations:
        paths.setdefault(path, {})[method] = {"operationId": operation_id, "responses": {}}
    return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths}


def test_module_names_follow_the_generators_snake_case() -> None:
    assert module_name("models.versions.list") == "models_versions_list"
    assert module_name("models.versions_list") == "models_versions_list"
    assert module_name("predictions.getByID") == "predictions_get_by_id"


def test_two_operations_written_to_one_module_are_refused() -> None:
    # Found by an outsider: adding models.versions_list silently replaced the module of
    # models.versions.list, whose calls then went to the new URL.
    clashing = spec(
        ("get", "/models/{o}/{n}/versions", "models.versions.list"),
        ("get", "/models/{o}/{n}/all-versions", "models.versions_list"),
    )
    with pytest.raises(SystemExit, match=r"'models\.versions\.list' and 'models\.versions_list'"):
        prepare(clashing, NO_OVERLAY)


def test_operations_are_tagged_by_their_first_segment() -> None:
    prepared, messages = prepare(spec(("get", "/hardware", "hardware.list")), NO_OVERLAY)
    assert prepared["paths"]["/hardware"]["get"]["tags"] == ["hardware"]
    assert messages == []


@pytest.mark.parametrize("text", ["not json", "[]", "{}", '{"paths": {}}'])
def test_a_spec_that_is_not_an_openapi_document_is_one_line_of_error(
    tmp_path: Path, text: str
) -> None:
    # Found by an outsider: a traceback, or thirty lines of the generator's output.
    spec = tmp_path / "openapi.json"
    spec.write_text(text)
    with pytest.raises(SystemExit, match=r"openapi\.json is not a"):
        load_spec(spec)


def test_an_operation_without_an_operation_id_is_refused() -> None:
    # Found by an outsider: it was generated under api/default, reported as "NOT GENERATED
    # ... api..", and left out of API_SUMMARY.txt.
    with pytest.raises(SystemExit, match=r"GET /hardware/\{sku\} has no operationId"):
        prepare(spec(("get", "/hardware/{sku}", "")), NO_OVERLAY)
