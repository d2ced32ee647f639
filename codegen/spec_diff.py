"""Report the API changes between two OpenAPI documents, one readable line per change.

Usage: spec_diff.py OLD.json NEW.json

Line prefixes: `+` added, `-` removed, `~` changed. Covered: operations (method and path),
operationIds, parameters, request bodies, response status codes, shared schemas, properties,
types and formats, nullability, enum values, required-ness, value constraints and
deprecations. Prose
(descriptions, summaries, examples, titles) is ignored. Standard library only.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from spec_model import Operation, iter_operations, resolve

CONSTRAINTS = (
    "default",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "const",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "deprecated",
)
COMPOSITIONS = ("oneOf", "anyOf", "allOf")


def compare_keyed(
    old: dict[Any, Any],
    new: dict[Any, Any],
    added: Callable[[Any], str],
    removed: Callable[[Any], str],
    common: Callable[[Any], list[str]],
) -> list[str]:
    """Walk the union of two mappings' keys in sorted order: one line per key only on one side,
    and whatever `common` reports for keys on both."""
    lines: list[str] = []
    for key in sorted(set(old) | set(new), key=str):
        if key not in old:
            lines.append(added(key))
        elif key not in new:
            lines.append(removed(key))
        else:
            lines += common(key)
    return lines


def describe(schema: Any) -> str:
    """A short type description: `string(date-time)|null`, `array`, `ref:name`, `any`."""
    if not isinstance(schema, dict):
        return "any" if schema in (True, {}) else json.dumps(schema)
    if "$ref" in schema:
        return "ref:" + str(schema["$ref"]).rsplit("/", 1)[-1]
    for composition in COMPOSITIONS:
        if composition in schema:
            return (
                f"{composition}[" + ", ".join(describe(part) for part in schema[composition]) + "]"
            )
    types = schema.get("type", "any")
    names = [str(t) for t in types] if isinstance(types, list) else [str(types)]
    if schema.get("nullable") is True and "null" not in names:
        names.append("null")
    base = names[0] + (f"({schema['format']})" if "format" in schema else "")
    return "|".join([base, *names[1:]])


def _required(schema: Any) -> set[str]:
    found = schema.get("required", []) if isinstance(schema, dict) else []
    return {str(name) for name in found} if isinstance(found, list) else set()


def diff_schema(old: Any, new: Any, where: str) -> list[str]:
    """Changes between two schema nodes found at the same place (`$ref`s are not followed)."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        old_type, new_type = describe(old), describe(new)
        return [f"~ type {where}: {old_type} -> {new_type}"] if old_type != new_type else []
    lines = []
    if describe(old) != describe(new):
        lines.append(f"~ type {where}: {describe(old)} -> {describe(new)}")
    old_enum, new_enum = old.get("enum") or [], new.get("enum") or []
    lines += [f"+ enum value {where}: {json.dumps(v)}" for v in new_enum if v not in old_enum]
    lines += [f"- enum value {where}: {json.dumps(v)}" for v in old_enum if v not in new_enum]
    for key in CONSTRAINTS:
        if old.get(key) != new.get(key):
            lines.append(
                f"~ {key} {where}: {json.dumps(old.get(key))} -> {json.dumps(new.get(key))}"
            )
    old_props, new_props = old.get("properties") or {}, new.get("properties") or {}
    lines += compare_keyed(
        old_props,
        new_props,
        lambda name: f"+ property {where}.{name} ({describe(new_props[name])})",
        lambda name: f"- property {where}.{name}",
        lambda name: diff_schema(old_props[name], new_props[name], f"{where}.{name}"),
    )
    old_required, new_required = _required(old), _required(new)
    lines += [
        f"~ required {where}.{name}: now required" for name in sorted(new_required - old_required)
    ]
    lines += [
        f"~ required {where}.{name}: no longer required"
        for name in sorted(old_required - new_required)
    ]
    if "items" in old and "items" in new:
        lines += diff_schema(old["items"], new["items"], f"{where}[]")
    old_extra, new_extra = old.get("additionalProperties"), new.get("additionalProperties")
    if isinstance(old_extra, dict) and isinstance(new_extra, dict):
        lines += diff_schema(old_extra, new_extra, f"{where}{{}}")
    elif old_extra != new_extra:
        lines.append(
            f"~ additionalProperties {where}: {json.dumps(old_extra)} -> {json.dumps(new_extra)}"
        )
    for composition in COMPOSITIONS:
        old_parts, new_parts = old.get(composition) or [], new.get(composition) or []
        for index, (old_part, new_part) in enumerate(zip(old_parts, new_parts, strict=False)):
            lines += diff_schema(old_part, new_part, f"{where}|{composition}[{index}]")
    return lines


