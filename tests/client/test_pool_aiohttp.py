"""AiohttpTransport specifics: lazy import, httpx's exception types, sessions per loop.

The scenarios it shares with the default transport (concurrent runs, streams, uploads,
downloads, retries, several event loops) are in test_pool.py.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys

import httpx
import pytest
from support.run_support import client_for

from replicate.emulator import Emulator
from replicate.exceptions import ReplicateError

aiohttp = pytest.importorskip("aiohttp")

from replicate.transports import AiohttpTransport  # noqa: E402


def test_import_replicate_does_not_import_aiohttp() -> None:
    code = (
        "import sys, replicate, replicate.transports; "
        "replicate.Client(api_token='x'); "
        "assert 'aiohttp' not in sys.modules, 'aiohttp was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_bad_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="limit"):
        AiohttpTransport(limit=-1)


@pytest.mark.anyio
async def test_connection_refused_is_httpx_connect_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once the socket closes
    http = httpx.AsyncClient(transport=AiohttpTransport())
    with pytest.raises(httpx.ConnectError):
        await http.get(f"http://127.0.0.1:{port}/")
    await http.aclose()


@pytest.mark.anyio
async def test_slow_answer_is_httpx_read_timeout(replicate_emulator: Emulator) -> None:
    replicate_emulator.faults.add("account.get", latency=2)
    client = client_for(
        replicate_emulator, transport=AiohttpTransport(), max_retries=0, timeout=0.3
    )
    with pytest.raises(httpx.ReadTimeout):
        await client.async_request("GET", "/account")
    await client.aclose()


@pytest.mark.anyio
async def test_urls_headers_and_status_pass_unchanged(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator, transport=AiohttpTransport())
    http = client._async_http()
    response = await http.get(
        replicate_emulator.base_url + "/v1/account?q=a%2Fb%20c+d&x=%7E",
        headers={"X-Custom": "kept", "X-Twice": "1"},
    )
    assert response.status_code == 200 and response.http_version == "HTTP/1.1"
    assert response.reason_phrase == "OK"
    assert response.headers["content-type"].startswith("application/json")
    seen = replicate_emulator.requests[-1]
    assert seen.query == "q=a%2Fb%20c+d&x=%7E"  # not re-quoted on the way
    assert seen.headers["x-custom"] == "kept"
    assert seen.headers["authorization"].startswith("Bearer ")
    with pytest.raises(ReplicateError) as error:
        await client.async_request("GET", "/predictions/does-not-exist")
    assert error.value.status == 404
    await client.aclose()


def test_session_per_event_loop_closed_by_aclose(replicate_emulator: Emulator) -> None:
    transport = AiohttpTransport()
    client = client_for(replicate_emulator, transport=transport)
    sessions = []

    async def main() -> None:
        assert await client.async_run("emulator/echo", input={"text": "x"}) == "x"
        (session,) = transport._sessions.values()
        sessions.append(session)
        await client.aclose()
        assert session.closed and not transport._sessions

    asyncio.run(main())
    asyncio.run(main())  # a new loop gets a new session from the same transport
    assert sessions[0] is not sessions[1]
    with client:  # sync calls keep httpx's own transport
        assert client.run("emulator/echo", input={"text": "sync"}) == "sync"
