"""Measure the emulator's capacity: ``python -m replicate.emulator.loadtest``.

Runs the emulator in a child process (its own core) and drives it from this process with a
minimal keep-alive HTTP/1.1 client, so the client is not the bottleneck. Reports simple
requests per second and how long N concurrently held ``Prefer: wait`` requests take.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from urllib.parse import urlparse

from .server import Emulator, new_event_loop, raise_fd_limit

AUTH = "Authorization: Bearer loadtest\r\n"


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return status, await reader.readexactly(length)


def _request(method: str, host: str, port: int, path: str, body: bytes = b"") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{AUTH}"
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return (head + "\r\n").encode() + body


async def _simple_worker(
    host: str, port: int, request: bytes, until: float, counts: list[int]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < until:
            writer.write(request)
            status, _ = await _read_response(reader)
            counts[status // 100] += 1
    finally:
        writer.close()


async def simple_rps(
    base: str, path: str, seconds: float, connections: int, method: str = "GET", body: bytes = b""
) -> float:
    """Requests per second for ``method path`` over ``connections`` keep-alive connections."""
    url = urlparse(base)
    assert url.hostname is not None and url.port is not None
    request = _request(method, url.hostname, url.port, path, body)
    counts = [0] * 6
    until = time.perf_counter() + seconds
    start = time.perf_counter()
    workers = [
        _simple_worker(url.hostname, url.port, request, until, counts) for _ in range(connections)
    ]
    await asyncio.gather(*workers)
    elapsed = time.perf_counter() - start
    assert counts[2] == sum(counts), f"non-2xx responses: {counts}"
    return counts[2] / elapsed


async def _held_wait(host: str, port: int, body: bytes) -> str:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(
            f"POST /v1/models/emulator/slow/predictions HTTP/1.1\r\nHost: {host}:{port}\r\n{AUTH}"
            f"Prefer: wait=60\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        status, payload = await _read_response(reader)
        assert status == 201, status
        return str(json.loads(payload)["status"])
    finally:
        writer.close()


async def held_waits(base: str, count: int, model_seconds: float) -> tuple[float, dict[str, int]]:
    """(seconds until all ``count`` held requests answered, statuses seen)."""
    url = urlparse(base)
    assert url.hostname is not None and url.port is not None
    body = json.dumps({"input": {"seconds": model_seconds}}).encode()
    start = time.perf_counter()
    statuses = await asyncio.gather(
        *(_held_wait(url.hostname, url.port, body) for _ in range(count))
    )
    elapsed = time.perf_counter() - start
    seen: dict[str, int] = {}
    for status in statuses:
        seen[status] = seen.get(status, 0) + 1
    return elapsed, seen


def main(argv: list[str] | None = None) -> None:
    """Run the measurements and print one line each."""
    parser = argparse.ArgumentParser(prog="python -m replicate.emulator.loadtest")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--held", type=int, default=1000)
    parser.add_argument("--model-seconds", type=float, default=2.0)
    args = parser.parse_args(argv)
    raise_fd_limit()
    loop = new_event_loop()
    with Emulator(process=True, time_scale=1.0, record=False) as emu:
        httpish = emu.base_url
        created = loop.run_until_complete(held_waits(httpish, 1, 0.01))
        assert created[1] == {"succeeded": 1}
        rps = loop.run_until_complete(
            simple_rps(httpish, "/v1/account", args.seconds, args.connections)
        )
        print(f"GET /v1/account: {rps:,.0f} requests/s over {args.connections} connections")
        rps = loop.run_until_complete(
            simple_rps(httpish, "/v1/models/emulator/echo", args.seconds, args.connections)
        )
        print(f"GET /v1/models/emulator/echo: {rps:,.0f} requests/s")
        create = json.dumps({"input": {"text": "x"}}).encode()
        path = "/v1/models/emulator/echo/predictions"
        rps = loop.run_until_complete(
            simple_rps(httpish, path, args.seconds, args.connections, "POST", create)
        )
        print(f"POST {path} (no wait): {rps:,.0f} predictions created/s")
        elapsed, statuses = loop.run_until_complete(
            held_waits(httpish, args.held, args.model_seconds)
        )
        print(
            f"{args.held} concurrent Prefer: wait requests on a {args.model_seconds:g} s model: "
            f"all answered in {elapsed:.2f} s, statuses {statuses}"
        )
    loop.close()


if __name__ == "__main__":
    main()
