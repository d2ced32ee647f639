"""The API change report (codegen/spec_diff.py) on two constructed spec versions."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "codegen"))

from spec_diff import diff_specs, report  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "generated"
V1: dict[str, Any] = json.loads((FIXTURES / "spec_v1.json").read_text("utf-8"))
V2: dict[str, Any] = json.loads((FIXTURES / "spec_v2.json").read_text("utf-8"))

# Every structural edit spec_v2.json makes to spec_v1.json (it also rewrites prose everywhere),
# written out by hand from the edits, one report line each.
EXPECTED_V1_TO_V2 = set((FIXTURES / "spec_v1_to_v2_report.txt").read_text("utf-8").splitlines())


def test_report_lists_exactly_the_structural_changes() -> None:
    lines = diff_specs(V1, V2)
    assert len(lines) == len(set(lines))
    assert set(lines) == EXPECTED_V1_TO_V2
    assert len(EXPECTED_V1_TO_V2) == 16


def test_report_is_symmetric_in_direction() -> None:
    backwards = set(diff_specs(V2, V1))
    assert "- operation GET /hardware (hardware.list)" in backwards
    assert '+ enum value schemas_prediction_response.source: "web"' in backwards
    assert "~ type schemas_prediction_response.metrics.total_time: integer -> number" in backwards
    assert "~ required schemas_prediction_response.data_removed: now required" in backwards
    assert len(backwards) == len(EXPECTED_V1_TO_V2)


def test_prose_only_changes_report_nothing() -> None:
    reworded = copy.deepcopy(V1)
    reworded["info"]["description"] = "Something else entirely."
    for item in reworded["paths"].values():
        for operation in item.values():
            operation["summary"] = "New words"
            operation["description"] = "New words, more of them."
            for parameter in operation.get("parameters", []):
                parameter["description"] = "Reworded parameter."
    schema = reworded["components"]["schemas"]["schemas_prediction_response"]
    schema["properties"]["status"]["description"] = "Reworded status."
    schema["properties"]["id"]["example"] = "abc123"
    assert diff_specs(V1, reworded) == []
    assert "no structural changes" in report(V1, reworded)


def test_a_property_named_description_is_structure_not_prose() -> None:
    changed = copy.deepcopy(V1)
    properties = changed["components"]["schemas"]["schemas_prediction_response"]["properties"]
    properties["description"] = {"type": "string", "nullable": True}
    assert diff_specs(V1, changed) == [
        "+ property schemas_prediction_response.description (string|null)"
    ]


def test_nullability_format_and_ref_changes_are_type_changes() -> None:
    changed = copy.deepcopy(V1)
    properties = changed["components"]["schemas"]["schemas_prediction_response"]["properties"]
    properties["started_at"]["nullable"] = True
    properties["created_at"]["format"] = "date"
    properties["output"] = {"$ref": "#/components/schemas/schemas_prediction_response"}
    assert set(diff_specs(V1, changed)) == {
        "~ type schemas_prediction_response.started_at: "
        "string(date-time) -> string(date-time)|null",
        "~ type schemas_prediction_response.created_at: string(date-time) -> string(date)",
        "~ type schemas_prediction_response.output: any -> ref:schemas_prediction_response",
    }


def test_identical_documents_report_nothing() -> None:
    assert diff_specs(V2, copy.deepcopy(V2)) == []
    real = json.loads((ROOT / "openapi.json").read_text("utf-8"))
    assert diff_specs(real, copy.deepcopy(real)) == []


def test_deprecations_and_more_constraints_are_reported() -> None:
    # Found by an outsider: deprecating an operation, a parameter or a field reported
    # "no structural changes", as did exclusiveMinimum, multipleOf and const.
    def document(deprecated: bool, minimum: float | None) -> dict[str, Any]:
        field: dict[str, Any] = {"type": "number", "deprecated": deprecated}
        if minimum is not None:
            field["exclusiveMinimum"] = minimum
        return {
            "paths": {
                "/things": {
                    "get": {
                        "operationId": "things.list",
                        "deprecated": deprecated,
                        "parameters": [
                            {"in": "query", "name": "q", "deprecated": deprecated,
                             "schema": {"type": "string"}},
                        ],
                        "responses": {},
                    }
                }
            },
            "components": {"schemas": {"thing": {"type": "object", "properties": {"f": field}}}},
        }

    assert diff_specs(document(False, None), document(True, 0)) == [
        "~ deprecated GET /things: now deprecated",
        "~ deprecated GET /things query q: now deprecated",
        "~ exclusiveMinimum thing.f: null -> 0",
        "~ deprecated thing.f: false -> true",
    ]
