"""Source of a typed per-model module, from a model's published schema.

Deterministic: the same model object gives byte-identical source (before and after
``ruff format``). See docs/typed-models.md for how schema types map to Python types.
"""

from __future__ import annotations

import ast
import keyword
import re
import sys
import textwrap
from collections.abc import Iterable
from typing import Any

import attrs

from ..schema import InputSpec, ModelSchema
from ..schema.model import OutputSpec
from .resolve import ModelInfo

# Names the generated body and annotations refer to: an input must never shadow them.
RESERVED = frozenset(
    {
        "Any",
        "AsyncIterator",
        "AsyncOutput",
        "FileInput",
        "FileOutput",
        "Input",
        "Iterator",
        "Literal",
        "MODEL",
        "NotRequired",
        "Options",
        "Output",
        "REF",
        "SCHEMA",
        "Secret",
        "Sequence",
        "TypeAlias",
        "TypedDict",
        "VERSION",
        "bool",
        "dict",
        "float",
        "int",
        "list",
        "str",
        "_runtime",
        "_typing",
    }
)


def identifier(text: str, prefix: str = "_") -> str:
    """``text`` as a Python identifier: other characters become ``_``, keywords get ``_``."""
    ident = re.sub(r"\W", "_", text, flags=re.ASCII) or "_"
    if ident[0].isdigit():
        ident = prefix + ident
    if keyword.iskeyword(ident):
        ident += "_"
    return ident


# Top-level packages a generated owner package must not shadow (owner "replicate" exists).
_TAKEN_PACKAGES = frozenset(sys.stdlib_module_names) | {
    "attrs",
    "dateutil",
    "httpx",
    "replicate",
    "replicate_api",
}


def module_path(owner: str, name: str) -> tuple[str, str]:
    """The package and module names of ``owner/name`` (``DIR/<package>/<module>.py``);
    an owner named like the standard library or our dependencies gets a trailing ``_``."""
    package = identifier(owner.lower(), "m_")
    if package in _TAKEN_PACKAGES:
        package += "_"
    return package, identifier(name.lower(), "m_")


def parameter_names(inputs: Iterable[InputSpec]) -> dict[str, str]:
    """Input name -> keyword parameter name (in x-order): identifiers, never a reserved name,
    unique. The one mapping of generated modules and ``use()``.

    An input whose name is a usable identifier keeps it, so adding or reordering inputs in a
    new version never moves a keyword to another input; the others (``class``, ``a-b``,
    ``str``) take their name made an identifier, with ``_`` appended until it is free.
    """
    specs = list(inputs)
    own = {s.name for s in specs if identifier(s.name) == s.name and s.name not in RESERVED}
    taken = set(RESERVED) | own
    names: dict[str, str] = {}
    for spec in specs:
        if spec.name in own:
            names[spec.name] = spec.name
            continue
        ident = identifier(spec.name)
        while ident in taken:
            ident += "_"
        taken.add(ident)
        names[spec.name] = ident
    return names


def _options_name(params: Iterable[str]) -> str:
    name = "options"
    taken = set(params)
    while name in taken:
        name += "_"
    return name


def _doc_text(text: str) -> str:
    # Safe inside a triple-quoted docstring, and ASCII (non-ASCII as escapes, which linters
    # do not flag as confusable); control characters dropped.
    cleaned = "".join(ch for ch in text if ch in "\n\t" or ch.isprintable())
    escaped = cleaned.replace("\\", "\\\\").replace('"""', '\\"\\"\\"').rstrip('"\\ \n')
    return escaped.encode("ascii", "backslashreplace").decode("ascii")


def _wrap(text: str, indent: str, width: int = 96) -> list[str]:
    # Wrapped before escaping, so no escape sequence is ever split across lines.
    lines: list[str] = []
    for paragraph in text.splitlines():
        wrapped = textwrap.wrap(
            paragraph,
            width,
            initial_indent=indent,
            subsequent_indent=indent,
            break_on_hyphens=False,
        )
        lines += [indent + _doc_text(line[len(indent) :]) for line in wrapped] or [""]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _default_source(spec: InputSpec) -> str | None:
    """The parameter's default as source, ``None`` when the signature gets ``= None`` instead
    (see :attr:`InputSpec.default_fits`)."""
    return _literal(spec.default) if spec.default_fits else None


@attrs.frozen
class _Param:
    spec: InputSpec
    ident: str
    annotation: str
    default: str | None  # source after "=", None for a required parameter


def _params(schema: ModelSchema) -> list[_Param]:
    names = parameter_names(schema.inputs)
    params = []
    for spec in schema.inputs:
        annotation = spec.annotation_source
        default = _default_source(spec)
        if spec.none_is_left_out:
            if not annotation.endswith("| None") and annotation != "Any":
                annotation += " | None"
            default = "None"
        params.append(_Param(spec, names[spec.name], annotation, default))
    return params


def _imports(schema: ModelSchema | None, params: list[_Param]) -> list[str]:
    text = " ".join(p.annotation for p in params)
    if schema is not None:
        text += " " + schema.output.annotation_source() + " " + _typed_dict_text(params)
    typing_names = {"Any", "TypeAlias"}
    if schema is not None:
        typing_names |= {"TypedDict"}
    for name in ("Literal", "NotRequired"):
        if re.search(rf"\b{name}\[", text):
            typing_names.add(name)
    lines = ["from __future__ import annotations", "", "import typing as _typing"]
    abc = [n for n in ("AsyncIterator", "Iterator", "Sequence") if re.search(rf"\b{n}\[", text)]
    if schema is not None and schema.output.iterator:
        abc = sorted({*abc, "AsyncIterator", "Iterator"})
    if abc:
        lines.append(f"from collections.abc import {', '.join(abc)}")
    lines.append(f"from typing import {', '.join(sorted(typing_names, key=str.lower))}")
    lines.append("")
    if re.search(r"\bFileOutput\b", text):
        lines.append("from replicate.helpers import FileOutput")
    schema_names = [n for n in ("FileInput", "Secret") if re.search(rf"\b{n}\b", text)]
    if schema_names:
        lines.append(f"from replicate.schema import {', '.join(schema_names)}")
    lines.append("from replicate.typed import runtime as _runtime")
    lines.append("from replicate.typed.runtime import Options")
    return lines


def _typed_dict_text(params: list[_Param]) -> str:
    fields = []
    for p in params:
        annotation = p.spec.annotation_source
        if not p.spec.required:
            annotation = f"NotRequired[{annotation}]"
        fields.append(f"        {_literal(p.spec.name)}: {annotation},")
    return "\n".join(fields)


def _typed_dict(params: list[_Param]) -> list[str]:
    doc = '    """The input as a dict, keyed by the input names of the schema."""'
    if all(p.spec.name.isidentifier() and not keyword.iskeyword(p.spec.name) for p in params):
        lines = ["class Input(TypedDict):", doc]
        if params:
            lines.append("")
        for p in params:
            annotation = p.spec.annotation_source
            if not p.spec.required:
                annotation = f"NotRequired[{annotation}]"
            lines.append(f"    {p.spec.name}: {annotation}")
        return [*lines, ""]
    lines = ["Input = TypedDict(", '    "Input",', "    {"]
    lines += [f"    {line}" for line in _typed_dict_text(params).splitlines()]
    return [*lines, "    },", ")", doc.strip(), ""]


def _arg_docs(params: list[_Param]) -> list[str]:
    if not params:
        return []
    lines = ["", "    Args:"]
    for p in params:
        spec = p.spec
        facts = []
        if spec.name != p.ident:
            facts.append(f"input {spec.name!r}")
        if spec.required:
            facts.append("required")
        elif spec.has_default and not spec.secret:
            facts.append(f"default {_doc_text(repr(spec.default))[:60]}")
        if spec.minimum is not None:
            facts.append(f"min {spec.minimum:g}")
        if spec.maximum is not None:
            facts.append(f"max {spec.maximum:g}")
        if spec.secret:
            facts.append("secret")
        head = f"{p.ident} ({'; '.join(facts)})" if facts else p.ident
        text = f"{head}: {spec.description}" if spec.description else head
        wrapped = _wrap(text, "        ")
        lines += wrapped
    return lines


def _function(
    source: ModelInfo, params: list[_Param], output: OutputSpec | None, use_async: bool
) -> list[str]:
    options = _options_name([p.ident for p in params])
    name = "async_run" if use_async else "run"
    returns = "Any"
    if output is not None:
        returns = "AsyncOutput" if use_async and output.iterator else "Output"
    head = f"{'async ' if use_async else ''}def {name}("
    args = [f"    {options}: Options | None = None,", "    /,"]
    if output is None:  # no schema: untyped, unchecked inputs
        args.append("    **inputs: Any,")
    elif params:
        args.append("    *,")
        for p in params:
            default = f" = {p.default}" if p.default is not None else ""
            args.append(f"    {p.ident}: {p.annotation}{default},")
    lines = [head, *args, f") -> {returns}:"]
    if source.by_name:
        pinned = "by name: an official model, its current version"
    else:
        pinned = "the version in ``VERSION``" if source.version else "its latest version"
    doc = [f'    """Run {source.model} ({pinned}) and return its output.', ""]
    doc.append("    Pass ``Options(client=..., timeout=...)`` first to set run options.")
    if use_async:
        doc = ['    """Async :func:`run`.']
    else:
        doc += _arg_docs(params)
    lines += [*doc, '    """']
    if output is None:
        inputs = "inputs"
    else:
        inputs = "{" + ", ".join(f"{_literal(p.spec.name)}: {p.ident}" for p in params) + "}"
    call = "_runtime.async_run_version" if use_async else "_runtime.run_version"
    awaiting = "await " if use_async else ""
    lines.append(
        f"    return _typing.cast({returns!r}, {awaiting}{call}({options}, REF, SCHEMA, {inputs}))"
    )
    return lines


def module_source(source: ModelInfo) -> str:
    """The module's source (valid Python; run :func:`format_source` for the final layout)."""
    schema = source.schema
    params = _params(schema) if schema is not None else []
    lines = ['"""' + _doc_text(f"{source.model}: typed inputs and output for running it.")]
    lines.append("")
    if source.description:
        lines += _wrap(source.description, "")
        lines.append("")
    lines += [
        "Generated by ``python -m replicate generate``; do not edit (regenerate instead).",
        '"""',
        "",
    ]
    lines += _imports(schema, params)
    lines += ["", "", f"MODEL = {_literal(source.model)}"]
    lines += [f"VERSION = {_literal(source.version)}", f"REF = {_literal(source.ref)}"]
    embedded = schema.source if schema is not None else {}
    lines.append(f"SCHEMA: dict[str, Any] = {_literal(embedded)}")
    lines.append('"""The ``Input``/``Output`` schema this module was generated from."""')
    lines.append("")
    if schema is not None:
        lines += _typed_dict(params)
        lines.append(f"Output: TypeAlias = {schema.output.annotation_source()}")
        if schema.output.iterator:
            lines.append(
                f"AsyncOutput: TypeAlias = {schema.output.annotation_source(use_async=True)}"
            )
    else:
        lines.append("Output: TypeAlias = Any")
        lines.append("# This version publishes no schema: inputs are untyped and unchecked.")
    output = schema.output if schema is not None else None
    lines += ["", "", *_function(source, params, output, False)]
    lines += ["", "", *_function(source, params, output, True)]
    return "\n".join(lines) + "\n"


def _literal(value: Any) -> str:
    """``value`` (JSON data) as an ASCII Python literal."""
    return ascii(value)


def with_long_line_waiver(text: str, limit: int = 100) -> str:
    """``text`` with a ruff ``E501`` waiver when a line (a long string literal) is too long."""
    if all(len(line) <= limit for line in text.splitlines()):
        return text
    head, sep, rest = text.partition('"""\n\n')
    return f"{head}{sep}# ruff: noqa: E501\n{rest}" if sep else text


@attrs.frozen
class Embedded:
    """What a previously generated module says about itself (``None``: not found)."""

    model: str | None
    version: str | None
    schema: dict[str, Any] | None


def embedded(module_text: str) -> Embedded:
    """``MODEL``, ``VERSION`` and ``SCHEMA`` of a previously generated module, read without
    importing it."""
    found: dict[str, Any] = {}
    for node in ast.parse(module_text).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in ("MODEL", "VERSION", "SCHEMA"):
            found[target.id] = ast.literal_eval(value)
    return Embedded(found.get("MODEL"), found.get("VERSION"), found.get("SCHEMA"))


__all__ = [
    "Embedded",
    "embedded",
    "identifier",
    "module_path",
    "module_source",
    "parameter_names",
]
