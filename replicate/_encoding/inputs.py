"""Prediction input encoding: validate ``input`` and turn file values into URLs.

Encoding is split so that the network part is a callback::

    prepared = prepare_input(input, strategy="upload")   # validates, finds files
    urls = {source: upload(source) for source in prepared.uploads}
    body_input = prepared.substitute(urls)               # JSON-ready dict

:func:`encode_input` and :func:`async_encode_input` are exactly that, sync and async.
Everything is checked in :func:`prepare_input`, before any byte is sent: unsupported
types, NaN/Infinity, cycles, nesting depth, non-``str`` keys, strings that are not
valid Unicode, and file sizes. Errors name the offending key path, like
``input["images"][2]``.

Conversions (beyond JSON's own types): tuples, sets, frozensets and generators become
lists; ``datetime``/``date``/``time`` become ISO 8601 strings; ``uuid.UUID`` becomes
its string; an ``Enum`` member becomes its value; numpy scalars and arrays become
Python numbers and lists. ``Decimal`` and other types are refused rather than
converted lossily.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import enum
import io
import json
import math
import mimetypes
import os
import tempfile
import uuid
from collections.abc import Awaitable, Callable, Iterator, Mapping
from pathlib import Path
from types import GeneratorType
from typing import IO, Any, Literal

import attrs

from ..exceptions import ReplicateException
from ..schema.secret import Secret, reveal

__all__ = [
    "DATA_URI_MAX_BYTES",
    "MAX_DEPTH",
    "MAX_UPLOAD_BYTES",
    "FileSource",
    "FileTooLargeError",
    "InputError",
    "InputTypeError",
    "InputValueError",
    "PreparedInput",
    "async_encode_input",
    "encode_input",
    "normalize_strategy",
    "prepare_input",
]

MAX_UPLOAD_BYTES = 100 * 1024 * 1024
"""Largest file ``POST /files`` accepts (100 MiB)."""

DATA_URI_MAX_BYTES = 10 * 1024 * 1024
"""Largest total of file bytes the ``"data-uri"`` strategy inlines into one input (10 MiB).

The API documentation recommends data URIs only for files up to 256 KB; beyond a few
MB the request body gets large and slow, so past this limit we refuse and ask for
``"upload"``.
"""

MAX_DEPTH = 100
"""Deepest nesting of lists/dicts accepted in ``input``."""

# How file values are sent: "upload" through POST /files, passing the file's URL, or
# "data-uri", inlining it as base64. "url" and "base64" are the 1.x names.
_STRATEGIES: dict[str, Literal["upload", "data-uri"]] = {
    "default": "upload",
    "upload": "upload",
    "url": "upload",
    "data-uri": "data-uri",
    "base64": "data-uri",
}
_MAX_FILENAME = 255  # POST /files accepts filenames up to 255 characters
_SPOOL_IN_MEMORY = 1024 * 1024
_SNIFF_BYTES = 16
_COPY_CHUNK = 1024 * 1024
# Magic numbers for nameless data, so models that look at the type still see it.
_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"WEBP", 8, "image/webp"),
    (b"WAVE", 8, "audio/wav"),
    (b"%PDF-", 0, "application/pdf"),
    (b"ID3", 0, "audio/mpeg"),
    (b"fLaC", 0, "audio/flac"),
    (b"OggS", 0, "audio/ogg"),
    (b"ftyp", 4, "video/mp4"),
    (b"PK\x03\x04", 0, "application/zip"),
)
_EXTENSIONS = {
    "image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp",
    "audio/wav": ".wav", "application/pdf": ".pdf", "audio/mpeg": ".mp3",
    "audio/flac": ".flac", "audio/ogg": ".ogg", "video/mp4": ".mp4",
    "application/zip": ".zip",
}  # fmt: skip


class InputError(ReplicateException):
    """Base of input errors; carries the key path (``input["a"][0]``) and the reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class InputTypeError(InputError, TypeError):
    """An input value has a type that cannot be sent as JSON."""


class InputValueError(InputError, ValueError):
    """An input value cannot be sent (NaN, cycle, too deep, invalid text, ...)."""


class FileTooLargeError(InputValueError):
    """A file input is larger than the chosen strategy allows."""


def normalize_strategy(strategy: str) -> Literal["upload", "data-uri"]:
    """Map a strategy name (including 1.x's ``"url"``/``"base64"``) to upload or data-uri."""
    try:
        return _STRATEGIES[strategy]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown file encoding strategy {strategy!r}; use 'default', 'upload' or 'data-uri'"
        ) from None


