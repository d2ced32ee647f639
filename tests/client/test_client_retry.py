"""Retry rules: the pure decision function, and what a real server sees through the transports."""

from __future__ import annotations

import email.utils
import time
from typing import Any

import httpx
import pytest
from support.client_support import PREDICTION, TOKEN, json_reply, make_client, scripted

import replicate._http.api_transport as transport_module
from replicate._http.api_transport import wait_read_timeout
from replicate._http.retry import RetryPolicy, parse_retry_after, requested_delay, retry_delay
from replicate.exceptions import ReplicateError

POLICY = RetryPolicy(max_retries=3, backoff_base=1.0, backoff_max=4.0)


def no_jitter() -> float:
    return 1.0


# --- the decision function -------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "PATCH", "DELETE", "QUERY"])
def test_429_is_retried_for_every_method(method: str) -> None:
    assert retry_delay(POLICY, method=method, attempt=0, status=429, rand=no_jitter) == 1.0


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408, 520, 522, 530])
def test_server_errors_are_retried_only_for_idempotent_methods(status: int) -> None:
    for method in ("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "QUERY"):
        assert retry_delay(POLICY, method=method, attempt=0, status=status) is not None
    for method in ("POST", "PATCH"):
        assert retry_delay(POLICY, method=method, attempt=0, status=status) is None


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 413, 422, 501, 505])
def test_client_errors_are_never_retried(status: int) -> None:
    for method in ("GET", "POST"):
        assert retry_delay(POLICY, method=method, attempt=0, status=status) is None


def test_backoff_is_exponential_capped_and_jittered() -> None:
    delays = [
        retry_delay(
            RetryPolicy(max_retries=9, backoff_base=1.0, backoff_max=4.0),
            method="GET",
            attempt=n,
            status=503,
            rand=no_jitter,
        )
        for n in range(5)
    ]
    assert delays == [1.0, 2.0, 4.0, 4.0, 4.0]
    low = POLICY.backoff(2, rand=lambda: 0.0)
    assert low == 2.0  # jitter stays within the upper half of the capped delay


def test_attempts_run_out() -> None:
    assert retry_delay(POLICY, method="GET", attempt=3, status=503) is None
    assert retry_delay(RetryPolicy(max_retries=0), method="GET", attempt=0, status=429) is None


