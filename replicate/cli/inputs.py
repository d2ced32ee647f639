"""``key=value`` arguments to a prediction input, converted with the model's input schema.

Only the command line's own syntax lives here: ``key=value`` splitting, repeated keys for
lists, ``@path`` / ``@-`` / ``@@literal``. Reading the schema, converting text to each
input's type and checking the values are :mod:`replicate.schema`'s, as for ``use()``.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..schema import (
    CliValueError,
    InputSpec,
    InputValidationError,
    ModelSchema,
    SchemaError,
    Secret,
    coerce_cli_value,
    input_problems,
    parse_schema,
    reveal,
)
from .errors import UsageError

__all__ = [
    "parse_assignments",
    "secret_names",
    "sendable",
    "split_assignments",
    "version_schema",
]

# What a file argument stands for when the inputs are checked: it is uploaded and its URL sent.
_UPLOADED_URL = "data:,"


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


def version_schema(openapi_schema: Any, *, model: str = "model") -> ModelSchema | None:
    """A version's parsed schema (``None``: it publishes none); a malformed one is a
    :class:`SchemaError` naming ``model``."""
    if not openapi_schema:
        return None
    try:
        return parse_schema(openapi_schema)
    except SchemaError as error:
        raise SchemaError(f"{model} has a malformed schema: {error}") from None


def parse_assignments(
    pairs: list[str], schema: ModelSchema | None, *, model: str = "model"
) -> dict[str, Any]:
    """The prediction input for ``key=value`` arguments (secrets as :class:`Secret`).

    With the version's ``schema`` (see :func:`version_schema`), values become the declared
    types (a list from repeated keys or a JSON list) and are checked as ``replicate.use()``
    checks them: unknown names (with a suggestion), types, enum values, bounds, required
    inputs. One :class:`UsageError` lists every problem by input name (``model`` names the
    model). Without a schema values stay strings (repeated keys become lists).
    """
    grouped: dict[str, list[Any]] = {}
    for key, value in split_assignments(pairs):
        grouped.setdefault(key, []).append(value)
    if schema is None:  # as in use(): a version without a schema checks nothing
        return {k: v[0] if len(v) == 1 else v for k, v in grouped.items()}
    inputs: dict[str, Any] = {}
    unreadable: dict[str, str] = {}
    for key, values in grouped.items():
        spec = schema.by_name.get(key)
        try:
            inputs[key] = values[0] if spec is None else _value(spec, values)
        except CliValueError as error:
            unreadable[key] = error.reason
    # A value that could not be read is reported as such, not as a missing input.
    problems = {**input_problems(schema, _as_sent(inputs)), **unreadable}
    if problems:
        raise UsageError(str(InputValidationError(model, problems)))
    return inputs


def _value(spec: InputSpec, values: list[Any]) -> Any:
    """One input's value from its arguments (files stay paths and streams, to upload)."""
    if spec.type.kind != "array":
        if len(values) > 1:
            raise CliValueError(spec.name, f"given {len(values)} times but takes a single value")
        return _read(spec, values[0])
    read = [_read(spec, value) for value in values]
    if read == [None]:
        return None  # `key=null` for a nullable list
    # Each argument is one item, or a JSON list of items.
    return [item for one in read for item in (one if isinstance(one, list) else [one])]


def _read(spec: InputSpec, value: Any) -> Any:
    if isinstance(value, str):
        return coerce_cli_value(spec, value)
    if spec.secret:  # `api_key=@key.txt`, `api_key=@-`: the text, never uploaded as a file
        data = value.read_bytes() if isinstance(value, Path) else value.read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise CliValueError(spec.name, "expected UTF-8 text, got <secret>") from None
        return Secret(text.removesuffix("\n").removesuffix("\r"))
    return value


def _as_sent(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """``inputs`` with each file argument replaced by a URL, as the API will receive it."""

    def sent(value: Any) -> Any:
        if isinstance(value, list):
            return [sent(item) for item in value]
        return _UPLOADED_URL if isinstance(value, Path) or hasattr(value, "read") else value

    return {name: sent(value) for name, value in inputs.items()}


def sendable(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """``inputs`` with secrets unwrapped, to send."""
    return {name: reveal(value) for name, value in inputs.items()}


def secret_names(inputs: Mapping[str, Any]) -> frozenset[str]:
    """The inputs holding a secret: never printed."""

    def holds_secret(value: Any) -> bool:
        if isinstance(value, list):
            return any(holds_secret(item) for item in value)
        return isinstance(value, Secret)

    return frozenset(name for name, value in inputs.items() if holds_secret(value))
