"""``replicate predictions list|get|cancel|wait``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import errors, render
from ..context import Context
from . import Group, seconds

if TYPE_CHECKING:
    from ..._job import Job

COLUMNS = ("id", "model", "status", "source", "created_at")


def register(commands: Group) -> None:
    """Add the ``predictions`` commands."""
    group = commands.group("predictions", "List, inspect, cancel and wait for predictions.")
    group.add_list(
        "list", "List your predictions, newest first.", lambda c: c.predictions.list, COLUMNS
    )
    group.add_show("get", "Show a prediction.", lambda c, id: c.predictions.get(id))
    group.add_show("cancel", "Cancel a prediction.", lambda c, id: c.predictions.cancel(id))
    wait_parser = group.add(
        "wait", wait, "Wait until a prediction finishes; exit 1 unless it succeeded."
    )
    wait_parser.add_argument("id")
    wait_parser.add_argument("--timeout", type=seconds, metavar="S", help="give up after S seconds")


def wait(ctx: Context) -> int:
    from ..progress import RunDisplay

    prediction = ctx.client.predictions.get(ctx.args.id)
    with RunDisplay(ctx, logs=False) as display:
        display.update(prediction)
        prediction.wait(timeout=ctx.args.timeout)
        display.update(prediction)
    render.show(ctx, prediction)
    return finished(ctx, prediction)


def finished(ctx: Context, job: Job) -> int:
    """Exit status for a finished prediction or training, its error on stderr."""
    if job.status == "succeeded":
        return errors.OK
    error = f": {job.error}" if job.error else ""
    print(f"{job.id} {job.status}{error}", file=ctx.stderr)
    return errors.FAILED
