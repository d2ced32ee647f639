"""Fault injection rules: which request gets which failure, decided deterministically."""

from __future__ import annotations

import difflib
import fnmatch
import random
import threading

import attrs

FAULT_HEADER = "x-emulator-fault"

_HEADER_KEYS = {
    "status": int,
    "retry_after": float,
    "latency": float,
    "answer_latency": float,
    "drop": lambda v: v.lower() in ("1", "true", "yes", ""),
    "truncate": int,
    "sse_disconnect_after": int,
    "times": int,
    "id": str,
    "detail": str,
}


@attrs.define
class Fault:
    """One failure rule.

    ``route`` selects requests: ``"*"`` (all), an operationId such as ``"predictions.create"``,
    ``"stream"`` (SSE streams), ``"output"`` (generated output files), or a path glob optionally
    prefixed by a method (``"POST /v1/predictions*"``). ``times`` limits how many requests the rule
    hits (``None`` means every matching request); ``probability`` draws from the emulator's seeded
    random generator, so a given seed and request order always fail the same requests.
    Effects combine: ``latency`` (seconds) is applied first, then ``drop`` (close the connection
    before the request is handled), ``status`` (error response; 429/503 carry ``Retry-After``;
    statuses >= 520 answer with a Cloudflare-style HTML body), ``answer_latency`` (seconds
    between handling the request and answering it), ``truncate`` (handle the request,
    then send only that many bytes of the response body and close), or ``sse_disconnect_after``
    (an SSE stream ends after that many events without ``done``; with ``drop`` too, the
    connection is cut there instead of ending cleanly).
    """

    route: str = "*"
    status: int | None = None
    retry_after: float | None = None
    latency: float = 0.0
    answer_latency: float = 0.0
    drop: bool = False
    truncate: int | None = None
    sse_disconnect_after: int | None = None
    times: int | None = None
    probability: float = 1.0
    detail: str | None = None
    hits: int = 0

    def matches(self, operation: str, method: str, path: str) -> bool:
        """Whether this rule applies to a request for ``operation`` at ``method path``."""
        route = self.route
        if route in ("*", operation):
            return True
        if "/" not in route:
            return False
        want_method, _, pattern = route.rpartition(" ")
        if want_method and want_method.upper() != method:
            return False
        return fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(
            path.removeprefix("/v1"), pattern
        )

    @property
    def exhausted(self) -> bool:
        """True once ``times`` hits have been used up."""
        return self.times is not None and self.hits >= self.times


def parse_fault_header(value: str) -> tuple[str, Fault]:
    """Parse ``X-Emulator-Fault: status=503;times=1`` into (counter key, fault).

    The counter key is the header value itself unless an ``id=`` item names it, so retries
    that repeat the same header share one ``times`` budget.
    """
    fields: dict[str, object] = {}
    key = value.strip()
    for item in value.split(";"):
        item = item.strip()
        if not item:
            continue
        name, _, raw = item.partition("=")
        name = name.strip().lower().replace("-", "_")
        convert = _HEADER_KEYS.get(name)
        if convert is None:
            raise ValueError(f"unknown fault field {name!r} in {FAULT_HEADER} header")
        try:
            fields[name] = convert(raw.strip())  # type: ignore[operator]
        except ValueError:
            raise ValueError(f"bad value {raw!r} for fault field {name!r}") from None
    if "id" in fields:
        key = str(fields.pop("id"))
    return key, Fault(**fields)  # type: ignore[arg-type]


#: What ``FaultSet.add`` takes for each field (``float`` fields take ints too).
_FIELD_TYPES: dict[str, type] = {
    "status": int,
    "retry_after": float,
    "latency": float,
    "answer_latency": float,
    "drop": bool,
    "truncate": int,
    "sse_disconnect_after": int,
    "times": int,
    "probability": float,
    "detail": str,
}


def _fits(value: object, kind: type) -> bool:
    if isinstance(value, bool):
        return kind is bool
    return isinstance(value, int | float) if kind is float else isinstance(value, kind)


class FaultSet:
    """Thread-safe, ordered list of fault rules plus counters for header-selected faults."""

    def __init__(self, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._header_hits: dict[str, int] = {}
        self._seed = seed
        self._rng = random.Random(seed)
        #: Operation ids a rule's route may name (the app adds its routes').
        self.operations: set[str] = {"*"}

    def add(self, route: str = "*", **fields: object) -> Fault:
        """Register a rule (see :class:`Fault` for fields) and return it; ``ValueError`` for a
        route that names no operation, or a field of the wrong type (a rule that could never
        apply would let a test pass while injecting nothing)."""
        if "/" not in route and route not in self.operations:
            near = difflib.get_close_matches(route, sorted(self.operations), n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise ValueError(f"fault route {route!r} names no operation{hint}")
        for name, value in fields.items():
            kind = _FIELD_TYPES.get(name)
            if kind is None:
                raise ValueError(f"unknown fault field {name!r}")
            if value is not None and not _fits(value, kind):
                raise ValueError(f"fault field {name}={value!r} is not {kind.__name__}")
        fault = Fault(route=route, **fields)  # type: ignore[arg-type]
        with self._lock:
            self._faults.append(fault)
        return fault

    def remove(self, fault: Fault) -> None:
        """Remove one rule added earlier."""
        with self._lock:
            self._faults.remove(fault)

    def clear(self) -> None:
        """Remove every rule and forget header counters; reseed the random generator."""
        with self._lock:
            self._faults.clear()
            self._header_hits.clear()
            self._rng = random.Random(self._seed)

    def __len__(self) -> int:
        return len(self._faults)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(list(self._faults))

    def take(self, operation: str, method: str, path: str) -> Fault | None:
        """Return the first live rule for this request and count a hit on it."""
        if not self._faults:
            return None
        with self._lock:
            for fault in self._faults:
                if fault.exhausted or not fault.matches(operation, method, path):
                    continue
                if fault.probability < 1.0 and self._rng.random() >= fault.probability:
                    continue
                fault.hits += 1
                return fault
        return None

    def take_from_header(self, value: str) -> Fault | None:
        """Return the header's fault unless its ``times`` budget is spent."""
        key, fault = parse_fault_header(value)
        with self._lock:
            used = self._header_hits.get(key, 0)
            if fault.times is not None and used >= fault.times:
                return None
            self._header_hits[key] = used + 1
        fault.hits = used + 1
        return fault
