"""The emulator's rate-limit mode: prediction creates beyond a limit get a 429.

Like the real API, a throttled create is answered ``429`` with a problem body titled
"Request was throttled", a detail saying when a request will be accepted again, and a
``Retry-After`` header (whole seconds, at least 1, as the API sends). The decision is
the same I/O-free :class:`~replicate.batching.limiter.TokenBucket` clients pace
themselves with; this module only turns a refusal into a response.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

import attrs

from ..batching.limiter import TokenBucket, parse_rate
from .http import Response, problem

#: Operations the API's create limit applies to.
LIMITED_OPERATIONS = frozenset(
    {"predictions.create", "models.predictions.create", "deployments.predictions.create"}
)


@attrs.define
class RateLimit:
    """At most ``per_minute`` prediction creates a minute, ``burst`` at once.

    ``fractional_retry_after`` sends the exact delay (e.g. ``0.05``) instead of the
    API's whole seconds: useful with scaled-down limits in tests.
    """

    per_minute: float
    burst: int = 10
    fractional_retry_after: bool = False
    bucket: TokenBucket = attrs.field(init=False)
    #: Creates refused so far.
    refused: int = attrs.field(init=False, default=0)

    def __attrs_post_init__(self) -> None:
        self.bucket = TokenBucket(self.per_minute, self.burst)

    def restart(self) -> None:
        """A full bucket and no refusals counted, as at construction (a reset)."""
        self.__attrs_post_init__()
        self.refused = 0

    @classmethod
    def parse(
        cls, rate: str | float, burst: int = 10, *, fractional_retry_after: bool = False
    ) -> RateLimit:
        """From ``"600/min"``, ``"60/s"`` or a number of requests per minute."""
        return cls(parse_rate(rate), burst, fractional_retry_after)

    def check(self, operation: str, now: float) -> Response | None:
        """``None`` to let the request through, else the 429 to answer with."""
        if operation not in LIMITED_OPERATIONS:
            return None
        wait = self.bucket.take(now)
        if wait <= 0:
            return None
        self.refused += 1
        retry_after = wait if self.fractional_retry_after else float(max(1, math.ceil(wait)))
        shown = f"{retry_after:g}"
        response = problem(
            429,
            "Request was throttled",
            f"Request was throttled. Your rate limit for creating predictions is "
            f"{self.per_minute:g} requests per minute with a burst of {self.burst}. "
            f"Expected available in {shown} second{'' if shown == '1' else 's'}.",
        )
        response.headers = [(b"retry-after", shown.encode())]
        return response


def add_arguments(parser: argparse.ArgumentParser, rate: Callable[[str], str]) -> None:
    """The rate-limit options of ``python -m replicate.emulator`` (``rate`` checks RATE)."""
    parser.add_argument(
        "--rate-limit",
        type=rate,
        default=None,
        metavar="RATE",
        help="answer prediction creates beyond RATE (600/min, 60/s) with 429",
    )
    parser.add_argument("--rate-burst", type=int, default=10, help="creates allowed at once")
    parser.add_argument(
        "--exact-retry-after",
        action="store_true",
        help="fractional Retry-After seconds (for scaled-down limits) instead of whole ones",
    )


def from_arguments(args: argparse.Namespace) -> RateLimit | None:
    """The :class:`RateLimit` the parsed options ask for (None: no limit)."""
    if args.rate_limit is None:
        return None
    return RateLimit.parse(
        args.rate_limit, args.rate_burst, fractional_retry_after=args.exact_retry_after
    )


def rate_limit_args(limit: RateLimit) -> list[str]:
    """Command-line options reproducing ``limit`` in an emulator child process."""
    args = ["--rate-limit", f"{limit.per_minute!r}/min", "--rate-burst", str(limit.burst)]
    return args + (["--exact-retry-after"] if limit.fractional_retry_after else [])
