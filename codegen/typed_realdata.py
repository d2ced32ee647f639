"""Every public model object gets a typed module that imports and passes ``mypy --strict``,
and ``use()``'s signature lists exactly the schema's inputs.

Usage: typed_realdata.py [MODELS_JSON]
Without an argument the npm package all-the-public-replicate-models is fetched (see
realdata.py). Needs the project venv (``make realdata`` runs it). Exit 1 on any problem.
"""

from __future__ import annotations

import inspect
import json
import keyword
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from realdata import download_models

from replicate.identifier import ModelVersionIdentifier
from replicate.typed.function import signature
from replicate.typed.generate import module_path, parameter_names
from replicate.typed.main import main as generate
from replicate.typed.resolve import info_from_json


def signature_problems(models: list[dict[str, Any]]) -> list[str]:
    """Models whose use() signature does not list exactly their schema's inputs."""
    problems = []
    for raw in models:
        name = f"{raw['owner']}/{raw['name']}"
        try:
            info = info_from_json(ModelVersionIdentifier(raw["owner"], raw["name"]), raw)
        except Exception as exc:  # report every failure kind, keep checking the rest
            problems.append(f"{name}: use(): {type(exc).__name__}: {exc}")
            continue
        schema = (raw.get("latest_version") or {}).get("openapi_schema") or {}
        expected = (
            set(
                schema.get("components", {})
                .get("schemas", {})
                .get("Input", {})
                .get("properties", {})
            )
            if schema
            else set()
        )
        params = signature(info).parameters
        names = {p for p, v in params.items() if v.kind is inspect.Parameter.KEYWORD_ONLY}
        plain = {n for n in expected if n.isidentifier() and not keyword.iskeyword(n)}
        has_rest = any(v.kind is inspect.Parameter.VAR_KEYWORD for v in params.values())
        if info.schema is not None and (names != plain or has_rest != (plain != expected)):
            problems.append(f"{name}: use() signature {sorted(names)} != {sorted(expected)}")
    return problems


def import_problems(models: list[dict[str, Any]], out: Path) -> list[str]:
    """Generated modules that fail to import or whose run() lists other inputs."""
    import importlib

    sys.path.insert(0, str(out))
    problems = []
    for raw in models:
        package, module_name = module_path(raw["owner"], raw["name"])
        try:
            module = importlib.import_module(f"{package}.{module_name}")
        except Exception as exc:  # report every failure kind, keep checking the rest
            problems.append(f"{package}.{module_name}: import: {type(exc).__name__}: {exc}")
            continue
        info = info_from_json(ModelVersionIdentifier(raw["owner"], raw["name"]), raw)
        if info.schema is None:
            continue
        expected = [parameter_names(info.schema.inputs)[s.name] for s in info.schema.inputs]
        params = list(inspect.signature(module.run).parameters)[1:]
        if params != expected:
            problems.append(f"{package}.{module_name}: run() takes {params}, not {expected}")
    return problems


def main(argv: list[str]) -> int:
    models = json.loads(Path(argv[1]).read_text("utf-8")) if len(argv) > 1 else download_models()
    if isinstance(models, dict):
        models = models["models"]
    problems = signature_problems(models)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "models.json"
        source.write_text(json.dumps(models), "utf-8")
        out = Path(tmp) / "out"
        started = time.monotonic()
        with open(Path(tmp) / "generate.log", "w") as log:
            sys.stdout, saved = log, sys.stdout
            try:
                status = generate(["--from-json", str(source), "--out", str(out)])
            finally:
                sys.stdout = saved
        generated = len(list(out.rglob("*.py"))) - len(list(out.glob("*/__init__.py")))
        print(f"generated {generated} modules in {time.monotonic() - started:.0f}s")
        if status != 0:
            problems.append(f"generate exited {status}")
        problems += import_problems(models, out)
        started = time.monotonic()
        mypy = subprocess.run(
            [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "."],
            cwd=out,
            capture_output=True,
            text=True,
        )
        print(f"mypy --strict over all modules: {time.monotonic() - started:.0f}s")
        problems += [line for line in mypy.stdout.splitlines() if ": error:" in line]
    for problem in problems:
        print(problem)
    print(f"typed realdata: {len(models)} models, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
