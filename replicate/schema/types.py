"""``TypeSpec``: what one JSON-schema node of a cog schema means as a Python type.

Cog schemas use a small part of JSON schema; everything maps to a Python type (see
docs/typed-models.md): ``string`` -> ``str`` (``format: uri`` -> a file input, secrets ->
``str | Secret``), ``integer`` -> ``int``, ``number`` -> ``float``, ``boolean`` -> ``bool``,
``array`` -> ``Sequence[item]`` (outputs: ``list[item]``), ``object`` -> ``dict[str, Any]``,
``enum`` -> ``Literal[...]``, ``anyOf``/``oneOf`` -> a union, ``nullable``/``null`` members ->
``| None``; anything without a type -> ``Any``. The same ``TypeSpec`` gives the source text
(generated modules), the runtime annotation (``use()`` signatures) and the value check (input
checking).
"""

from __future__ import annotations

import functools
import operator
import os
import re
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any, Literal, TypeAlias

import attrs

from .secret import Secret

#: What a file input accepts: a URL (``https://``, ``data:``) or local path string, a path,
#: or an open binary file; local files are uploaded as ``run`` does.
FileInput: TypeAlias = str | os.PathLike[str] | IO[bytes]

KINDS = ("string", "secret", "file", "integer", "number", "boolean", "array", "object")
# Two characters at least: "C:/x.png" is a Windows path, not a URL (no scheme is one letter).
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")
_LITERAL_TYPES = (str, int, bool)


@attrs.frozen
class TypeSpec:
    """A type: ``kind`` is one of ``string``, ``secret``, ``file``, ``integer``, ``number``,
    ``boolean``, ``array`` (``items``), ``object``, ``union`` (``options``), ``null`` or ``any``;
    ``choices`` holds enum values; ``nullable`` adds ``None``."""

    kind: str
    items: TypeSpec | None = None
    options: tuple[TypeSpec, ...] = ()
    choices: tuple[Any, ...] | None = None
    nullable: bool = False

    @property
    def literal(self) -> bool:
        """Whether the enum choices can be spelled as a ``Literal`` (floats cannot)."""
        return bool(self.choices) and all(
            type(choice) in _LITERAL_TYPES for choice in self.choices or ()
        )


ANY = TypeSpec("any")


#: Schema nodes one type may take to read, references followed: a few hundred bytes of
#: references to references (``A = anyOf[A, A, A]``) would otherwise take billions of steps.
MAX_TYPE_NODES = 10_000


class SchemaTooComplex(ValueError):
    """A type whose references expand past :data:`MAX_TYPE_NODES` nodes."""


class _Budget:
    __slots__ = ("left",)

    def __init__(self) -> None:
        self.left = MAX_TYPE_NODES

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise SchemaTooComplex(
                f"its references expand to more than {MAX_TYPE_NODES} schema nodes"
            )


def _resolve(
    node: dict[str, Any], components: dict[str, Any], budget: _Budget, depth: int = 0
) -> dict[str, Any]:
    """``node`` with cog's ``allOf: [{$ref}]`` / ``$ref`` replaced by the referenced schema."""
    budget.spend()
    refs = [sub for sub in node.get("allOf", ()) if isinstance(sub, dict)]
    if "$ref" in node:
        refs.append(node)
    if not refs or depth > 8:
        return node
    merged: dict[str, Any] = {}
    for sub in refs:
        ref = sub.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            target = components.get(ref.rsplit("/", 1)[1])
            if isinstance(target, dict):
                merged.update(_resolve(target, components, budget, depth + 1))
        else:
            merged.update(sub)
    merged.update({k: v for k, v in node.items() if k not in ("allOf", "$ref")})
    return merged


def parse_type(
    node: Any, components: dict[str, Any], *, depth: int = 0, budget: _Budget | None = None
) -> TypeSpec:
    """The :class:`TypeSpec` of one schema node (unknown shapes become ``Any``);
    :class:`SchemaTooComplex` past :data:`MAX_TYPE_NODES` nodes."""
    budget = budget or _Budget()
    if not isinstance(node, dict) or depth > 16:
        return ANY
    node = _resolve(node, components, budget)
    nullable = node.get("nullable") is True
    members = node.get("anyOf") or node.get("oneOf")
    if isinstance(members, list) and members:
        return _union(
            [parse_type(m, components, depth=depth + 1, budget=budget) for m in members],
            nullable,
        )
    kind = node.get("type")
    if isinstance(kind, list):  # JSON schema's ["string", "null"]
        options = [
            parse_type({**node, "type": k}, components, depth=depth + 1, budget=budget)
            for k in kind
        ]
        return _union(options, nullable)
    choices = node.get("enum")
    choice_tuple = tuple(choices) if isinstance(choices, list) and choices else None
    if kind is None and choice_tuple is not None:
        kind = _kind_of_value(choice_tuple[0])
    if kind == "string":
        fmt = node.get("format")
        if node.get("x-cog-secret") is True or fmt == "password":
            kind = "secret"
        elif fmt == "uri" and choice_tuple is None:
            kind = "file"
    if kind == "array":
        items = parse_type(node.get("items"), components, depth=depth + 1, budget=budget)
        return TypeSpec("array", items, nullable=nullable)
    if kind == "null":
        return TypeSpec("null")
    if kind not in KINDS:
        return TypeSpec("any")
    return TypeSpec(kind, choices=choice_tuple, nullable=nullable)


