"""``Limits``: the value constraints of one schema node, checked before anything is sent.

Cog publishes ``Input(ge=, le=)`` as ``minimum``/``maximum``, ``Input(min_length=,
max_length=, regex=)`` as ``minLength``/``maxLength``/``pattern``, and list inputs may carry
``minItems``/``maxItems`` and constraints on their ``items``. The API refuses values outside
them (422); checking them here names the input before a prediction is created.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from .secret import Secret


def _number(value: Any) -> float | None:
    # OpenAPI 3.0's boolean exclusiveMinimum/exclusiveMaximum are not bounds of their own.
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _compiled(pattern: str | None) -> re.Pattern[str] | None:
    if pattern is None:
        return None
    try:
        return re.compile(pattern)
    except re.error:  # an ECMA-262 construct Python does not read: left to the API
        return None


@attrs.frozen
class Limits:
    """Bounds of a number, length and ``pattern`` of a string, item count of a list, and
    ``items``: the limits of each item."""

    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    exclusive_maximum: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    min_items: int | None = None
    max_items: int | None = None
    items: Limits | None = None
    _regex: re.Pattern[str] | None = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_regex", _compiled(self.pattern))

    @classmethod
    def of(cls, node: Any) -> Limits | None:
        """The limits a schema node sets (``None``: none, so checks skip it at no cost)."""
        if not isinstance(node, dict):
            return None
        pattern = node.get("pattern")
        limits = cls(
            minimum=_number(node.get("minimum")),
            maximum=_number(node.get("maximum")),
            exclusive_minimum=_number(node.get("exclusiveMinimum")),
            exclusive_maximum=_number(node.get("exclusiveMaximum")),
            min_length=_count(node.get("minLength")),
            max_length=_count(node.get("maxLength")),
            pattern=pattern if isinstance(pattern, str) else None,
            min_items=_count(node.get("minItems")),
            max_items=_count(node.get("maxItems")),
            items=cls.of(node.get("items")),
        )
        return None if limits == _NONE else limits

    def problem(self, value: Any) -> str | None:
        """Why ``value`` (already of the right type) is outside the limits, or ``None``.
        The message never quotes the value."""
        if isinstance(value, Secret):
            value = value.get_secret_value()
        if isinstance(value, bool):
            return None
        if isinstance(value, int | float):
            return self._number_problem(value)
        if isinstance(value, str):
            return self._text_problem(value)
        if isinstance(value, list | tuple):
            return self._list_problem(value)
        return None

    def _number_problem(self, value: float) -> str | None:
        if self.minimum is not None and value < self.minimum:
            return f"must be >= {self.minimum:g}"
        if self.maximum is not None and value > self.maximum:
            return f"must be <= {self.maximum:g}"
        if self.exclusive_minimum is not None and value <= self.exclusive_minimum:
            return f"must be > {self.exclusive_minimum:g}"
        if self.exclusive_maximum is not None and value >= self.exclusive_maximum:
            return f"must be < {self.exclusive_maximum:g}"
        return None

    def _text_problem(self, value: str) -> str | None:
        if self.min_length is not None and len(value) < self.min_length:
            return f"must be at least {self.min_length} characters long"
        if self.max_length is not None and len(value) > self.max_length:
            return f"must be at most {self.max_length} characters long"
        if self._regex is not None and self._regex.search(value) is None:
            return f"must match the pattern {self.pattern!r}"
        return None

    def _list_problem(self, value: list[Any] | tuple[Any, ...]) -> str | None:
        if self.min_items is not None and len(value) < self.min_items:
            return f"must have at least {self.min_items} items"
        if self.max_items is not None and len(value) > self.max_items:
            return f"must have at most {self.max_items} items"
        if self.items is not None:
            for index, item in enumerate(value):
                problem = self.items.problem(item)
                if problem is not None:
                    return f"item {index} {problem}"
        return None


_NONE = Limits()
