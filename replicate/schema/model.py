"""A model version's schema: its inputs in ``x-order`` and the shape of its output."""

from __future__ import annotations

import json
import math
from typing import Any

import attrs

from ..exceptions import ReplicateException
from .limits import Limits
from .types import (
    SchemaTooComplex,
    TypeSpec,
    parse_type,
    type_annotation,
    type_problem,
    type_source,
    walk,
)


class SchemaError(ReplicateException, ValueError):
    """A version's ``openapi_schema`` is not a cog schema we can read."""


class _NoDefault:
    def __repr__(self) -> str:
        return "NO_DEFAULT"


#: The ``default`` of an input that has none.
NO_DEFAULT: Any = _NoDefault()


@attrs.frozen
class InputSpec:
    """One model input as the schema describes it.

    ``type`` (a :class:`TypeSpec`) drives the annotation, the check and CLI conversion;
    ``default`` is :data:`NO_DEFAULT` when the schema gives none.
    """

    name: str
    type: TypeSpec
    required: bool
    default: Any = NO_DEFAULT
    description: str | None = None
    title: str | None = None
    #: Bounds, lengths, pattern, item counts and item limits (``None``: no limits).
    limits: Limits | None = None
    format: str | None = None
    secret: bool = False
    order: int = 0
    #: Whether the input (or an item of it) is a file (computed once: checks run per call).
    is_file: bool = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "is_file", any(t.kind == "file" for t in walk(self.type)))

    @property
    def minimum(self) -> float | None:
        """``minimum`` (``Input(ge=...)``)."""
        return self.limits.minimum if self.limits else None

    @property
    def maximum(self) -> float | None:
        """``maximum`` (``Input(le=...)``)."""
        return self.limits.maximum if self.limits else None

    @property
    def exclusive_minimum(self) -> float | None:
        """``exclusiveMinimum`` (a number: JSON schema's form)."""
        return self.limits.exclusive_minimum if self.limits else None

    @property
    def exclusive_maximum(self) -> float | None:
        """``exclusiveMaximum`` (a number: JSON schema's form)."""
        return self.limits.exclusive_maximum if self.limits else None

    @property
    def has_default(self) -> bool:
        """Whether the schema gives a default."""
        return self.default is not NO_DEFAULT

    @property
    def default_fits(self) -> bool:
        """Whether the default can stand in a function signature: the input is optional and
        its default given, immutable, finite and of the input's own type. Other optional
        inputs default to ``None`` there, meaning "left out of the request"."""
        if self.required or not self.has_default:
            return False
        value = self.default
        if isinstance(value, list | dict) or type_problem(self.type, value) is not None:
            return False
        return not (isinstance(value, float) and not math.isfinite(value))

    @property
    def none_is_left_out(self) -> bool:
        """Whether ``None`` given for this input means "leave it out of the request": the
        input is optional and its signature says ``= None`` (see :attr:`default_fits`).
        ``replicate.use()`` and generated modules both follow this."""
        return not self.required and not self.default_fits

    @property
    def choices(self) -> tuple[Any, ...] | None:
        """The enum values, if the input is an enum."""
        return self.type.choices

    @property
    def annotation(self) -> Any:
        """The Python annotation (runtime object)."""
        return type_annotation(self.type)

    @property
    def annotation_source(self) -> str:
        """The annotation as source text (``FileInput``, ``Secret``: from ``replicate.schema``)."""
        return type_source(self.type)


@attrs.frozen
class OutputSpec:
    """The output: its type, whether it is an iterator, and whether its items concatenate."""

    type: TypeSpec
    iterator: bool = False
    concatenate: bool = False

    @property
    def may_hold_files(self) -> bool:
        """Whether the output may hold files: a file or an untyped part (a plain string
        output that happens to be a URL is text)."""
        return any(t.kind in ("file", "any") for t in walk(self.type))

    @property
    def has_files(self) -> bool:
        """Whether the output holds file URLs (they come back as ``FileOutput``)."""
        return any(t.kind == "file" for t in walk(self.type))

    def annotation_source(self, *, use_async: bool = False) -> str:
        """The return annotation as source text."""
        if self.iterator:
            item = type_source(self.type.items or TypeSpec("any"), output=True)
            return f"{'AsyncIterator' if use_async else 'Iterator'}[{item}]"
        return type_source(self.type, output=True)

    def annotation(self, *, use_async: bool = False) -> Any:
        """The return annotation as a runtime object."""
        from collections.abc import AsyncIterator, Iterator

        if self.iterator:
            item = type_annotation(self.type.items or TypeSpec("any"), output=True)
            return AsyncIterator[item] if use_async else Iterator[item]  # type: ignore[valid-type]
        return type_annotation(self.type, output=True)


