"""Files uploaded to Replicate (usable as prediction inputs)."""

from __future__ import annotations

import builtins
import io
import json
import os
import stat
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO, TypeAlias, TypedDict, cast, overload
from urllib.parse import parse_qs, urlsplit

from attrs import define

from ._api.ops import Call, LazyArg, request_args
from ._encoding.file_output import (
    CHUNK_SIZE,
    DOWNLOAD_EXTENSIONS,
    DownloadBody,
    async_raw_body,
    async_write_chunks,
    raw_body,
    write_chunks,
)
from ._encoding.inputs import MAX_UPLOAD_BYTES, FileTooLargeError, InputTypeError, InputValueError
from .exceptions import InvalidArgumentError
from .pagination import Cursor, Page, page_call
from .resource import Namespace, Resource, returns_true

if TYPE_CHECKING:
    from .client import Client

FileInput = str | os.PathLike[str] | IO[bytes] | bytes | bytearray | memoryview


@define(kw_only=True, repr=False)  # Resource.__repr__
class File(Resource):
    """An uploaded file. ``urls["get"]`` is its API address."""

    id: str
    name: str | None = None
    content_type: str | None = None
    size: int | None = None
    etag: str | None = None
    checksums: dict[str, str] | None = None
    metadata: dict[str, Any] | None = None
    created_at: str | None = None
    expires_at: str | None = None
    urls: dict[str, str] | None = None


parse_file = File.from_json


@define
class _UploadBody(LazyArg):
    """The multipart body of ``POST /files`` around an already opened file."""

    stream: IO[bytes]
    filename: str
    content_type: str
    metadata: dict[str, Any] | None

    def build(self) -> Any:
        from replicate_api.types import File as GeneratedFile

        fields: dict[str, Any] = {
            "content": GeneratedFile(
                payload=cast(BinaryIO, self.stream),
                file_name=self.filename,
                mime_type=self.content_type,
            ),
            "filename": self.filename,
            "type_": self.content_type,
        }
        if self.metadata is not None:
            from replicate_api.models.files_create_body_metadata import FilesCreateBodyMetadata

            fields["metadata"] = FilesCreateBodyMetadata.from_dict(self.metadata)
        from replicate_api.models.files_create_body import FilesCreateBody

        return FilesCreateBody(**fields)


@contextmanager
def _opened(
    file: FileInput, filename: str | None, content_type: str | None, metadata: Any
) -> Iterator[Call[File]]:
    """Open ``file`` (a path, file object or bytes) and describe its upload."""
    if metadata is not None and not isinstance(metadata, dict):
        raise TypeError(f"metadata must be a dict, got {type(metadata).__name__}")
    if isinstance(file, str | os.PathLike):
        path = os.fspath(file)
        if not os.path.isfile(path):
            raise ValueError(f"file {path!r} does not exist or is not a regular file")
        with open(path, "rb") as stream:
            yield _upload_call(stream, filename or os.path.basename(path), content_type, metadata)
        return
    if isinstance(file, bytes | bytearray | memoryview):
        yield _upload_call(io.BytesIO(bytes(file)), filename or "file", content_type, metadata)
        return
    if not hasattr(file, "read"):
        kind = type(file).__name__
        raise TypeError(f"file must be a path, bytes or binary file object, got {kind}")
    name = filename or os.path.basename(str(getattr(file, "name", "") or "file"))
    yield _upload_call(file, name, content_type, metadata)


def _upload_call(
    stream: IO[bytes], filename: str, content_type: str | None, metadata: Any
) -> Call[File]:
    stream = _within_upload_limit(stream, filename)
    _check_metadata(metadata)
    if content_type is None:
        import mimetypes

        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    from replicate_api.api.files import files_create

    body = _UploadBody(stream, filename, content_type, metadata)
    return Call(parse_file, files_create.request_kwargs, kwargs={"body": body})


