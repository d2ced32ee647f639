"""Batch results, progress snapshots and in-order release: plain data, no I/O."""

from __future__ import annotations

from typing import Any

import attrs


@attrs.frozen
class BatchResult:
    """The outcome of one input.

    ``status`` is the prediction's terminal status (``succeeded``, ``failed``,
    ``canceled``, ``aborted``), or ``failed`` with ``id=None`` when the create itself
    was refused (e.g. invalid input). ``output`` holds local paths for files saved
    under ``output_dir``, else the API's output (URLs expire an hour after the run).
    ``resumed`` is true for inputs finished by an earlier run of the same ledger.
    """

    index: int
    key: str
    id: str | None
    status: str
    output: Any = None
    error: str | None = None
    metrics: dict[str, Any] | None = None
    resumed: bool = False

    @property
    def ok(self) -> bool:
        """Whether the prediction succeeded."""
        return self.status == "succeeded"

    def to_json(self) -> dict[str, Any]:
        """The JSON line written for this input."""
        return {
            "index": self.index,
            "key": self.key,
            "id": self.id,
            "status": self.status,
            "output": self.output,
            "error": self.error,
            "metrics": self.metrics,
        }


@attrs.frozen
class BatchProgress:
    """A snapshot of a running batch (handed to ``on_progress``).

    ``done`` counts finished inputs (``failed`` of them did not succeed); ``in_flight``
    inputs are being worked on (waiting for a create token, being created, or running);
    ``per_minute`` is the create rate of this run so far (over at least its first second,
    so an opening burst does not read as thousands a minute); ``eta`` the seconds left at
    the current finishing pace, and never less than the rate limit allows for the creates
    still to come (None: unknown).
    """

    total: int
    done: int
    failed: int
    in_flight: int
    per_minute: float
    eta: float | None
    elapsed: float


@attrs.define
class Tally:
    """Counters behind :class:`BatchProgress`; ``now`` is passed in by the caller."""

    total: int
    started: float
    done: int = 0
    failed: int = 0
    in_flight: int = 0
    created: int = 0
    finished_here: int = 0
    #: The create rate allowed (the limiter's), for the ETA; ``None``: not limited.
    limit_per_minute: float | None = None

    def snapshot(self, now: float) -> BatchProgress:
        """The progress at ``now``."""
        elapsed = max(now - self.started, 1e-9)
        per_minute = self.created * 60 / max(elapsed, 1.0)
        left = self.total - self.done
        eta = None
        if left == 0:
            eta = 0.0
        elif self.finished_here:
            eta = left * elapsed / self.finished_here
            if self.limit_per_minute:
                # Early on, a burst finishes faster than the limit lets the rest be created.
                to_create = max(left - self.in_flight, 0)
                eta = max(eta, to_create * 60 / self.limit_per_minute)
        return BatchProgress(
            self.total, self.done, self.failed, self.in_flight, per_minute, eta, elapsed
        )

    def finish(self, result: BatchResult) -> None:
        """Count a result."""
        self.done += 1
        self.failed += not result.ok
        if not result.resumed:
            self.finished_here += 1


class Reorder:
    """Releases results in input order: ``push`` returns those now ready."""

    def __init__(self, order: list[int]) -> None:
        self._position = {index: position for position, index in enumerate(order)}
        self._waiting: dict[int, BatchResult] = {}
        self._next = 0

    def push(self, result: BatchResult) -> list[BatchResult]:
        """Hold ``result`` until every earlier input's result has been released."""
        self._waiting[self._position[result.index]] = result
        ready = []
        while self._next in self._waiting:
            ready.append(self._waiting.pop(self._next))
            self._next += 1
        return ready
