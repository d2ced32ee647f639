"""``replicate models get|list|search|schema|versions``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .. import errors, render
from ..context import Context
from . import Group, add_all_option, listed

if TYPE_CHECKING:
    from ...schema import InputSpec

COLUMNS = ("owner", "name", "visibility", "run_count", "description")
VERSION_COLUMNS = ("id", "created_at", "cog_version")
INPUT_COLUMNS = ("name", "type", "default", "description")


def register(commands: Group) -> None:
    """Add the ``models`` commands."""
    group = commands.group("models", "Find and inspect models.")
    group.add_show("get", "Show a model.", lambda c, id: c.models.get(id), metavar="owner/name")
    group.add_list("list", "List public models.", lambda c: c.models.list, COLUMNS)
    search = group.add("search", search_models, "Search public models.")
    search.add_argument("query")
    add_all_option(search)
    schema = group.add(
        "schema", schema_command, "Show a model's inputs (the full schema with --json)."
    )
    schema.add_argument("ref", metavar="owner/name[:version]")
    versions = group.add("versions", list_versions, "List a model's versions.")
    versions.add_argument("ref", metavar="owner/name")
    add_all_option(versions)


def search_models(ctx: Context) -> int:
    def page(cursor: Any) -> Any:
        # Search answers one page, or follows the `next` URL of the previous one.
        if cursor is ...:
            return ctx.client.models.search(ctx.args.query)
        return ctx.client.models.list(cursor)

    render.show_list(ctx, listed(ctx, page), COLUMNS)
    return errors.OK


def schema_command(ctx: Context) -> int:
    from ...identifier import parse_ref
    from ..inputs import version_schema

    try:
        ident = parse_ref(ctx.args.ref)
    except ValueError as error:
        raise errors.UsageError(str(error)) from None
    model = ctx.client.models.get(f"{ident.owner}/{ident.name}")
    version = model.versions.get(ident.version) if ident.version else model.latest_version
    schema = version.openapi_schema if version else None
    if schema is None:
        print(f"{ctx.args.ref} has no version with a schema", file=ctx.stderr)
        return errors.FAILED
    if ctx.json:
        render.show(ctx, schema)
        return errors.OK
    # Parsed as run and use() read it: cog's enums are allOf: [{$ref}], types can be unions.
    parsed = version_schema(schema, model=ctx.args.ref)
    rows = [input_row(spec) for spec in parsed.inputs] if parsed is not None else []
    render.show_list(ctx, rows, INPUT_COLUMNS)
    return errors.OK


def input_row(spec: InputSpec) -> dict[str, str]:
    """One input as a table row: its type (enum values, bounds), default or "required"."""
    from ...schema import SECRET_MASK

    kind = spec.annotation_source
    bounds = [
        f"{sign} {value:g}"
        for sign, value in (
            (">=", spec.minimum),
            ("<=", spec.maximum),
            (">", spec.exclusive_minimum),
            ("<", spec.exclusive_maximum),
        )
        if value is not None
    ]
    if bounds:
        kind += f" ({', '.join(bounds)})"
    if spec.required:
        default = "required"
    elif not spec.has_default:
        default = ""
    else:
        default = SECRET_MASK if spec.secret else json.dumps(spec.default, ensure_ascii=False)
    return {"name": spec.name, "type": kind, "default": default,
            "description": spec.description or ""}  # fmt: skip


def list_versions(ctx: Context) -> int:
    versions = ctx.client.models.get(ctx.args.ref).versions
    render.show_list(ctx, listed(ctx, versions.list), VERSION_COLUMNS)
    return errors.OK
