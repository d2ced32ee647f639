"""Plays a model's script against a job: status changes, logs, output, SSE events, webhooks."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

from .catalog import OutputFile, RunContext, Script, Step
from .jobs import Job, now
from .validation import REDACTED_SECRET
from .webhooks import WebhookSender

DONE_REASONS = {"succeeded": "", "failed": "error", "canceled": "canceled", "aborted": "aborted"}


class Runner:
    """Drives jobs through ``starting -> processing -> terminal`` on the server's event loop."""

    def __init__(
        self,
        webhooks: WebhookSender,
        time_scale: Callable[[], float],
        store_output: Callable[[Job, str, bytes], str],
        on_succeeded: Callable[[Job], None],
        input_file: Callable[[str], tuple[str, bytes] | None] = lambda url: None,
    ) -> None:
        self.webhooks = webhooks
        self._time_scale = time_scale
        self._store_output = store_output
        self._input_file = input_file
        self._on_succeeded = on_succeeded

    def start(self, job: Job, script: Script, cancel_after: float | None = None) -> None:
        """Begin running ``job``; ``cancel_after`` (real seconds) bounds its life."""
        loop = asyncio.get_running_loop()
        job.task = loop.create_task(self._run(job, script))
        if cancel_after is not None:
            job.deadline = job.created + timedelta(seconds=cancel_after)
            loop.call_later(cancel_after, self.expire, job)
        self.webhooks.send(job, "start")

    async def _sleep(self, base_seconds: float) -> None:
        seconds = base_seconds * self._time_scale()
        if seconds > 0:
            await asyncio.sleep(seconds)

    async def _run(self, job: Job, script: Script) -> None:
        await self._sleep(script.queue)
        job.status = "processing"
        if job.secrets:  # sent to the model (its script holds the values): redacted from now on
            job.input = {
                name: REDACTED_SECRET if name in job.secrets else value
                for name, value in job.input.items()
            }
        job.started = now()
        job.notify()
        if script.live is not None:
            steps = script.live(RunContext(self._time_scale(), self._input_file))
        else:
            steps = _listed(script.steps)
        try:
            async for step in steps:
                await self._sleep(step.delay)
                if job.done:
                    return
                self._apply(job, step)
        finally:
            await steps.aclose()  # type: ignore[attr-defined]
        if not job.done:
            self._on_succeeded(job)
            self.finish(job, "succeeded")

    def _files(self, job: Job, value: Any) -> Any:
        """``value`` with every :class:`OutputFile` stored and replaced by its URL."""
        if isinstance(value, OutputFile):
            return self._store_output(job, value.name, value.data)
        if isinstance(value, list):
            return [self._files(job, item) for item in value]
        if isinstance(value, dict):
            return {key: self._files(job, item) for key, item in value.items()}
        return value

    def _apply(self, job: Job, step: Step) -> None:
        kind, value = step.kind, step.value
        if kind == "log":
            self.add_log(job, value)
        elif kind == "set":
            job.output = self._files(job, value)
            self._output_event(job, job.output)
        elif kind in ("append", "file"):
            item = self._files(job, OutputFile(*value) if kind == "file" else value)
            if not isinstance(job.output, list):
                job.output = []
            job.output.append(item)
            self._output_event(job, item)
        elif kind == "fail":
            job.error = value
            job.emit("error", json.dumps({"detail": value}))
            self.finish(job, "failed")

    def _output_event(self, job: Job, item: Any) -> None:
        job.emit("output", item if isinstance(item, str) else json.dumps(item))
        self.webhooks.send(job, "output")

    def add_log(self, job: Job, line: str) -> None:
        """Append a log line (the API's logs field is one growing string)."""
        job.logs += line + "\n"
        job.emit("logs", line)
        self.webhooks.send(job, "logs")

    def finish(self, job: Job, status: str) -> None:
        """Move ``job`` to a terminal status and tell streams, waiters and webhooks."""
        if job.done:
            return
        job.status = status
        job.completed = now()
        reason = DONE_REASONS[status]
        job.emit("done", json.dumps({"reason": reason}) if reason else "{}")
        self.webhooks.send(job, "completed")
        current = asyncio.current_task()
        if job.task is not None and job.task is not current:
            job.task.cancel()

    def cancel(self, job: Job) -> None:
        """Cancel on request: a job not yet terminal becomes ``canceled``."""
        job.cancel_requested = True
        self.finish(job, "canceled")

    def expire(self, job: Job) -> None:
        """``Cancel-After`` elapsed: abort if it never started, cancel if it is running."""
        if job.done:
            return
        self.finish(job, "aborted" if job.status == "starting" else "canceled")


async def _listed(steps: list[Step]) -> AsyncIterator[Step]:
    for step in steps:
        yield step
