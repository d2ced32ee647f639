"""Client construction, env vars, auth scoping, secrecy, event loops, raw access, laziness."""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
from typing import Any

import httpx
import pytest
from support.client_support import PREDICTION, TOKEN, json_reply, make_client, scripted

import replicate
from replicate.client import Client
from replicate.exceptions import ReplicateError


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://api.replicate.com", "https://api.replicate.com/v1"),
        ("https://api.replicate.com/v1", "https://api.replicate.com/v1"),
        ("https://api.replicate.com/v1/", "https://api.replicate.com/v1"),
        ("http://127.0.0.1:8000/", "http://127.0.0.1:8000/v1"),
    ],
)
def test_base_url_with_or_without_v1(given: str, expected: str) -> None:
    assert Client("t", base_url=given).base_url == expected


def test_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPLICATE_BASE_URL", "http://localhost:9/v1")
    monkeypatch.setenv("REPLICATE_POLL_INTERVAL", "0.25")
    monkeypatch.setenv("REPLICATE_API_TOKEN", "from-env")
    client = Client()
    assert client.base_url == "http://localhost:9/v1"
    assert client.poll_interval == 0.25
    assert client._token() == "from-env"
    client.poll_interval = 2
    assert client.poll_interval == 2
    for zero in ("0", "0.0"):  # 1.x accepts it: poll at the adaptive schedule's floor
        monkeypatch.setenv("REPLICATE_POLL_INTERVAL", zero)
        assert Client().poll_interval == 0
    for bad in ("often", "-1", "nan", "inf", "-inf"):
        monkeypatch.setenv("REPLICATE_POLL_INTERVAL", bad)
        with pytest.raises(ValueError, match="REPLICATE_POLL_INTERVAL"):
            Client()


@pytest.mark.parametrize(
    ("value", "error"),
    [(-0.5, ValueError), (float("nan"), ValueError), (float("inf"), ValueError),
     ("1", TypeError), (True, TypeError)],
)
def test_bad_poll_interval_argument_is_refused(value: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="poll_interval"):
        Client("t", poll_interval=value)


def test_cog_scope_token_comes_before_the_environment(
    monkeypatch: pytest.MonkeyPatch, replicate_emulator: Any
) -> None:
    import sys
    import types

    from replicate.client import _get_api_token_from_environment

    context: dict[str, Any] = {"replicate_api_token": "from-scope"}
    cog = types.ModuleType("cog")
    cog.current_scope = lambda: types.SimpleNamespace(context=context)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cog", cog)
    monkeypatch.setenv("REPLICATE_API_TOKEN", "from-env")
    assert Client()._token() == "from-scope", "key matched case-insensitively"
    assert Client("explicit")._token() == "explicit"
    # An empty entry means this prediction has no token: the process's own must not stand
    # in for it (as 1.x, whose private name for the lookup still answers).
    context["replicate_api_token"] = ""
    assert Client()._token() is None
    assert _get_api_token_from_environment() == ""
    context["replicate_api_token"] = None
    assert _get_api_token_from_environment() is None
    del context["replicate_api_token"]
    assert Client()._token() == "from-env", "no entry: the environment's"

    def broken() -> Any:
        raise RuntimeError("no scope")

    cog.current_scope = broken  # type: ignore[attr-defined]
    assert Client()._token() == "from-env", "failures reading the scope are ignored"
    monkeypatch.setitem(sys.modules, "cog", None)  # how tests hide an installed package
    assert Client()._token() == "from-env"


def test_unknown_client_keyword_is_refused_at_construction() -> None:
    with pytest.raises(TypeError, match="api_tokne"):
        Client(api_tokne="x")
    with pytest.raises(ValueError, match="base_url"):
        Client("t", base_url="api.replicate.com")


def test_plain_http_to_a_remote_host_warns() -> None:
    with pytest.warns(UserWarning, match="plain http"):
        Client("t", base_url="http://api.example.com")


