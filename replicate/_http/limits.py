"""Size limits on what a server sends, and the bounded decoding that enforces them (no I/O).

Bodies are decoded here rather than by httpx so that a compressed body is counted
while it inflates (a 0.5 MB gzip bomb never becomes 500 MB in memory) and so that
downloads come out in pieces of at most :data:`PIECE` bytes whatever the
``Content-Encoding`` (``gzip``, ``deflate`` or stacked ``gzip, gzip``).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator

from ..exceptions import ResponseTooLargeError

#: Most decoded bytes accepted in the body of an API answer (JSON).
API_BODY_LIMIT = 32 * 1024 * 1024
#: Most decoded bytes of an error body kept; the rest is not read.
ERROR_BODY_LIMIT = 64 * 1024
#: Largest piece a decoder hands on at once (downloads stay flat in memory).
PIECE = 64 * 1024

_GZIP = ("gzip", "x-gzip")
#: The encodings the client asks for (the ones :class:`Inflater` decodes).
ACCEPT_ENCODING = "gzip, deflate"


class UnsupportedEncoding(ValueError):
    """A ``Content-Encoding`` this client cannot decode."""


class _Layer:
    """One ``Content-Encoding`` layer, inflated with bounded output."""

    __slots__ = ("_inflater", "_name", "_started")

    def __init__(self, name: str) -> None:
        self._name = name
        self._started = False
        # gzip: header and trailer; deflate: zlib-wrapped (raw deflate is tried on failure).
        self._inflater = zlib.decompressobj(
            zlib.MAX_WBITS | 16 if name in _GZIP else zlib.MAX_WBITS
        )

    def feed(self, data: bytes) -> Iterator[bytes]:
        while True:
            try:
                out = self._inflater.decompress(data, PIECE)
            except zlib.error as exc:
                if self._name != "deflate" or self._started:
                    raise UnsupportedEncoding(f"corrupt {self._name} body: {exc}") from None
                # Some servers send raw deflate without the zlib wrapper.
                self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                self._started = True
                continue
            self._started = True
            data = self._inflater.unconsumed_tail
            if out:
                yield out
            if self._inflater.eof or (not data and len(out) < PIECE):
                return

    def flush(self) -> Iterator[bytes]:
        rest = self._inflater.flush()
        for start in range(0, len(rest), PIECE):
            yield rest[start : start + PIECE]


class Inflater:
    """Undo the ``Content-Encoding`` layers of a body incrementally.

    :meth:`feed` takes raw bytes as they arrive and yields decoded pieces of at
    most :data:`PIECE` bytes; :meth:`flush` yields what is left at the end.
    """

    def __init__(self, content_encoding: str | None) -> None:
        names = [
            part.strip().lower() for part in (content_encoding or "").split(",") if part.strip()
        ]
        for name in names:
            if name not in (*_GZIP, "deflate", "identity"):
                raise UnsupportedEncoding(f"unsupported Content-Encoding {name!r}")
        # The last encoding listed was applied last, so it is undone first.
        self._layers = [_Layer(name) for name in reversed(names) if name != "identity"]

    @property
    def decodes(self) -> bool:
        """Whether the body is encoded (else pieces pass through unchanged)."""
        return bool(self._layers)

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decoded pieces of ``data``."""
        return self._through(0, data) if self._layers else iter((data,) if data else ())

    def flush(self) -> Iterator[bytes]:
        """The decoded pieces left once the raw body has ended."""
        for index, layer in enumerate(self._layers):
            for piece in layer.flush():
                yield from self._through(index + 1, piece)

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self._layers):
            yield data
            return
        for piece in self._layers[index].feed(data):
            yield from self._through(index + 1, piece)


class BodyReader:
    """Collect a decoded body up to ``limit`` bytes.

    With ``truncate`` (error bodies) the reader just stops at the limit
    (:meth:`feed` returns ``True``: read no more); without it, going past the limit
    raises :class:`~replicate.exceptions.ResponseTooLargeError`.
    """

    def __init__(
        self,
        content_encoding: str | None,
        *,
        limit: int,
        truncate: bool,
        method: str,
        url: Callable[[], str],
    ) -> None:
        self._inflater = Inflater(content_encoding)
        self._pieces: list[bytes] = []
        self._size = 0
        self._limit = limit
        self._truncate = truncate
        self._method = method
        self._url = url
        self.full = False

    @property
    def decodes(self) -> bool:
        """Whether the body has a content encoding to undo."""
        return self._inflater.decodes

    def feed(self, raw: bytes) -> bool:
        """Take raw bytes; ``True`` once the (truncated) body is complete."""
        return self._take(self._inflater.feed(raw))

    def finish(self) -> bytes:
        """The decoded body once the raw body has ended (or reading stopped)."""
        if not self.full:
            self._take(self._inflater.flush())
        return b"".join(self._pieces)

    def _take(self, pieces: Iterator[bytes]) -> bool:
        for piece in pieces:
            room = self._limit - self._size
            if len(piece) > room:
                if not self._truncate:
                    raise ResponseTooLargeError(self._method, self._url(), self._limit)
                self._pieces.append(piece[:room])
                self._size = self._limit
                self.full = True
                return True
            self._pieces.append(piece)
            self._size += len(piece)
        return False


#: A download must bring at least this many bytes in every read-timeout window (or end).
DOWNLOAD_MIN_BYTES_PER_WINDOW = 64 * 1024


class TooSlow(Exception):
    """Internal: a download fell below its minimum rate (the shell raises a read timeout)."""


class RateFloor:
    """The total-time policy of downloads: progress in every window.

    Each read already has the client's read timeout (the idle bound); on top of
    that, every ``window`` seconds must bring :data:`DOWNLOAD_MIN_BYTES_PER_WINDOW`
    bytes, so a server trickling a byte a second cannot hold a download open.
    ``window=None`` (no read timeout) disables the floor.
    """

    def __init__(self, window: float | None, now: float) -> None:
        self._window = window
        self._start = now
        self._count = 0

    def took(self, size: int, now: float) -> None:
        """Count ``size`` bytes received at ``now``; raises :class:`TooSlow` below the floor."""
        if self._window is None:
            return
        self._count += size
        if now - self._start < self._window:
            return
        if self._count < DOWNLOAD_MIN_BYTES_PER_WINDOW:
            raise TooSlow(
                f"download brought {self._count} bytes in {now - self._start:.1f}s "
                f"(the floor is {DOWNLOAD_MIN_BYTES_PER_WINDOW} bytes per {self._window:g}s)"
            )
        self._start, self._count = now, 0
