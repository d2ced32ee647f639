"""Real model objects for the typed-model tests, and ONE helper that serves them from the
emulator (through its internals until ``Emulator.add_model_from_json`` lands: swap it here)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from replicate._retry import RetryPolicy
from replicate.client import Client
from replicate.emulator import Emulator
from replicate.emulator.catalog import ModelSpec, Script, Step
from replicate.emulator.store import Model

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_FILE = ROOT / "tests" / "fixtures" / "generated" / "real_models_sample.json"
SAMPLE: list[dict[str, Any]] = json.loads(SAMPLE_FILE.read_text("utf-8"))["models"]


def sample_model(full_name: str) -> dict[str, Any]:
    """A deep copy of one model object from the committed sample."""
    for raw in SAMPLE:
        if f"{raw['owner']}/{raw['name']}" == full_name:
            return copy.deepcopy(raw)
    raise KeyError(full_name)


def add_model_from_json(emu: Emulator, raw: dict[str, Any], output: Any = "ok") -> str:
    """Serve a model object (as ``GET /v1/models/{owner}/{name}`` returns it) from ``emu``;
    running it yields ``output``. Returns the version id (``""`` without a version)."""
    latest = raw.get("latest_version") or None
    schema = (latest or {}).get("openapi_schema") or {}

    def behaviour(inp: dict[str, Any]) -> Script:
        return Script(0.01, [Step(0.01, "log", "running"), Step(0.01, "set", output)])

    spec = ModelSpec(raw["name"], raw.get("description") or "", schema, behaviour)

    def add() -> None:
        store = emu.app.store
        model = Model(raw["owner"], raw["name"], raw.get("description"), spec=spec)
        store.models[model.full_name] = model
        if latest is not None:
            version = store.add_version(model, schema, latest["id"])
            version.schema = latest.get("openapi_schema")  # None stays None (no schema)

    emu.call(add)
    return latest["id"] if latest else ""


TOKEN = "r8_typed-test-token-never-leak-7"


def client_for(emu: Emulator, **kwargs: Any) -> Client:
    """A client of ``emu`` with a known token, fast retries and polling."""
    retry = RetryPolicy(max_retries=3, backoff_base=0.001, backoff_max=0.01)
    return Client(TOKEN, base_url=emu.base_url, retry=retry, poll_interval=0.01, **kwargs)


def lookups(emu: Emulator) -> list[str]:
    """Paths of the model and version lookups ``emu`` received."""
    return [r.path for r in emu.requests if r.method == "GET" and r.path.startswith("/v1/models/")]


def posted(emu: Emulator) -> list[Any]:
    """The prediction-creating requests ``emu`` received."""
    return [r for r in emu.requests if r.method == "POST" and r.path.endswith("/predictions")]
