"""Schemas of models built with cog before 0.3.9, which did not mark iterator outputs.

Such versions declare an iterator output as a plain array; the API treats a top-level array
output of those versions as an iterator, and so do we (as 1.x does).
"""

from __future__ import annotations

import re
from typing import Any

#: The first cog release that writes ``x-cog-array-type``.
FIRST_MARKING_RELEASE = (0, 3, 9)
_VERSION = re.compile(r"v?(\d+(?:\.\d+)*)(.*)", re.IGNORECASE)
# What may follow the release numbers of a pre-release (0.3.9b1, 0.3.9-beta, 0.3.9.dev2, ...).
_PRE_RELEASE = re.compile(r"[-_.]?(a|b|c|rc|alpha|beta|pre|preview|dev)\d*", re.IGNORECASE)
_POST_OR_LOCAL = re.compile(r"([-_.]?(post|rev|r)\d*|\+[a-z0-9.]+)*", re.IGNORECASE)


def version_has_no_array_type(cog_version: str) -> bool | None:
    """Whether a cog version predates ``x-cog-array-type`` (``None``: not a version)."""
    match = _VERSION.fullmatch(cog_version.strip()) if isinstance(cog_version, str) else None
    if match is None:
        return None
    numbers = tuple(int(part) for part in match[1].split("."))
    release = numbers + (0,) * (len(FIRST_MARKING_RELEASE) - len(numbers))
    rest = match[2]
    if _PRE_RELEASE.match(rest):
        return release <= FIRST_MARKING_RELEASE  # 0.3.9b1 still comes before 0.3.9
    if not _POST_OR_LOCAL.fullmatch(rest):
        return None
    return release < FIRST_MARKING_RELEASE


def make_schema_backwards_compatible(schema: dict[str, Any], cog_version: str) -> dict[str, Any]:
    """``schema`` with a top-level array output marked as an iterator when the version was
    built by a cog that did not mark them (changed in place and returned, as in 1.x)."""
    if version_has_no_array_type(cog_version):
        output = schema.get("components", {}).get("schemas", {}).get("Output")
        if isinstance(output, dict) and output.get("type") == "array":
            output["x-cog-array-type"] = "iterator"
    return schema
