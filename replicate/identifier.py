"""Parsing references to models and versions (``owner/name``, ``owner/name:version``)."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from .exceptions import InvalidArgumentError

_NAME = r"[A-Za-z0-9][A-Za-z0-9._-]*"
_REF = re.compile(rf"(?P<owner>{_NAME})/(?P<name>{_NAME})(?::(?P<version>[^/]+))?")
_VERSION_ID = re.compile(r"[0-9a-f]{64}")
# Characters no path parameter may hold: separators, controls, and whitespace at the ends.
_BAD_SEGMENT = re.compile(r"[/\\\x00-\x1f\x7f]")


def path_segment(value: Any, what: str) -> str:
    """``value`` checked as one URL path parameter (an id, owner, name, ...).

    The one rule for every namespace: a non-empty ``str``, not ``.`` or ``..``,
    without ``/``, ``\\`` or control characters, and without surrounding spaces.
    (The generated operations percent-encode it.) ``what`` names it in the error.
    """
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {type(value).__name__}")
    if value in ("", ".", "..") or value != value.strip() or _BAD_SEGMENT.search(value):
        raise InvalidArgumentError(
            f"{what} {value!r} is not a valid path parameter "
            "(empty, '.', '..', or contains '/', '\\\\', spaces at its ends or control characters)"
        )
    return value


def check_version_id(value: str, what: str = "version") -> str:
    """``value`` if it is a version id (64 lowercase hex digits), else
    :class:`~replicate.exceptions.InvalidArgumentError` (a ``ValueError``)."""
    if not isinstance(value, str) or not _VERSION_ID.fullmatch(value):
        raise InvalidArgumentError(f"{what} must be 64 lowercase hex digits, got {value!r}")
    return value


class ModelVersionIdentifier(NamedTuple):
    """A parsed ``owner/name[:version]`` reference."""

    owner: str
    name: str
    version: str | None = None

    @classmethod
    def parse(cls, ref: str) -> ModelVersionIdentifier:
        """Parse ``owner/name`` or ``owner/name:version``; ``ValueError`` if malformed."""
        if not isinstance(ref, str):
            raise TypeError(f"model reference must be a str, got {type(ref).__name__}")
        match = _REF.fullmatch(ref)
        if match is None:
            raise ValueError(
                # 1.x's message first, so code matching on it still works.
                f"Invalid reference to model version: {ref}. Expected format: "
                "owner/name:version (or owner/name)"
            )
        return cls(match["owner"], match["name"], match["version"])


def parse_ref(ref: str) -> ModelVersionIdentifier:
    """:meth:`ModelVersionIdentifier.parse` for a reference about to be sent: its version,
    if any, must also be a version id (``parse`` itself accepts any text there, as 1.x)."""
    parsed = ModelVersionIdentifier.parse(ref)
    if parsed.version is not None:
        check_version_id(parsed.version, f"the version in model reference {ref!r}")
    return parsed


def is_version_id(value: str) -> bool:
    """Whether ``value`` looks like a bare version id (64 lowercase hex digits)."""
    return bool(_VERSION_ID.fullmatch(value))


def model_owner_name(model: Any, argument: str = "model") -> tuple[str, str]:
    """``(owner, name)`` from ``"owner/name"``, an ``(owner, name)`` tuple, or a Model.

    ``argument`` names the parameter in the error message.
    """
    if isinstance(model, tuple):
        if len(model) == 2 and all(isinstance(x, str) and x for x in model):
            return path_segment(model[0], f"{argument} owner"), path_segment(
                model[1], f"{argument} name"
            )
        raise InvalidArgumentError(f"{argument} must be an (owner, name) pair, got {model!r}")
    owner, name = getattr(model, "owner", None), getattr(model, "name", None)
    if isinstance(owner, str) and isinstance(name, str) and not isinstance(model, str):
        return path_segment(owner, f"{argument} owner"), path_segment(name, f"{argument} name")
    if isinstance(model, str):
        match = _REF.fullmatch(model)
        if match is not None and match["version"] is None:
            return match["owner"], match["name"]
        raise InvalidArgumentError(f"{argument} must look like 'owner/name', got {model!r}")
    raise TypeError(
        f"{argument} must be 'owner/name', an (owner, name) tuple or a Model, "
        f"got {type(model).__name__}"
    )
