"""File outputs: model outputs that are URLs (or ``data:`` URIs) become :class:`FileOutput`.

Downloads go through the client's own httpx connection, so proxies, custom
transports and retries apply, and they are streamed in chunks. The client's
transport attaches the API token only to requests for the API's own origin, so
file hosts (CDNs) never see it. ``data:`` URIs are decoded locally.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import time
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, unquote_to_bytes, urlsplit

import httpx

from .._http.api_transport import STARTED_AT_EXTENSION, STREAMED_EXTENSION, origin
from .._http.limits import PIECE, Inflater, RateFloor, TooSlow
from .._http.secrets import scrub_text
from .filenames import DEFAULT_NAME, safe_file_name

if TYPE_CHECKING:
    from ..client import Client

__all__ = ["FileOutput", "is_file_url", "transform_output"]

CHUNK_SIZE = PIECE
#: Downloads are read as they arrive, never whole (see ``replicate._http.api_transport``).
DOWNLOAD_EXTENSIONS = {STREAMED_EXTENSION: True}
# A whole string that is one URL: no whitespace, so prose mentioning a link stays text.
_URL = re.compile(r"(?:https?://[^\s]+|data:[^\s,]*,[^\s]*)\Z", re.ASCII)


def is_file_url(value: object) -> bool:
    """True for strings that are a single ``https://``, ``http://`` or ``data:`` URL."""
    return (
        isinstance(value, str)
        and value[:5] in ("https", "http:", "data:")
        and bool(_URL.match(value))
    )


def decode_data_uri(uri: str) -> bytes:
    """The bytes of a ``data:[<type>][;base64],<data>`` URI (RFC 2397)."""
    header, comma, payload = uri.partition(",")
    if not header.startswith("data:") or not comma:
        raise ValueError("not a data: URI")
    if header.endswith(";base64"):
        data = re.sub(rb"\s+", b"", unquote_to_bytes(payload))
        try:
            return base64.b64decode(data, validate=True)
        except binascii.Error as error:
            raise ValueError(f"malformed base64 in data: URI: {error}") from None
    return unquote_to_bytes(payload)


