"""Fault injection from Python and from request headers; deterministic for a given seed."""

from __future__ import annotations

import time

import httpx
import pytest

from replicate.emulator import Emulator, FaultSet
from replicate.emulator.faults import parse_fault_header


def test_python_fault_hits_route_a_limited_number_of_times(
    emu: Emulator, api: httpx.Client
) -> None:
    emu.faults.add("models.predictions.create", status=503, times=2)
    codes = [
        api.post("/models/emulator/echo/predictions", json={"input": {"text": "x"}}).status_code
        for _ in range(3)
    ]
    assert codes == [503, 503, 201]
    assert len(emu.predictions) == 1  # failed attempts created nothing
    assert api.get("/account").status_code == 200  # other routes untouched


def test_429_carries_retry_after_and_problem_body(emu: Emulator, api: httpx.Client) -> None:
    emu.faults.add("*", status=429, times=1)
    response = api.get("/account")
    assert response.status_code == 429
    assert response.headers["retry-after"] == "1"
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 429


def test_cloudflare_style_5xx_is_html(emu: Emulator, api: httpx.Client) -> None:
    emu.faults.add("GET /v1/models/*", status=520, times=1)
    response = api.get("/models/emulator/echo")
    assert response.status_code == 520
    assert response.headers["content-type"].startswith("text/html")
    assert api.get("/models/emulator/echo").status_code == 200


def test_header_fault_budget_is_shared_by_retries(api: httpx.Client) -> None:
    headers = {"X-Emulator-Fault": "status=502;times=2"}
    assert [api.get("/account", headers=headers).status_code for _ in range(3)] == [502, 502, 200]
    # a different header value has its own budget unless an id ties them together
    assert (
        api.get("/account", headers={"X-Emulator-Fault": "status=504;times=1"}).status_code == 504
    )


def test_dropped_connection_does_not_handle_the_request(emu: Emulator, api: httpx.Client) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        api.post(
            "/models/emulator/echo/predictions",
            json={"input": {"text": "x"}},
            headers={"X-Emulator-Fault": "drop=1"},
        )
    assert not emu.predictions


def test_truncated_body_after_the_request_was_handled(emu: Emulator, api: httpx.Client) -> None:
    emu.faults.add("predictions.create", truncate=10, times=1)
    version = api.get("/models/emulator/echo").json()["latest_version"]["id"]
    with pytest.raises(httpx.RemoteProtocolError):
        api.post("/predictions", json={"version": version, "input": {"text": "x"}})
    assert len(emu.predictions) == 1  # the server did create it


def test_latency(emu: Emulator, api: httpx.Client) -> None:
    fault = emu.faults.add("account.get", latency=0.05, times=1)
    api.get("/account")
    assert fault.hits == 1 and fault.exhausted
    assert emu.requests[-1].operation == "account.get"


def test_answer_latency_answers_late_after_the_request_took_effect(
    emu: Emulator, api: httpx.Client
) -> None:
    emu.faults.add("models.predictions.create", answer_latency=2, times=1)
    # The read gives up long before the answer; the prediction was made all the same.
    with pytest.raises(httpx.ReadTimeout):
        api.post("/models/emulator/echo/predictions", json={"input": {"text": "x"}}, timeout=0.3)
    assert len(emu.predictions) == 1
    _, fault = parse_fault_header("answer_latency=0.1")
    assert fault.answer_latency == 0.1 and fault.latency == 0


def test_probabilistic_faults_are_reproducible_from_the_seed() -> None:
    def pattern(seed: int) -> list[bool]:
        faults = FaultSet(seed)
        faults.add("*", status=500, probability=0.5)
        return [faults.take("x", "GET", "/v1/x") is not None for _ in range(40)]

    assert pattern(7) == pattern(7)
    assert pattern(7) != pattern(8)
    assert 5 < sum(pattern(7)) < 35


def test_route_matching_and_header_parsing() -> None:
    faults = FaultSet()
    faults.add("POST /v1/predictions*", status=500)
    assert faults.take("predictions.create", "POST", "/v1/predictions") is not None
    assert faults.take("predictions.list", "GET", "/v1/predictions") is None
    key, fault = parse_fault_header("status=429; retry_after=0.5; times=3; id=k")
    assert (key, fault.status, fault.retry_after, fault.times) == ("k", 429, 0.5, 3)
    with pytest.raises(ValueError, match="unknown fault field"):
        parse_fault_header("explode=1")


def test_bad_fault_header_is_a_clear_400(api: httpx.Client) -> None:
    response = api.get("/account", headers={"X-Emulator-Fault": "status=abc"})
    assert response.status_code == 400
    assert "status" in response.json()["detail"]


def test_reset_clears_faults(emu: Emulator, api: httpx.Client) -> None:
    emu.faults.add("*", status=500)
    emu.reset()
    assert api.get("/account").status_code == 200


def test_held_wait_requests_end_on_reset(emu: Emulator, api: httpx.Client) -> None:
    created = api.post(
        "/models/emulator/slow/predictions", json={"input": {"seconds": 1000}}
    ).json()
    start = time.monotonic()
    emu.reset()
    assert time.monotonic() - start < 5
    assert created["id"] not in emu.predictions
