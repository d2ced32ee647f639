"""The real dependents of replicate 1.x (pinned in requirements.txt) give the same results, and
the instrumentation records the same spans, with 1.0.7 and with ours. `make compat` builds
their venvs (.venvs/compat-v1, .venvs/compat-ours); without them these tests skip (or fail
under `make compat`)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from emulated_models import serve_dependent_models
from sides import HERE, REQUIRED, ROOT, run_python

from replicate.emulator import Emulator

GROUPS = ["langchain", "llama_index", "llm", "instrumentation"]


def _venv(name: str) -> Path:
    python = ROOT / ".venvs" / name / "bin" / "python"
    if not python.exists():
        if REQUIRED:
            pytest.fail(f"{python} missing: run `make compat`")
        pytest.skip(f"no .venvs/{name} (make compat builds it)")
    return python


def _run(python: Path, group: str) -> Any:
    with Emulator(seed=5, time_scale=0.05) as emu:
        llama_version = serve_dependent_models(emu)
        out = run_python(
            python,
            [str(HERE / "dependents.py"), group],
            env={
                "REPLICATE_BASE_URL": emu.base_url,
                "REPLICATE_API_TOKEN": f"tok-{group}",
                "COMPAT_LLAMA_VERSION": llama_version,
                "OTEL_SDK_DISABLED": "false",
                "TRACELOOP_TRACE_CONTENT": "true",
                "HOME": os.environ.get("HOME", "/tmp"),
            },
        )
        return json.loads(out.replace(emu.base_url, "BASE"))


@pytest.mark.parametrize("group", GROUPS)
def test_dependent_gives_the_same_results(group: str) -> None:
    v1, ours = _venv("compat-v1"), _venv("compat-ours")
    theirs = _run(v1, group)
    mine = _run(ours, group)
    assert theirs, "the dependent produced nothing"
    assert mine == theirs
    if group == "instrumentation":
        completions = [
            key
            for span in mine["spans"]
            for key in span["attributes"]
            if key.startswith("gen_ai.completion.")
        ]
        assert completions, "completions are recorded (they were not before 1.x's return types)"
