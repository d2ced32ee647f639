"""The Overlay applier (codegen/overlay.py) and its JSONPath subset."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "codegen"))

from overlay import OverlayError, apply_overlay, select


def _document() -> dict[str, Any]:
    return {
        "components": {
            "schemas": {
                "prediction": {
                    "required": ["id", "urls", "status"],
                    "properties": {
                        "id": {"type": "string"},
                        "created_at": {"type": "string", "format": "date-time"},
                        "urls": {
                            "required": ["web"],
                            "properties": {"web": {"type": "string", "format": "uri"}},
                        },
                    },
                },
                "x-odd name": {"properties": {"when": {"type": "string", "format": "date-time"}}},
            }
        },
        "paths": {"/a": {"get": {"responses": {"200": {"format": "date-time"}}}}},
    }


def _nodes(document: dict[str, Any], target: str) -> list[Any]:
    return [document if c is None else c[k] for c, k in select(document, target)]


def test_child_quoted_and_wildcard_steps() -> None:
    document = _document()
    assert _nodes(document, "$.components.schemas.prediction.required") == [
        ["id", "urls", "status"]
    ]
    assert _nodes(document, "$.components.schemas['x-odd name'].properties.when.format") == [
        "date-time"
    ]
    assert len(_nodes(document, "$.components.schemas[*]")) == 2
    assert _nodes(document, "$.components.schemas.*.properties.when.type") == ["string"]
    assert _nodes(document, "$") == [document]
    assert _nodes(document, "$.components.missing") == []


def test_recursive_filter_finds_nested_matches_once_and_stays_in_scope() -> None:
    document = _document()
    found = _nodes(document, "$.components.schemas..[?(@.format == 'date-time')]")
    assert found == [
        {"type": "string", "format": "date-time"},
        {"type": "string", "format": "date-time"},
    ]
    assert len(_nodes(document, "$..[?(@.format == 'date-time')]")) == 3
    assert len(_nodes(document, "$..[?(@.required)]")) == 2
    assert _nodes(document, "$..web") == [{"type": "string", "format": "uri"}]


def test_remove_then_update_replaces_a_required_list() -> None:
    document = _document()
    warnings = apply_overlay(
        document,
        {
            "actions": [
                {"target": "$.components.schemas.prediction.required", "remove": True},
                {"target": "$.components.schemas.prediction", "update": {"required": ["id"]}},
                {"target": "$..[?(@.format == 'date-time')]", "update": {"nullable": True}},
            ]
        },
    )
    assert warnings == []
    prediction = document["components"]["schemas"]["prediction"]
    assert prediction["required"] == ["id"]
    assert prediction["properties"]["created_at"] == {
        "type": "string",
        "format": "date-time",
        "nullable": True,
    }
    assert document["paths"]["/a"]["get"]["responses"]["200"]["nullable"] is True
    assert prediction["properties"]["urls"]["required"] == ["web"]


def test_update_merges_objects_and_appends_to_lists() -> None:
    document = _document()
    apply_overlay(
        document,
        {
            "actions": [
                {
                    "target": "$.components.schemas.prediction",
                    "update": {"required": ["extra", "id"], "properties": {"id": {"minLength": 1}}},
                }
            ]
        },
    )
    prediction = document["components"]["schemas"]["prediction"]
    assert prediction["required"] == ["id", "urls", "status", "extra"]
    assert prediction["properties"]["id"] == {"type": "string", "minLength": 1}


def test_removing_list_items_keeps_indexes_valid() -> None:
    document = {"items": [{"drop": 1}, {"keep": 1}, {"drop": 2}]}
    apply_overlay(document, {"actions": [{"target": "$.items[?(@.drop)]", "remove": True}]})
    assert document == {"items": [{"keep": 1}]}


def test_an_action_matching_nothing_is_reported() -> None:
    warnings = apply_overlay(_document(), {"actions": [{"target": "$.nope", "remove": True}]})
    assert warnings == ["overlay action 1 matched nothing: $.nope"]


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ({"target": "components.schemas", "remove": True}, "must start with"),
        ({"target": "$.a[0]", "remove": True}, "unsupported JSONPath"),
        ({"target": "$.components", "frobnicate": True}, "neither"),
        ({"remove": True}, "no string 'target'"),
        ({"target": "$", "remove": True}, "whole document"),
        ({"target": "$.components.schemas.prediction.required", "update": {"a": 1}}, "non-object"),
    ],
)
def test_malformed_actions_fail_clearly(action: dict[str, Any], message: str) -> None:
    with pytest.raises(OverlayError, match=message):
        apply_overlay(_document(), {"actions": [action]})
