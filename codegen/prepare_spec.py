"""Turn openapi.json into the document the generator actually reads.

1. Every operation the generator cannot express is removed and reported on stderr (every run).
2. Every remaining operation is tagged with the first segment of its operationId, so endpoints
   land in grouped modules: `predictions.get` -> `api/predictions/predictions_get.py`.
3. The overlay (codegen/overlay.yaml) relaxes response schemas to match what the API really sends.

Usage: prepare_spec.py SPEC OVERLAY OUTPUT   (run by codegen.sh with the codegen venv's Python,
which has ruamel.yaml as a dependency of openapi-python-client).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from overlay import apply_overlay
from spec_model import GENERATOR_METHODS, iter_operations


def _load_overlay(path: Path) -> dict[str, Any]:
    from ruamel.yaml import YAML  # type: ignore[import-not-found,unused-ignore]

    loaded = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    if not isinstance(loaded, dict) or "actions" not in loaded:
        raise SystemExit(f"codegen: {path} is not an overlay document (no 'actions')")
    return loaded


def load_spec(path: Path) -> dict[str, Any]:
    """The OpenAPI document at ``path``; ``SystemExit`` with one line saying what is wrong."""
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise SystemExit(f"codegen: {path} is not a readable JSON document: {exc}") from None
    if not isinstance(spec, dict) or not isinstance(spec.get("paths"), dict) or not spec["paths"]:
        raise SystemExit(f"codegen: {path} is not an OpenAPI document with paths")
    return spec


def module_name(operation_id: str) -> str:
    """The module the generator writes for ``operation_id`` (its snake_case words):
    ``models.versions.list`` and ``models.versions_list`` both give ``models_versions_list``."""
    words = re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", operation_id)
    return "_".join(word.lower() for word in words)


def prepare(spec: dict[str, Any], overlay: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Return the generator-ready document and the loud messages to print.

    Raises ``SystemExit`` for an operation without an operationId, and when two operations
    would be written to one module: the generator would keep one of them without a word, and
    the other's calls would go to its URL."""
    modules: dict[str, str] = {}
    messages: list[str] = []
    for operation in list(iter_operations(spec)):
        if operation.method not in GENERATOR_METHODS:
            del spec["paths"][operation.path][operation.method]
            messages.append(
                f"NOT GENERATED: {operation.method.upper()} {operation.path} "
                f"({operation.operation_id}): openapi-python-client cannot express HTTP method "
                f"{operation.method.upper()}; it must be implemented by hand in replicate/ and "
                "listed in codegen/handwritten.py"
            )
            continue
        if not operation.operation_id:
            # Modules, the summary and the hand-written layer are all named after it.
            raise SystemExit(
                f"codegen: {operation.label} has no operationId, which names its module: give "
                "it one (codegen/overlay.yaml can, for the published spec)"
            )
        name = module_name(operation.operation_id)
        other = modules.setdefault(name, operation.operation_id)
        if other != operation.operation_id:
            raise SystemExit(
                f"codegen: operations {other!r} and {operation.operation_id!r} would both "
                f"be generated as {name}.py, one replacing the other: rename one of them "
                "(codegen/overlay.yaml can, for the published spec)"
            )
        operation.body["tags"] = [operation.operation_id.split(".")[0]]
    messages.extend(apply_overlay(spec, overlay))
    return spec, messages


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    spec_path, overlay_path, output_path = (Path(arg) for arg in argv[1:])
    spec = load_spec(spec_path)
    prepared, messages = prepare(spec, _load_overlay(overlay_path))
    for message in messages:
        print(f"codegen: WARNING: {message}", file=sys.stderr)
    output_path.write_text(json.dumps(prepared, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