def test_missing_token_sends_without_authorization_and_a_401_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, replicate_emulator: Any
) -> None:
    monkeypatch.delenv("REPLICATE_API_TOKEN", raising=False)
    client = Client(base_url=replicate_emulator.base_url)  # constructing is fine
    with pytest.raises(ReplicateError, match="REPLICATE_API_TOKEN") as caught:
        client.accounts.current()
    assert caught.value.status == 401
    (request,) = replicate_emulator.requests
    assert "authorization" not in request.headers, "sent as 1.x does, for gateways that add it"
    monkeypatch.setenv("REPLICATE_API_TOKEN", "late")
    assert client.accounts.current().username


def test_token_is_sent_only_to_the_api_origin() -> None:
    with scripted([json_reply(200, {"ok": True})]) as api, scripted([(200, {}, b"file")]) as cdn:
        client = make_client(api.base_url, headers={"X-Extra": "1"})
        client.request("GET", "/account")
        client._http.get(f"{cdn.base_url}/output.png")
        client._http.get(f"{cdn.base_url}/output.png", headers={"Authorization": "Bearer x"})
    assert api.seen[0]["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert api.seen[0]["headers"]["X-Extra"] == "1"
    assert all("Authorization" not in r["headers"] for r in cdn.seen)
    assert all(TOKEN not in json.dumps(r["headers"]) for r in cdn.seen)


def test_token_never_in_repr_or_logs(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    import replicate._http.api_transport as transport_module

    monkeypatch.setattr(transport_module, "_sleep", lambda s: None)
    caplog.set_level(logging.DEBUG)
    with scripted([json_reply(503, {"detail": TOKEN}), json_reply(200, PREDICTION)]) as server:
        client = make_client(server.base_url)
        prediction = client.predictions.get("p1")
    for thing in (client, client.raw, client.predictions, prediction, client.retry_policy):
        assert TOKEN not in repr(thing) and TOKEN not in str(thing)
    assert any(r.name == "replicate" for r in caplog.records)
    assert all(TOKEN not in r.getMessage() for r in caplog.records)


def test_extra_httpx_kwargs_reach_the_clients() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"type": "user", "username": "mock"})

    client = Client(
        "t", transport=httpx.MockTransport(handler), headers={"X-Trace": "abc"}, timeout=3.0
    )
    assert client.accounts.current().username == "mock"
    assert asyncio.run(client.accounts.async_current()).username == "mock"
    assert [r.headers["X-Trace"] for r in seen] == ["abc", "abc"]
    assert seen[0].url == "https://api.replicate.com/v1/account"
    assert seen[0].extensions["timeout"]["read"] == 3.0


def test_prefer_wait_gets_a_longer_read_timeout() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json=PREDICTION)

    client = Client("t", transport=httpx.MockTransport(handler), timeout=5.0)
    client.predictions.create(version="a" * 64, input={}, wait=30)
    client.predictions.create(version="a" * 64, input={})
    assert seen[0].headers["Prefer"] == "wait=30"
    assert seen[0].extensions["timeout"]["read"] == 40.0
    assert "Prefer" not in seen[1].headers and seen[1].extensions["timeout"]["read"] == 5.0
    assert json.loads(seen[0].content) == {"version": "a" * 64, "input": {}}


def test_async_client_works_across_event_loops(replicate_emulator: Any) -> None:
    client = make_client(replicate_emulator.base_url)

    async def once() -> str:
        account = await client.accounts.async_current()
        return str(account.username)

    names = [asyncio.run(once()) for _ in range(3)]
    assert len(set(names)) == 1 and names[0]


def test_raw_generated_client_shares_the_connection(replicate_emulator: Any) -> None:
    from replicate_api.api.account import account_get
    from replicate_api.api.predictions import predictions_get

    client = make_client(replicate_emulator.base_url)
    assert client.raw.get_httpx_client() is client._http
    account = account_get.sync(client=client.raw)
    assert account is not None and account.username
    created = client.run("emulator/echo", input={"text": "raw"})
    assert created == "raw"
    last = next(iter(replicate_emulator.predictions))
    parsed = predictions_get.sync(client=client.raw, prediction_id=last)
    assert parsed is not None and parsed.output == "raw"
    assert all(
        r.headers.get("authorization") == f"Bearer {TOKEN}" for r in replicate_emulator.requests
    )


