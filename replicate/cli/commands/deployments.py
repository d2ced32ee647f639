"""``replicate deployments list|get|create|update|delete``."""

from __future__ import annotations

import argparse
from typing import Any

from .. import errors, render
from ..context import Context
from . import Group

COLUMNS = (
    "owner",
    "name",
    "current_release.model",
    "current_release.version",
    "current_release.configuration.hardware",
)
SETTINGS = ("version", "hardware", "min_instances", "max_instances")


def register(commands: Group) -> None:
    """Add the ``deployments`` commands."""
    group = commands.group("deployments", "Manage deployments.")
    group.add_list("list", "List your deployments.", lambda c: c.deployments.list, COLUMNS)
    group.add_show(
        "get", "Show a deployment.", lambda c, id: c.deployments.get(id), metavar="owner/name"
    )
    create_parser = group.add("create", create, "Create a deployment.")
    create_parser.add_argument("name")
    create_parser.add_argument("--model", required=True, metavar="owner/name")
    _settings(create_parser, required=True)
    update_parser = group.add("update", update, "Change a deployment's settings.")
    update_parser.add_argument("name", metavar="owner/name")
    _settings(update_parser, required=False)
    group.add("delete", delete, "Delete a deployment.").add_argument("name", metavar="owner/name")


def _settings(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument("--version", required=required, metavar="ID")
    parser.add_argument("--hardware", required=required, metavar="SKU")
    parser.add_argument("--min-instances", type=int, required=required, metavar="N")
    parser.add_argument("--max-instances", type=int, required=required, metavar="N")


def _given(ctx: Context) -> dict[str, Any]:
    values = vars(ctx.args)
    return {key: values[key] for key in SETTINGS if values[key] is not None}


def _owner_name(name: str) -> tuple[str, str]:
    owner, slash, rest = name.partition("/")
    if not slash or not owner or not rest or "/" in rest:
        raise errors.UsageError(f"expected owner/name, got {name!r}")
    return owner, rest


def create(ctx: Context) -> int:
    deployment = ctx.client.deployments.create(
        name=ctx.args.name, model=ctx.args.model, **_given(ctx)
    )
    render.show(ctx, deployment)
    return errors.OK


def update(ctx: Context) -> int:
    owner, name = _owner_name(ctx.args.name)
    settings = _given(ctx)
    if not settings:
        raise errors.UsageError("nothing to update: give --version, --hardware or --*-instances")
    render.show(ctx, ctx.client.deployments.update(owner, name, **settings))
    return errors.OK


def delete(ctx: Context) -> int:
    ctx.client.deployments.delete(*_owner_name(ctx.args.name))
    print(f"deleted {ctx.args.name}", file=ctx.stderr)
    return errors.OK