def _within_upload_limit(stream: IO[bytes], filename: str) -> IO[bytes]:
    """``stream`` if it fits ``POST /files`` (100 MiB), else :class:`FileTooLargeError`
    before anything is sent. A seekable file is sent whole, from its first byte wherever it
    is positioned (httpx's multipart rewinds it, as with 1.x), so it is measured whole; a
    stream whose size cannot be known without reading is read (up to the limit) into memory."""
    size = _seekable_size(stream)
    measured = size is not None
    if size is None:
        data = stream.read(MAX_UPLOAD_BYTES + 1)
        stream, size = io.BytesIO(data), len(data)
    else:
        # A file still growing (a log) sends what was measured.
        stream = cast(IO[bytes], _Exactly(stream, size))
    if size > MAX_UPLOAD_BYTES:
        how_big = f"is {size} bytes" if measured else "has more bytes than that"
        raise FileTooLargeError(
            "file",
            f"{filename!r} {how_big}: files.create accepts at most "
            f"{MAX_UPLOAD_BYTES} bytes (100 MiB)",
        )
    return stream


def _seekable_size(stream: IO[bytes]) -> int | None:
    try:
        if stream.seekable() and _regular_or_not_a_file(stream):
            here = stream.tell()
            end = stream.seek(0, io.SEEK_END)
            stream.seek(here)
            return end
    except (AttributeError, OSError, ValueError):
        pass
    return None


def _regular_or_not_a_file(stream: IO[bytes]) -> bool:
    # A device or pipe can claim to seek (stdin from /dev/zero measures 0 bytes, then never
    # ends): only a regular file's size is its content's.
    try:
        descriptor = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return True  # in memory (BytesIO)
    return stat.S_ISREG(os.fstat(descriptor).st_mode)


class _Exactly(io.RawIOBase):
    """The first ``size`` bytes of a seekable binary file, however it grows meanwhile: what is
    sent matches the length declared for it (httpx's multipart rewinds and measures it)."""

    def __init__(self, inner: IO[bytes], size: int) -> None:
        super().__init__()
        self._inner = inner
        self._size = size
        self._position = inner.tell()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        self._inner.seek(min(self._position, self._size))
        return self._position

    def read(self, size: int | None = -1) -> bytes:
        left = max(0, self._size - self._position)
        wanted = left if size is None or size < 0 else min(size, left)
        data = self._inner.read(wanted) if wanted else b""
        self._position += len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _check_metadata(metadata: Any) -> None:
    # NaN and infinities are not JSON: the API would get a body it cannot parse.
    if metadata is None:
        return
    try:
        json.dumps(metadata, allow_nan=False)
    except ValueError as error:
        raise InputValueError("metadata", f"{error}; use finite numbers") from None
    except TypeError as error:
        raise InputTypeError("metadata", str(error)) from None


def _id_of(file: File | str) -> str:
    value = file.id if isinstance(file, File) else file
    if not isinstance(value, str) or not value:
        raise InvalidArgumentError(f"file id must be a non-empty string, got {value!r}")
    return value


#: The parts of a file's signed download URL a download needs.
SIGNED = ("owner", "expiry", "signature")


class UnsignedDownloadError(TypeError):
    """A download without the ``owner``, ``expiry`` and ``signature`` of the file's signed
    URL (:attr:`missing` names those absent; :attr:`url` is the URL given, if any)."""

    def __init__(self, missing: list[str], url: str | None) -> None:
        if url is None:
            message = (
                f"files.download() needs {missing}: pass the file's signed download URL, "
                "or owner=, expiry= and signature="
            )
        else:
            message = (
                f"{url} is not a signed download URL (it has no {', '.join(missing)}); pass "
                "one (.../v1/files/ID/download?owner=...&expiry=...&signature=...), or the "
                "file's id with owner=, expiry= and signature= (a file's urls.get is its API "
                "URL, which is not signed)"
            )
        super().__init__(message)
        self.missing = missing
        self.url = url


def _signed_query(url: str) -> dict[str, Any]:
    query = parse_qs(urlsplit(url).query)
    return {k: query[k][0] for k in SIGNED if k in query}


