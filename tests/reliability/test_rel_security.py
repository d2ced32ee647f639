"""The API token stays secret: not in reprs, logs, errors, or requests to other origins.

Plus: plain-http base URLs to remote hosts warn, and bad input fails before anything is sent.
"""

from __future__ import annotations

import json
import logging
import math
import warnings
from collections.abc import Iterator
from typing import Any

import attrs
import httpx
import pytest
from support.client_support import Reply, ScriptedServer, json_reply, scripted
from support.reliability_support import TOKEN, LiveEmulator, Middlebox, call, make_client

import replicate
from replicate._encoding.file_output import FileOutput
from replicate.exceptions import ReplicateError, ReplicateException

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(30)]
MODES = pytest.mark.parametrize("mode", ["sync", "async"])
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


PNG_REPLY: Reply = (200, {"Content-Type": "image/png"}, PNG)


@pytest.fixture
def other_host() -> Iterator[ScriptedServer]:
    """A second loopback server: another origin (other port), serving a PNG."""
    with scripted([PNG_REPLY]) as host:
        yield host


def authorization(server: ScriptedServer) -> list[str | None]:
    """The Authorization header of each request ``server`` saw (None when absent)."""
    return [
        next((v for k, v in seen["headers"].items() if k.lower() == "authorization"), None)
        for seen in server.seen
    ]


def reachable(value: Any, depth: int = 0) -> Iterator[Any]:
    """``value`` and the public objects inside it (attrs fields, lists, dicts)."""
    yield value
    if depth > 6 or isinstance(value, str | bytes | int | float | replicate.Client):
        return
    children: list[Any] = []
    if isinstance(value, dict):
        children = [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple):
        children = list(value)
    elif attrs.has(type(value)):
        children = [
            getattr(value, f.name) for f in attrs.fields(type(value)) if not f.name.startswith("_")
        ]
    elif isinstance(value, BaseException):
        children = [v for k, v in vars(value).items() if not k.startswith("_")]
    for child in children:
        yield from reachable(child, depth + 1)


def assert_no_token(*values: Any) -> int:
    """No repr/str of any reachable object shows the token; returns how many were checked."""
    checked = 0
    for value in values:
        for item in reachable(value):
            checked += 1
            assert TOKEN not in repr(item), type(item)
            assert TOKEN not in str(item), type(item)
    return checked


def log_text(records: list[logging.LogRecord]) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) + repr(record.args) for record in records)


