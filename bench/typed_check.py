"""Cost of checking a typical ten-input model's inputs (``replicate.schema.check_inputs``).

Run alone: ``python bench/typed_check.py`` prints µs per call. ``bench/run.py`` (``--only
typed``) reports it against the 50 µs target.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from replicate.schema import Secret, check_inputs, parse_schema

TEN_INPUTS: dict[str, Any] = {
    "components": {
        "schemas": {
            "Input": {
                "type": "object",
                "required": ["prompt"],
                "properties": {
                    "prompt": {"type": "string", "x-order": 0},
                    "negative_prompt": {"type": "string", "default": "", "x-order": 1},
                    "image": {"type": "string", "format": "uri", "x-order": 2},
                    "width": {"type": "integer", "minimum": 64, "maximum": 2048, "x-order": 3},
                    "height": {"type": "integer", "minimum": 64, "maximum": 2048, "x-order": 4},
                    "guidance": {"type": "number", "minimum": 0, "maximum": 20, "x-order": 5},
                    "steps": {"type": "integer", "minimum": 1, "maximum": 100, "x-order": 6},
                    "scheduler": {
                        "allOf": [{"$ref": "#/components/schemas/scheduler"}],
                        "default": "DDIM",
                        "x-order": 7,
                    },
                    "loras": {"type": "array", "items": {"type": "string"}, "x-order": 8},
                    "api_key": {
                        "type": "string",
                        "format": "password",
                        "x-cog-secret": True,
                        "x-order": 9,
                    },
                },
            },
            "Output": {"type": "array", "items": {"type": "string", "format": "uri"}},
            "scheduler": {"type": "string", "enum": ["DDIM", "K_EULER", "DPMSolver"]},
        }
    }
}
INPUTS: dict[str, Any] = {
    "prompt": "an astronaut riding a horse",
    "negative_prompt": "blurry",
    "image": "https://example.com/start.png",
    "width": 1024,
    "height": 768,
    "guidance": 7.5,
    "steps": 30,
    "scheduler": "K_EULER",
    "loras": ["a", "b"],
    "api_key": Secret("sk-123"),
}


def measure(calls: int = 20_000) -> float:
    """µs per ``check_inputs`` call (best of three batches)."""
    schema = parse_schema(TEN_INPUTS)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(calls):
            check_inputs(schema, INPUTS)
        best = min(best, (time.perf_counter() - started) / calls * 1e6)
    return best


if __name__ == "__main__":
    print(f"check_inputs, ten inputs: {measure():.1f} µs/call")
    sys.exit(0)
