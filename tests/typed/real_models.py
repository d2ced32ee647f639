"""Real model objects for the typed-model tests (served with ``Emulator.add_model_from_json``;
``with_output`` sets the output every run of one answers with)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from replicate._http.retry import RetryPolicy
from replicate.client import Client
from replicate.emulator import Emulator

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_FILE = ROOT / "tests" / "fixtures" / "generated" / "real_models_sample.json"
SAMPLE: list[dict[str, Any]] = json.loads(SAMPLE_FILE.read_text("utf-8"))["models"]


def sample_model(full_name: str) -> dict[str, Any]:
    """A deep copy of one model object from the committed sample."""
    for raw in SAMPLE:
        if f"{raw['owner']}/{raw['name']}" == full_name:
            return copy.deepcopy(raw)
    raise KeyError(full_name)


def with_output(raw: dict[str, Any], output: Any) -> dict[str, Any]:
    """``raw`` whose ``default_example`` output (what the emulator answers) is ``output``."""
    return {**raw, "default_example": {**(raw.get("default_example") or {}), "output": output}}


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
