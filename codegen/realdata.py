"""Check that real model objects published by Replicate parse through the generated client.

Usage: realdata.py [MODELS_JSON]
Without an argument, `npm pack all-the-public-replicate-models` runs in a temporary directory and
its models.json (~3,800 models, each with a default_example prediction and the latest version's
OpenAPI schema) is checked. Needs the project venv (replicate_api importable). Exit 1 if any
object fails to parse or to round-trip. Also imported by tests/generated/test_generated_realdata.py.
"""

from __future__ import annotations

import datetime
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

NPM_PACKAGE = "all-the-public-replicate-models"
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def canonical(value: Any) -> Any:
    """`value` with ISO timestamps turned into datetimes, so `...Z` equals `...+00:00`."""
    if isinstance(value, dict):
        return {key: canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        return [canonical(item) for item in value]
    if isinstance(value, str) and _TIMESTAMP.match(value):
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def mistyped_timestamps(parsed: Any) -> list[str]:
    """Fields annotated as datetimes that hold something else: the generator's parsers for
    nullable timestamps pass an unparseable string through unchanged instead of raising."""
    import attrs
    from replicate_api.types import Unset

    return [
        field.name
        for field in attrs.fields(type(parsed))
        if "datetime.datetime" in str(field.type)
        and not isinstance(getattr(parsed, field.name), datetime.datetime | Unset | None)
    ]


def model_problems(raw: dict[str, Any]) -> list[str]:
    """Why one model object does not parse or round-trip; empty when it is fine."""
    from replicate_api.models import (
        SchemasModelResponse,
        SchemasPredictionResponse,
        SchemasVersionResponse,
    )

    name = f"{raw.get('owner')}/{raw.get('name')}"
    checks: list[tuple[str, type[Any], Any]] = [("model", SchemasModelResponse, raw)]
    if isinstance(raw.get("default_example"), dict):
        checks.append(("default_example", SchemasPredictionResponse, raw["default_example"]))
    if isinstance(raw.get("latest_version"), dict):
        checks.append(("latest_version", SchemasVersionResponse, raw["latest_version"]))
    problems = []
    for part, model_class, payload in checks:
        try:
            parsed = model_class.from_dict(payload)
            for field_name in mistyped_timestamps(parsed):
                problems.append(f"{name} {part}: {field_name} is not a valid timestamp")
            if canonical(parsed.to_dict()) != canonical(payload):
                problems.append(f"{name} {part}: to_dict() differs from the input")
        except Exception as error:  # report every failure kind, keep checking the rest
            problems.append(f"{name} {part}: {type(error).__name__}: {error}")
    return problems


def check_all(models: list[dict[str, Any]]) -> tuple[int, list[str]]:
    """Number of model objects checked and every problem found."""
    problems = [problem for raw in models for problem in model_problems(raw)]
    return len(models), problems


def download_models() -> list[dict[str, Any]]:
    """models.json from the current npm release, fetched with `npm pack` into a temp dir."""
    with tempfile.TemporaryDirectory() as workdir:
        subprocess.run(
            ["npm", "pack", "--silent", NPM_PACKAGE],
            cwd=workdir,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (tarball,) = Path(workdir).glob("*.tgz")
        with tarfile.open(tarball) as archive:
            member = archive.extractfile("package/models.json")
            if member is None:
                raise SystemExit(f"{tarball.name} has no package/models.json")
            loaded: list[dict[str, Any]] = json.load(member)
    return loaded


def main(argv: list[str]) -> int:
    models = json.loads(Path(argv[1]).read_text("utf-8")) if len(argv) > 1 else download_models()
    if isinstance(models, dict):
        models = models["models"]
    count, problems = check_all(models)
    for problem in problems:
        print(problem)
    kinds = Counter(problem.split(": ", 1)[-1].split(":")[0] for problem in problems)
    summary = f" by kind: {dict(kinds)}" if kinds else ""
    print(f"realdata: {count} models checked, {len(problems)} problem(s){summary}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