@attrs.define(eq=False)
class FileSource:
    """One file found in ``input``: what to upload, without reading it whole.

    ``name`` is the filename to send (at most 255 characters), ``content_type`` the
    guessed MIME type, ``size`` the number of bytes. :meth:`open` gives a binary file
    object positioned at the start, suitable for a streamed multipart upload; it can be
    called again to retry an upload. Instances hash by identity.
    """

    name: str
    content_type: str
    size: int
    _path: Path | None = attrs.field(default=None, repr=False, alias="path")
    _file: IO[bytes] | None = attrs.field(default=None, repr=False, alias="file")
    _data: bytes | None = attrs.field(default=None, repr=False, alias="data")

    @property
    def path(self) -> Path | None:
        """The file's path on disk, if it came from one."""
        return self._path

    @contextlib.contextmanager
    def open(self) -> Iterator[IO[bytes]]:
        """Open for reading from the start; closes only what it opened itself."""
        if self._path is not None:
            with self._path.open("rb") as file:
                yield file
        elif self._file is not None:
            self._file.seek(0)
            yield self._file
        else:
            yield io.BytesIO(self._data or b"")

    def data_uri(self) -> str:
        """The content as a ``data:<type>;base64,...`` URI (reads the file)."""
        if self._data is not None:
            content = self._data
        else:
            with self.open() as file:
                content = file.read()
        return f"data:{self.content_type};base64,{base64.b64encode(content).decode('ascii')}"


@attrs.frozen
class PreparedInput:
    """A validated input whose file values are :class:`FileSource` placeholders.

    ``uploads`` lists each distinct file to upload once (empty for ``"data-uri"``).
    """

    value: dict[str, Any]
    uploads: tuple[FileSource, ...]
    strategy: Literal["upload", "data-uri"]

    def substitute(self, urls: Mapping[FileSource, str]) -> dict[str, Any]:
        """Return the JSON-ready input with every file replaced by its URL."""
        missing = [source.name for source in self.uploads if source not in urls]
        if missing:
            raise ValueError(f"no URL given for uploaded file(s): {', '.join(missing)}")
        if not self.uploads:
            return self.value
        return _replace_files(self.value, urls)  # type: ignore[no-any-return]


def prepare_input(
    input: Mapping[str, Any] | None,
    *,
    strategy: str = "default",
    detect_file_paths: bool = False,
    max_upload_bytes: int = MAX_UPLOAD_BYTES,
    data_uri_max_bytes: int = DATA_URI_MAX_BYTES,
) -> PreparedInput:
    """Validate ``input`` and find its files (see the module docstring).

    ``detect_file_paths=True`` also treats a ``str`` that names an existing regular file
    as that file. With ``"data-uri"`` the files are read and inlined here; with
    ``"upload"`` they are listed in :attr:`PreparedInput.uploads` for the caller to
    upload. Raises :class:`InputTypeError`, :class:`InputValueError` or
    :class:`FileTooLargeError`.
    """
    mode = normalize_strategy(strategy)
    if input is None:
        input = {}
    if not isinstance(input, Mapping):
        raise TypeError(
            f"input must be a dict of input names to values, not {type(input).__name__}"
        )
    walker = _Walker(detect_file_paths, max_upload_bytes)
    try:
        value = walker.walk(input, 0)
    except _PathError as error:
        raise error.to_public() from error.__cause__
    sources = tuple(walker.files.values())
    if mode == "data-uri":
        total = sum(source.size for source in sources)
        if total > data_uri_max_bytes:
            raise FileTooLargeError(
                "input",
                f"files total {total} bytes, more than the {data_uri_max_bytes}-byte limit "
                "for data URIs; use the 'upload' strategy",
            )
        uris = {source: source.data_uri() for source in sources}
        return PreparedInput(_replace_files(value, uris), (), mode)
    return PreparedInput(value, sources, mode)


def encode_input(
    input: Mapping[str, Any] | None,
    *,
    upload: Callable[[FileSource], str] | None = None,
    strategy: str = "default",
    detect_file_paths: bool = False,
) -> dict[str, Any]:
    """Validate, upload each distinct file once with ``upload``, return the JSON-ready input.

    ``upload(source) -> url`` is only called with the ``"upload"`` strategy.
    """
    prepared = _prepare_for(upload, input, strategy, detect_file_paths)
    if upload is None:  # then there is nothing to upload
        return prepared.value
    return prepared.substitute({source: upload(source) for source in prepared.uploads})


async def async_encode_input(
    input: Mapping[str, Any] | None,
    *,
    upload: Callable[[FileSource], Awaitable[str]] | None = None,
    strategy: str = "default",
    detect_file_paths: bool = False,
) -> dict[str, Any]:
    """Async twin of :func:`encode_input` (``upload`` is awaited, one file at a time)."""
    prepared = _prepare_for(upload, input, strategy, detect_file_paths)
    if upload is None:  # then there is nothing to upload
        return prepared.value
    return prepared.substitute({source: await upload(source) for source in prepared.uploads})


