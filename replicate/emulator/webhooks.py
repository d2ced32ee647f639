"""Webhook delivery, signed the Standard Webhooks way Replicate signs them."""

from __future__ import annotations

import asyncio
import json
import time
from typing import TYPE_CHECKING, Any

import attrs
import httpx

from replicate.webhook import sign

from .reach import off_network

if TYPE_CHECKING:
    from .jobs import Job

ALL_EVENTS = ("start", "output", "logs", "completed")


def undeliverable(url: str) -> str | None:
    """Why the emulator does not POST a webhook to ``url`` (``None``: it does; see
    :mod:`.reach`)."""
    host = off_network(url)
    if host is None:
        return None
    return (
        f"not delivered: {host!r} is not on this machine or its local network "
        "(the emulator never sends webhooks to the internet)"
    )


@attrs.define
class Delivery:
    """One webhook POST the emulator made (or tried to make)."""

    url: str
    event: str
    headers: dict[str, str]
    body: bytes
    status: int | None = None
    error: str | None = None


def signed_headers(secret: str, webhook_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers for ``body``."""
    return {
        "content-type": "application/json",
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, webhook_id, timestamp, body),
    }


class WebhookSender:
    """Sends a job's webhooks in order, one queue per job, retrying failed terminal ones."""

    def __init__(self, secret_source: Any, new_id: Any, quirks: Any, retry_delay: Any) -> None:
        self._secret = secret_source
        self._new_id = new_id
        self._quirks = quirks
        self._retry_delay = retry_delay
        self._client: httpx.AsyncClient | None = None
        # Keyed by the job itself: ids start over after a reset, and a new job sharing an id
        # with one still being delivered must not join that job's queue.
        self._queues: dict[Job, asyncio.Queue[tuple[str, bytes] | None]] = {}
        self._workers: set[asyncio.Task[None]] = set()
        self.deliveries: list[Delivery] = []

    def wants(self, job: Job, event: str) -> bool:
        """Whether ``job`` asked for webhooks of ``event``."""
        if not job.webhook:
            return False
        wanted = job.webhook_events_filter or ALL_EVENTS
        return event in wanted

    def send(self, job: Job, event: str) -> None:
        """Queue a snapshot of ``job`` for delivery if it subscribed to ``event``."""
        if not self.wants(job, event):
            return
        body = json.dumps(job.to_json(self._quirks()), separators=(",", ":")).encode()
        queue = self._queues.get(job)
        if queue is None:
            queue = self._queues[job] = asyncio.Queue()
            worker = asyncio.get_running_loop().create_task(self._worker(job, queue))
            self._workers.add(worker)
            worker.add_done_callback(self._workers.discard)
        queue.put_nowait((event, body))
        if event == "completed":
            queue.put_nowait(None)

    async def _worker(self, job: Job, queue: asyncio.Queue[tuple[str, bytes] | None]) -> None:
        try:
            while (item := await queue.get()) is not None:
                await self._deliver(job, *item)
        finally:
            if self._queues.get(job) is queue:
                del self._queues[job]

    async def _deliver(self, job: Job, event: str, body: bytes) -> None:
        assert job.webhook is not None
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=10.0)
        webhook_id = "msg_" + self._new_id()
        refused = undeliverable(job.webhook)
        if refused is not None:  # recorded, signed, as it would have been sent
            headers = signed_headers(self._secret(), webhook_id, int(time.time()), body)
            self.deliveries.append(Delivery(job.webhook, event, headers, body, error=refused))
            return
        attempts = 3 if event == "completed" else 1
        for attempt in range(attempts):
            headers = signed_headers(self._secret(), webhook_id, int(time.time()), body)
            record = Delivery(job.webhook, event, headers, body)
            self.deliveries.append(record)
            try:
                response = await self._client.post(job.webhook, content=body, headers=headers)
                record.status = response.status_code
                if response.status_code < 400:
                    return
            except httpx.HTTPError as exc:
                record.error = f"{type(exc).__name__}: {exc}"
            if attempt + 1 < attempts:
                await asyncio.sleep(self._retry_delay() * (attempt + 1))

    async def close(self) -> None:
        """Close the HTTP client."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def reset(self) -> None:
        """Forget recorded deliveries and stop delivering the webhooks still queued (their
        jobs are gone)."""
        for worker in self._workers:
            worker.cancel()
        self._queues.clear()
        self.deliveries.clear()