def _kind_of_value(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string" if isinstance(value, str) else "any"


def _union(options: list[TypeSpec], nullable: bool) -> TypeSpec:
    nullable = nullable or any(o.kind == "null" or o.nullable for o in options)
    kept: list[TypeSpec] = []
    for option in options:
        if option.kind == "null":
            continue
        option = attrs.evolve(option, nullable=False)
        if option not in kept:
            kept.append(option)
    if any(o.kind == "any" for o in kept) or not kept:
        return TypeSpec("any")
    if len(kept) == 1:
        return attrs.evolve(kept[0], nullable=nullable)
    return TypeSpec("union", options=tuple(kept), nullable=nullable)


# --- Python source (generated modules) -----------------------------------------------------

_INPUT_NAMES = {
    "string": "str",
    "secret": "str | Secret",
    "file": "FileInput",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "object": "dict[str, Any]",
    "any": "Any",
    "null": "None",
}
_OUTPUT_NAMES = {**_INPUT_NAMES, "secret": "str", "file": "FileOutput"}


def type_source(spec: TypeSpec, *, output: bool = False) -> str:
    """The annotation of ``spec`` as Python source (names from ``replicate.schema``/``typing``)."""
    if spec.kind == "any":
        return "Any"
    names = _OUTPUT_NAMES if output else _INPUT_NAMES
    if spec.literal and not output:
        text = "Literal[" + ", ".join(ascii(choice) for choice in spec.choices or ()) + "]"
    elif spec.kind == "array":
        # Inputs take any sequence: list is invariant, so list[FileInput] would refuse a
        # list[Path] under mypy (run time takes lists and tuples).
        container = "list" if output else "Sequence"
        text = f"{container}[{type_source(spec.items or ANY, output=output)}]"
    elif spec.kind == "union":
        parts: list[str] = []
        for option in spec.options:
            for part in type_source(option, output=output).split(" | "):
                if part not in parts:
                    parts.append(part)
        text = " | ".join(parts)
    else:
        text = names[spec.kind]
    return f"{text} | None" if spec.nullable and spec.kind != "null" else text


# --- runtime annotations (use() signatures) -----------------------------------------------


def type_annotation(spec: TypeSpec, *, output: bool = False) -> Any:
    """The annotation of ``spec`` as a runtime typing object (for ``inspect.signature``)."""
    from .._encoding.file_output import FileOutput

    if spec.kind == "any":
        return Any
    base: Any
    if spec.literal and not output:
        base = Literal.__getitem__(tuple(spec.choices or ()))
    elif spec.kind == "array":
        container = list if output else Sequence
        base = container[type_annotation(spec.items or ANY, output=output)]
    elif spec.kind == "union":
        base = functools.reduce(
            operator.or_, [type_annotation(o, output=output) for o in spec.options]
        )
    else:
        base = {
            "string": str,
            "secret": str if output else str | Secret,
            "file": FileOutput if output else FileInput,
            "integer": int,
            "number": float,
            "boolean": bool,
            "object": dict[str, Any],
            "null": None,
        }[spec.kind]
    return base | None if spec.nullable and base is not None else base


# --- value checks ----------------------------------------------------------------------------


def type_problem(spec: TypeSpec, value: Any) -> str | None:
    """Why ``value`` does not fit ``spec`` (without showing the value), or ``None``."""
    if value is None:
        return None if spec.nullable or spec.kind in ("any", "null") else "must not be None"
    kind = spec.kind
    if kind == "any":
        return None
    if kind == "union":
        if any(type_problem(option, value) is None for option in spec.options):
            return None
        return f"must be {type_source(spec)}"
    ok = _FITS[kind](value)
    if not ok:
        return f"must be {_EXPECTED[kind]}, not {type(value).__name__}"
    if kind == "array" and spec.items is not None and spec.items.kind != "any":
        for index, item in enumerate(value):
            problem = type_problem(spec.items, item)
            if problem is not None:
                return f"item {index} {problem}"
    if spec.choices is not None and value not in spec.choices:
        return "must be one of " + ", ".join(repr(choice) for choice in spec.choices)
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_file(value: Any) -> bool:
    if isinstance(value, str):
        return True  # a URL or a local path (checked for a scheme by the input checker)
    return isinstance(value, os.PathLike) or callable(getattr(value, "read", None))


_FITS: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "secret": lambda v: isinstance(v, str | Secret),
    "file": _is_file,
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": _is_number,
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list | tuple),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}
_EXPECTED = {
    "string": "a str",
    "secret": "a str or Secret",
    "file": "a URL, a path or a binary file",
    "integer": "an int",
    "number": "a number",
    "boolean": "a bool",
    "array": "a list",
    "object": "a dict",
    "null": "None",
}


def looks_like_uri(value: str) -> bool:
    """Whether ``value`` has a URI scheme (``https:``, ``data:``, ...)."""
    return bool(_URI.match(value))


def walk(spec: TypeSpec) -> Iterator[TypeSpec]:
    """``spec`` and every type nested in it."""
    yield spec
    if spec.items is not None:
        yield from walk(spec.items)
    for option in spec.options:
        yield from walk(option)
