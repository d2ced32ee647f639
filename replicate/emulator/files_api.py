"""Files API: streamed multipart uploads with a size limit, expiry, signed download URLs."""

from __future__ import annotations

import hashlib
import hmac
import json
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import IO, TYPE_CHECKING, Any, cast
from urllib.parse import quote

from python_multipart.multipart import MultipartParser, parse_options_header

from .catalog import OWNER
from .http import (
    HTTPError,
    Request,
    Response,
    StreamResponse,
    json_response,
    not_found,
    page_response,
    problem,
    unprocessable,
)
from .jobs import iso, now
from .store import StoredFile
from .validation import InvalidField

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

    from .app import EmulatorApp

CHUNK = 64 * 1024
SPOOL_LIMIT = 1024 * 1024


class _Part:
    def __init__(self) -> None:
        self.headers: dict[str, str] = {}
        self.name = ""
        self.filename: str | None = None
        self.content_type = "application/octet-stream"
        self.sink: IO[bytes] | None = None
        self.text = bytearray()
        self.size = 0
        self.sha256 = hashlib.sha256()


class _Collector:
    """Receives multipart callbacks; the ``content`` part goes to a spooled temp file."""

    def __init__(self, max_size: int) -> None:
        self.max_size = max_size
        self.parts: dict[str, _Part] = {}
        self.too_large = False
        self._part = _Part()
        self._field = b""
        self._value = b""

    def discard(self) -> None:
        """Close every spooled part (the upload was refused or cut off)."""
        for part in [*self.parts.values(), self._part]:
            if part.sink is not None:
                part.sink.close()

    def callbacks(self) -> dict[str, Any]:
        return {
            "on_part_begin": self._begin,
            "on_header_field": lambda d, s, e: self._add("_field", d[s:e]),
            "on_header_value": lambda d, s, e: self._add("_value", d[s:e]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_done,
            "on_part_data": self._data,
            "on_part_end": self._end,
        }

    def _add(self, attr: str, data: bytes) -> None:
        setattr(self, attr, getattr(self, attr) + data)

    def _begin(self) -> None:
        self._part = _Part()

    def _header_end(self) -> None:
        self._part.headers[self._field.decode("latin-1").lower()] = self._value.decode(
            "utf-8", "replace"
        )
        self._field = self._value = b""

    def _headers_done(self) -> None:
        part = self._part
        _, params = parse_options_header(part.headers.get("content-disposition", ""))
        part.name = params.get(b"name", b"").decode("utf-8", "replace")
        filename = params.get(b"filename")
        part.filename = filename.decode("utf-8", "replace") if filename is not None else None
        part.content_type = part.headers.get("content-type", part.content_type)
        if part.filename is not None or part.name == "content":
            part.sink = tempfile.SpooledTemporaryFile(max_size=SPOOL_LIMIT)  # noqa: SIM115 (kept)

    def _data(self, data: bytes, start: int, end: int) -> None:
        part = self._part
        chunk = data[start:end]
        part.size += len(chunk)
        if part.sink is None:
            part.text += chunk
            return
        if part.size > self.max_size:
            self.too_large = True
            return
        part.sha256.update(chunk)
        part.sink.write(chunk)

    def _end(self) -> None:
        self.parts[self._part.name] = self._part


def _too_large(limit: int) -> HTTPError:
    return HTTPError(
        problem(
            413,
            "Request Entity Too Large",
            f"Files may be at most {limit} bytes ({limit // (1024 * 1024)} MiB).",
        )
    )


async def files_create(app: EmulatorApp, req: Request) -> Response:
    limit = app.max_file_size
    declared = req.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + 64 * 1024:
        raise _too_large(limit)
    ctype, params = parse_options_header(req.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise HTTPError(problem(400, "Invalid upload", "Send the file as multipart/form-data."))
    collector = _Collector(limit)
    try:
        return await _store_upload(app, req, collector, boundary)
    except BaseException:
        collector.discard()  # refused or cut off: its spooled parts are not kept
        raise


async def _store_upload(
    app: EmulatorApp, req: Request, collector: _Collector, boundary: bytes
) -> Response:
    limit = app.max_file_size
    parser = MultipartParser(boundary, cast("MultipartCallbacks", collector.callbacks()))
    while True:
        message = await req.receive()
        chunk = message.get("body", b"")
        if chunk:
            parser.write(chunk)
        if collector.too_large:
            raise _too_large(limit)
        if not message.get("more_body"):
            break
    parser.finalize()
    content = collector.parts.get("content")
    if content is None or content.sink is None:
        raise unprocessable(InvalidField("required", "content", "content is required"))
    fields = {
        n: p.text.decode("utf-8", "replace") for n, p in collector.parts.items() if p.sink is None
    }
    try:
        metadata = json.loads(fields.get("metadata") or "{}")
    except ValueError:
        metadata = None
    if not isinstance(metadata, dict):
        raise unprocessable(InvalidField("invalid_type", "metadata", "must be a JSON object"))
    created = now()
    stored = StoredFile(
        id=app.store.new_id(),
        name=fields.get("filename") or content.filename or "file",
        content_type=fields.get("type") or content.content_type,
        size=content.size,
        sha256=content.sha256.hexdigest(),
        metadata=metadata,
        created=created,
        expires=created + timedelta(seconds=app.file_expiry),
        data=content.sink,
    )
    app.store.files[stored.id] = stored
    return json_response(stored.to_json(req.base), 201)


def _live_file(app: EmulatorApp, file_id: str) -> StoredFile:
    stored = app.store.files.get(file_id)
    if stored is None or stored.expires <= now():
        raise not_found("file")
    return stored


async def files_list(app: EmulatorApp, req: Request) -> Response:
    live = [f for f in app.store.files.values() if f.expires > now()]
    return page_response(
        req,
        live,
        app.store.page_size,
        lambda f: f.to_json(req.base),
        lambda f: (iso(f.created), f.id),
    )


async def files_get(app: EmulatorApp, req: Request) -> Response:
    return json_response(_live_file(app, req.params["file_id"]).to_json(req.base))


async def files_delete(app: EmulatorApp, req: Request) -> Response:
    stored = _live_file(app, req.params["file_id"])
    del app.store.files[stored.id]
    stored.data.close()
    return Response(204, content_type=None)


def signature(key: bytes, owner: str, file_id: str, expiry: int) -> str:
    """HMAC that authorises downloading ``file_id`` until ``expiry`` (unix seconds)."""
    return hmac.new(key, f"{owner}:{file_id}:{expiry}".encode(), hashlib.sha256).hexdigest()


def signed_download_url(app: EmulatorApp, base: str, file_id: str, ttl: float = 3600) -> str:
    """A download URL usable without a token until ``ttl`` seconds from now."""
    expiry = int(time.time() + ttl)
    sig = signature(app.store.signing_key, OWNER, file_id, expiry)
    return f"{base}/v1/files/{file_id}/download?owner={OWNER}&expiry={expiry}&signature={sig}"


async def _chunks(stored: StoredFile) -> AsyncIterator[bytes]:
    offset = 0  # this download's own position: others may be reading the same file
    while chunk := stored.read_at(offset, CHUNK):
        offset += len(chunk)
        yield chunk


async def files_download(app: EmulatorApp, req: Request) -> Response | StreamResponse:
    query = req.query
    if "signature" in query:
        try:
            expiry = int(query.get("expiry", ""))
        except ValueError:
            raise not_found("file") from None
        expected = signature(
            app.store.signing_key, query.get("owner", ""), req.params["file_id"], expiry
        )
        if not hmac.compare_digest(expected, query["signature"]) or expiry < time.time():
            raise HTTPError(
                problem(404, "Not found", "The download link is invalid or has expired.")
            )
    else:
        app.authenticate(req)
    stored = _live_file(app, req.params["file_id"])
    headers = [
        (b"content-type", b"application/octet-stream"),  # as the spec declares
        (b"content-length", str(stored.size).encode()),
        (b"content-disposition", f"attachment; filename*=UTF-8''{quote(stored.name)}".encode()),
    ]
    return StreamResponse(200, _chunks(stored), headers)