def test_module_level_default_client(
    monkeypatch: pytest.MonkeyPatch, replicate_emulator: Any
) -> None:
    monkeypatch.setenv("REPLICATE_API_TOKEN", TOKEN)
    monkeypatch.setenv("REPLICATE_BASE_URL", replicate_emulator.base_url)
    monkeypatch.delitem(replicate.__dict__, "default_client", raising=False)
    assert replicate.run("emulator/echo", input={"text": "module"}) == "module"
    assert replicate.default_client.base_url.startswith(replicate_emulator.base_url)
    assert replicate.hardware.list() and replicate.accounts.current().username
    assert asyncio.run(replicate.async_run("emulator/echo", input={"text": "a"})) == "a"
    pages = list(replicate.paginate(replicate.predictions.list))
    assert pages and pages[0].results
    from replicate.hardware import Hardware  # the module stays importable under the namespace

    assert Hardware and callable(replicate.hardware.list)
    assert callable(replicate.stream) and replicate.search("echo").models


def test_1x_module_layout_exists() -> None:
    import importlib

    names = [
        "client",
        "exceptions",
        "helpers",
        "identifier",
        "pagination",
        "prediction",
        "training",
        "model",
        "version",
        "deployment",
        "collection",
        "hardware",
        "account",
        "file",
        "webhook",
        "stream",
    ]
    for name in names:
        assert importlib.import_module(f"replicate.{name}")
    from replicate.exceptions import ModelError, ReplicateError, ReplicateException  # noqa: F401
    from replicate.identifier import ModelVersionIdentifier  # noqa: F401
    from replicate.pagination import Page, async_paginate, paginate  # noqa: F401
    from replicate.stream import ServerSentEvent  # noqa: F401
    from replicate.webhook import WebhookSigningSecret  # noqa: F401


def test_import_is_lazy() -> None:
    code = (
        "import sys, replicate; "
        "heavy = [m for m in sys.modules if m.startswith(('replicate_api', 'httpx', 'anyio'))]; "
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_context_managers_close_and_reopen(replicate_emulator: Any) -> None:
    with make_client(replicate_emulator.base_url) as client:
        first = client._http
        assert client.accounts.current().username
    assert first.is_closed
    assert client.accounts.current().username  # a new connection pool on demand
    assert client._http is not first

    async def use_async() -> None:
        async with make_client(replicate_emulator.base_url) as async_client:
            assert (await async_client.accounts.async_current()).username
            pool = async_client._async_http()
        assert pool.is_closed

    asyncio.run(use_async())


def test_a_token_with_a_line_end_is_trimmed_and_control_characters_refused(
    replicate_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Found with the command line: a token read from a Windows .env ("r8_...\r") made httpx
    # refuse the header, quoting the token in the error (printed, and saved by batches).
    monkeypatch.setenv("REPLICATE_API_TOKEN", "r8_from_env_file\r")
    client = Client(base_url=replicate_emulator.base_url)
    assert client.models.get("emulator/echo").name == "echo"
    assert replicate_emulator.requests[-1].headers["authorization"] == "Bearer r8_from_env_file"
    before = len(replicate_emulator.requests)
    broken = Client("r8_se\x00cret", base_url=replicate_emulator.base_url)
    with pytest.raises(ValueError, match="control characters") as caught:
        broken.models.get("emulator/echo")
    assert "cret" not in str(caught.value)
    assert len(replicate_emulator.requests) == before
    # A non-ASCII one (a typographic dash): httpx's UnicodeEncodeError held the whole header.
    typographic = Client("r8_se\u2013cret_token", base_url=replicate_emulator.base_url)
    with pytest.raises(ValueError, match="other than ASCII") as caught:
        typographic.models.get("emulator/echo")
    assert "cret" not in repr(caught.value) and caught.value.__context__ is None
    assert len(replicate_emulator.requests) == before