def _parameters(
    spec: dict[str, Any], operation: Operation
) -> dict[tuple[str, str], dict[str, Any]]:
    """Effective parameters of an operation (path-level ones included), keyed by (in, name)."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    path_level = spec["paths"][operation.path].get("parameters", [])
    for raw in [*path_level, *operation.body.get("parameters", [])]:
        parameter = resolve(spec, raw)
        if isinstance(parameter, dict) and "name" in parameter:
            found[(str(parameter.get("in")), str(parameter["name"]))] = parameter
    return found


def _content_schemas(spec: dict[str, Any], holder: Any) -> dict[str, Any]:
    holder = resolve(spec, holder)
    content = holder.get("content", {}) if isinstance(holder, dict) else {}
    return {media: (body or {}).get("schema", {}) for media, body in content.items()}


def _diff_contents(old: dict[str, Any], new: dict[str, Any], where: str) -> list[str]:
    single = len(old) == 1 and len(new) == 1
    return compare_keyed(
        old,
        new,
        lambda media: f"+ content {where}: {media}",
        lambda media: f"- content {where}: {media}",
        lambda media: diff_schema(
            old[media], new[media], where if single else f"{where} ({media})"
        ),
    )


def _deprecation(old: dict[str, Any], new: dict[str, Any], where: str) -> list[str]:
    was, now = bool(old.get("deprecated")), bool(new.get("deprecated"))
    if was == now:
        return []
    return [f"~ deprecated {where}: {'now' if now else 'no longer'} deprecated"]


def _diff_parameter(old: dict[str, Any], new: dict[str, Any], where: str) -> list[str]:
    lines = _deprecation(old, new, where)
    was, now = bool(old.get("required")), bool(new.get("required"))
    if was != now:
        lines.append(f"~ required {where}: {'now' if now else 'no longer'} required")
    return lines + diff_schema(old.get("schema", {}), new.get("schema", {}), where)


def diff_operation(
    old_spec: dict[str, Any], new_spec: dict[str, Any], old: Operation, new: Operation
) -> list[str]:
    """Changes inside one operation present in both documents."""
    label, lines = new.label, _deprecation(old.body, new.body, new.label)
    if old.operation_id != new.operation_id:
        lines.append(f"~ operationId {label}: {old.operation_id} -> {new.operation_id}")
    old_params, new_params = _parameters(old_spec, old), _parameters(new_spec, new)

    def added_parameter(key: tuple[str, str]) -> str:
        parameter = new_params[key]
        optional = "required" if parameter.get("required") else "optional"
        kind = describe(parameter.get("schema"))
        return f"+ parameter {label}: {key[0]} {key[1]} ({kind}, {optional})"

    lines += compare_keyed(
        old_params,
        new_params,
        added_parameter,
        lambda key: f"- parameter {label}: {key[0]} {key[1]}",
        lambda key: _diff_parameter(old_params[key], new_params[key], f"{label} {key[0]} {key[1]}"),
    )
    old_body, new_body = old.body.get("requestBody"), new.body.get("requestBody")
    if old_body is None and new_body is not None:
        lines.append(f"+ request body {label}")
    elif old_body is not None and new_body is None:
        lines.append(f"- request body {label}")
    elif old_body is not None and new_body is not None:
        was = bool(resolve(old_spec, old_body).get("required"))
        now = bool(resolve(new_spec, new_body).get("required"))
        if was != now:
            lines.append(
                f"~ required {label}: request body {'now' if now else 'no longer'} required"
            )
        lines += _diff_contents(
            _content_schemas(old_spec, old_body),
            _content_schemas(new_spec, new_body),
            f"{label} request body",
        )
    old_responses, new_responses = old.body.get("responses", {}), new.body.get("responses", {})
    lines += compare_keyed(
        old_responses,
        new_responses,
        lambda status: f"+ response {label}: {status}",
        lambda status: f"- response {label}: {status}",
        lambda status: _diff_contents(
            _content_schemas(old_spec, old_responses[status]),
            _content_schemas(new_spec, new_responses[status]),
            f"{label} response {status}",
        ),
    )
    return lines


def diff_specs(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Every structural change from `old` to `new`, operations first, then shared schemas."""
    old_ops = {(op.path, op.method): op for op in iter_operations(old)}
    new_ops = {(op.path, op.method): op for op in iter_operations(new)}
    old_schemas = old.get("components", {}).get("schemas", {})
    new_schemas = new.get("components", {}).get("schemas", {})
    return compare_keyed(
        old_ops,
        new_ops,
        lambda key: f"+ operation {new_ops[key].label} ({new_ops[key].operation_id})",
        lambda key: f"- operation {old_ops[key].label} ({old_ops[key].operation_id})",
        lambda key: diff_operation(old, new, old_ops[key], new_ops[key]),
    ) + compare_keyed(
        old_schemas,
        new_schemas,
        lambda name: f"+ schema {name}",
        lambda name: f"- schema {name}",
        lambda name: diff_schema(old_schemas[name], new_schemas[name], name),
    )


def report(old: dict[str, Any], new: dict[str, Any]) -> str:
    """The printable change report."""
    lines = diff_specs(old, new)
    if not lines:
        return "API change report: no structural changes (prose and formatting are ignored)\n"
    return f"API change report: {len(lines)} change(s)\n" + "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    old, new = (json.loads(Path(arg).read_text(encoding="utf-8")) for arg in argv[1:])
    sys.stdout.write(report(old, new))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
