"""Every operation in openapi.json is reachable: a generated module or a hand-written callable.

Operations the generator cannot express (QUERY /models, `models.search`) must be listed in
`codegen/handwritten.py` as HANDWRITTEN_OPERATIONS: operationId -> dotted path of the callable.
"""

from __future__ import annotations

import importlib
import inspect
import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "codegen"))

from handwritten import HANDWRITTEN_OPERATIONS  # noqa: E402
from spec_model import GENERATOR_METHODS, Operation, iter_operations  # noqa: E402

SPEC = json.loads((ROOT / "openapi.json").read_text("utf-8"))
OPERATIONS = list(iter_operations(SPEC))


def resolve_dotted(path: str) -> Any:
    """Import the longest module prefix of `path`, then follow the remaining attributes."""
    parts = path.split(".")
    for split in range(len(parts), 0, -1):
        try:
            target: Any = importlib.import_module(".".join(parts[:split]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[split:]:
            target = getattr(target, attribute)
        return target
    raise ModuleNotFoundError(f"no importable module in {path!r}")


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.operation_id or op.label)
def test_operation_is_reachable(operation: Operation) -> None:
    if operation.method in GENERATOR_METHODS:
        module = importlib.import_module(f"replicate_api.{operation.module}")
        for name in ("sync_detailed", "asyncio_detailed"):
            assert callable(getattr(module, name, None)), f"{module.__name__} lacks {name}()"
        # The module must send the method and path the spec names.
        source = inspect.getsource(module.request_kwargs)
        assert f'"method": "{operation.method}"' in source
        assert f'"{operation.path}"' in source
        return
    table = HANDWRITTEN_OPERATIONS
    assert operation.operation_id in table, (
        f"{operation.label} ({operation.operation_id}) is not generated (the generator cannot "
        f"express {operation.method.upper()}) and is missing from HANDWRITTEN_OPERATIONS in "
        "codegen/handwritten.py, so it is unreachable"
    )
    implementation = resolve_dotted(table[operation.operation_id])
    assert callable(implementation), f"{table[operation.operation_id]} is not callable"


def test_handwritten_table_names_only_real_operations() -> None:
    known = {operation.operation_id for operation in OPERATIONS}
    stale = sorted(set(HANDWRITTEN_OPERATIONS) - known)
    assert not stale, f"HANDWRITTEN_OPERATIONS lists operations absent from openapi.json: {stale}"