@MODES
async def test_token_never_in_reprs_logs_or_errors(
    mode: str, live: LiveEmulator, middlebox: Middlebox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: replicate, httpx, httpcore
    client = make_client(live.base_url, middlebox)
    live.faults.add("predictions.get", status=503, times=1)  # retries get logged
    objects: list[Any] = [client, client.predictions, client.raw]
    objects.append(await call(mode, client, "run", "emulator/echo", {"text": "hi"}))
    objects.append(await call(mode, client, "run", "emulator/image", {"prompt": "p"}))
    prediction = await call(
        mode, client.predictions, "create", model="emulator/echo", input={"text": "x"}
    )
    objects += [prediction, await call(mode, client.predictions, "get", prediction.id)]
    objects.append(await call(mode, client.predictions, "list"))
    model = await call(mode, client.models, "get", "emulator/echo")
    objects += [model, model.latest_version, await call(mode, client.models, "list")]
    objects.append(await call(mode, client.files, "create", b"abc", filename="a.txt"))
    objects.append(await call(mode, client.accounts, "current"))
    objects.append(await call(mode, client.hardware, "list"))
    objects.append(await call(mode, client.deployments, "list"))
    if mode == "sync":
        objects.append(list(client.stream("emulator/stream-text", input={"max_tokens": 3})))
    else:
        events = await client.async_stream("emulator/stream-text", input={"max_tokens": 3})
        objects.append([event async for event in events])
    errors: list[BaseException] = []
    for attempt in (
        call(mode, client, "run", "emulator/fail", {"text": "x"}),  # ModelError
        call(mode, client.predictions, "get", "does-not-exist"),  # 404
        call(mode, client, "run", "emulator/slow", {"seconds": 100}, timeout=0.2),
    ):
        with pytest.raises(ReplicateException) as caught:
            await attempt
        errors.append(caught.value)
    live.app.token = "only-this-one"  # now our token is refused: 401
    with pytest.raises(ReplicateError) as unauthorized:
        await call(mode, client.accounts, "current")
    assert unauthorized.value.status == 401
    errors.append(unauthorized.value)

    assert assert_no_token(*objects, *errors) > 50
    assert caplog.records, "nothing was logged at DEBUG"
    assert TOKEN not in log_text(caplog.records)
    # The token did travel, to the API only.
    assert all(
        r.headers.get("authorization") == f"Bearer {TOKEN}"
        for r in live.requests
        if r.path.startswith("/v1/")
    )


@MODES
async def test_an_error_body_echoing_the_token_is_scrubbed(mode: str) -> None:
    echo = {"detail": f"bad token {TOKEN}", "title": "Unauthenticated", "status": 401}
    with scripted([json_reply(401, echo)]) as api:
        client = make_client(api.base_url)
        with pytest.raises(ReplicateError) as caught:
            await call(mode, client.accounts, "current")
    error = caught.value
    assert TOKEN not in str(error) and TOKEN not in repr(error)
    assert TOKEN not in json.dumps(error.to_dict())
    assert "bad token" in str(error) and "401" in str(error)


@MODES
async def test_file_outputs_on_other_hosts_get_no_token(
    mode: str, live: LiveEmulator, other_host: ScriptedServer
) -> None:
    client = make_client(live.base_url)
    url = other_host.base_url + "/file.png"
    output = await call(mode, client, "run", "emulator/echo", {"text": url})
    assert isinstance(output, FileOutput)
    data = output.read() if mode == "sync" else await output.aread()
    assert data == PNG
    assert authorization(other_host) == [None]


@MODES
async def test_an_output_url_echoing_the_token_is_scrubbed_from_reprs(
    mode: str, live: LiveEmulator, other_host: ScriptedServer
) -> None:
    client = make_client(live.base_url)
    url = f"{other_host.base_url}/?{TOKEN}"  # short enough to be shown whole
    output = await call(mode, client, "run", "emulator/echo", {"text": url})
    assert isinstance(output, FileOutput) and output.url == url  # str() and .url are the URL
    assert TOKEN not in repr(output) and TOKEN not in repr([output])


@MODES
async def test_redirects_to_other_origins_drop_the_token(
    mode: str, other_host: ScriptedServer
) -> None:
    elsewhere = {"Location": other_host.base_url + "/file.png"}
    with scripted([(302, elsewhere, b""), (307, elsewhere, b"")]) as api:
        client = make_client(api.base_url, follow_redirects=True)
        output = FileOutput(api.base_url + "/v1/outputs/a.png", client)
        data = output.read() if mode == "sync" else await output.aread()
        response = await call(mode, client, "request", "GET", "/hop")
    assert data == PNG and response.content == PNG
    # The API origin got the token; the other origin never did.
    assert authorization(api) == [f"Bearer {TOKEN}"] * 2
    assert authorization(other_host) == [None, None]


@MODES
async def test_a_file_host_redirecting_to_the_api_gets_no_token_sent_there(mode: str) -> None:
    # Found with a hostile server: a download from another host, redirected to an API URL
    # (/v1/account, say), went there with the token and brought the API's answer back as the
    # file. A download gets the token only on the API's origin and only if it started there.
    with scripted([(200, {"Content-Type": "application/json"}, b"{}")]) as api:
        back = {"Location": api.base_url + "/v1/account"}
        with scripted([(307, back, b"")]) as file_host:
            client = make_client(api.base_url)
            output = FileOutput(file_host.base_url + "/file.png", client)
            data = output.read() if mode == "sync" else await output.aread()
    assert data == b"{}"
    assert authorization(api) == [None] and authorization(file_host) == [None]


SSE = b"event: output\nid: 1\ndata: hi\n\nevent: done\nid: 2\ndata: {}\n\n"


@MODES
async def test_stream_urls_on_other_hosts_get_no_token(mode: str) -> None:
    with (
        scripted([(200, {"Content-Type": "text/event-stream"}, SSE)]) as streams,
        scripted([]) as api,
    ):
        prediction = {
            "id": "p1",
            "model": "o/m",
            "version": "v",
            "status": "processing",
            "input": {},
            "output": None,
            "created_at": "2026-01-01T00:00:00Z",
            "urls": {"get": "g", "cancel": "c", "stream": streams.base_url + "/s/p1"},
        }
        api.script.append(json_reply(200, prediction))
        client = make_client(api.base_url)
        found = await call(mode, client.predictions, "get", "p1")
        if mode == "sync":
            events = list(found.stream())
        else:
            events = [event async for event in found.async_stream()]
    assert [str(e) for e in events if e.event == "output"] == ["hi"]
    assert authorization(streams) == [None]
    assert authorization(api) == [f"Bearer {TOKEN}"] * len(api.seen)


@pytest.mark.parametrize("opt_in", [False, True])
def test_replicate_stream_hosts_get_the_token_only_with_opt_in(opt_in: bool) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200,
            headers={"Content-Type": "text/event-stream"},
            content=b"event: done\nid: 1\ndata: {}\n\n",
        )

    client = replicate.Client(
        TOKEN, transport=httpx.MockTransport(handler), authenticate_streams=opt_in
    )
    prediction = replicate.prediction.Prediction.from_json(
        client,
        {
            "id": "p1",
            "status": "processing",
            "urls": {"stream": "https://streaming-api.svc.us.c.replicate.net/v1/streams/abc"},
        },
    )
    list(prediction.stream())
    (request,) = seen
    assert (request.headers.get("authorization") == f"Bearer {TOKEN}") is opt_in
    # Never to a look-alike host, opt-in or not.
    seen.clear()
    prediction.urls = {"stream": "https://replicate.net.evil.example/v1/streams/abc"}
    list(prediction.stream())
    assert "authorization" not in seen[0].headers


