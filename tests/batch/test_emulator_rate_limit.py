"""The emulator's rate-limit mode answers throttled creates like the API."""

from __future__ import annotations

import httpx

from replicate.emulator import Emulator, RateLimit
from replicate.emulator.__main__ import parse_args
from replicate.emulator.ratelimit import from_arguments, rate_limit_args

from .conftest import TOKEN


def test_throttled_creates_get_429_with_retry_after() -> None:
    with Emulator(time_scale=0.01, rate_limit=RateLimit.parse("60/min", burst=2)) as emu:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        url = f"{emu.base_url}/v1/models/emulator/echo/predictions"
        statuses = [
            httpx.post(url, json={"input": {"text": str(i)}}, headers=headers).status_code
            for i in range(3)
        ]
        assert statuses == [201, 201, 429]
        refused = httpx.post(url, json={"input": {"text": "x"}}, headers=headers)
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "1"  # whole seconds, as the API sends
        body = refused.json()
        assert body["title"] == "Request was throttled"
        assert "60 requests per minute with a burst of 2" in body["detail"]
        # Only creates are limited.
        assert httpx.get(f"{emu.base_url}/v1/predictions", headers=headers).status_code == 200
        assert len(emu.predictions) == 2
        emu.set_rate_limit(None)
        assert httpx.post(url, json={"input": {"text": "y"}}, headers=headers).status_code == 201


def test_rate_limit_command_line_options() -> None:
    assert from_arguments(parse_args([])) is None
    limit = from_arguments(parse_args(["--rate-limit", "10/s", "--rate-burst", "4"]))
    assert limit is not None and (limit.per_minute, limit.burst) == (600, 4)
    again = from_arguments(parse_args(rate_limit_args(limit)))
    assert again is not None and (again.per_minute, again.burst) == (600, 4)


def test_process_emulator_takes_the_rate_limit() -> None:
    limit = RateLimit.parse("60/min", burst=1)
    with Emulator(process=True, rate_limit=limit) as emu:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        url = f"{emu.base_url}/v1/models/emulator/echo/predictions"
        codes = [
            httpx.post(url, json={"input": {"text": "a"}}, headers=headers).status_code
            for _ in range(2)
        ]
        assert codes == [201, 429]