@attrs.frozen
class ModelSchema:
    """The parsed ``Input`` and ``Output`` of a version's ``openapi_schema``."""

    inputs: tuple[InputSpec, ...]
    output: OutputSpec
    #: The ``Input`` and ``Output`` components as published (JSON), for change reports.
    source: dict[str, Any] = attrs.field(eq=False, repr=False)
    by_name: dict[str, InputSpec] = attrs.field(init=False, eq=False, repr=False)
    required: frozenset[str] = attrs.field(init=False, eq=False, repr=False)
    secrets: frozenset[str] = attrs.field(init=False, eq=False, repr=False)
    #: Inputs for which ``None`` means "leave it out" (:attr:`InputSpec.none_is_left_out`).
    left_out_when_none: frozenset[str] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "by_name", {spec.name: spec for spec in self.inputs})
        object.__setattr__(self, "required", frozenset(s.name for s in self.inputs if s.required))
        object.__setattr__(self, "secrets", frozenset(s.name for s in self.inputs if s.secret))
        left_out = frozenset(s.name for s in self.inputs if s.none_is_left_out)
        object.__setattr__(self, "left_out_when_none", left_out)


def parse_schema(openapi_schema: Any) -> ModelSchema:
    """Parse a version's ``openapi_schema``; :class:`SchemaError` if it is malformed.

    Inputs come in ``x-order`` (then name order for inputs without one).
    """
    if not isinstance(openapi_schema, dict):
        raise SchemaError(f"openapi_schema must be an object, not {type(openapi_schema).__name__}")
    components = openapi_schema.get("components", {})
    schemas = components.get("schemas", {}) if isinstance(components, dict) else None
    if not isinstance(schemas, dict):
        raise SchemaError("openapi_schema has no components.schemas object")
    input_node = schemas.get("Input", {"type": "object", "properties": {}})
    if not isinstance(input_node, dict):
        raise SchemaError("components.schemas.Input is not an object")
    properties = input_node.get("properties", {})
    required = input_node.get("required", [])
    if not isinstance(properties, dict) or not isinstance(required, list):
        raise SchemaError("Input.properties must be an object and Input.required a list")
    inputs = []
    for position, (name, node) in enumerate(properties.items()):
        if not isinstance(node, dict):
            raise SchemaError(f"Input.properties.{name} is not an object")
        try:
            inputs.append(_input_spec(name, node, name in required, position, schemas))
        except SchemaTooComplex as exc:
            raise SchemaError(f"Input.properties.{name}: {exc}") from None
    inputs.sort(key=lambda spec: spec.order)
    output_node = schemas.get("Output")
    try:
        output = _output_spec(output_node, schemas)
    except SchemaTooComplex as exc:
        raise SchemaError(f"Output: {exc}") from None
    source = {"Input": input_node, "Output": output_node}
    # Enum inputs point at sibling components: keep those too so the source stands alone.
    for name, node in schemas.items():
        if name not in ("Input", "Output") and _referenced(name, source):
            source[name] = node
    return ModelSchema(tuple(inputs), output, source)


def _referenced(name: str, source: dict[str, Any]) -> bool:
    return f'"#/components/schemas/{name}"' in json.dumps(source)


def _input_spec(
    name: str, node: dict[str, Any], required: bool, position: int, schemas: dict[str, Any]
) -> InputSpec:
    spec_type = parse_type(node, schemas)
    order = node.get("x-order")
    secret = any(t.kind == "secret" for t in walk(spec_type))
    description = node.get("description")
    title = node.get("title")
    return InputSpec(
        name=name,
        type=spec_type,
        required=required,
        default=node.get("default", NO_DEFAULT),
        description=description if isinstance(description, str) else None,
        title=title if isinstance(title, str) else None,
        limits=Limits.of(node),
        format=node.get("format") if isinstance(node.get("format"), str) else None,
        secret=secret,
        # Inputs without x-order keep their place after the ordered ones.
        order=order if isinstance(order, int) else 10_000 + position,
    )


def _output_spec(node: Any, schemas: dict[str, Any]) -> OutputSpec:
    spec_type = parse_type(node, schemas)
    resolved = node if isinstance(node, dict) else {}
    iterator = spec_type.kind == "array" and resolved.get("x-cog-array-type") == "iterator"
    concatenate = iterator and resolved.get("x-cog-array-display") == "concatenate"
    return OutputSpec(spec_type, iterator, concatenate)


def output_may_hold_files(openapi_schema: Any) -> bool:
    """Whether a version's output may hold files, by its schema (:attr:`OutputSpec.may_hold_files`);
    ``True`` when there is no readable schema (1.x's rule: every URL is a file)."""
    if not openapi_schema:
        return True
    try:
        return parse_schema(openapi_schema).output.may_hold_files
    except SchemaError:
        return True
