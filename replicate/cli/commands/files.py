"""``replicate files upload|list|get|delete|download``."""

from __future__ import annotations

import sys
from pathlib import Path

from .. import errors, render
from ..context import Context
from . import Group, add_all_option, listed

COLUMNS = ("id", "name", "size", "content_type", "created_at")


def register(commands: Group) -> None:
    """Add the ``files`` commands."""
    group = commands.group("files", "Upload, list, download and delete files.")
    upload = group.add("upload", upload_files, "Upload files (streamed); '-' reads stdin.")
    upload.add_argument("paths", nargs="+", metavar="PATH")
    upload.add_argument("--content-type", metavar="TYPE")
    add_all_option(group.add("list", list_files, "List your files."))
    group.add("get", get, "Show a file.").add_argument("id")
    group.add("delete", delete, "Delete a file.").add_argument("id")
    download = group.add("download", download_file, "Download a file.")
    download.add_argument("id")
    download.add_argument(
        "-o", "--output", type=Path, metavar="PATH", help="where to save it ('-': stdout)"
    )


def upload_files(ctx: Context) -> int:
    missing = [p for p in ctx.args.paths if p != "-" and not Path(p).is_file()]
    if missing:
        raise errors.UsageError(f"no such file: {', '.join(missing)}")
    uploaded = [
        ctx.client.files.create(
            sys.stdin.buffer if path == "-" else Path(path),
            filename="stdin" if path == "-" else None,
            content_type=ctx.args.content_type,
        )
        for path in ctx.args.paths
    ]
    render.show_list(ctx, uploaded, COLUMNS)
    return errors.OK


def list_files(ctx: Context) -> int:
    render.show_list(ctx, listed(ctx, ctx.client.files.list), COLUMNS)
    return errors.OK


def get(ctx: Context) -> int:
    render.show(ctx, ctx.client.files.get(ctx.args.id))
    return errors.OK


def delete(ctx: Context) -> int:
    ctx.client.files.delete(ctx.args.id)
    print(f"deleted {ctx.args.id}", file=ctx.stderr)
    return errors.OK


def download_file(ctx: Context) -> int:
    from ..outputs import new_path

    file = ctx.client.files.get(ctx.args.id)
    output: Path | None = ctx.args.output
    if output is not None and str(output) == "-":
        for chunk in ctx.client.files.iter_download(file):
            sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
        return errors.OK
    target = output or new_path(Path(), file.name or file.id)
    print(ctx.client.files.download(file, target), file=ctx.stdout)
    return errors.OK
