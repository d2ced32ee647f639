"""Validate emulator responses against the response schemas of openapi.json."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import jsonschema
from referencing import Registry
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi.json"
SPEC_URI = "urn:replicate-openapi"
HTTP_METHODS = {"get", "post", "put", "patch", "delete", "head", "options", "trace", "query"}


def _to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema -> JSON Schema: ``nullable`` becomes a ``null`` type; refs re-rooted."""
    if isinstance(node, list):
        return [_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _to_json_schema(value) for key, value in node.items() if key != "nullable"}
    if isinstance(out.get("$ref"), str) and out["$ref"].startswith("#/"):
        out["$ref"] = SPEC_URI + out["$ref"]
    if node.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
        if "type" not in out and "enum" not in out:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


_formats = jsonschema.FormatChecker()


@_formats.checks("date-time", raises=ValueError)
def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.tzinfo is not None and "T" in value


@_formats.checks("uri")
def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlparse(value)
    return bool(parts.scheme and (parts.netloc or parts.scheme == "data"))


class SpecChecker:
    """Validates emulator responses against the response schemas in ``openapi.json``."""

    def __init__(self) -> None:
        raw = json.loads(SPEC_PATH.read_text())
        self.spec = _to_json_schema(raw)
        self.registry: Registry[Any] = Registry().with_resource(
            SPEC_URI, DRAFT202012.create_resource(self.spec)
        )
        self.operations = {
            (method.upper(), path): op
            for path, item in raw["paths"].items()
            for method, op in item.items()
            if method in HTTP_METHODS
        }
        self.covered: set[tuple[str, str]] = set()

    def check(self, response: httpx.Response, method: str, template: str) -> Any:
        """Assert ``response`` is declared for ``method template`` and matches its schema."""
        key = (method.upper(), template)
        assert key in self.operations, f"{key} is not an operation in openapi.json"
        path_item = self.spec["paths"][template]
        responses = path_item[method.lower()]["responses"]
        status = str(response.status_code)
        assert status in responses, (
            f"{method} {template} answered {status}, undeclared in the spec: {response.text[:300]}"
        )
        declared = responses[status]
        content = declared.get("content") or {}
        self.covered.add(key)
        if not content:
            # An error the spec lists without a body schema may still explain itself.
            if response.status_code < 400:
                assert response.content == b"", f"{status} must have no body"
            return None
        media = response.headers["content-type"].split(";")[0].strip()
        assert media in content, f"content type {media} not in {list(content)}"
        schema = content[media].get("schema", {})
        if media.endswith("json"):
            body = response.json()
        else:
            body = response.text if schema.get("format") != "binary" else None
            if body is None:
                return response.content
        validator = jsonschema.Draft202012Validator(
            schema, registry=self.registry, format_checker=_formats
        )
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
        assert not errors, f"{method} {template}: " + "; ".join(
            f"{list(e.path)}: {e.message}" for e in errors[:5]
        )
        return body
