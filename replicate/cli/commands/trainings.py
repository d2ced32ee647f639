"""``replicate trainings create|get|list|cancel``."""

from __future__ import annotations

from .. import errors, render
from ..context import Context
from . import Group

COLUMNS = ("id", "model", "version", "status", "created_at")


def register(commands: Group) -> None:
    """Add the ``trainings`` commands."""
    group = commands.group("trainings", "Create, inspect, list and cancel trainings.")
    create = group.add("create", create_training, "Start a training.")
    create.add_argument("version", metavar="owner/name:version")
    create.add_argument(
        "inputs",
        nargs="*",
        metavar="key=value",
        help="an input: key=value (sent as text; repeat a key for a list), key=@path (a file, "
        "uploaded), key=@- (stdin)",
    )
    create.add_argument(
        "--destination", required=True, metavar="owner/name", help="the model to push to"
    )
    create.add_argument("--webhook", metavar="URL")
    group.add_show("get", "Show a training.", lambda c, id: c.trainings.get(id))
    group.add_list("list", "List your trainings.", lambda c: c.trainings.list, COLUMNS)
    group.add_show("cancel", "Cancel a training.", lambda c, id: c.trainings.cancel(id))


def create_training(ctx: Context) -> int:
    from ..inputs import parse_assignments

    # Training inputs follow the trainer's own schema, which versions do not publish as
    # `Input`: values are sent as text (JSON for lists and objects is the trainer's job).
    inputs = parse_assignments(ctx.args.inputs, None)
    training = ctx.client.trainings.create(
        version=ctx.args.version,
        input=inputs,
        destination=ctx.args.destination,
        **({"webhook": ctx.args.webhook} if ctx.args.webhook else {}),
    )
    render.show(ctx, training)
    return errors.OK
