"""Predictions and trainings as server-side state, and their JSON representation."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

TERMINAL = frozenset({"succeeded", "failed", "canceled", "aborted"})

# Names of the optional real-API quirks that break the published schema (off by default):
QUIRKS = frozenset(
    {
        "null_timestamps",  # started_at/completed_at sent as null before they are known
        "no_data_removed",  # data_removed missing, as on older predictions
        "no_urls_web",  # urls.web missing, as on older predictions
        "hidden_version",  # version "hidden" for official-model predictions
        "no_stream_url",  # urls.stream missing (models without streaming support)
    }
)


def iso(moment: datetime) -> str:
    """RFC 3339 timestamp with microseconds and a ``Z``, like the API sends."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_clock = threading.Lock()
_last = datetime.min.replace(tzinfo=UTC)


def now() -> datetime:
    """The current UTC time, later than any earlier call's by at least a microsecond: creation
    times then order items (list cursors are positions in that order) without ties."""
    global _last
    with _clock:
        _last = max(datetime.now(UTC), _last + timedelta(microseconds=1))
        return _last


class Job:
    """A prediction or a training: its state, its SSE event log, and who waits on it."""

    def __init__(
        self,
        kind: str,
        job_id: str,
        model: str,
        version: str,
        input: dict[str, Any],
        base: str,
        *,
        deployment: str | None = None,
        official: bool = False,
        webhook: str | None = None,
        webhook_events_filter: list[str] | None = None,
        secrets: frozenset[str] = frozenset(),
    ) -> None:
        self.kind = kind
        #: Inputs the schema marks secret: redacted once sent to the model.
        self.secrets = secrets
        self.id = job_id
        self.model = model
        self.version = version
        #: The input as the API shows it (secret values redacted once sent to the model) ...
        self.input = input
        #: ... and as it was sent, for tests that check what a model received.
        self.sent_input = input
        self.base = base
        self.deployment = deployment
        self.official = official
        self.webhook = webhook
        self.webhook_events_filter = webhook_events_filter
        self.status = "starting"
        self.output: Any = None
        self.logs = ""
        self.error: str | None = None
        self.created = now()
        self.started: datetime | None = None
        self.completed: datetime | None = None
        self.deadline: datetime | None = None
        self.destination: str | None = None
        self.cancel_requested = False
        # SSE events (event name, data); an event's id is its 1-based position.
        self.events: list[tuple[str, str]] = []
        self.task: asyncio.Task[None] | None = None
        self._waiters: list[asyncio.Future[None]] = []

    @property
    def done(self) -> bool:
        """Whether the job reached a terminal status."""
        return self.status in TERMINAL

    # -- change notification -------------------------------------------------------------
    def notify(self) -> None:
        """Wake everyone waiting for a change (Prefer: wait holders, SSE streams)."""
        waiters, self._waiters = self._waiters, []
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    def change_future(self) -> asyncio.Future[None]:
        """A future resolved at the next change."""
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(fut)
        return fut

    async def changed(self, timeout: float | None) -> None:
        """Wait until the next change or ``timeout`` seconds."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.change_future(), timeout)

    async def wait_done(self, timeout: float, holding: Callable[[], bool]) -> None:
        """Wait until the job is terminal, ``timeout`` seconds passed or ``holding()`` turns
        false at a change."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while not self.done and holding():
            left = end - loop.time()
            if left <= 0:
                return
            await self.changed(left)

    def emit(self, event: str, data: str) -> None:
        """Record an SSE event and wake waiters."""
        self.events.append((event, data))
        self.notify()

    # -- JSON ------------------------------------------------------------------------------
    def urls(self, quirks: frozenset[str]) -> dict[str, str]:
        """The ``urls`` object: API links plus the SSE stream and the web page."""
        collection = "predictions" if self.kind == "prediction" else "trainings"
        urls = {
            "get": f"{self.base}/v1/{collection}/{self.id}",
            "cancel": f"{self.base}/v1/{collection}/{self.id}/cancel",
        }
        if self.kind == "prediction":
            if "no_stream_url" not in quirks:
                urls["stream"] = f"{self.base}/stream/{self.id}"
            if "no_urls_web" not in quirks:
                urls["web"] = f"https://replicate.com/p/{self.id}"
        return urls

    def metrics(self) -> dict[str, float]:
        """Timing metrics, present once the job has started or finished."""
        metrics: dict[str, float] = {}
        if self.started and self.completed:
            metrics["predict_time"] = (self.completed - self.started).total_seconds()
        if self.completed:
            metrics["total_time"] = (self.completed - self.created).total_seconds()
        return metrics

    def to_json(self, quirks: frozenset[str] = frozenset()) -> dict[str, Any]:
        """The API representation (prediction or training response object)."""
        body: dict[str, Any] = {
            "id": self.id,
            "model": self.model,
            "version": self.version,
            "input": self.input,
            "logs": self.logs,
            "output": self.output,
            "error": self.error,
            "status": self.status,
            "source": "api",
            "created_at": iso(self.created),
            "urls": self.urls(quirks),
            "metrics": self.metrics(),
        }
        if self.kind == "training" and self.output is None and "null_timestamps" not in quirks:
            del body["output"]  # the spec types a training's output as a non-null object
        if self.official and "hidden_version" in quirks:
            body["version"] = "hidden"
        if self.kind == "prediction" and "no_data_removed" not in quirks:
            body["data_removed"] = False
        for key, moment in (("started_at", self.started), ("completed_at", self.completed)):
            if moment is not None:
                body[key] = iso(moment)
            elif "null_timestamps" in quirks:
                body[key] = None
        if self.deadline is not None:
            body["deadline"] = iso(self.deadline)
        if self.deployment is not None:
            body["deployment"] = self.deployment
        if self.webhook is not None:
            body["webhook"] = self.webhook
            if self.webhook_events_filter is not None:
                body["webhook_events_filter"] = self.webhook_events_filter
        return body

    def to_bytes(self, quirks: frozenset[str] = frozenset()) -> bytes:
        """The API representation encoded as compact JSON."""
        return json.dumps(self.to_json(quirks), separators=(",", ":")).encode()
