"""Check a prediction input against a cog-style ``Input`` schema (the subset cog emits)."""

from __future__ import annotations

from typing import Any

import attrs

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
    # cog wraps enum-typed inputs as {"allOf": [{"$ref": "#/components/schemas/x"}]}.
    for sub in prop.get("allOf", ()):
        ref = sub.get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            merged = dict(components.get(ref.rsplit("/", 1)[1], {}))
            merged.update({k: v for k, v in prop.items() if k != "allOf"})
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


def _check_value(name: str, value: Any, prop: dict[str, Any]) -> InvalidField | None:
    if value is None and prop.get("nullable") is True:
        return None
    kind = prop.get("type")
    if kind in _TYPES:
        ok = isinstance(value, _TYPES[kind]) and not (
            kind in ("integer", "number") and isinstance(value, bool)
        )
        if not ok:
            return InvalidField("invalid_type", f"input.{name}", f"{name}: expected {kind}")
    if "enum" in prop and value not in prop["enum"]:
        allowed = ", ".join(map(repr, prop["enum"]))
        return InvalidField("enum", f"input.{name}", f"{name} must be one of: {allowed}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in prop and value < prop["minimum"]:
            return InvalidField(
                "number_gte", f"input.{name}", f"{name} must be >= {prop['minimum']}"
            )
        if "maximum" in prop and value > prop["maximum"]:
            return InvalidField(
                "number_lte", f"input.{name}", f"{name} must be <= {prop['maximum']}"
            )
    return None


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
        problem = _check_value(name, data[name], prop)
        if problem is not None:
            problems.append(problem)
    return filled, problems
