"""Preparing inputs for the API.

:func:`encode_json` / :func:`async_encode_json` are the single place where a
prediction or training ``input`` becomes JSON-ready data: values are validated
(errors name the key path, e.g. ``input["images"][2]``) and file values (paths,
binary file objects, bytes) are uploaded through ``files.create`` or inlined as
data URIs, per the ``file_encoding_strategy`` (client-wide or per call).

Outputs: :class:`FileOutput` (URL and ``data:`` outputs of ``run``) and
:func:`transform_output` live in :mod:`replicate._encoding.file_output` and are
re-exported here, where 1.x had them.
"""

from __future__ import annotations

import base64
import mimetypes
from typing import IO, TYPE_CHECKING, Any

from ._encoding.file_output import FileOutput, transform_output

if TYPE_CHECKING:
    from ._encoding.inputs import FileSource
    from .client import Client

__all__ = [
    "FileOutput",
    "async_encode_json",
    "base64_encode_file",
    "encode_json",
    "transform_output",
]


def base64_encode_file(file: IO[Any]) -> str:
    """The content of an open file as a ``data:<type>;base64,...`` URI (reads it whole;
    the type is guessed from the file's name)."""
    file.seek(0)
    body = file.read()
    if isinstance(body, str):
        body = body.encode("utf-8")
    content_type = mimetypes.guess_type(str(getattr(file, "name", "")))[0]
    encoded = base64.b64encode(body).decode("ascii")
    return f"data:{content_type or 'application/octet-stream'};base64,{encoded}"


def _strategy(client: Client | None, strategy: str | None) -> str:
    if strategy is not None:
        return strategy
    return client.file_encoding_strategy if client is not None else "default"


def _detect_paths(client: Client | None) -> bool:
    return bool(getattr(client, "detect_file_paths", False))


def encode_json(
    obj: Any, client: Client | None = None, file_encoding_strategy: str | None = None
) -> dict[str, Any]:
    """Validate ``obj`` (an input dict) and replace its files by URLs or data URIs."""
    from ._encoding.inputs import encode_input

    def upload(source: FileSource) -> str:
        assert client is not None, "uploading files needs a client"
        with source.open() as file:
            uploaded = client.files.create(
                file, filename=source.name, content_type=source.content_type
            )
        return (uploaded.urls or {})["get"]

    return encode_input(
        obj,
        upload=upload if client else None,
        strategy=_strategy(client, file_encoding_strategy),
        detect_file_paths=_detect_paths(client),
    )


async def async_encode_json(
    obj: Any, client: Client | None = None, file_encoding_strategy: str | None = None
) -> dict[str, Any]:
    """Async twin of :func:`encode_json`."""
    from ._encoding.inputs import async_encode_input

    async def upload(source: FileSource) -> str:
        assert client is not None, "uploading files needs a client"
        with source.open() as file:
            uploaded = await client.files.async_create(
                file, filename=source.name, content_type=source.content_type
            )
        return (uploaded.urls or {})["get"]

    return await async_encode_input(
        obj,
        upload=upload if client else None,
        strategy=_strategy(client, file_encoding_strategy),
        detect_file_paths=_detect_paths(client),
    )
