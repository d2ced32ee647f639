"""Check a prediction input against a cog-style ``Input`` schema (the subset cog emits)."""

from __future__ import annotations

import functools
import re
from typing import Any

import attrs

from ..schema.types import looks_like_uri

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


@attrs.frozen
class InvalidField:
    """One problem with one input field, shaped like the API's ``invalid_fields`` entries."""

    type: str
    field: str
    description: str

    def to_json(self) -> dict[str, str]:
        """The JSON object sent in a 422 response."""
        return {"type": self.type, "field": self.field, "description": self.description}


def _resolve(prop: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    # cog wraps enum-typed inputs as {"allOf": [{"$ref": "#/components/schemas/x"}]}; list
    # items may be a bare {"$ref": ...}.
    for sub in [prop, *prop.get("allOf", ())]:
        ref = sub.get("$ref", "")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            merged = dict(components.get(ref.rsplit("/", 1)[1], {}))
            merged.update({k: v for k, v in prop.items() if k not in ("allOf", "$ref")})
            return merged
    return prop


#: What a secret input's value reads as once it has been sent to the model (as on the API,
#: which redacts it then; cog prints a Secret this way).
REDACTED_SECRET = "**********"


def secret_inputs(schema: dict[str, Any]) -> frozenset[str]:
    """Names of the inputs a cog schema marks secret (``x-cog-secret``, format password)."""
    components = schema.get("components", {}).get("schemas", {})
    properties: dict[str, Any] = components.get("Input", {}).get("properties", {})
    return frozenset(
        name
        for name, raw_prop in properties.items()
        if (prop := _resolve(raw_prop, components)).get("x-cog-secret") is True
        or prop.get("format") == "password"
    )


def _nullable(prop: dict[str, Any]) -> bool:
    kind = prop.get("type")
    return (
        prop.get("nullable") is True
        or kind == "null"
        or (isinstance(kind, list) and "null" in kind)
        or any(option.get("type") == "null" for option in prop.get("anyOf", ()))
    )


def _is_kind(value: Any, kind: str) -> bool:
    if kind == "null":
        return value is None
    if kind in ("integer", "number") and isinstance(value, bool):
        return False
    return isinstance(value, _TYPES.get(kind, object))


def _check_value(
    field: str, value: Any, prop: dict[str, Any], components: dict[str, Any]
) -> InvalidField | None:
    """The first problem with ``value`` against ``prop`` (``field`` names it, e.g.
    ``input.seeds.1``), for the JSON-schema keywords cog and pydantic emit."""
    prop = _resolve(prop, components)
    name = field.removeprefix("input.")
    if value is None and _nullable(prop):
        return None
    options = [o for o in prop.get("anyOf", ()) if o.get("type") != "null"]
    if options:  # pydantic's Optional[T] / Union: any one alternative will do
        found = [_check_value(field, value, option, components) for option in options]
        if all(problem is not None for problem in found):
            return found[0]
    kind = prop.get("type")
    kinds = [k for k in ([kind] if isinstance(kind, str) else kind or ()) if k in _TYPES]
    if kinds and not any(_is_kind(value, k) for k in kinds):
        expected = " or ".join(kinds)
        return InvalidField("invalid_type", field, f"{name}: expected {expected}")
    if "enum" in prop and value not in prop["enum"]:
        allowed = ", ".join(map(repr, prop["enum"]))
        return InvalidField("enum", field, f"{name} must be one of: {allowed}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in prop and value < prop["minimum"]:
            return InvalidField("number_gte", field, f"{name} must be >= {prop['minimum']}")
        if "maximum" in prop and value > prop["maximum"]:
            return InvalidField("number_lte", field, f"{name} must be <= {prop['maximum']}")
        low, high = prop.get("exclusiveMinimum"), prop.get("exclusiveMaximum")
        if isinstance(low, int | float) and not isinstance(low, bool) and value <= low:
            return InvalidField("number_gt", field, f"{name} must be > {low}")
        if isinstance(high, int | float) and not isinstance(high, bool) and value >= high:
            return InvalidField("number_lt", field, f"{name} must be < {high}")
    if isinstance(value, str):
        return _check_string(field, name, value, prop)
    if isinstance(value, list):
        return _check_array(field, name, value, prop, components)
    return None


def _check_string(field: str, name: str, value: str, prop: dict[str, Any]) -> InvalidField | None:
    if "minLength" in prop and len(value) < prop["minLength"]:
        return InvalidField(
            "string_too_short", field, f"{name} must be at least {prop['minLength']} characters"
        )
    if "maxLength" in prop and len(value) > prop["maxLength"]:
        return InvalidField(
            "string_too_long", field, f"{name} must be at most {prop['maxLength']} characters"
        )
    pattern = prop.get("pattern")
    if isinstance(pattern, str) and _pattern(pattern).search(value) is None:
        return InvalidField("pattern", field, f"{name} must match the pattern {pattern!r}")
    if prop.get("format") == "uri" and not looks_like_uri(value):
        # The API refuses a file input that is no URL; a model would otherwise get a str.
        return InvalidField("format", field, f"{name} must be a URI (https://..., data:...)")
    return None


def _check_array(
    field: str, name: str, value: list[Any], prop: dict[str, Any], components: dict[str, Any]
) -> InvalidField | None:
    if "minItems" in prop and len(value) < prop["minItems"]:
        return InvalidField(
            "too_short", field, f"{name} must have at least {prop['minItems']} items"
        )
    if "maxItems" in prop and len(value) > prop["maxItems"]:
        return InvalidField("too_long", field, f"{name} must have at most {prop['maxItems']} items")
    items = prop.get("items")
    if isinstance(items, dict):
        for index, item in enumerate(value):
            problem = _check_value(f"{field}.{index}", item, items, components)
            if problem is not None:
                return problem
    return None


@functools.cache
def _pattern(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error:  # a pattern Python cannot read constrains nothing here
        return re.compile("")


def validate_input(
    data: dict[str, Any], schema: dict[str, Any]
) -> tuple[dict[str, Any], list[InvalidField]]:
    """Return (input with defaults filled in, problems) for ``data`` against a cog schema.

    Unknown fields are kept and ignored, as cog does.
    """
    components = schema.get("components", {}).get("schemas", {})
    input_schema = components.get("Input", {})
    properties: dict[str, Any] = input_schema.get("properties", {})
    problems: list[InvalidField] = []
    for name in input_schema.get("required", ()):
        if name not in data:
            problems.append(InvalidField("required", f"input.{name}", f"{name} is required"))
    filled = dict(data)
    for name, raw_prop in properties.items():
        prop = _resolve(raw_prop, components)
        if name not in data:
            if "default" in prop:
                filled[name] = prop["default"]
            continue
        problem = _check_value(f"input.{name}", data[name], raw_prop, components)
        if problem is not None:
            problems.append(problem)
    return filled, problems