def _prepare_for(
    upload: object, input: Mapping[str, Any] | None, strategy: str, detect_file_paths: bool
) -> PreparedInput:
    """:func:`prepare_input`, refusing files to upload when there is no ``upload``."""
    prepared = prepare_input(input, strategy=strategy, detect_file_paths=detect_file_paths)
    if prepared.uploads and upload is None:
        raise TypeError("input contains files but no upload callback was given")
    return prepared


def _replace_files(value: Any, urls: Mapping[FileSource, str]) -> Any:
    if isinstance(value, FileSource):
        return urls[value]
    if isinstance(value, dict):
        return {key: _replace_files(item, urls) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace_files(item, urls) for item in value]
    return value


class _PathError(Exception):
    """Internal: an input error whose key path is completed while unwinding."""

    def __init__(self, kind: type[InputError], reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.segments: list[str] = []

    def to_public(self) -> InputError:
        return self.kind("input" + "".join(reversed(self.segments)), self.reason)


def _key_segment(key: Any) -> str:
    if isinstance(key, str):
        # Escape keys that are not valid Unicode so the message itself can be printed.
        printable = key.isascii() or not any("\ud800" <= c <= "\udfff" for c in key)
        return "[" + json.dumps(key, ensure_ascii=not printable) + "]"
    return f"[{key!r}]"


class _Walker:
    """Depth-first validation and normalisation of one input tree."""

    def __init__(self, detect_file_paths: bool, max_upload_bytes: int) -> None:
        self.detect_file_paths = detect_file_paths
        self.max_upload_bytes = max_upload_bytes
        self.files: dict[Any, FileSource] = {}
        self._active: set[int] = set()  # containers on the current path, for cycles

    def walk(self, value: Any, depth: int) -> Any:
        if value is None or value is True or value is False:
            return value
        if isinstance(value, str):
            return self._string(value)
        if isinstance(value, int):
            # Python refuses to print ints past ~4300 digits; no model needs one.
            if value.bit_length() > 10_000:
                raise _PathError(InputValueError, "integer is too large to send")
            return int(value)  # also turns IntEnum members into their value
        if isinstance(value, float):
            if not math.isfinite(value):
                raise _PathError(InputValueError, f"{value} is not valid JSON; use a finite number")
            return value
        if isinstance(value, Mapping | list | tuple | set | frozenset | GeneratorType):
            return self._container(value, depth)
        url = _file_url(value)
        if url is not None:
            return url
        file_source = self._file(value)
        if file_source is not None:
            return file_source
        converted = _convert_scalar(value)
        if converted is not _UNSUPPORTED:
            return self.walk(converted, depth)
        raise _PathError(
            InputTypeError,
            f"{type(value).__name__} values cannot be sent as JSON; "
            "convert it first (for example with float(), str() or list())",
        )

    def _string(self, value: str) -> Any:
        _check_text(value)
        if self.detect_file_paths and _names_file(value):
            source = self._file(Path(value))
            if source is not None:
                return source
        return value

    def _container(self, value: Any, depth: int) -> Any:
        if depth >= MAX_DEPTH:
            raise _PathError(InputValueError, f"nested more than {MAX_DEPTH} levels deep")
        marker = id(value)
        if marker in self._active:
            raise _PathError(InputValueError, "cyclic structure (a container contains itself)")
        self._active.add(marker)
        try:
            if isinstance(value, Mapping):
                return self._mapping(value, depth)
            result = []
            for index, item in enumerate(value):
                try:
                    result.append(self.walk(item, depth + 1))
                except _PathError as error:
                    error.segments.append(f"[{index}]")
                    raise
            return result
        finally:
            self._active.discard(marker)

    def _mapping(self, value: Mapping[Any, Any], depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, item in value.items():
            try:
                if not isinstance(key, str):
                    raise _PathError(InputTypeError, f"keys must be str, not {type(key).__name__}")
                _check_text(key)
                result[key] = self.walk(item, depth + 1)
            except _PathError as error:
                error.segments.append(_key_segment(key))
                raise
        return result

    def _file(self, value: Any) -> FileSource | None:
        """A FileSource for file-like values, reusing one per distinct file; else None."""
        if isinstance(value, os.PathLike):
            path = Path(os.fspath(value))
            key: Any = ("path", os.path.realpath(path))
        elif isinstance(value, bytes | bytearray | memoryview) or _is_file_object(value):
            key = ("object", id(value))
        else:
            return None
        existing = self.files.get(key)
        if existing is not None:
            return existing
        source = self._make_source(value)
        if source.size > self.max_upload_bytes:
            raise _PathError(
                FileTooLargeError,
                f"file {source.name!r} is {source.size} bytes, more than the "
                f"{self.max_upload_bytes}-byte ({self.max_upload_bytes / 2**20:g} MiB) limit",
            )
        self.files[key] = source
        return source

    def _make_source(self, value: Any) -> FileSource:
        if isinstance(value, os.PathLike):
            return _path_source(Path(os.fspath(value)))
        if isinstance(value, bytes | bytearray | memoryview):
            data = bytes(value)
            content_type = _sniff(data[:_SNIFF_BYTES])
            return FileSource(_default_name(content_type), content_type, len(data), data=data)
        return self._file_object_source(value)

    def _file_object_source(self, file: Any) -> FileSource:
        mode = getattr(file, "mode", "b")
        if isinstance(file, io.TextIOBase) or (isinstance(mode, str) and "b" not in mode):
            raise _PathError(InputTypeError, "file is open in text mode; open it with 'rb'")
        name = _file_name(getattr(file, "name", None))
        try:
            if not (hasattr(file, "seekable") and file.seekable()):
                file = self._spool(file)
            size = file.seek(0, os.SEEK_END)
            file.seek(0)
            head = file.read(_SNIFF_BYTES)
            file.seek(0)
        except (OSError, ValueError, TypeError) as exc:  # closed, unreadable or odd
            raise _PathError(InputValueError, f"cannot read file {name or ''!r}: {exc}") from exc
        if not isinstance(head, bytes):
            raise _PathError(InputTypeError, "file is open in text mode; open it with 'rb'")
        content_type = _guess_type(name, head)
        return FileSource(name or _default_name(content_type), content_type, size, file=file)

    def _spool(self, stream: Any) -> IO[bytes]:
        """Buffer a non-seekable stream (to disk past 1 MiB) so size and retries work."""
        # The spool outlives this call: the FileSource owns it until garbage-collected.
        spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115
        total = 0
        while chunk := _read_chunk(stream):
            if not isinstance(chunk, bytes | bytearray):
                raise _PathError(InputTypeError, "file is open in text mode; open it with 'rb'")
            total += len(chunk)
            if total > self.max_upload_bytes:
                spool.close()
                raise _PathError(
                    FileTooLargeError,
                    f"stream is more than the {self.max_upload_bytes}-byte limit",
                )
            spool.write(chunk)
        spool.seek(0)
        return spool


_UNSUPPORTED = object()


def _convert_scalar(value: Any) -> Any:
    """Lossless conversions of common non-JSON values; ``_UNSUPPORTED`` otherwise."""
    if isinstance(value, Secret):  # sent plain, kept out of messages (see reveal)
        return reveal(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if type(value).__module__ == "numpy" and callable(getattr(value, "tolist", None)):
        return value.tolist()
    return _UNSUPPORTED


def _file_url(value: Any) -> str | None:
    """The URL of an already-hosted file (e.g. a previous run's FileOutput), if any."""
    url = getattr(value, "url", None)
    if isinstance(url, str) and url.startswith(("https://", "http://", "data:")):
        return url
    return None


def _check_text(value: str) -> None:
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise _PathError(
                InputValueError, "string contains a lone surrogate (not valid Unicode)"
            ) from None


def _read_chunk(stream: Any) -> Any:
    try:
        return stream.read(_COPY_CHUNK)
    except (OSError, ValueError, TypeError) as exc:
        raise _PathError(InputValueError, f"cannot read {type(stream).__name__}: {exc}") from exc


def _is_file_object(value: Any) -> bool:
    return isinstance(value, io.IOBase) or callable(getattr(value, "read", None))


def _names_file(value: str) -> bool:
    if not value or len(value) > 4096 or "\0" in value or value.startswith(("data:", "http")):
        return False
    try:
        return os.path.isfile(value)
    except (OSError, ValueError):
        return False


def _path_source(path: Path) -> FileSource:
    try:
        if not path.is_file():
            raise _PathError(InputValueError, f"{str(path)!r} is not an existing file")
        size = path.stat().st_size
        with path.open("rb") as file:
            head = file.read(_SNIFF_BYTES)
    except OSError as exc:
        raise _PathError(InputValueError, f"cannot read {str(path)!r}: {exc.strerror}") from exc
    return FileSource(_file_name(path.name), _guess_type(path.name, head), size, path=path)


def _file_name(name: Any) -> str:
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    if not isinstance(name, str) or not name:
        return ""
    base = os.path.basename(name)
    if len(base) > _MAX_FILENAME:
        stem, ext = os.path.splitext(base)
        ext = ext[:16]
        base = stem[: _MAX_FILENAME - len(ext)] + ext
    return base


def _default_name(content_type: str) -> str:
    return "file" + _EXTENSIONS.get(content_type, "")


def _sniff(head: bytes) -> str:
    for magic, offset, content_type in _MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return content_type
    return "application/octet-stream"


def _guess_type(name: str, head: bytes) -> str:
    guessed = mimetypes.guess_type(name, strict=False)[0] if name else None
    return guessed or _sniff(head)
