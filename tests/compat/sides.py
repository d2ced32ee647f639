"""The two interpreters the side-by-side suite compares, and running scenarios with them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def _python(env_var: str, *candidates: str) -> Path | None:
    given = os.environ.get(env_var)
    if given:
        return Path(given)
    for candidate in candidates:
        path = ROOT / candidate / "bin" / "python"
        if path.exists():
            return path
    return None


#: replicate 1.0.7 (`make compat` builds .venvs/compat-v1 with the dependents; `make test`
#: builds .venvs/v1).
V1_PYTHON = _python("COMPAT_V1_PYTHON", ".venvs/compat-v1", ".venvs/v1")
#: This package (.venvs/compat-ours has the dependents too; else the dev venv).
OURS_PYTHON = _python("COMPAT_OURS_PYTHON", ".venvs/compat-ours") or Path(sys.executable)
#: `make compat` sets this: missing venvs fail instead of skipping.
REQUIRED = os.environ.get("COMPAT_REQUIRED") == "1"


def need_v1() -> Path:
    if V1_PYTHON is None:
        if REQUIRED:
            pytest.fail("no replicate 1.0.7 venv: run `make compat`")
        pytest.skip("no replicate 1.0.7 venv (make v1-venv)")
    return V1_PYTHON


def run_python(python: Path, args: list[str], env: dict[str, str] | None = None) -> str:
    """Run ``python -P args`` from outside the repository (so ``replicate`` is the
    installed one, not this checkout) and return its stdout."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("REPLICATE_")}
    full_env.update(env or {})
    done = subprocess.run(
        [str(python), "-P", *args],
        cwd="/",
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"{python} {args} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def run_scenarios(
    python: Path, base_url: str, names: list[str], env: dict[str, str] | None = None
) -> dict[str, Any]:
    out = run_python(python, [str(HERE / "scenarios.py"), base_url, *names], env)
    return {line["name"]: line for line in map(json.loads, out.splitlines())}
