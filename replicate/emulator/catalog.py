"""The seeded models, their cog schemas, and what each one does when run.

A model's behaviour is a pure function from its input to a script of timed steps; the
runner (``lifecycle``) plays the script, so behaviours are trivial to read and test.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import attrs

OWNER = "emulator"


@attrs.frozen
class RunContext:
    """What a live model gets from the emulator when it starts (on the server's loop).

    ``input_file`` returns ``(name, bytes)`` for a file URL the emulator itself serves
    (an upload or an earlier output), else None.
    """

    time_scale: float
    input_file: Callable[[str], tuple[str, bytes] | None]


#: A live step source: given the run's context, the steps as they happen (see ``functions``).
LiveSteps = Callable[[RunContext], AsyncIterator["Step"]]


@attrs.frozen
class Step:
    """One thing a running model does, ``delay`` base seconds after the previous step.

    ``kind`` is ``log`` (append a line), ``append`` (add an item to a list output),
    ``set`` (replace the output), ``file`` (value is ``(name, bytes)``; its URL is appended
    to the output) or ``fail`` (value is the error message).
    """

    delay: float
    kind: str
    value: Any


@attrs.frozen
class OutputFile:
    """A file a model outputs: the runner stores it and puts its URL in the output."""

    name: str
    data: bytes


@attrs.frozen
class Script:
    """Queue time before the model starts, then the steps it runs.

    ``live`` (user models written as Python functions) produces the steps while the model
    runs, in place of the precomputed ``steps``.
    """

    queue: float
    steps: list[Step]
    live: LiveSteps | None = None


Behaviour = Callable[[dict[str, Any]], Script]

QUEUE = 0.05  # base seconds a prediction spends in "starting"


def cog_schema(
    properties: dict[str, Any], required: list[str], output: dict[str, Any]
) -> dict[str, Any]:
    """A version ``openapi_schema`` in the shape cog publishes (only the parts clients read)."""
    ordered = {
        name: {"title": name.replace("_", " ").title(), "x-order": i, **prop}
        for i, (name, prop) in enumerate(properties.items())
    }
    return {
        "openapi": "3.0.2",
        "info": {"title": "Cog", "version": "0.1.0"},
        "paths": {},
        "components": {
            "schemas": {
                "Input": {
                    "type": "object",
                    "title": "Input",
                    "required": required,
                    "properties": ordered,
                },
                "Output": {"title": "Output", **output},
            }
        },
    }


_TEXT = (
    "the quick brown fox jumps over a lazy dog while seven small robots hum quietly beneath "
    "silver clouds and every river remembers its long journey home"
)
_WORDS = _TEXT.split(" ")


def stream_tokens(prompt: str, count: int) -> list[str]:
    """Deterministic tokens for ``prompt``: the same prompt always streams the same text."""
    digest = hashlib.sha256(prompt.encode()).digest()
    words = [_WORDS[(digest[i % 32] + i) % len(_WORDS)] for i in range(count)]
    return [w if i == 0 else " " + w for i, w in enumerate(words)]


def png_bytes(seed_text: str, size: int = 8) -> bytes:
    """A small solid-colour PNG whose colour derives from ``seed_text``."""
    r, g, b = hashlib.sha256(seed_text.encode()).digest()[:3]
    row = b"\x00" + bytes((r, g, b)) * size
    raw = row * size

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + tag
            + data
            + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _echo(inp: dict[str, Any]) -> Script:
    text = inp["text"]
    return Script(
        QUEUE,
        [
            Step(0.02, "log", f"echoing {len(text)} characters"),
            Step(0.03, "set", text),
        ],
    )


def _stream_text(inp: dict[str, Any]) -> Script:
    tokens = stream_tokens(str(inp.get("prompt", "")), int(inp["max_tokens"]))
    steps = [Step(0.01, "log", f"generating {len(tokens)} tokens")]
    steps += [Step(0.05, "append", token) for token in tokens]
    steps.append(Step(0.0, "log", "done"))
    return Script(QUEUE, steps)


def _image(inp: dict[str, Any]) -> Script:
    prompt = str(inp.get("prompt", ""))
    steps = []
    for i in range(int(inp["num_outputs"])):
        steps.append(Step(0.1, "log", f"rendering image {i + 1}"))
        steps.append(Step(0.1, "file", (f"out-{i}.png", png_bytes(f"{prompt}/{i}"))))
    return Script(QUEUE, steps)


def _fail(inp: dict[str, Any]) -> Script:
    return Script(
        QUEUE,
        [
            Step(0.02, "log", "loading weights"),
            Step(
                0.03, "log", "Traceback (most recent call last):\n  RuntimeError: emulated failure"
            ),
            Step(0.0, "fail", "RuntimeError: emulated failure (emulator/fail always fails)"),
        ],
    )


def _slow(inp: dict[str, Any]) -> Script:
    seconds = float(inp["seconds"])
    whole = int(seconds)
    steps = [Step(1.0, "log", f"{i + 1}s elapsed") for i in range(whole)]
    steps.append(Step(seconds - whole, "set", f"finished after {seconds:g} seconds"))
    return Script(QUEUE + float(inp["queue_seconds"]), steps)


def _official(inp: dict[str, Any]) -> Script:
    return Script(
        QUEUE,
        [
            Step(0.02, "log", "running official model"),
            Step(0.03, "set", f"official: {inp['prompt']}"),
        ],
    )


@attrs.define
class ModelSpec:
    """A model the emulator can run: metadata, version schema, behaviour.

    ``version_ids`` fixes the ids of its versions (real model objects bring theirs); otherwise
    ``versions`` ids are derived from the name. ``example`` is an input whose output becomes the
    model's ``default_example``; ``extra`` holds further model-object fields (urls, run count).
    """

    name: str
    description: str | None
    #: The version's ``openapi_schema``; ``None`` for a version that publishes none.
    schema: dict[str, Any] | None
    behaviour: Behaviour
    versions: int = 1
    official: bool = False
    example: dict[str, Any] | None = None
    owner: str = OWNER
    version_ids: list[str] | None = None
    default_example: dict[str, Any] | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)
    #: The cog its versions were built with (real model objects bring theirs).
    cog_version: str | None = None

    @property
    def full_name(self) -> str:
        """``owner/name``."""
        return f"{self.owner}/{self.name}"

    def ids(self) -> list[str]:
        """The version ids, oldest first."""
        if self.version_ids is not None:
            return self.version_ids
        return [version_id(self.owner, self.name, n) for n in range(1, self.versions + 1)]


def final_output(script: Script) -> Any:
    """The output a script ends with (file steps excluded): used for ``default_example``s."""
    output: Any = None
    for step in script.steps:
        if step.kind == "set":
            output = step.value
        elif step.kind == "append":
            output = [*(output or []), step.value]
    return output


def seeded_models() -> list[ModelSpec]:
    """The models every emulator starts with (names are part of the emulator's contract)."""
    string = {"type": "string"}
    return [
        ModelSpec(
            "echo",
            "Returns its text input.",
            cog_schema(
                {"text": {**string, "description": "Text to echo back"}},
                ["text"],
                string,
            ),
            _echo,
            versions=2,
            example={"text": "hello"},
        ),
        ModelSpec(
            "stream-text",
            "Streams deterministic tokens.",
            cog_schema(
                {
                    "prompt": {**string, "description": "Prompt"},
                    "max_tokens": {"type": "integer", "default": 16, "minimum": 1, "maximum": 4096},
                },
                [],
                {
                    "type": "array",
                    "items": string,
                    "x-cog-array-type": "iterator",
                    "x-cog-array-display": "concatenate",
                },
            ),
            _stream_text,
            example={"prompt": "hello", "max_tokens": 4},
        ),
        ModelSpec(
            "image",
            "Renders small PNG images.",
            cog_schema(
                {
                    "prompt": string,
                    "num_outputs": {"type": "integer", "default": 1, "minimum": 1, "maximum": 4},
                },
                [],
                {"type": "array", "items": {"type": "string", "format": "uri"}},
            ),
            _image,
        ),
        ModelSpec(
            "fail",
            "Always fails.",
            cog_schema(
                {"text": string},
                [],
                string,
            ),
            _fail,
        ),
        ModelSpec(
            "slow",
            "Takes its time; honours cancel and Cancel-After.",
            cog_schema(
                {
                    "seconds": {"type": "number", "default": 5, "minimum": 0},
                    "queue_seconds": {
                        "type": "number",
                        "default": 0,
                        "minimum": 0,
                        "description": "Extra time spent in 'starting'",
                    },
                },
                [],
                string,
            ),
            _slow,
        ),
        ModelSpec(
            "official",
            "An official model: run by name (version-pinned runs work too).",
            cog_schema(
                {"prompt": string},
                ["prompt"],
                string,
            ),
            _official,
            official=True,
        ),
    ]


def version_id(owner: str, name: str, number: int) -> str:
    """Stable 64-hex version id for a model's ``number``-th version."""
    return hashlib.sha256(f"{owner}/{name}:{number}".encode()).hexdigest()
