"""Models served under real names for the side-by-side suite.

:func:`serve_model` is the one place that reaches into the emulator's internals (its store,
``Store.add_version`` and ``ModelSpec``); swap it for the emulator's public ``add_model`` once
that exists.
"""

from __future__ import annotations

import hashlib
from typing import Any

from replicate.emulator import Emulator
from replicate.emulator.catalog import QUEUE, Behaviour, ModelSpec, Script, Step, cog_schema
from replicate.emulator.store import Model

LLAMA = "meta/meta-llama-3-8b-instruct"
LLAMA_VERSION = hashlib.sha256(b"meta/meta-llama-3-8b-instruct:1").hexdigest()

_ANSWER = "Tides rise and fall twice a day, pulled by the moon. STOP here please."


def serve_model(
    emu: Emulator, full_name: str, schema: dict[str, Any], behaviour: Behaviour, version: str
) -> None:
    """Serve ``owner/name`` with one version ``version`` of ``schema`` running ``behaviour``."""
    owner, name = full_name.split("/")
    store = emu.app.store
    spec = ModelSpec(name, f"{full_name} (emulated)", schema, behaviour)
    model = Model(owner, name, spec.description, spec=spec, readme=f"# {full_name}\n")
    store.models[full_name] = model
    store.add_version(model, schema, version)


def answer_tokens(prompt: str) -> list[str]:
    """The tokens the emulated LLM answers with: a fixed text, then the prompt's length."""
    words = f"{_ANSWER} ({len(prompt)} characters asked)".split(" ")
    return [w if i == 0 else " " + w for i, w in enumerate(words)]


def _llm(inp: dict[str, Any]) -> Script:
    tokens = answer_tokens(str(inp.get("prompt", "")))[: int(inp.get("max_tokens", 512))]
    steps = [Step(0.01, "log", f"generating {len(tokens)} tokens")]
    steps += [Step(0.01, "append", token) for token in tokens]
    return Script(QUEUE, steps)


def llama_schema() -> dict[str, Any]:
    """The input/output shape of Replicate's Llama 3 instruct models."""
    number = {"type": "number"}
    integer = {"type": "integer"}
    string = {"type": "string"}
    return cog_schema(
        {
            "prompt": {**string, "default": "", "description": "Prompt"},
            "system_prompt": {
                **string,
                "default": "You are a helpful assistant",
                "description": "System prompt to send to the model.",
            },
            "max_tokens": {**integer, "default": 512, "description": "Most tokens to generate"},
            "min_tokens": {**integer, "default": 0},
            "temperature": {**number, "default": 0.6},
            "top_p": {**number, "default": 0.9},
            "top_k": {**integer, "default": 50},
            "stop_sequences": {**string, "default": "<|end_of_text|>,<|eot_id|>"},
            "length_penalty": {**number, "default": 1},
            "presence_penalty": {**number, "default": 0},
            "frequency_penalty": {**number, "default": 0.2},
            "seed": {**integer, "description": "Random seed"},
            "prompt_template": {**string, "default": "{prompt}"},
            "log_performance_metrics": {"type": "boolean", "default": False},
            "max_new_tokens": {**integer, "description": "Deprecated: use max_tokens"},
        },
        [],
        {
            "type": "array",
            "items": string,
            "x-cog-array-type": "iterator",
            "x-cog-array-display": "concatenate",
        },
    )


def serve_dependent_models(emu: Emulator) -> None:
    """What the dependents' tests run: ``meta/meta-llama-3-8b-instruct``."""
    serve_model(emu, LLAMA, llama_schema(), _llm, LLAMA_VERSION)