@pytest.mark.parametrize(
    ("base_url", "warns"),
    [
        ("http://api.replicate.invalid", True),
        ("http://10.1.2.3:8080/v1", True),
        ("https://api.replicate.invalid", False),
        ("http://127.0.0.1:9", False),
        ("http://localhost:9", False),
        ("http://[::1]:9", False),
    ],
)
def test_plain_http_to_a_remote_host_warns(base_url: str, warns: bool) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client = replicate.Client(TOKEN, base_url=base_url)  # no connection is made
    messages = [str(w.message) for w in caught]
    assert any("plain http" in m for m in messages) is warns, messages
    assert all(TOKEN not in m for m in messages)
    client.close()


# -- bad input: a clear error, and nothing sent -----------------------------------------------


def _cycle() -> dict[str, Any]:
    looped: dict[str, Any] = {"a": [1, 2]}
    looped["a"].append(looped)
    return looped


def _deep(levels: int) -> Any:
    value: Any = "leaf"
    for _ in range(levels):
        value = [value]
    return value


BAD_INPUTS = [
    pytest.param({"x": _cycle()}, "cyclic", id="cycle"),
    pytest.param({"x": _deep(10_000)}, "nested", id="deep-nesting"),
    pytest.param({"x": [0.5, math.nan]}, "nan", id="nan"),
    pytest.param({"x": {"y": math.inf}}, "inf", id="infinity"),
    pytest.param({"x": -math.inf}, "inf", id="minus-infinity"),
    pytest.param({"x": "caf\udce9"}, "unicode", id="non-utf8-surrogate"),
    pytest.param({"x": {1: "a"}}, "key", id="non-str-key"),
    pytest.param({"x": 10**5000}, "large", id="huge-integer"),
    pytest.param({"x": object()}, "object", id="unserialisable"),
]


@MODES
@pytest.mark.parametrize(("value", "word"), BAD_INPUTS)
async def test_bad_input_fails_before_sending(
    mode: str, value: dict[str, Any], word: str, live: LiveEmulator
) -> None:
    client = make_client(live.base_url)
    for attempt in (
        call(mode, client.predictions, "create", model="emulator/echo", input=value),
        call(mode, client, "run", "emulator/echo", value),
    ):
        with pytest.raises((TypeError, ValueError)) as caught:
            await attempt
        message = str(caught.value)
        assert word in message.lower(), message
        assert 'input["x"]' in message or "input['x']" in message, message
    assert live.requests == []


@MODES
async def test_oversized_files_fail_before_sending(
    mode: str, live: LiveEmulator, tmp_path: Any
) -> None:
    big, medium = tmp_path / "big.bin", tmp_path / "medium.bin"
    for path, size in ((big, 100 * 1024 * 1024 + 1), (medium, 11 * 1024 * 1024)):
        with path.open("wb") as handle:  # sparse: nothing big in memory or on disk
            handle.truncate(size)
    client = make_client(live.base_url)
    with pytest.raises(ValueError, match="100 MiB"):
        await call(mode, client.predictions, "create", model="emulator/echo", input={"x": big})
    with pytest.raises(ValueError, match=r"data-uri|upload"):
        await call(
            mode,
            client.predictions,
            "create",
            model="emulator/echo",
            input={"x": medium},
            file_encoding_strategy="data-uri",
        )
    assert live.requests == []


@MODES
async def test_a_huge_string_input_arrives_whole(mode: str, live: LiveEmulator) -> None:
    text = "0123456789abcdef" * (4 * 1024 * 1024 // 16)  # 4 MiB
    client = make_client(live.base_url)
    output = await call(mode, client, "run", "emulator/echo", {"text": text})
    assert output == text
    (job,) = live.predictions.values()
    assert job.input["text"] == text


@MODES
async def test_transport_errors_do_not_show_the_token(mode: str, live: LiveEmulator) -> None:
    client = make_client(live.base_url, timeout=httpx.Timeout(0.1), max_retries=1)
    live.faults.add("account.get", latency=0.3, times=99)  # every attempt times out
    live.faults.add("hardware.list", drop=True)  # every attempt is dropped
    errors: list[BaseException] = []
    for namespace, method in ((client.accounts, "current"), (client.hardware, "list")):
        with pytest.raises(httpx.TransportError) as caught:
            await call(mode, namespace, method)
        errors.append(caught.value)
    live.crash()
    try:
        with pytest.raises(httpx.ConnectError) as refused:
            await call(mode, client.accounts, "current")
    finally:
        live.start()
    for error in (*errors, refused.value):
        request = error.request  # type: ignore[attr-defined]
        assert request.headers["authorization"] == f"Bearer {TOKEN}"  # it was sent to the API
        for text in (str(error), repr(error), repr(request), repr(request.headers)):
            assert TOKEN not in text, text
