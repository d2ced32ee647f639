"""Deterministic request/response bodies shared by every benchmark worker (stdlib only)."""

from __future__ import annotations

import json

PREDICTION_ID = "gm3qorzdhgbfurvjtvhg6dckhu"
API_BASE = "https://api.replicate.com"
STREAM_URL = f"https://stream.replicate.com/v1/files/bcwr-{PREDICTION_ID}"


def prediction_json(prediction_id: str = PREDICTION_ID) -> dict[str, object]:
    """A succeeded prediction shaped like the real API's response (about 1.5 KiB)."""
    return {
        "id": prediction_id,
        "model": "stability-ai/sdxl",
        "version": "7762fd07cf82c948538e41f63f77d685e02b063e37e496e96eefd46c929f9bdc",
        "input": {
            "prompt": "An astronaut riding a rainbow unicorn, cinematic, dramatic",
            "width": 1024,
            "height": 1024,
            "num_outputs": 1,
            "guidance_scale": 7.5,
            "num_inference_steps": 50,
            "refine": "expert_ensemble_refiner",
        },
        "logs": "".join(
            f"{step}%|##########| {step}/50 [00:0{step % 10}<00:00]\n" for step in range(0, 50, 5)
        ),
        "output": [
            f"https://replicate.delivery/pbxt/{prediction_id}/out-0.png",
        ],
        "data_removed": False,
        "error": None,
        "status": "succeeded",
        "source": "api",
        "created_at": "2024-05-01T12:00:00.112000Z",
        "started_at": "2024-05-01T12:00:00.315000Z",
        "completed_at": "2024-05-01T12:00:04.905000Z",
        "urls": {
            "cancel": f"{API_BASE}/v1/predictions/{prediction_id}/cancel",
            "get": f"{API_BASE}/v1/predictions/{prediction_id}",
            "stream": STREAM_URL,
            "web": f"https://replicate.com/p/{prediction_id}",
        },
        "metrics": {"predict_time": 4.58, "total_time": 4.79},
    }


def prediction_bytes(prediction_id: str = PREDICTION_ID, **overrides: object) -> bytes:
    body = prediction_json(prediction_id)
    body.update(overrides)
    return json.dumps(body).encode()


def sse_body(events: int) -> bytes:
    """`events` output events (LLM-sized tokens, with ids and a retry hint), then `done`."""
    parts = ["retry: 3000\n\n"]
    for i in range(events):
        parts.append(f"event: output\nid: {i}\ndata: tok{i % 997} \n\n")
    parts.append(f"event: done\nid: {events}\ndata: {{}}\n\n")
    return "".join(parts).encode()


def chunked(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]
