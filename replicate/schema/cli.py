"""Turn command-line ``name=value`` strings into input values, using the input's type."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .model import InputSpec
from .secret import Secret
from .types import TypeSpec, looks_like_uri

_TRUE = {"true", "1", "yes", "y", "on"}
_FALSE = {"false", "0", "no", "n", "off"}


def coerce_cli_value(spec: InputSpec, raw: str) -> Any:
    """The value ``raw`` (the text after ``name=``) stands for, for input ``spec``.

    Numbers and booleans are parsed, files become a ``Path`` unless ``raw`` is a URL,
    secrets a :class:`Secret`, arrays and objects are read as JSON (an array also takes a
    single item), ``null`` is ``None`` for nullable inputs. Raises ``ValueError`` naming
    the input when ``raw`` cannot be read; whether the value is allowed (enum, bounds) is
    :func:`~replicate.schema.check_inputs`'s job.
    """
    try:
        return _coerce(spec.type, raw)
    except ValueError as exc:
        shown = "<secret>" if spec.secret else repr(raw)
        raise ValueError(f"{spec.name}: cannot read {shown} as {exc}") from None


def _coerce(spec: TypeSpec, raw: str) -> Any:
    if spec.nullable and raw == "null":
        return None
    kind = spec.kind
    if kind in ("string", "any") and spec.choices is None:
        return raw if kind == "string" else _json_or_text(raw)
    if kind == "secret":
        return Secret(raw)
    if kind == "file":
        return raw if looks_like_uri(raw) else Path(raw)
    if kind == "integer":
        try:
            return int(raw)
        except ValueError:
            raise ValueError("an integer") from None
    if kind == "number":
        try:
            return float(raw)
        except ValueError:
            raise ValueError("a number") from None
    if kind == "boolean":
        lowered = raw.strip().lower()
        if lowered in _TRUE | _FALSE:
            return lowered in _TRUE
        raise ValueError("a boolean (true/false)")
    if kind == "string":  # an enum of strings
        return raw
    if kind == "array":
        if raw.lstrip().startswith("["):
            return _json(raw, "a JSON array")
        return [_coerce(spec.items or TypeSpec("any"), raw)]
    if kind == "object":
        return _json(raw, "a JSON object")
    # union: the first option that reads the text
    for option in spec.options:
        try:
            return _coerce(option, raw)
        except ValueError:
            continue
    return raw


def _json(raw: str, what: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        raise ValueError(what) from None


def _json_or_text(raw: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw
