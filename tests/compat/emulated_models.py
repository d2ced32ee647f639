"""Models served under real names for the side-by-side suite, through the emulator's public
``add_model`` (docs/emulator.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from replicate.emulator import Emulator

LLAMA = "meta/meta-llama-3-8b-instruct"

_ANSWER = "Tides rise and fall twice a day, pulled by the moon. STOP here please."


def answer_tokens(prompt: str) -> list[str]:
    """The tokens the emulated LLM answers with: a fixed text, then the prompt's length."""
    words = f"{_ANSWER} ({len(prompt)} characters asked)".split(" ")
    return [w if i == 0 else " " + w for i, w in enumerate(words)]


def _llm(
    prompt: str = "",
    max_tokens: int = 512,
    *,
    log: Callable[[str], None],
    sleep: Callable[[float], None],
    **_other: Any,
) -> Iterator[str]:
    tokens = answer_tokens(prompt)[:max_tokens]
    sleep(0.01)
    log(f"generating {len(tokens)} tokens")
    for token in tokens:
        sleep(0.01)
        yield token


def llama_schema() -> tuple[dict[str, Any], dict[str, Any]]:
    """The Input and Output schemas of Replicate's Llama 3 instruct models."""
    number = {"type": "number"}
    integer = {"type": "integer"}
    string = {"type": "string"}
    inputs = {
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
    }
    ordered = {
        name: {"title": name.replace("_", " ").title(), "x-order": i, **prop}
        for i, (name, prop) in enumerate(inputs.items())
    }
    output = {
        "title": "Output",
        "type": "array",
        "items": string,
        "x-cog-array-type": "iterator",
        "x-cog-array-display": "concatenate",
    }
    return {"type": "object", "title": "Input", "properties": ordered}, output


def serve_dependent_models(emu: Emulator) -> str:
    """Serve what the dependents' tests run, ``meta/meta-llama-3-8b-instruct``; returns the
    id of its version."""
    input_schema, output_schema = llama_schema()
    model = emu.add_model(LLAMA, _llm, input_schema=input_schema, output_schema=output_schema)
    version: str = model.versions[0].id
    return version


def _frames(count: int = 1, *, sleep: Callable[[float], None]) -> Iterator[bytes]:
    for index in range(count):
        sleep(0.01)
        yield b"\x89PNG\r\n\x1a\n" + bytes([index]) * 16


def serve_file_models(emu: Emulator) -> None:
    """``acme/frames``: an iterator output of ``count`` PNG files (URLs the emulator serves)."""
    emu.add_model("acme/frames", _frames)