def signed_download(file: File | str, signed: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The file id and signed-URL parts of a download of ``file`` (a signed download URL, a
    :class:`File`, or an id with ``signed``); :class:`UnsignedDownloadError` names what is
    missing. Sends nothing."""
    params = dict(signed)
    unknown = sorted(set(params) - set(SIGNED))
    if unknown:
        raise TypeError(f"files.download() got unexpected keyword arguments {unknown}")
    url = None
    if isinstance(file, str) and file.startswith(("https://", "http://")):
        # A signed download URL: .../files/<id>/download?owner=..&expiry=..&signature=..
        url = file
        params = {**_signed_query(file), **params}
        file = urlsplit(file).path.rstrip("/").removesuffix("/download").rpartition("/")[2]
    elif isinstance(file, File) and not params:
        for link in (file.urls or {}).values():
            params = _signed_query(link)
            if len(params) == len(SIGNED):
                break
    missing = [k for k in SIGNED if params.get(k) is None]
    if missing:
        raise UnsignedDownloadError(missing, url)
    try:
        params["expiry"] = int(params["expiry"])
    except (TypeError, ValueError):
        raise InvalidArgumentError(
            f"expiry must be a whole number of seconds, got {params['expiry']!r}"
        ) from None
    return _id_of(file), params


def _download_call(file: File | str, signed: Mapping[str, Any]) -> Call[bytes]:
    """``GET /files/{id}/download`` with the owner/expiry/signature of a signed URL."""
    file_id, params = signed_download(file, signed)
    from replicate_api.api.files import files_download

    def parse(client: Client, data: Any) -> bytes:
        return bytes(data)

    return Call(
        parse, files_download.request_kwargs, args=(file_id,), kwargs=params, decode="bytes"
    )


class _FirstPage:
    """``files.list()`` called without a cursor, as 1.x code does."""


_FIRST_PAGE = _FirstPage()


class CreateFileParams(TypedDict, total=False):
    """Keyword arguments of :meth:`Files.create` after the file."""

    filename: str
    content_type: str
    metadata: dict[str, Any]


class Files(Namespace):
    """``client.files``: upload, inspect, list, download and delete files."""

    #: 1.x's name for the keyword arguments of :meth:`create`, as a nested class.
    CreateFileParams: TypeAlias = CreateFileParams

    def create(
        self,
        file: FileInput,
        *,
        filename: str | None = None,
        content_type: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> File:
        """Upload a file from a path, an open binary file or bytes (streamed, not read whole)."""
        with _opened(file, filename, content_type, metadata) as call:
            return self._call(call)

    async def async_create(
        self,
        file: FileInput,
        *,
        filename: str | None = None,
        content_type: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> File:
        """Async :meth:`create`."""
        with _opened(file, filename, content_type, metadata) as call:
            return await self._acall(call)

    def get(self, file_id: str) -> File:
        """Get a file's details."""
        return self._call(_get_call(file_id))

    async def async_get(self, file_id: str) -> File:
        """Async :meth:`get`."""
        return await self._acall(_get_call(file_id))

    @overload
    def list(self) -> builtins.list[File]: ...
    @overload
    def list(self, cursor: Cursor) -> Page[File]: ...
    def list(self, cursor: Cursor | _FirstPage = _FIRST_PAGE) -> builtins.list[File] | Page[File]:
        """Your files, newest first.

        Called as in 1.x, without a cursor, the first page's files as a ``list`` (what 1.x
        returns); with a cursor (``...`` for the first page, or a page's ``next``), a
        :class:`Page`, so that ``paginate(client.files.list)`` walks through all of them.
        """
        if isinstance(cursor, _FirstPage):
            return self._call(_list_call(...)).results
        return self._call(_list_call(cursor))

    @overload
    async def async_list(self) -> builtins.list[File]: ...
    @overload
    async def async_list(self, cursor: Cursor) -> Page[File]: ...
    async def async_list(
        self, cursor: Cursor | _FirstPage = _FIRST_PAGE
    ) -> builtins.list[File] | Page[File]:
        """Async :meth:`list`."""
        if isinstance(cursor, _FirstPage):
            return (await self._acall(_list_call(...))).results
        return await self._acall(_list_call(cursor))

    def delete(self, file_id: str | File) -> bool:
        """Delete a file; returns True."""
        return self._call(_delete_call(file_id))

    async def async_delete(self, file_id: str | File) -> bool:
        """Async :meth:`delete`."""
        return await self._acall(_delete_call(file_id))

    @overload
    def download(self, file: File | str, path: None = None, **signed: Any) -> bytes: ...
    @overload
    def download(self, file: File | str, path: str | os.PathLike[str], **signed: Any) -> Path: ...
    def download(
        self, file: File | str, path: str | os.PathLike[str] | None = None, **signed: Any
    ) -> bytes | Path:
        """Download a file, given its signed download URL, or a File / file id plus the
        ``owner``, ``expiry`` and ``signature`` of that URL.

        Returns the bytes, or with ``path`` streams them to that file and returns its path.
        """
        if path is None:
            return b"".join(self.iter_download(file, **signed))
        return write_chunks(path, self.iter_download(file, **signed))

    @overload
    async def async_download(self, file: File | str, path: None = None, **signed: Any) -> bytes: ...
    @overload
    async def async_download(
        self, file: File | str, path: str | os.PathLike[str], **signed: Any
    ) -> Path: ...
    async def async_download(
        self, file: File | str, path: str | os.PathLike[str] | None = None, **signed: Any
    ) -> bytes | Path:
        """Async :meth:`download`."""
        if path is None:
            return b"".join([chunk async for chunk in self.async_iter_download(file, **signed)])
        return await async_write_chunks(path, self.async_iter_download(file, **signed))

    def iter_download(
        self, file: File | str, *, chunk_size: int = CHUNK_SIZE, **signed: Any
    ) -> Iterator[bytes]:
        """Stream a file's bytes in chunks of at most ``chunk_size`` bytes (arguments as for
        :meth:`download`)."""
        request = request_args(_download_call(file, signed))  # checked before any I/O
        return self._iter(request, _chunk_size(chunk_size))

    def _iter(self, request: dict[str, Any], chunk_size: int) -> Iterator[bytes]:
        with self._client._http.stream(**request, extensions=DOWNLOAD_EXTENSIONS) as response:
            body = DownloadBody(response, self._client, size=chunk_size)
            for raw in raw_body(response):
                yield from body.feed(raw)
            yield from body.flush()

    def async_iter_download(
        self, file: File | str, *, chunk_size: int = CHUNK_SIZE, **signed: Any
    ) -> AsyncIterator[bytes]:
        """Async :meth:`iter_download`."""
        request = request_args(_download_call(file, signed))
        return self._aiter(request, _chunk_size(chunk_size))

    async def _aiter(self, request: dict[str, Any], chunk_size: int) -> AsyncIterator[bytes]:
        async with self._client._async_http().stream(
            **request, extensions=DOWNLOAD_EXTENSIONS
        ) as response:
            body = DownloadBody(response, self._client, size=chunk_size)
            async for raw in async_raw_body(response):
                for chunk in body.feed(raw):
                    yield chunk
            for chunk in body.flush():
                yield chunk


def _chunk_size(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidArgumentError(f"chunk_size must be a positive int, got {value!r}")
    return value


def _get_call(file: File | str) -> Call[File]:
    from replicate_api.api.files import files_get

    return Call(parse_file, files_get.request_kwargs, args=(_id_of(file),))


def _list_call(cursor: Cursor) -> Call[Page[File]]:
    from replicate_api.api.files import files_list

    return page_call(files_list.request_kwargs, parse_file, cursor, "/files")


def _delete_call(file: File | str) -> Call[bool]:
    from replicate_api.api.files import files_delete

    return Call(returns_true, files_delete.request_kwargs, args=(_id_of(file),), decode="none")