def test_retry_after_seconds_date_and_body() -> None:
    now = time.time()
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("1.5") == 1.5
    assert 28 <= (parse_retry_after(date, now=now) or 0) <= 30
    # A year past what datetimes hold is malformed, not a crash of every call.
    assert parse_retry_after("Mon, 01 Jan 99999999999 00:00:00 GMT") is None
    assert parse_retry_after(email.utils.formatdate(now - 30, usegmt=True), now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert requested_delay({}, b'{"retry_after": 4}') == 4.0
    assert requested_delay({"Retry-After": "2"}, b'{"retry_after": 4}') == 2.0
    assert requested_delay({}, b"<html>busy</html>") is None
    delay = retry_delay(POLICY, method="POST", attempt=0, status=429, headers={"retry-after": "3"})
    assert delay == 3.0


def test_an_excessive_retry_after_is_not_waited_for() -> None:
    policy = RetryPolicy(max_retry_after=10)
    assert (
        retry_delay(policy, method="GET", attempt=0, status=429, headers={"Retry-After": "3600"})
        is None
    )


def test_transport_failures() -> None:
    assert retry_delay(POLICY, method="POST", attempt=0, failure="connect") is not None
    assert retry_delay(POLICY, method="POST", attempt=0, failure="timeout") is None
    assert retry_delay(POLICY, method="POST", attempt=0, failure="network") is None
    assert retry_delay(POLICY, method="GET", attempt=0, failure="timeout") is not None
    assert retry_delay(POLICY, method="DELETE", attempt=0, failure="network") is not None


def test_prefer_wait_stretches_the_read_timeout() -> None:
    assert wait_read_timeout("wait", 30.0) == 70.0
    assert wait_read_timeout("wait=5", 30.0) == 30.0
    assert wait_read_timeout("wait=50", 30.0) == 60.0
    assert wait_read_timeout("respond-async", 30.0) == 30.0
    assert wait_read_timeout("wait", None) is None


# --- through the transports, counting what the server saw -----------------------------------


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record (and skip) retry sleeps, sync and async."""
    recorded: list[float] = []

    async def async_sleep(seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(transport_module, "_sleep", recorded.append)
    monkeypatch.setattr(transport_module, "_async_sleep", async_sleep)
    return recorded


async def call(mode: str, client: Any, namespace: str, method: str, *args: Any, **kw: Any) -> Any:
    target = client
    for part in namespace.split("."):
        target = getattr(target, part)
    if mode == "sync":
        return getattr(target, method)(*args, **kw)
    return await getattr(target, "async_" + method)(*args, **kw)


MODES = pytest.mark.parametrize("mode", ["sync", "async"])


@pytest.mark.anyio
@MODES
async def test_429_on_create_is_retried_with_retry_after(mode: str, sleeps: list[float]) -> None:
    script = [
        json_reply(429, {"detail": "slow down"}, Retry_After="2"),
        json_reply(201, PREDICTION),
    ]
    with scripted(script) as server:
        client = make_client(server.base_url)
        prediction = await call(mode, client, "predictions", "create", version="a" * 64, input={})
    assert prediction.id == "p1"
    assert [r["method"] for r in server.seen] == ["POST", "POST"]
    assert server.seen[0]["body"] == server.seen[1]["body"]
    assert sleeps == [2.0]


@pytest.mark.anyio
@MODES
async def test_429_retry_after_in_json_body(mode: str, sleeps: list[float]) -> None:
    script = [json_reply(429, {"detail": "x", "retry_after": 1.5}), json_reply(200, PREDICTION)]
    with scripted(script) as server:
        await call(mode, make_client(server.base_url), "predictions", "get", "p1")
    assert len(server.seen) == 2
    assert sleeps == [1.5]


@pytest.mark.anyio
@MODES
async def test_429_retry_after_http_date(mode: str, sleeps: list[float]) -> None:
    date = email.utils.formatdate(time.time() + 20, usegmt=True)
    script = [json_reply(429, {}, Retry_After=date), json_reply(200, PREDICTION)]
    with scripted(script) as server:
        await call(mode, make_client(server.base_url), "predictions", "get", "p1")
    assert len(server.seen) == 2
    assert 15 < sleeps[0] <= 20


@pytest.mark.anyio
@MODES
@pytest.mark.parametrize("status", [500, 502, 503, 504, 520, 524])
async def test_5xx_get_is_retried(mode: str, status: int, sleeps: list[float]) -> None:
    script = [
        json_reply(status, {}),
        (status, {"Content-Type": "text/html"}, b"<h1>x</h1>"),
        json_reply(200, PREDICTION),
    ]
    with scripted(script) as server:
        prediction = await call(mode, make_client(server.base_url), "predictions", "get", "p1")
    assert prediction.status == "succeeded"
    assert len(server.seen) == 3
    assert len(sleeps) == 2


@pytest.mark.anyio
@MODES
@pytest.mark.parametrize("status", [500, 502, 503, 504, 522])
async def test_5xx_on_create_is_not_retried(mode: str, status: int, sleeps: list[float]) -> None:
    with (
        scripted([json_reply(status, {"detail": "boom"}), json_reply(201, PREDICTION)]) as server,
        pytest.raises(ReplicateError) as caught,
    ):
        await call(
            mode, make_client(server.base_url), "predictions", "create", version="a" * 64, input={}
        )
    assert caught.value.status == status
    assert len(server.seen) == 1
    assert sleeps == []


@pytest.mark.anyio
@MODES
@pytest.mark.parametrize("status", [401, 403, 404, 422])
async def test_client_errors_are_not_retried(mode: str, status: int, sleeps: list[float]) -> None:
    with (
        scripted([json_reply(status, {"title": "no"}), json_reply(200, PREDICTION)]) as server,
        pytest.raises(ReplicateError) as caught,
    ):
        await call(mode, make_client(server.base_url), "predictions", "get", "p1")
    assert caught.value.status == status
    assert len(server.seen) == 1


@pytest.mark.anyio
@MODES
async def test_retries_are_bounded_and_configurable(mode: str, sleeps: list[float]) -> None:
    with scripted([json_reply(503, {"detail": "down"})]) as server:
        client = make_client(server.base_url, max_retries=2)
        with pytest.raises(ReplicateError) as caught:
            await call(mode, client, "predictions", "get", "p1")
    assert caught.value.status == 503
    assert len(server.seen) == 3
    assert len(sleeps) == 2


@pytest.mark.anyio
@MODES
async def test_dropped_connection_get_retried_post_not(mode: str, sleeps: list[float]) -> None:
    with scripted([None, json_reply(200, PREDICTION)]) as server:
        prediction = await call(mode, make_client(server.base_url), "predictions", "get", "p1")
    assert prediction.id == "p1"
    assert len(server.seen) == 2
    with (
        scripted([None, json_reply(201, PREDICTION)]) as server,
        pytest.raises(httpx.TransportError),
    ):
        await call(
            mode, make_client(server.base_url), "predictions", "create", version="a" * 64, input={}
        )
    assert len(server.seen) == 1


@pytest.mark.anyio
@MODES
async def test_connection_refused_is_retried_even_for_post(
    mode: str, sleeps: list[float], unused_port: int
) -> None:
    client = make_client(f"http://127.0.0.1:{unused_port}", max_retries=2)
    with pytest.raises(httpx.ConnectError):
        await call(mode, client, "predictions", "create", version="a" * 64, input={})
    assert len(sleeps) == 2


@pytest.fixture
def unused_port() -> int:
    from support.client_support import free_port

    return free_port()


@pytest.mark.anyio
@MODES
async def test_generated_layer_gets_retries_too(mode: str, sleeps: list[float]) -> None:
    from replicate_api.api.predictions import predictions_get

    with scripted([json_reply(503, {}), json_reply(200, PREDICTION)]) as server:
        client = make_client(server.base_url)
        if mode == "sync":
            parsed = predictions_get.sync(client=client.raw, prediction_id="p1")
        else:
            parsed = await predictions_get.asyncio(client=client.raw, prediction_id="p1")
    assert parsed is not None and parsed.id == "p1"
    assert len(server.seen) == 2
    assert server.seen[1]["headers"]["Authorization"] == f"Bearer {TOKEN}"


def test_one_shot_bodies_are_not_replayed(sleeps: list[float]) -> None:
    with scripted([json_reply(429, {}), json_reply(200, {})]) as server:
        client = make_client(server.base_url)
        with pytest.raises(ReplicateError):
            client._http.post("/files", content=iter([b"chunk"]))
    assert len(server.seen) == 1


# --- against the emulator's fault injection -------------------------------------------------


@pytest.mark.anyio
@MODES
async def test_emulator_429_on_create_creates_exactly_one(
    mode: str, replicate_emulator: Any
) -> None:
    emu = replicate_emulator
    emu.faults.add("predictions.create", status=429, retry_after=0, times=2)
    client = make_client(emu.base_url)
    version = (await call(mode, client, "models", "get", "emulator/echo")).latest_version.id
    prediction = await call(
        mode, client, "predictions", "create", version=version, input={"text": "hi"}
    )
    posts = [r for r in emu.requests if r.method == "POST" and r.path == "/v1/predictions"]
    assert len(posts) == 3
    assert list(emu.predictions) == [prediction.id]


@pytest.mark.anyio
@MODES
async def test_emulator_503_on_create_is_raised_not_retried(
    mode: str, replicate_emulator: Any
) -> None:
    emu = replicate_emulator
    emu.faults.add("models.predictions.create", status=503, retry_after=0, times=1)
    client = make_client(emu.base_url)
    with pytest.raises(ReplicateError) as caught:
        await call(
            mode, client, "models.predictions", "create", "emulator/official", input={"prompt": "x"}
        )
    assert caught.value.status == 503
    assert len(emu.predictions) == 0
    assert len([r for r in emu.requests if r.method == "POST"]) == 1


@pytest.mark.anyio
@MODES
async def test_emulator_read_timeout_on_get_is_retried(mode: str, replicate_emulator: Any) -> None:
    emu = replicate_emulator
    client = make_client(emu.base_url, timeout=0.3)
    account = await call(mode, client, "accounts", "current")
    emu.faults.add("account.get", latency=1.0, times=1)
    again = await call(mode, client, "accounts", "current")
    assert again.username == account.username
    assert len([r for r in emu.requests if r.path == "/v1/account"]) == 3
