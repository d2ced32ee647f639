"""Server-Sent Events for a prediction: ids, ``retry``, and resuming after ``Last-Event-ID``."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from typing import Any

from .http import Receive, Request, StreamResponse
from .jobs import Job

KEEPALIVE_SECONDS = 15.0
HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-store"),
    (b"x-accel-buffering", b"no"),
]


_LINE_END = re.compile(r"\r\n|\r|\n")


def format_event(event_id: str, name: str, data: str) -> bytes:
    """One event block; multi-line data becomes several ``data:`` lines.

    CR, LF and CRLF all end a line in an event stream, so each of them starts a new ``data:``
    line (clients rejoin them with LF); a raw CR left in a line would cut it short.
    """
    lines = [f"event: {name}", f"id: {event_id}"]
    lines += [f"data: {line}" for line in _LINE_END.split(data)]
    return ("\n".join(lines) + "\n\n").encode()


def resume_index(last_event_id: str | None, available: int) -> int:
    """Index of the first event to send, given the client's ``Last-Event-ID``.

    Ids are 1-based positions in the job's event log, so resuming after id ``n`` starts at
    index ``n``. Unknown or malformed ids replay from the beginning.
    """
    if last_event_id is None:
        return 0
    text = last_event_id.strip()
    if not text.isdigit():
        return 0
    return min(int(text), available)


async def _events(
    job: Job, start: int, retry_ms: int, receive: Receive, holding: Callable[[], bool]
) -> AsyncIterator[bytes]:
    yield f"retry: {retry_ms}\n\n".encode()
    index = start
    disconnect: asyncio.Future[Any] = asyncio.ensure_future(receive())
    try:
        while True:
            while index < len(job.events):
                name, data = job.events[index]
                index += 1
                yield format_event(str(index), name, data)
                if name == "done":
                    return
            if not holding():  # the server is shutting down: end the stream cleanly
                return
            change: asyncio.Future[Any] = job.change_future()
            finished, _ = await asyncio.wait(
                {change, disconnect}, timeout=KEEPALIVE_SECONDS, return_when=asyncio.FIRST_COMPLETED
            )
            if disconnect in finished:
                return
            if not finished:
                yield b": keep-alive\n\n"
    finally:
        disconnect.cancel()


def stream_response(
    job: Job, req: Request, retry_ms: int, holding: Callable[[], bool]
) -> StreamResponse:
    """The SSE response for ``job``, starting after ``Last-Event-ID`` when given; it ends
    early once ``holding()`` is false (the server is shutting down)."""
    start = resume_index(req.headers.get("last-event-id"), len(job.events))
    return StreamResponse(200, _events(job, start, retry_ms, req.receive, holding), HEADERS)
