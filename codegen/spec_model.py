"""Small read-only views of an OpenAPI document shared by the codegen helper scripts.

Standard library only: used by the codegen venv, by `make realdata` and by the test suite.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# The HTTP methods openapi-python-client 0.29.1 turns into endpoint modules.
GENERATOR_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})

# Keys of a path item that are not operations.
PATH_ITEM_FIELDS = frozenset({"parameters", "summary", "description", "servers", "$ref"})

# Keys that carry prose only; change reports ignore them.
PROSE_KEYS = frozenset({"description", "summary", "example", "examples", "externalDocs", "title"})


@dataclass(frozen=True)
class Operation:
    """One operation of the document, with the location it was found at."""

    path: str
    method: str
    body: dict[str, Any]

    @property
    def operation_id(self) -> str:
        return str(self.body.get("operationId", ""))

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def module(self) -> str:
        """Dotted module, relative to the generated package, that holds this operation."""
        tag = self.operation_id.split(".")[0]
        return f"api.{tag}.{self.operation_id.replace('.', '_').replace('-', '_')}"


def iter_operations(spec: dict[str, Any]) -> Iterator[Operation]:
    """Every operation in document order, whatever its HTTP method."""
    for path, item in spec.get("paths", {}).items():
        if not isinstance(item, dict):
            continue
        for method, body in item.items():
            if method not in PATH_ITEM_FIELDS and isinstance(body, dict):
                yield Operation(path=path, method=method.lower(), body=body)


def resolve(spec: dict[str, Any], node: Any) -> Any:
    """Follow a local `$ref` (repeatedly); anything else is returned unchanged."""
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if not ref.startswith("#/") or ref in seen:
            return node
        seen.add(ref)
        target: Any = spec
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, dict) or part not in target:
                return node
            target = target[part]
        node = target
    return node