class FileOutput(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A file produced by a model, read lazily from its URL.

    ``url`` is where it lives; ``str(file)`` is the URL too. Read it whole with
    :meth:`read` / :meth:`aread`, in chunks by iterating (``for chunk in file`` or
    ``async for chunk in file``), or write it to disk with :meth:`save` /
    :meth:`asave`. Being an httpx byte stream, it can also be passed as
    ``content=`` of an httpx request.
    """

    def __init__(self, url: str, client: Client) -> None:
        self.url = url
        self._client = client

    def __str__(self) -> str:
        return self.url

    def __repr__(self) -> str:
        # Scrubbed like a Prediction's repr: a server may echo the token into a URL.
        url = scrub_text(self.url)
        shown = url if len(url) <= 80 else url[:77] + "..."
        return f"FileOutput({shown!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FileOutput) and other.url == self.url

    def __hash__(self) -> int:
        return hash(self.url)

    # A copy shares the client. A pickle keeps only the URL (a client holds locks, sockets and
    # its token, none of which belong in a pickle): unpickled, the file reads through the
    # default client, which is all a file host needs.
    def __copy__(self) -> FileOutput:
        return FileOutput(self.url, self._client)

    def __deepcopy__(self, memo: dict[int, Any]) -> FileOutput:
        return self.__copy__()  # the client is shared, never copied

    def __reduce__(self) -> tuple[Any, ...]:
        return _unpickle, (self.url,)

    @property
    def is_data_uri(self) -> bool:
        """True when the content is inline (a ``data:`` URI) and needs no download."""
        return self.url.startswith("data:")

    def read(self) -> bytes:
        """The whole content."""
        return b"".join(self)

    async def aread(self) -> bytes:
        """Async :meth:`read`."""
        return b"".join([chunk async for chunk in self])

    def __iter__(self) -> Iterator[bytes]:
        if self.is_data_uri:
            yield from _slices(decode_data_uri(self.url))
            return
        resume = _Resume(self._client.retry_policy.max_retries)
        http = self._client._http
        while True:
            with http.stream(**self._request(resume)) as r:
                body = DownloadBody(r, self._client, resume)
                try:
                    for raw in raw_body(r):
                        yield from body.feed(raw)
                    yield from body.flush()
                    return
                except httpx.TransportError:
                    resume.failed()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self.is_data_uri:
            for chunk in _slices(decode_data_uri(self.url)):
                yield chunk
            return
        resume = _Resume(self._client.retry_policy.max_retries)
        http = self._client._async_http()
        while True:
            async with http.stream(**self._request(resume)) as r:
                body = DownloadBody(r, self._client, resume)
                try:
                    async for raw in async_raw_body(r):
                        for chunk in body.feed(raw):
                            yield chunk
                    for chunk in body.flush():
                        yield chunk
                    return
                except httpx.TransportError:
                    resume.failed()

    def _request(self, resume: _Resume) -> dict[str, Any]:
        # Downloads follow redirects (CDNs) and are streamed, never read whole.
        url = httpx.URL(self.url)
        return {
            "method": "GET",
            "url": url,
            "headers": resume.headers,
            "follow_redirects": True,
            "extensions": {**DOWNLOAD_EXTENSIONS, STARTED_AT_EXTENSION: origin(url)},
        }

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Stream the content to ``path`` (a file, or a directory to put the URL's
        file name in); returns the path written."""
        return write_chunks(self._target(path), self)

    async def asave(self, path: str | os.PathLike[str]) -> Path:
        """Async :meth:`save` (the disk writes are small and not offloaded)."""
        return await async_write_chunks(self._target(path), self)

    def _target(self, path: str | os.PathLike[str]) -> Path:
        target = Path(path)
        if target.is_dir():
            target = target / self.name
        return target

    @property
    def name(self) -> str:
        """A safe file name from the end of the URL (``"output"`` for data URIs or bare paths).

        Only the last component is kept (``/``, ``\\`` and ``:`` all separate, also when
        percent-encoded), without control characters, ``.``/``..`` or Windows device
        names, and at most 255 bytes long: ``save(directory)`` always writes inside it.
        """
        if self.is_data_uri:
            return DEFAULT_NAME
        return safe_file_name(unquote(urlsplit(self.url).path))

    def close(self) -> None:
        """Nothing to release: each read opens and closes its own response."""

    async def aclose(self) -> None:
        """Async :meth:`close`."""


class DownloadBody:
    """Decode a download's raw bytes into pieces of at most ``size`` bytes, whatever
    its ``Content-Encoding`` or type, under the rate floor of :class:`RateFloor`.
    With ``resume``, only the bytes not handed out before a break come out."""

    def __init__(
        self,
        response: httpx.Response,
        client: Client,
        resume: _Resume | None = None,
        *,
        size: int = CHUNK_SIZE,
    ) -> None:
        self._request = response.request
        self._resume = resume
        self._size = size
        if resume is not None:
            try:
                resume.response(response.status_code, response.headers.get("content-range"))
            except ValueError as exc:
                raise httpx.RemoteProtocolError(str(exc), request=response.request) from None
        # A body already read (a transport that answered from memory, as test mocks do) has
        # been decoded by httpx: it must not be inflated twice.
        encoding = None if response.is_stream_consumed else response.headers.get("content-encoding")
        try:
            self._inflater = Inflater(encoding)
        except ValueError as exc:
            raise httpx.DecodingError(str(exc), request=response.request) from None
        if resume is not None and encoding and encoding.strip().lower() != "identity":
            resume.encoded()
        self._floor = RateFloor(client._timeout.read, time.monotonic())

    def feed(self, raw: bytes) -> Iterator[bytes]:
        """Decoded pieces of ``raw``; a read timeout when the download is too slow."""
        try:
            self._floor.took(len(raw), time.monotonic())
        except TooSlow as exc:
            raise httpx.ReadTimeout(str(exc), request=self._request) from None
        yield from self._fresh(self._inflater.feed(raw))

    def flush(self) -> Iterator[bytes]:
        """The last decoded pieces once the raw body ended."""
        yield from self._fresh(self._inflater.flush())

    def _fresh(self, pieces: Iterator[bytes]) -> Iterator[bytes]:
        try:
            for piece in pieces:
                if self._resume is not None:
                    piece = self._resume.fresh(piece)
                for start in range(0, len(piece), self._size):
                    yield piece[start : start + self._size]
        except ValueError as exc:
            raise httpx.DecodingError(str(exc), request=self._request) from None


def raw_body(response: httpx.Response) -> Iterator[bytes]:
    """The body as sent, for :class:`DownloadBody`: each piece as the network brought it, so
    that the rate floor sees every read (pieces of a fixed size would hold a trickle back from
    it); a body already read (which ``iter_raw`` refuses) comes from memory."""
    return response.iter_bytes() if response.is_stream_consumed else response.iter_raw()


def async_raw_body(response: httpx.Response) -> AsyncIterator[bytes]:
    """Async :func:`raw_body`."""
    return response.aiter_bytes() if response.is_stream_consumed else response.aiter_raw()


_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-\d+/(?:\d+|\*)", re.IGNORECASE)


class _Resume:
    """Continue a download that broke off mid-body, without repeating a byte.

    The next request asks for the rest (``Range: bytes=N-``); a server that ignores
    ranges sends everything again and the first N bytes are skipped. A body sent with a
    ``Content-Encoding`` is asked for whole again: ranges count its encoded bytes, not the
    N decoded ones handed out, and a decoder cannot start mid-stream. Gives up
    (re-raising) after ``max_retries`` breaks.
    """

    def __init__(self, max_retries: int) -> None:
        self.max_retries = max_retries
        self.received = 0
        self._skip = 0
        self._breaks = 0
        self._ranged = True

    @property
    def headers(self) -> dict[str, str] | None:
        return {"Range": f"bytes={self.received}-"} if self.received and self._ranged else None

    def encoded(self) -> None:
        """The body came encoded: resume by asking for all of it again."""
        self._ranged = False

    def response(self, status: int, content_range: str | None) -> None:
        """Take the answer to the next request: the whole body again (skip what was handed
        out), or a 206 whose ``Content-Range`` must start at or before the first byte wanted.
        ``ValueError`` otherwise: bytes would be repeated or lost without a word."""
        if status != 206:
            self._skip = self.received
            return
        match = _CONTENT_RANGE.fullmatch((content_range or "").strip())
        start = int(match[1]) if match else None
        if start is None or start > self.received:
            raise ValueError(
                f"a resumed download answered 206 with Content-Range {content_range!r}; "
                f"it should start at byte {self.received}"
            )
        self._skip = self.received - start  # an overlap is skipped, not handed out twice

    def fresh(self, chunk: bytes) -> bytes:
        """The part of ``chunk`` not yet handed out."""
        if self._skip:
            taken = min(self._skip, len(chunk))
            self._skip -= taken
            chunk = chunk[taken:]
        self.received += len(chunk)
        return chunk

    def failed(self) -> None:
        """Call inside ``except``: re-raises once the retries are used up."""
        self._breaks += 1
        if self._breaks > self.max_retries:
            raise


def write_chunks(path: str | os.PathLike[str], chunks: Iterable[bytes]) -> Path:
    """Write ``chunks`` to the file ``path`` as they come; returns the path. The file is
    opened once the first chunk (or the end) arrived: a download refused outright (404, an
    expired signature) leaves an existing file as it was."""
    target = Path(path)
    pieces = iter(chunks)
    first = next(pieces, b"")
    with target.open("wb") as out:
        out.write(first)
        for chunk in pieces:
            out.write(chunk)
    return target


async def async_write_chunks(path: str | os.PathLike[str], chunks: AsyncIterable[bytes]) -> Path:
    """Async :func:`write_chunks`."""
    target = Path(path)
    pieces = aiter(chunks)
    first = await anext(pieces, b"")
    with target.open("wb") as out:
        out.write(first)
        async for chunk in pieces:
            out.write(chunk)
    return target


def _slices(data: bytes) -> Iterator[bytes]:
    view = memoryview(data)
    for start in range(0, len(data), CHUNK_SIZE):
        yield bytes(view[start : start + CHUNK_SIZE])


def transform_output(value: Any, client: Client) -> Any:
    """Replace every URL string in ``value`` (nested lists/dicts) by a :class:`FileOutput`.

    Walks with an explicit stack rather than recursion, so any depth the JSON
    decoder accepted is handled.
    """

    def convert(item: Any) -> Any:
        if isinstance(item, str):
            return FileOutput(item, client) if is_file_url(item) else item
        if isinstance(item, Mapping):
            copy: dict[Any, Any] = dict(item)
            pending.append(copy)
            return copy
        if isinstance(item, list | tuple):
            items = list(item)
            pending.append(items)
            return items
        return item

    pending: list[dict[Any, Any] | list[Any]] = []
    result = convert(value)
    while pending:
        container = pending.pop()
        if isinstance(container, dict):
            for key, item in container.items():
                container[key] = convert(item)
        else:
            for index, item in enumerate(container):
                container[index] = convert(item)
    return result


def _unpickle(url: str) -> FileOutput:
    from .. import _default_client

    return FileOutput(url, _default_client())
