"""Working around two flaws of httpcore 1.0's connection pool (httpx's default transport).

httpcore 1.0.x hands an idle connection to a queued request, but the connection stays
idle until the request's thread (or task) wakes up and starts on it. A pass made by
another request in between still counts it as idle and may close it: as a surplus
keep-alive connection, or to make room at ``max_connections``. If the request has
started by then, its socket is closed under it: the read fails with
``[Errno 9] Bad file descriptor`` or, on Linux, blocks until its timeout (encode/httpcore
issue 1110). For a create that is the worst case, since the server may have the request.
Seen here with 200 threads sharing one sync client, 1 to 3 requests in 6,000.

:func:`spare_held_connections` hides such connections from the pass and lowers the pass's
limits by as many, so that the limits still count them and nothing else changes.

The pool also compares *all* its connections, busy ones included, with
``max_keepalive_connections`` when deciding to close idle ones, so with httpx's default
limits (20 kept alive of 100) more than 20 requests in flight make almost every request
open a new connection: 5,800 connections for 6,000 requests from 200 threads (25 to 36 s),
against 50 to 66 with :data:`DEFAULT_SYNC_LIMITS` (10 to 14 s).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import httpx

#: The sync pool's limits unless the user gives ``limits``: httpx's connection cap and
#: keep-alive expiry, and as many connections kept alive as may be open (see above).
DEFAULT_SYNC_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=100)

_Transport = TypeVar("_Transport", httpx.HTTPTransport, httpx.AsyncHTTPTransport)


def spare_held_connections(transport: _Transport) -> _Transport:
    """Make ``transport``'s pool leave alone the idle connections that requests hold
    (returns it).

    Does nothing on a pool without httpcore 1.0's assignment pass (a later httpcore may
    have fixed it differently).
    """
    pool: Any = transport._pool  # httpx keeps its httpcore pool here
    assign = getattr(pool, "_assign_requests_to_connections", None)
    if assign is None or not hasattr(pool, "_requests") or not hasattr(pool, "_connections"):
        return transport
    pool._assign_requests_to_connections = _sparing(pool, assign)
    return transport


def _sparing(pool: Any, assign: Callable[[], list[Any]]) -> Callable[[], list[Any]]:
    # Runs under the pool's own lock, as the pass it wraps does.
    def assign_sparing_held() -> list[Any]:
        held = {id(r.connection) for r in pool._requests if r.connection is not None}
        # Judged once per connection: its state may change meanwhile (no pool lock to start).
        spared = [c for c in pool._connections if id(c) in held and c.is_idle()]
        if not spared:
            return assign()
        spared_ids = {id(c) for c in spared}
        pool._connections = [c for c in pool._connections if id(c) not in spared_ids]
        pool._max_connections -= len(spared)
        pool._max_keepalive_connections -= len(spared)
        try:
            return assign()
        finally:
            pool._max_connections += len(spared)
            pool._max_keepalive_connections += len(spared)
            pool._connections = spared + pool._connections

    return assign_sparing_held
