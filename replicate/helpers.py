"""Preparing inputs for the API.

:func:`encode_json` / :func:`async_encode_json` are the single place where a
prediction or training ``input`` becomes JSON-ready data: values are validated
(errors name the key path, e.g. ``input["images"][2]``) and file values (paths,
binary file objects, bytes) are uploaded through ``files.create`` or inlined as
data URIs, per the ``file_encoding_strategy`` (client-wide or per call).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._input import FileSource
    from .client import Client

__all__ = ["async_encode_json", "encode_json"]


def _strategy(client: Client | None, strategy: str | None) -> str:
    if strategy is not None:
        return strategy
    return client.file_encoding_strategy if client is not None else "default"


def encode_json(
    obj: Any, client: Client | None = None, file_encoding_strategy: str | None = None
) -> dict[str, Any]:
    """Validate ``obj`` (an input dict) and replace its files by URLs or data URIs."""
    from ._input import encode_input

    def upload(source: FileSource) -> str:
        assert client is not None, "uploading files needs a client"
        with source.open() as file:
            uploaded = client.files.create(
                file, filename=source.name, content_type=source.content_type
            )
        return (uploaded.urls or {})["get"]

    return encode_input(
        obj, upload=upload if client else None, strategy=_strategy(client, file_encoding_strategy)
    )


async def async_encode_json(
    obj: Any, client: Client | None = None, file_encoding_strategy: str | None = None
) -> dict[str, Any]:
    """Async twin of :func:`encode_json`."""
    from ._input import async_encode_input

    async def upload(source: FileSource) -> str:
        assert client is not None, "uploading files needs a client"
        with source.open() as file:
            uploaded = await client.files.async_create(
                file, filename=source.name, content_type=source.content_type
            )
        return (uploaded.urls or {})["get"]

    return await async_encode_input(
        obj, upload=upload if client else None, strategy=_strategy(client, file_encoding_strategy)
    )
