"""Apply an OpenAPI Overlay (1.0 style) to a loaded OpenAPI document, in place.

Only the JSONPath subset that codegen/overlay.yaml needs is supported: `$`, `.name`, `['name']`,
`.*` / `[*]`, `..` (recursive descent) and the filters `[?(@.key == 'value')]` / `[?(@.key)]`.
Standard library only, so tests can import it from any interpreter.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

# A match is (container, key): the node is container[key]; the root is (None, None).
Match = tuple[Any, Any]
Selector = Callable[[Any], Iterator[Match]]

_TOKEN = re.compile(
    r"""(?P<descend>\.\.)
      | \.(?P<name>[A-Za-z0-9_\-$]+)
      | (?:\.\*|\[\*\])
      | \['(?P<quoted>[^']*)'\]
      | \[\?\(@\.(?P<fkey>[A-Za-z0-9_\-$]+)\s*==\s*'(?P<fval>[^']*)'\)\]
      | \[\?\(@\.(?P<ekey>[A-Za-z0-9_\-$]+)\)\]
    """,
    re.VERBOSE,
)


class OverlayError(ValueError):
    """The overlay itself is malformed (bad target syntax or action)."""


def _children(node: Any) -> Iterator[Match]:
    if isinstance(node, dict):
        for key in node:
            yield node, key
    elif isinstance(node, list):
        for index in range(len(node)):
            yield node, index


def _child_selector(name: str) -> Selector:
    def select(node: Any) -> Iterator[Match]:
        if isinstance(node, dict) and name in node:
            yield node, name

    return select


def _filter_selector(key: str, expected: str | None) -> Selector:
    def select(node: Any) -> Iterator[Match]:
        for container, child_key in _children(node):
            child = container[child_key]
            if not isinstance(child, dict) or key not in child:
                continue
            if expected is None or child[key] == expected:
                yield container, child_key

    return select


def _descendants_or_self(node: Any) -> Iterator[Any]:
    yield node
    for container, key in _children(node):
        child = container[key]
        if isinstance(child, dict | list):
            yield from _descendants_or_self(child)


def parse_target(target: str) -> list[tuple[bool, Selector]]:
    """Split a JSONPath into (recursive?, selector) steps; raise OverlayError on anything else."""
    if not target.startswith("$"):
        raise OverlayError(f"overlay target must start with '$': {target!r}")
    steps: list[tuple[bool, Selector]] = []
    position, recursive = 1, False
    while position < len(target):
        token = _TOKEN.match(target, position)
        if token is None:
            raise OverlayError(
                f"unsupported JSONPath syntax at {target[position:]!r} in {target!r}"
            )
        position = token.end()
        groups = token.groupdict()
        if groups["descend"]:
            if recursive:
                raise OverlayError(f"'...' is not valid JSONPath: {target!r}")
            recursive = True
            # `..name` is written without a second dot; re-read the name as a child step.
            if position < len(target) and target[position] not in ".[":
                target = target[:position] + "." + target[position:]
            continue
        if groups["name"] is not None or groups["quoted"] is not None:
            selector = _child_selector(groups["name"] or groups["quoted"] or "")
        elif groups["fkey"] is not None:
            selector = _filter_selector(groups["fkey"], groups["fval"])
        elif groups["ekey"] is not None:
            selector = _filter_selector(groups["ekey"], None)
        else:
            selector = _children
        steps.append((recursive, selector))
        recursive = False
    if recursive:
        raise OverlayError(f"JSONPath must not end with '..': {target!r}")
    return steps


def select(document: Any, target: str) -> list[Match]:
    """Every (container, key) location in `document` that `target` selects, in document order."""
    current: list[Any] = [document]
    matches: list[Match] = [(None, None)]
    for recursive, selector in parse_target(target):
        matches = []
        for node in current:
            scopes = _descendants_or_self(node) if recursive else iter([node])
            for scope in scopes:
                matches.extend(selector(scope))
        current = [container[key] for container, key in matches]
    # Recursive descent can reach one node along several routes; keep each location once.
    unique: dict[tuple[int, Any], Match] = {}
    for container, key in matches:
        unique.setdefault((id(container), key), (container, key))
    return list(unique.values())


def _merge(target: Any, update: Any) -> Any:
    if isinstance(target, dict) and isinstance(update, dict):
        for key, value in update.items():
            target[key] = _merge(target[key], value) if key in target else value
        return target
    if isinstance(target, list) and isinstance(update, list):
        return target + [item for item in update if item not in target]
    return update


def apply_overlay(document: dict[str, Any], overlay: dict[str, Any]) -> list[str]:
    """Apply every action of `overlay` to `document` in order; return one warning per no-op action.

    An action whose target matches nothing is not an error (the Overlay spec allows it), but it
    usually means the published spec changed under the overlay, so the caller should say so.
    """
    warnings: list[str] = []
    for number, action in enumerate(overlay.get("actions", []), start=1):
        target = action.get("target")
        if not isinstance(target, str):
            raise OverlayError(f"overlay action {number} has no string 'target'")
        matches = select(document, target)
        if not matches:
            warnings.append(f"overlay action {number} matched nothing: {target}")
            continue
        if action.get("remove") is True:
            # Delete from the end so list indexes stay valid.
            for container, key in reversed(matches):
                if container is None:
                    raise OverlayError(f"overlay action {number} would remove the whole document")
                del container[key]
        elif "update" in action:
            for container, key in matches:
                node = document if container is None else container[key]
                if not isinstance(node, dict):
                    raise OverlayError(f"overlay action {number} updates a non-object at {target}")
                _merge(node, action["update"])
        else:
            raise OverlayError(f"overlay action {number} has neither 'remove: true' nor 'update'")
    return warnings
