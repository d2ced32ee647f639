"""Every input is checked before anything is sent: refs, path parameters, webhooks,
``files.create`` limits, ``wait`` and ``cancel_after``. Each bad call leaves the server
without a single request."""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.client_support import PREDICTION, ScriptedServer, json_reply, scripted
from support.reliability_support import LiveEmulator, call, make_client

from replicate import Client
from replicate._encoding.inputs import FileTooLargeError

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(60)]
MODES = pytest.mark.parametrize("mode", ["sync", "async"])
HEX = "0123456789abcdef" * 4


@pytest.fixture
def prefixed() -> Iterator[tuple[ScriptedServer, Client]]:
    """A server behind a base URL with a path prefix, where '..' would climb out of it."""
    with scripted([json_reply(200, PREDICTION)]) as api:
        yield api, make_client(f"{api.base_url}/prefix")


BAD_REFS = ["owner/name\n", "a/b:c", "a/b:latest", "a/b:" + "0" * 63, "a/b:" + HEX.upper()]


@MODES
@pytest.mark.parametrize("ref", BAD_REFS)
async def test_malformed_model_references_are_refused(
    mode: str, ref: str, prefixed: tuple[ScriptedServer, Client]
) -> None:
    api, client = prefixed
    with pytest.raises(ValueError, match=r"model reference|Invalid reference|hex digits"):
        await call(mode, client, "run", ref, {})
    with pytest.raises(ValueError, match=r"model reference|hex digits|owner/name"):
        await call(mode, client.predictions, "create", model=ref, input={})
    assert api.seen == []


PATH_CALLS: list[
    tuple[str, Callable[[Client, str], tuple[Any, str, tuple[Any, ...], dict[str, Any]]]]
] = [
    (
        "predictions.create model",
        lambda c, v: (c.predictions, "create", (), {"model": (v, v), "input": {}}),
    ),
    (
        "predictions.create deployment",
        lambda c, v: (c.predictions, "create", (), {"deployment": ("o", v), "input": {}}),
    ),
    ("predictions.get", lambda c, v: (c.predictions, "get", (v,), {})),
    ("predictions.cancel", lambda c, v: (c.predictions, "cancel", (v,), {})),
    ("trainings.get", lambda c, v: (c.trainings, "get", (v,), {})),
    ("models.get", lambda c, v: (c.models, "get", (v, "name"), {})),
    ("deployments.get", lambda c, v: (c.deployments, "get", (f"o/{v}" if v != "" else "o/",), {})),
    ("files.get", lambda c, v: (c.files, "get", (v,), {})),
    ("files.delete", lambda c, v: (c.files, "delete", (v,), {})),
    ("collections.get", lambda c, v: (c.collections, "get", (v,), {})),
]


@MODES
@pytest.mark.parametrize("value", ["..", ".", "", "a/..", "a\\b", "x\n", " x"])
@pytest.mark.parametrize(("label", "build"), PATH_CALLS, ids=[label for label, _ in PATH_CALLS])
async def test_path_parameters_that_would_traverse_are_refused(
    mode: str,
    value: str,
    label: str,
    build: Callable[[Client, str], tuple[Any, str, tuple[Any, ...], dict[str, Any]]],
    prefixed: tuple[ScriptedServer, Client],
) -> None:
    api, client = prefixed
    target, method, args, kwargs = build(client, value)
    with pytest.raises((ValueError, TypeError)):
        await call(mode, target, method, *args, **kwargs)
    assert api.seen == []


@MODES
async def test_odd_but_valid_ids_are_percent_encoded_under_the_prefix(
    mode: str, prefixed: tuple[ScriptedServer, Client]
) -> None:
    api, client = prefixed
    await call(mode, client.predictions, "get", "a b%2F..?#")
    assert [r["path"] for r in api.seen] == ["/prefix/v1/predictions/a%20b%252F..%3F%23"]


BAD_WEBHOOKS = [
    "https://",
    "https:///path",
    "https://exa mple.com/hook",
    "https://example.com/a b",
    "ftp://example.com/hook",
    "example.com/hook",
    "https://example.com:port/",
]


@MODES
@pytest.mark.parametrize("field", ["webhook", "webhook_completed"])
@pytest.mark.parametrize("url", BAD_WEBHOOKS)
async def test_malformed_webhook_urls_are_refused(
    mode: str, field: str, url: str, live: LiveEmulator
) -> None:
    client = make_client(live.base_url)
    with pytest.raises(ValueError, match=field):
        await call(
            mode, client.predictions, "create", model="emulator/echo", input={}, **{field: url}
        )
    with pytest.raises(ValueError, match=field):
        await call(mode, client, "run", "emulator/echo", {}, **{field: url})
    assert live.requests == []


@MODES
@pytest.mark.parametrize("field", ["webhook", "webhook_completed"])
async def test_plain_http_webhooks_need_a_loopback_api_or_an_opt_in(mode: str, field: str) -> None:
    hook = {field: "http://hooks.example/x"}
    with scripted([json_reply(201, PREDICTION)]) as api:
        # A non-loopback API URL, forwarded to the loopback server by a custom transport.
        remote = make_client("https://api.example", transport=_Forward(api.base_url))
        with pytest.raises(ValueError, match="allow_http_webhooks"):
            await call(mode, remote.predictions, "create", model="o/m", input={}, **hook)
        assert api.seen == []
        opted = make_client(
            "https://api.example", transport=_Forward(api.base_url), allow_http_webhooks=True
        )
        await call(mode, opted.predictions, "create", model="o/m", input={}, **hook)
        loopback = make_client(api.base_url)  # the emulator's case: the API is on loopback
        await call(mode, loopback.predictions, "create", model="o/m", input={}, **hook)
        https_ok = make_client("https://api.example", transport=_Forward(api.base_url))
        await call(
            mode,
            https_ok.predictions,
            "create",
            model="o/m",
            input={},
            **{field: "https://hooks.example/x"},
        )
    assert len(api.seen) == 3


