"""A cog-style ``openapi_schema`` derived from a Python function's signature and annotations.

Inputs follow the parameters in order (``x-order``); a default makes an input optional;
``Literal[...]`` becomes an ``enum``; ``Annotated[T, "text"]`` or ``Annotated[T, Input(...)]``
adds a description and bounds. The return annotation gives the output schema; an ``Iterator``
(or a generator function) is a cog iterator output, concatenated for display when it yields
``str``. The parameters ``log`` and ``sleep`` are not inputs: the emulator passes its helpers.
"""

from __future__ import annotations

import collections.abc
import inspect
import pathlib
import types
import typing
from collections.abc import Callable
from typing import Any

import attrs

from .catalog import cog_schema

#: Parameters the emulator fills with its helpers instead of input values.
HELPERS = frozenset({"log", "sleep"})

_SCALARS: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    dict: {"type": "object"},
    bytes: {"type": "string", "format": "uri"},
    pathlib.Path: {"type": "string", "format": "uri"},
    Any: {},
}
_ITERATORS = (collections.abc.Iterator, collections.abc.Iterable, collections.abc.Generator)


@attrs.frozen
class Input:
    """Describes one input inside ``Annotated[T, Input(...)]`` (as cog's ``Input``)."""

    description: str | None = None
    ge: float | None = None
    le: float | None = None


def _type_schema(annotation: Any, where: str) -> dict[str, Any]:
    """JSON schema of one annotation, or a TypeError naming ``where``."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if annotation in _SCALARS:
        return dict(_SCALARS[annotation])
    if annotation is None or annotation is type(None):  # `-> None`: a model run for effect
        return {"type": "null"}
    if origin is typing.Literal:
        kinds = {type(a) for a in args}
        base = _SCALARS.get(kinds.pop(), {}) if len(kinds) == 1 else {}
        return {**base, "enum": list(args)}
    if origin in (list, collections.abc.Sequence):
        return {"type": "array", "items": _type_schema(args[0], where) if args else {}}
    if origin in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1:
            return {**_type_schema(rest[0], where), "nullable": True}
    if origin is dict:
        return {"type": "object"}
    raise TypeError(f"{where}: cannot derive a cog schema from annotation {annotation!r}")


def _input_schema(param: inspect.Parameter, annotation: Any, where: str) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if typing.get_origin(annotation) is typing.Annotated:
        annotation, *metadata = typing.get_args(annotation)
        for item in metadata:
            if isinstance(item, str):
                extra["description"] = item
            elif isinstance(item, Input):
                bounds = {"description": item.description, "minimum": item.ge, "maximum": item.le}
                extra.update({k: v for k, v in bounds.items() if v is not None})
    prop = {} if annotation is inspect.Parameter.empty else _type_schema(annotation, where)
    if param.default is not inspect.Parameter.empty:
        prop["default"] = param.default
    return {**prop, **extra}


def output_schema(predict: Callable[..., Any], hints: dict[str, Any]) -> dict[str, Any]:
    """The ``Output`` schema from the return annotation (iterators as cog marks them)."""
    annotation = hints.get("return", Any)
    origin = typing.get_origin(annotation)
    if origin in _ITERATORS or inspect.isgeneratorfunction(predict):
        args = typing.get_args(annotation)
        items = _type_schema(args[0], "return") if args else {}
        schema = {"type": "array", "items": items, "x-cog-array-type": "iterator"}
        if items.get("type") == "string" and "format" not in items:
            schema["x-cog-array-display"] = "concatenate"
        return schema
    return _type_schema(annotation, "return")


def _mentions_path(annotation: Any) -> bool:
    if annotation is pathlib.Path:
        return True
    return any(_mentions_path(arg) for arg in typing.get_args(annotation))


def file_inputs(predict: Callable[..., Any]) -> frozenset[str]:
    """Inputs annotated with ``pathlib.Path`` (also in a list or Optional): cog passes files."""
    hints = typing.get_type_hints(predict)
    return frozenset(
        name for name, hint in hints.items() if name != "return" and _mentions_path(hint)
    )


def accepts(predict: Callable[..., Any]) -> tuple[frozenset[str], bool]:
    """Input names ``predict`` takes (helpers excluded) and whether it takes ``**kwargs``."""
    names, var_kw = set(), False
    for param in inspect.signature(predict).parameters.values():
        if param.kind is inspect.Parameter.VAR_KEYWORD:
            var_kw = True
        elif param.kind is not inspect.Parameter.VAR_POSITIONAL and param.name not in HELPERS:
            names.add(param.name)
    return frozenset(names), var_kw


def schema_from_callable(
    predict: Callable[..., Any],
    input_schema: dict[str, Any] | None = None,
    output: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A version ``openapi_schema`` for ``predict``; explicit parts replace derived ones.

    ``input_schema`` is the ``Input`` object schema (``properties``, ``required``);
    ``output`` is the ``Output`` schema.
    """
    name = getattr(predict, "__qualname__", repr(predict))
    hints = typing.get_type_hints(predict, include_extras=True)
    if input_schema is not None:
        properties = dict(input_schema.get("properties", {}))
        required = list(input_schema.get("required", []))
    else:
        properties, required = {}, []
        for param in inspect.signature(predict).parameters.values():
            if param.name in HELPERS or param.kind in (
                inspect.Parameter.VAR_POSITIONAL,
                inspect.Parameter.VAR_KEYWORD,
            ):
                continue
            where = f"{name}({param.name})"
            annotation = hints.get(param.name, inspect.Parameter.empty)
            properties[param.name] = _input_schema(param, annotation, where)
            if param.default is inspect.Parameter.empty:
                required.append(param.name)
    out = output if output is not None else output_schema(predict, hints)
    return cog_schema(properties, required, out)
