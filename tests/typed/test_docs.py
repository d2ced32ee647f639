"""The examples in docs/typed-models.md run as written (against a local emulator)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "typed-models.md"


def test_examples_run_in_order() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text("utf-8"), flags=re.DOTALL)
    assert len(blocks) >= 5
    namespace: dict[str, object] = {}
    modules, path = set(sys.modules), list(sys.path)
    try:
        for block in blocks:
            exec(compile(block, str(DOC), "exec"), namespace)
    finally:
        emu = namespace.get("emu")
        stop = getattr(emu, "stop", None)
        if stop is not None:
            stop()
        sys.path[:] = path  # the generated packages must not leak into other tests
        for name in set(sys.modules) - modules:
            if not name.startswith(("replicate", "_")):
                del sys.modules[name]