class _Forward(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """A transport that sends requests for https://api.example to a loopback server."""

    def __init__(self, base_url: str) -> None:
        self._sync = httpx.HTTPTransport()
        self._async = httpx.AsyncHTTPTransport()
        self._base = httpx.URL(base_url)

    def _rewrite(self, request: httpx.Request) -> httpx.Request:
        request.url = request.url.copy_with(
            scheme=self._base.scheme, host=self._base.host, port=self._base.port
        )
        return request

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._sync.handle_request(self._rewrite(request))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._async.handle_async_request(self._rewrite(request))

    def close(self) -> None:
        self._sync.close()

    async def aclose(self) -> None:
        await self._async.aclose()


class _Endless(io.RawIOBase):
    """A non-seekable stream of zeros that never ends."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        buffer[:] = b"\0" * len(buffer)
        return len(buffer)


@MODES
async def test_files_create_refuses_files_over_100_mib_before_uploading(
    mode: str, live: LiveEmulator, tmp_path: Path
) -> None:
    big = tmp_path / "big.bin"
    with big.open("wb") as handle:  # sparse: nothing big in memory or on disk
        handle.truncate(100 * 1024 * 1024 + 1)
    client = make_client(live.base_url)
    with pytest.raises(FileTooLargeError, match="100 MiB"):
        await call(mode, client.files, "create", big)
    with big.open("rb") as handle, pytest.raises(FileTooLargeError, match="100 MiB"):
        await call(mode, client.files, "create", handle)
    with pytest.raises(FileTooLargeError, match="100 MiB"):
        await call(mode, client.files, "create", io.BufferedReader(_Endless()))
    assert live.requests == []


@MODES
@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
async def test_files_create_refuses_nan_and_infinite_metadata(
    mode: str, number: float, live: LiveEmulator
) -> None:
    client = make_client(live.base_url)
    with pytest.raises(ValueError, match="metadata"):
        await call(mode, client.files, "create", b"x", metadata={"a": [number]})
    assert live.requests == []


@MODES
@pytest.mark.parametrize("wait", [61, -1, 1.5, "5", 0.0])
@pytest.mark.parametrize("timeout", [None, 30])
async def test_run_refuses_a_bad_wait(
    mode: str, wait: Any, timeout: float | None, live: LiveEmulator
) -> None:
    client = make_client(live.base_url)
    with pytest.raises(ValueError, match="wait"):
        await call(mode, client, "run", "emulator/echo", {}, wait=wait, timeout=timeout)
    assert live.requests == []


async def test_run_wait_zero_holds_nothing_as_in_1x(live: LiveEmulator) -> None:
    client = make_client(live.base_url)
    assert client.run("emulator/echo", input={"text": "z"}, wait=0) == "z"
    creates = [r for r in live.requests if r.method == "POST"]
    assert [r.headers.get("prefer") for r in creates] == [None]


async def test_stream_refuses_a_bad_wait_and_honours_a_good_one(live: LiveEmulator) -> None:
    client = make_client(live.base_url)
    # As in 1.x, stream() is a generator: its arguments are checked at the first iteration.
    with pytest.raises(ValueError, match="wait"):
        next(client.stream("emulator/echo", input={"text": "hi"}, wait=61))
    with pytest.raises(ValueError, match="wait"):
        await anext(await client.async_stream("emulator/echo", input={"text": "hi"}, wait=61))
    with pytest.raises(ValueError, match="wait"):
        client.stream("emulator/echo", input={"text": "hi"}, wait=61, rich=True)
    assert live.requests == []
    events = list(client.stream("emulator/echo", input={"text": "hi"}, wait=5))
    assert events
    creates = [r for r in live.requests if r.method == "POST"]
    assert [r.headers.get("prefer") for r in creates] == ["wait=5"]


@MODES
@pytest.mark.parametrize(
    "cancel_after",
    [math.inf, math.nan, -1, 0, "5 m", "0s", "soon", "5mm", "", 4.9, "500ms"],  # 5 s at least
)
async def test_a_bad_cancel_after_is_refused(
    mode: str, cancel_after: Any, live: LiveEmulator
) -> None:
    client = make_client(live.base_url)
    with pytest.raises(ValueError, match="cancel_after"):
        await call(
            mode,
            client.predictions,
            "create",
            model="emulator/echo",
            input={},
            cancel_after=cancel_after,
        )
    with pytest.raises(ValueError, match="cancel_after"):
        await call(mode, client, "run", "emulator/echo", {}, cancel_after=cancel_after)
    assert live.requests == []


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        (30, "30s"),
        (5.5, "5.5s"),
        (1e6, "1000000s"),  # never an exponent ("1e+06s" was sent, and refused)
        (1234567.891, "1234567.891s"),
        (5.0001, "5s"),  # to the millisecond
        ("5m", "5m"),
        ("1h30m", "1h30m"),
        ("5500ms", "5500ms"),
        ("45", "45"),
    ],
)
def test_valid_cancel_after_forms_are_sent(given: Any, sent: str, live: LiveEmulator) -> None:
    client = make_client(live.base_url)
    client.predictions.create(model="emulator/echo", input={"text": "x"}, cancel_after=given)
    assert [r.headers.get("cancel-after") for r in live.requests if r.method == "POST"] == [sent]
