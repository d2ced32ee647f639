"""Retry decisions, free of I/O.

:func:`retry_delay` looks at one failed attempt and says how long to wait before
the next one, or ``None`` to give up. The transports in ``_transport`` apply it.

Rules:

* 429 is retried for every method, POST included: the API did not process the
  request. ``Retry-After`` (seconds or an HTTP date) and a ``retry_after`` member
  of a JSON body are honoured.
* 5xx responses (except 501/505), 408, timeouts and dropped connections are
  retried only for idempotent methods, so a retry never creates a second
  prediction or training.
* A failure to *connect* is retried for every method: no byte of the request
  reached the server.
* Everything else (401, 403, 404, 422, ...) is never retried.
"""

from __future__ import annotations

import datetime
import email.utils
import json
import random
import time
from collections.abc import Callable, Mapping
from typing import Literal

from attrs import field, frozen

from .._numbers import count, finite_seconds

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "QUERY", "TRACE"})
_NOT_WORTH_RETRYING_5XX = frozenset({501, 505})

Failure = Literal["connect", "timeout", "network"]


@frozen
class RetryPolicy:
    """How many times and how patiently to retry.

    ``max_retries`` counts retries after the first attempt. Backoff is
    ``backoff_base * 2**attempt`` capped at ``backoff_max``, with jitter in the
    upper half of that range. A server-requested delay longer than
    ``max_retry_after`` is not waited for: the error is raised instead.
    """

    max_retries: int = field(default=4, validator=lambda _, a, v: count(a.name, v))
    backoff_base: float = field(default=0.5, validator=lambda _, a, v: finite_seconds(a.name, v))
    backoff_max: float = field(default=8.0, validator=lambda _, a, v: finite_seconds(a.name, v))
    max_retry_after: float = field(
        default=60.0, validator=lambda _, a, v: finite_seconds(a.name, v)
    )

    def backoff(self, attempt: int, rand: Callable[[], float] = random.random) -> float:
        """Capped exponential backoff with jitter for retry number ``attempt`` (0-based)."""
        ceiling = min(self.backoff_max, self.backoff_base * (2.0**attempt))
        return ceiling / 2 + rand() * ceiling / 2


def is_retryable_status(method: str, status: int) -> bool:
    """Whether a response status is worth retrying for this method (ignoring attempt count)."""
    if status == 429:
        return True
    if method.upper() not in IDEMPOTENT_METHODS:
        return False
    return status == 408 or (status >= 500 and status not in _NOT_WORTH_RETRYING_5XX)


def retry_delay(
    policy: RetryPolicy,
    *,
    method: str,
    attempt: int,
    status: int | None = None,
    headers: Mapping[str, str] | None = None,
    body: bytes = b"",
    failure: Failure | None = None,
    now: float | None = None,
    rand: Callable[[], float] = random.random,
) -> float | None:
    """Seconds to wait before retrying, or ``None`` to give up.

    Pass either ``status`` (with the response ``headers``/``body``) or ``failure``
    (the kind of transport error). ``attempt`` is how many retries were already made.
    """
    if attempt >= policy.max_retries:
        return None
    if failure is not None:
        if failure != "connect" and method.upper() not in IDEMPOTENT_METHODS:
            return None
        return policy.backoff(attempt, rand)
    if status is None or not is_retryable_status(method, status):
        return None
    requested = requested_delay(headers or {}, body, now=now)
    if requested is None:
        return policy.backoff(attempt, rand)
    if requested > policy.max_retry_after:
        return None
    return requested


def requested_delay(
    headers: Mapping[str, str], body: bytes = b"", *, now: float | None = None
) -> float | None:
    """The delay the server asked for, from ``Retry-After`` or a JSON ``retry_after``."""
    header = _header(headers, "retry-after")
    if header is not None:
        delay = parse_retry_after(header, now=now)
        if delay is not None:
            return delay
    return _body_retry_after(body)


def parse_retry_after(value: str, *, now: float | None = None) -> float | None:
    """Parse ``Retry-After`` as delta-seconds or an HTTP date; ``None`` if malformed."""
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if seconds == seconds else None  # reject NaN
    when = parse_http_date(value)
    if when is None:
        return None
    try:
        stamp = when.timestamp()
    except (ValueError, OverflowError):
        return None
    current = time.time() if now is None else now
    return max(0.0, stamp - current)


def parse_http_date(value: str) -> datetime.datetime | None:
    """An HTTP date (``Date``, ``Retry-After``) as an aware datetime; ``None`` if malformed
    or without a time zone ("-0000" claims none)."""
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):  # year 99999999999
        return None
    return when if when.tzinfo is not None else None


def _body_retry_after(body: bytes) -> float | None:
    if not body or not body.lstrip().startswith(b"{"):
        return None
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    value = data.get("retry_after") if isinstance(data, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return max(0.0, float(value))


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        # Plain dicts are case-sensitive; httpx.Headers is not.
        for key, candidate in headers.items():
            if key.lower() == name:
                return candidate
    return value
