"""Print the public API of the installed ``replicate`` as JSON (run under 1.0.7 or ours).

Every module of the package, every public function and class defined in it, and every public
method of those classes, with parameters as ``[name, kind, default repr or null]``.
``--against FILE`` looks up the names listed in FILE (another run's output) instead.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import sys
from typing import Any

import replicate

_EMPTY = inspect.Parameter.empty


def parameters(func: Any) -> list[Any] | None:
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        return None
    return [
        [p.name, p.kind.name, None if p.default is _EMPTY else repr(p.default)]
        for p in signature.parameters.values()
    ]


def describe_member(member: Any) -> Any:
    if inspect.isfunction(member) or inspect.ismethod(member):
        return parameters(member)
    return "attribute"


def describe_class(cls: type) -> dict[str, Any]:
    methods = {}
    for name, member in inspect.getmembers(cls):
        if name.startswith("_") and name not in ("__init__", "__iter__", "__call__"):
            continue
        if inspect.isfunction(member) or inspect.ismethod(member) or isinstance(member, property):
            methods[name] = describe_member(member)
        elif inspect.isclass(member) and member.__module__.startswith("replicate"):
            methods[name] = "attribute"  # nested, e.g. 1.x's Predictions.CreatePredictionParams
    return {"kind": "class", "methods": methods}


def _import(module_name: str, result: dict[str, Any]) -> Any:
    """The module, or ``None`` after noting in ``result`` why it is missing."""
    try:
        return importlib.import_module(module_name)
    except ImportError as error:
        result[module_name] = {"missing": str(error)}
        return None


def lookup(reference: dict[str, Any]) -> dict[str, Any]:
    """The same names as ``reference`` (another package's :func:`surface`), looked up here
    by attribute access (so lazily provided names count)."""
    result: dict[str, Any] = {}
    for module_name, entries in reference.items():
        module = _import(module_name, result)
        if module is None:
            continue
        found: dict[str, Any] = {}
        for name, entry in entries.items():
            if not hasattr(module, name):
                continue
            value = getattr(module, name)
            if entry.get("kind") == "class" and inspect.isclass(value):
                methods = {
                    m: describe_member(getattr(value, m))
                    for m in entry["methods"]
                    if hasattr(value, m)
                }
                found[name] = {"kind": "class", "methods": methods}
            elif callable(value):
                found[name] = {"kind": "callable", "parameters": parameters(value)}
            else:
                found[name] = {"kind": "value", "parameters": None}
        result[module_name] = found
    return result


def module_names() -> list[str]:
    names = ["replicate"]
    for info in pkgutil.iter_modules(replicate.__path__):
        if not info.name.startswith("_") or info.name == "__about__":
            names.append(f"replicate.{info.name}")
    return names


def surface() -> dict[str, Any]:
    result: dict[str, Any] = {}
    for module_name in module_names():
        module = _import(module_name, result)
        if module is None:
            continue
        entries: dict[str, Any] = {}
        for name in dir(module):
            if name.startswith("_") and name != "__version__":
                continue
            value = getattr(module, name)
            defined_here = getattr(value, "__module__", None) == module_name
            if inspect.isclass(value) and defined_here:
                entries[name] = describe_class(value)
            elif inspect.isfunction(value) and defined_here:
                entries[name] = {"kind": "function", "parameters": parameters(value)}
            elif module_name == "replicate" and not inspect.ismodule(value):
                # The top level re-exports: run, stream, models, ... (any origin).
                entries[name] = {
                    "kind": "callable" if callable(value) else "value",
                    "parameters": parameters(value) if callable(value) else None,
                }
        result[module_name] = entries
    return result


if __name__ == "__main__":
    if sys.argv[1:2] == ["--against"]:
        with open(sys.argv[2]) as reference:
            print(json.dumps(lookup(json.load(reference))))
    else:
        print(json.dumps(surface()))
