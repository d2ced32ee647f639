"""Turn command-line ``name=value`` strings into input values, using the input's type."""

from __future__ import annotations

import json
import math
from typing import Any

from .model import InputSpec
from .secret import SECRET_MASK, Secret
from .types import TypeSpec, looks_like_uri

_TRUE = {"true", "1", "yes", "y", "on"}
_FALSE = {"false", "0", "no", "n", "off"}


class CliValueError(ValueError):
    """Text that cannot be read as its input's type: ``reason`` says why (without the name)."""

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        super().__init__(f"{name}: {reason}")


def coerce_cli_value(spec: InputSpec, raw: str) -> Any:
    """The value ``raw`` (the text after ``name=``) stands for, for input ``spec``.

    Numbers and booleans are parsed (a number written without a point or exponent stays an
    ``int``, as typed), secrets become a :class:`Secret`, arrays and objects are read as
    JSON (an array also takes a single item), ``null`` is ``None`` for nullable inputs. A
    file input takes a URL: local files are the command line's ``@path``, never a bare
    string. Raises :class:`CliValueError` (``"name: expected ..., got '...'"``, a secret
    shown as ``<secret>``) when ``raw`` cannot be read; whether the value is allowed (enum,
    bounds, required inputs) is :func:`~replicate.schema.check_inputs`'s job.
    """
    try:
        return _coerce(spec.type, raw)
    except ValueError as exc:
        shown = SECRET_MASK if spec.secret else repr(raw)
        raise CliValueError(spec.name, f"expected {exc}, got {shown}") from None


def _coerce(spec: TypeSpec, raw: str) -> Any:
    if spec.nullable and raw == "null":
        return None
    kind = spec.kind
    if kind == "any":
        return _json_or_text(raw)
    if kind == "string":  # plain text, or one of an enum's strings (checked later)
        return raw
    if kind == "secret":
        return Secret(raw)
    if kind == "file":
        if looks_like_uri(raw):
            return raw
        raise ValueError("a URL (https://..., data:...) or @path to upload a local file")
    if kind == "integer":
        try:
            return int(raw)
        except ValueError:
            raise ValueError("an integer") from None
    if kind == "number":
        return _number(raw)
    if kind == "boolean":
        lowered = raw.strip().lower()
        if lowered in _TRUE | _FALSE:
            return lowered in _TRUE
        raise ValueError("true or false")
    if kind == "array":
        if raw.lstrip().startswith("["):
            return _json(raw)  # JSON values keep their JSON types (checked, not converted)
        return [_coerce(spec.items or TypeSpec("any"), raw)]
    if kind == "object":
        decoded = _json(raw)
        if not isinstance(decoded, dict):
            raise ValueError("a JSON object")
        return decoded
    # union: the first option that reads the text
    for option in spec.options:
        try:
            return _coerce(option, raw)
        except ValueError:
            continue
    return raw


def _number(raw: str) -> int | float:
    try:
        number = float(raw)
    except ValueError:
        raise ValueError("a number") from None
    if not math.isfinite(number):  # JSON has no NaN or infinity
        raise ValueError("a finite number")
    integral = number.is_integer() and not any(c in raw for c in ".eE")
    return int(raw) if integral else number


def _json(raw: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise ValueError(f"valid JSON ({error.msg})") from None


def _json_or_text(raw: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw
