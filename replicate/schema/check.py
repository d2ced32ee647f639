"""Check a prediction's inputs against a :class:`ModelSchema` before anything is sent.

Every problem is collected, so one :class:`InputValidationError` names them all; secret
values never appear in it (nor does any other value: messages describe types and bounds).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from ..exceptions import ReplicateException
from .model import InputSpec, ModelSchema
from .secret import SECRET_MASK, remember_plain, reveal
from .types import looks_like_uri, type_problem


class InputValidationError(ReplicateException, ValueError):
    """Inputs that do not fit the model's schema. ``problems`` maps input name -> reason."""

    def __init__(self, model: str, problems: dict[str, str]) -> None:
        self.model = model
        self.problems = problems
        lines = "\n".join(f"  {name}: {reason}" for name, reason in problems.items())
        super().__init__(f"invalid input for {model}:\n{lines}")


def input_problems(schema: ModelSchema, inputs: Mapping[str, Any]) -> dict[str, str]:
    """Every problem with ``inputs``, by input name (empty when they are valid)."""
    problems: dict[str, str] = {}
    by_name = schema.by_name
    for name, value in inputs.items():
        spec = by_name.get(name)
        if spec is None:
            problems[name] = _unknown(name, by_name)
            continue
        problem = value_problem(spec, value)
        if problem is not None:
            problems[name] = problem
    for name in schema.required:
        if name not in inputs:
            problems[name] = "required input is missing"
    return problems


def check_inputs(schema: ModelSchema, inputs: Mapping[str, Any], *, model: str = "model") -> None:
    """Raise :class:`InputValidationError` listing every problem with ``inputs``."""
    problems = input_problems(schema, inputs)
    if problems:
        raise InputValidationError(model, problems)


def sendable_input(
    schema: ModelSchema | None, inputs: Mapping[str, Any], *, model: str
) -> dict[str, Any]:
    """The input to send: ``None`` left out where the signature says ``= None``
    (:attr:`ModelSchema.left_out_when_none`), checked against ``schema`` (``None``: sent as
    given), secrets unwrapped. ``replicate.use()`` and generated modules both send through
    this."""
    if schema is None:
        return {name: reveal(value) for name, value in inputs.items()}
    left_out = schema.left_out_when_none
    given = {k: v for k, v in inputs.items() if not (v is None and k in left_out)}
    check_inputs(schema, given, model=model)
    for name in schema.secrets & given.keys():
        remember_plain(given[name])  # given plain: kept out of messages all the same
    return {name: reveal(value) for name, value in given.items()}


def value_problem(spec: InputSpec, value: Any) -> str | None:
    """Why ``value`` is not valid for ``spec`` (never quoting a secret), or ``None``."""
    problem = type_problem(spec.type, value)
    if problem is not None:
        if spec.secret:
            return f"{SECRET_MASK} {problem}"
        choices = spec.type.choices
        if choices is not None and isinstance(value, str):
            problem += suggestion(value, [c for c in choices if isinstance(c, str)])
        return problem
    if spec.is_file:
        bad = _non_url_string(value)
        if bad is not None:
            return bad
    if spec.limits is not None:
        problem = spec.limits.problem(value)
        if problem is not None:
            return f"{SECRET_MASK} {problem}" if spec.secret else problem
    return None


def _non_url_string(value: Any) -> str | None:
    values = value if isinstance(value, list | tuple) else (value,)
    for item in values:
        if isinstance(item, str) and not looks_like_uri(item):
            return (
                "a file input string must be a URL (https://..., data:...); pass a Path to upload"
            )
    return None


def _unknown(name: str, by_name: dict[str, InputSpec]) -> str:
    known = ", ".join(by_name) or "none"
    return f"unknown input{suggestion(name, list(by_name))} (inputs: {known})"


def suggestion(word: str, options: list[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest option (a match but for case first), or ``""``."""
    by_case = [option for option in options if option.lower() == word.lower()]
    close = by_case or difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""
