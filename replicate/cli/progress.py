"""The live display while a prediction runs: status, elapsed time, the model's progress
(parsed from tqdm-style lines in its logs) and, with ``--logs``, the logs themselves.

On a terminal (stderr) it is a ``rich`` progress bar; otherwise only the logs, if asked
for, are copied to stderr as they arrive.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any

from .context import Context
from .render import INSTALL_HINT

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from ..prediction import Prediction


class RunDisplay:
    """Feed it every state of a prediction with :meth:`update` (it is a ``progress=``
    callback for ``Client.run``); use it as a context manager."""

    def __init__(self, ctx: Context, *, logs: bool) -> None:
        self._ctx = ctx
        self._logs = logs
        self._printed = 0  # characters of the logs already shown
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self.last: Prediction | None = None

    def __enter__(self) -> RunDisplay:
        if self._ctx.progress:
            self._bar = _progress_bar(self._ctx)
            if self._bar is not None:
                self._task = self._bar.add_task("starting", total=None)
                self._bar.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        logs = self.last.logs if self._logs and self.last is not None else None
        if logs:
            self._print_logs(logs if logs.endswith("\n") else logs + "\n")
        if self._bar is not None:
            self._bar.stop()

    def end_bar(self) -> None:
        """Take the progress bar off the terminal (the output is written there next; logs
        still go to stderr)."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def update(self, prediction: Prediction) -> None:
        """Show the latest state of ``prediction``."""
        self.last = prediction
        if self._logs:
            self._print_logs(prediction.logs or "")
        if self._bar is None or self._task is None:
            return
        progress = prediction.progress
        fields: dict[str, Any] = {"description": f"{prediction.id} {prediction.status}"}
        if progress is not None:
            fields.update(total=progress.total, completed=progress.current)
        elif prediction.status == "succeeded":
            fields.update(total=1, completed=1)
        self._bar.update(self._task, **fields)

    def _print_logs(self, logs: str) -> None:
        if len(logs) < self._printed:  # the logs were replaced: show them again
            self._printed = 0
        # Only whole lines: a tqdm line still being rewritten waits for its newline.
        end = logs.rfind("\n", self._printed) + 1
        if end <= self._printed:
            return
        text, self._printed = logs[self._printed : end], end
        if self._bar is not None:
            self._bar.console.print(text, end="", markup=False, highlight=False)
        else:
            self._ctx.stderr.write(text)
            self._ctx.stderr.flush()


def _progress_bar(ctx: Context) -> Progress | None:
    try:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            SpinnerColumn,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
        )
    except ImportError:
        print(f"note: {INSTALL_HINT}", file=ctx.stderr)
        return None
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=Console(file=ctx.stderr),
        refresh_per_second=8,
    )
