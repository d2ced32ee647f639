"""Model (cog) schemas: typed descriptions of a version's inputs and output, input checks.

Shared by :func:`replicate.use`, the per-model module generator and the command line::

    from replicate.schema import parse_schema, check_inputs, coerce_cli_value

    schema = parse_schema(version.openapi_schema)
    for spec in schema.inputs:                 # in x-order
        print(spec.name, spec.annotation_source, spec.default, spec.choices)
    value = coerce_cli_value(schema.by_name["steps"], "30")   # -> 30 (CliValueError if unreadable)
    check_inputs(schema, {"steps": value}, model="owner/name")  # raises InputValidationError
"""

from .check import (
    InputValidationError,
    check_inputs,
    input_problems,
    sendable_input,
    value_problem,
)
from .cli import CliValueError, coerce_cli_value
from .legacy import make_schema_backwards_compatible, version_has_no_array_type
from .limits import Limits
from .model import NO_DEFAULT, InputSpec, ModelSchema, OutputSpec, SchemaError, parse_schema
from .secret import SECRET_MASK, Secret, reveal
from .types import FileInput, TypeSpec, parse_type, type_annotation, type_source

__all__ = [
    "NO_DEFAULT",
    "SECRET_MASK",
    "CliValueError",
    "FileInput",
    "InputSpec",
    "InputValidationError",
    "Limits",
    "ModelSchema",
    "OutputSpec",
    "SchemaError",
    "Secret",
    "TypeSpec",
    "check_inputs",
    "coerce_cli_value",
    "input_problems",
    "make_schema_backwards_compatible",
    "parse_schema",
    "parse_type",
    "reveal",
    "sendable_input",
    "type_annotation",
    "type_source",
    "value_problem",
    "version_has_no_array_type",
]
