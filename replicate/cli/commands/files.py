"""``replicate files upload|list|get|delete|download``."""

from __future__ import annotations

import sys
from pathlib import Path

from .. import errors, render
from ..context import Context
from . import Group

COLUMNS = ("id", "name", "size", "content_type", "created_at")
# replicate.file.SIGNED, spelled out: the parser is built without importing the client.
SIGNED = ("owner", "expiry", "signature")
SIGNED_FORM = ".../v1/files/ID/download?owner=...&expiry=...&signature=..."


def register(commands: Group) -> None:
    """Add the ``files`` commands."""
    group = commands.group("files", "Upload, list, download and delete files.")
    upload = group.add("upload", upload_files, "Upload files (streamed); '-' reads stdin.")
    upload.add_argument("paths", nargs="+", metavar="PATH")
    upload.add_argument("--content-type", metavar="TYPE")
    group.add_list("list", "List your files.", lambda c: c.files.list, COLUMNS)
    group.add_show("get", "Show a file.", lambda c, id: c.files.get(id))
    group.add("delete", delete, "Delete a file.").add_argument("id")
    download = group.add(
        "download",
        download_file,
        "Download a file, given its signed download URL (or its id and the URL's parts).",
    )
    download.add_argument("file", metavar="URL|ID")
    for part in SIGNED:
        download.add_argument(f"--{part}", help="of the signed download URL (with an ID)")
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


def delete(ctx: Context) -> int:
    ctx.client.files.delete(ctx.args.id)
    print(f"deleted {ctx.args.id}", file=ctx.stderr)
    return errors.OK


def download_file(ctx: Context) -> int:
    from ...file import UnsignedDownloadError, signed_download
    from ..outputs import new_path

    args = ctx.args
    signed = {part: getattr(args, part) for part in SIGNED if getattr(args, part) is not None}
    try:
        file_id, _ = signed_download(args.file, signed)  # checked before anything is sent
    except UnsignedDownloadError as error:
        if error.url is None:
            raise errors.UsageError(
                f"downloads need the file's signed download URL ({SIGNED_FORM}), or its id "
                "with --owner, --expiry and --signature"
            ) from None
        # Not the file's urls.get: that is its API URL, which is never signed.
        raise errors.UsageError(
            f"{error.url} is not a signed download URL (it has no {', '.join(error.missing)}); "
            f"pass one ({SIGNED_FORM}), or the file's id with --owner, --expiry and --signature"
        ) from None
    if args.output is not None and str(args.output) == "-":
        for chunk in ctx.client.files.iter_download(args.file, **signed):
            sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
        return errors.OK
    target = args.output or new_path(Path(), ctx.client.files.get(file_id).name or file_id)
    print(ctx.client.files.download(args.file, target, **signed), file=ctx.stdout)
    return errors.OK
