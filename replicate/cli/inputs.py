"""``key=value`` arguments to a prediction input, converted with the model's input schema.

Everything the command line knows about input values sits behind :func:`parse_assignments`,
which reads the raw cog ``openapi_schema`` of a version (``components.schemas.Input``).
"""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path
from typing import Any

from .errors import UsageError

__all__ = ["parse_assignments", "split_assignments"]

_TRUE = frozenset({"true", "1", "yes", "y", "on"})
_FALSE = frozenset({"false", "0", "no", "n", "off"})


def split_assignments(pairs: list[str]) -> list[tuple[str, Any]]:
    """``(key, raw value)`` pairs; ``@path`` becomes a :class:`Path` (which must exist),
    ``@-`` stdin's bytes stream and ``@@text`` the literal ``@text``.

    Checks only the syntax, so it needs no request: run it before fetching a schema.
    """
    result: list[tuple[str, Any]] = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"expected key=value, got {pair!r}")
        result.append((key, _file_or_text(key, value)))
    if sum(1 for _, value in result if value is sys.stdin.buffer) > 1:
        raise UsageError("only one input can be read from stdin (@-)")
    return result


def _file_or_text(key: str, value: str) -> Any:
    if value.startswith("@@"):
        return value[1:]
    if value == "@-":
        return sys.stdin.buffer
    if value.startswith("@"):
        path = Path(value[1:]).expanduser()
        if not path.is_file():
            raise UsageError(f"{key}: no such file {str(path)!r}")
        return path
    return value


def parse_assignments(pairs: list[str], openapi_schema: dict[str, Any] | None) -> dict[str, Any]:
    """The prediction input for ``key=value`` arguments.

    With the version's ``openapi_schema``, values become the declared type (integer,
    number, boolean, array from repeated keys or a JSON list, object from JSON), enum
    values are checked and unknown keys refused with a suggestion. Without one, values
    stay strings (repeated keys become lists). :class:`UsageError` names the problem.
    """
    properties = _input_properties(openapi_schema)
    grouped: dict[str, list[Any]] = {}
    for key, value in split_assignments(pairs):
        grouped.setdefault(key, []).append(value)
    if properties is None:
        return {k: v[0] if len(v) == 1 else v for k, v in grouped.items()}
    components = (openapi_schema or {}).get("components", {}).get("schemas", {})
    result: dict[str, Any] = {}
    for key, values in grouped.items():
        if key not in properties:
            raise UsageError(_unknown_key(key, list(properties)))
        prop = _resolve(properties[key], components)
        result[key] = _convert(key, values, prop, components)
    return result


def _input_properties(openapi_schema: dict[str, Any] | None) -> dict[str, Any] | None:
    try:
        properties = openapi_schema["components"]["schemas"]["Input"]["properties"]  # type: ignore[index]
    except (KeyError, TypeError):
        return None
    return properties if isinstance(properties, dict) else None


def _resolve(prop: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    """A property with its ``allOf: [{$ref}]`` (how cog declares enums) merged in."""
    merged = {k: v for k, v in prop.items() if k != "allOf"}
    for part in prop.get("allOf") or []:
        ref = part.get("$ref", "") if isinstance(part, dict) else ""
        target = components.get(ref.rpartition("/")[2], {}) if ref else part
        merged = {**target, **merged}
    return merged


def _unknown_key(key: str, known: list[str]) -> str:
    return f"unknown input {key!r}{_suggestion(key, known)} (inputs: {', '.join(sorted(known))})"


def _suggestion(word: str, options: list[str]) -> str:
    """``; did you mean 'x'?`` for the closest option (case aside first), or nothing."""
    by_case = [option for option in options if option.lower() == word.lower()]
    close = by_case or difflib.get_close_matches(word, options, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _convert(key: str, values: list[Any], prop: dict[str, Any], components: dict[str, Any]) -> Any:
    if prop.get("type") == "array":
        items = _resolve(prop.get("items") or {}, components)
        if len(values) == 1 and isinstance(values[0], str) and values[0].lstrip().startswith("["):
            decoded = _json(key, values[0])
            if not isinstance(decoded, list):
                raise UsageError(f"{key}: expected a JSON list, got {values[0]!r}")
            values = decoded
        return [_scalar(f"{key}[{i}]", v, items) for i, v in enumerate(values)]
    if len(values) > 1:
        raise UsageError(f"{key}: given {len(values)} times but takes a single value")
    return _scalar(key, values[0], prop)


def _scalar(key: str, value: Any, prop: dict[str, Any]) -> Any:
    # Files and the items of a decoded JSON list are already values.
    converted = _from_text(key, value, prop.get("type")) if isinstance(value, str) else value
    if isinstance(converted, int | float) and not isinstance(converted, bool):
        _check_range(key, converted, prop)
    choices = prop.get("enum")
    if choices is not None and converted not in choices:
        hint = _suggestion(str(converted), [str(c) for c in choices])
        raise UsageError(f"{key}: {converted!r} is not one of {choices}{hint}")
    return converted


def _check_range(key: str, number: float, prop: dict[str, Any]) -> None:
    low, high = prop.get("minimum"), prop.get("maximum")
    if low is not None and number < low:
        raise UsageError(f"{key}: {number} is below the minimum {low}")
    if high is not None and number > high:
        raise UsageError(f"{key}: {number} is above the maximum {high}")


def _from_text(key: str, value: str, kind: Any) -> Any:
    if kind == "integer":
        try:
            return int(value)
        except ValueError:
            raise UsageError(f"{key}: expected an integer, got {value!r}") from None
    if kind == "number":
        try:
            number = float(value)
        except ValueError:
            raise UsageError(f"{key}: expected a number, got {value!r}") from None
        return int(number) if number.is_integer() and "." not in value else number
    if kind == "boolean":
        lowered = value.lower()
        if lowered in _TRUE or lowered in _FALSE:
            return lowered in _TRUE
        raise UsageError(f"{key}: expected true or false, got {value!r}")
    if kind == "object":
        decoded = _json(key, value)
        if not isinstance(decoded, dict):
            raise UsageError(f"{key}: expected a JSON object, got {value!r}")
        return decoded
    return value


def _json(key: str, value: str) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError as error:
        raise UsageError(f"{key}: invalid JSON ({error.msg}): {value!r}") from None
