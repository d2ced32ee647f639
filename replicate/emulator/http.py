"""Minimal ASGI plumbing: request, responses, routing, problem details, pagination.

Hand-rolled rather than a framework's router to keep the per-request cost small.
"""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs, urlencode

import attrs

from .validation import InvalidField

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

JSON = b"application/json"
PROBLEM = b"application/problem+json"


class Request:
    """One incoming request, body already read unless the route streams it."""

    __slots__ = (
        "_query",
        "base",
        "body",
        "headers",
        "method",
        "operation",
        "params",
        "path",
        "query_string",
        "receive",
    )

    def __init__(self, scope: dict[str, Any], receive: Receive) -> None:
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        self.query_string: str = scope["query_string"].decode("latin-1")
        self.headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        host = self.headers.get("host") or "{}:{}".format(*scope["server"])
        self.base = f"{scope['scheme']}://{host}"
        self.receive = receive
        self.body = b""
        self.params: dict[str, str] = {}
        self.operation = ""
        self._query: dict[str, str] | None = None

    @property
    def query(self) -> dict[str, str]:
        """Query parameters (last value wins)."""
        if self._query is None:
            self._query = {k: v[-1] for k, v in parse_qs(self.query_string).items()}
        return self._query

    async def read_body(self) -> bytes:
        """Read the whole body."""
        chunks = []
        while True:
            message = await self.receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        self.body = b"".join(chunks)
        return self.body

    def json(self) -> Any:
        """The body decoded as JSON; raises :class:`HTTPError` (400) when it is not."""
        try:
            return json.loads(self.body or b"null", parse_constant=_not_json)
        except ValueError:
            raise HTTPError(
                problem(400, "Invalid JSON", "The request body is not valid JSON.")
            ) from None


def _not_json(constant: str) -> Any:
    # Python reads NaN and Infinity, which JSON has not: echoed back, no strict parser could
    # read the response.
    raise ValueError(f"{constant} is not JSON")


@attrs.define
class Response:
    """A complete response."""

    status: int
    body: bytes = b""
    content_type: bytes | None = JSON
    headers: list[tuple[bytes, bytes]] = attrs.field(factory=list)

    def raw_headers(self) -> list[tuple[bytes, bytes]]:
        """Headers including content type and length."""
        headers = [(b"content-length", str(len(self.body)).encode())]
        if self.content_type is not None:
            headers.append((b"content-type", self.content_type))
        return headers + self.headers


@attrs.define
class StreamResponse:
    """A response whose body is produced by an async iterator (SSE, downloads)."""

    status: int
    chunks: AsyncIterator[bytes]
    headers: list[tuple[bytes, bytes]]


class HTTPError(Exception):
    """Raised by handlers to answer with an error response."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def dumps(value: Any) -> bytes:
    """Compact JSON."""
    return json.dumps(value, separators=(",", ":")).encode()


def json_response(value: Any, status: int = 200) -> Response:
    """A JSON response."""
    return Response(status, dumps(value))


def problem(status: int, title: str, detail: str, **extra: Any) -> Response:
    """An RFC 9457 problem-details response, as the API sends errors."""
    return Response(
        status, dumps({"title": title, "detail": detail, "status": status, **extra}), PROBLEM
    )


def unprocessable(*fields: InvalidField) -> HTTPError:
    """422 problem listing each bad field, like the API's validation errors."""
    detail = "\n".join(f"- {f.field}: {f.description}" for f in fields)
    invalid = [f.to_json() for f in fields]
    return HTTPError(problem(422, "Input validation failed", detail, invalid_fields=invalid))


def not_found(what: str = "resource") -> HTTPError:
    """404 as the API phrases it."""
    return HTTPError(problem(404, "Not found", f"The requested {what} was not found."))


#: Where an item sits in a list: compared element by element (timestamps as fixed-width
#: ISO strings, then an id), so a cursor stays valid as items are created or deleted.
Position = tuple[str | int, ...]


def _invalid_cursor(detail: str = "The cursor is not valid.") -> HTTPError:
    return HTTPError(problem(400, "Invalid cursor", detail))


@attrs.frozen
class Cursor:
    """Where a page starts: the gap just ``after`` or just ``before`` the item at ``position``
    (which may be gone since), read forward (``next``) or backward (``previous``) from there.

    ``listing`` is the list it was made for (method, path and query: ``QUERY /v1/models``
    searches, ``GET /v1/models`` lists, ``GET /v1/models?sort_by=...`` another order): another
    list's position would pass for one of this list and answer a page of nonsense.
    """

    listing: str
    way: str  # "next" | "previous"
    side: str  # "after" | "before"
    position: Position

    def encode(self) -> str:
        """The opaque form carried in ``next``/``previous`` URLs."""
        fields = [self.listing, self.way, self.side, list(self.position)]
        text = json.dumps(fields, separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str, listing: str) -> Cursor:
        """The cursor ``text`` for ``listing``; 400 when it is not one of its."""
        fields = _cursor_fields(text)
        if fields is None:
            raise _invalid_cursor()
        made_for, way, side, position = fields
        if made_for != listing:
            raise _invalid_cursor(f"The cursor was made for {made_for}, not for {listing}.")
        return cls(listing, way, side, position)


def _cursor_fields(text: str) -> tuple[str, str, str, Position] | None:
    try:
        fields = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode())
    except (ValueError, RecursionError):  # RecursionError: deeply nested brackets
        return None
    if not (isinstance(fields, list) and len(fields) == 4):
        return None
    listing, way, side, position = fields
    if (
        isinstance(listing, str)
        and way in ("next", "previous")
        and side in ("after", "before")
        and isinstance(position, list)
        and all(type(part) in (str, int) for part in position)  # not bool
    ):
        return listing, way, side, tuple(position)
    return None


def _same_shape(a: Position, b: Position) -> bool:
    return len(a) == len(b) and all(type(x) is type(y) for x, y in zip(a, b, strict=True))


def paginate(
    request: Request,
    items: list[Any],
    page_size: int,
    position: Callable[[Any], Position] | None = None,
    descending: bool = True,
) -> dict[str, Any]:
    """One page of ``items`` with absolute ``next``/``previous`` URLs carrying cursors.

    Cursors hold the position of the page's last (or first) item, not an offset, as the API's
    do: creating or deleting items between pages neither repeats nor skips one. ``position``
    orders the items (newest first when ``descending``); without it a list is fixed and an
    item's position is its index. A cursor of another list, or not one of ours, is a 400.
    """
    keyed: list[tuple[Position, Any]]
    if position is None:
        keyed = [((index,), item) for index, item in enumerate(items)]
        descending = False
    else:
        keyed = sorted(
            ((position(item), item) for item in items), key=lambda pair: pair[0], reverse=descending
        )
    keys = [key for key, _ in keyed]

    def earlier(a: Position, b: Position) -> bool:  # a is listed before b
        return a > b if descending else a < b

    others = [(k, v) for k, v in request.query.items() if k != "cursor"]
    # The list a cursor belongs to includes its query (sort order, filters): a cursor paired
    # with another order would otherwise mix the two orders' pages.
    listing = f"{request.method} {request.path}"
    if others:
        listing += "?" + urlencode(sorted(others))
    text = request.query.get("cursor")
    cursor = Cursor.decode(text, listing) if text else None
    gap = 0  # how many items are listed before the cursor's gap
    if cursor is not None:
        at = cursor.position
        if keys and not _same_shape(at, keys[0]):
            raise _invalid_cursor()
        if cursor.side == "after":
            gap = sum(1 for key in keys if not earlier(at, key))
        else:
            gap = sum(1 for key in keys if earlier(key, at))
    if cursor is None or cursor.way == "next":
        start, end = gap, gap + page_size
    else:
        start, end = max(0, gap - page_size), gap
    page = keyed[start:end]

    if page:
        after_last, before_first = ("after", page[-1][0]), ("before", page[0][0])
    else:
        # Past an end of a list that shrank: the links read from the cursor's own gap, so
        # that turning back skips nothing. (Without a cursor an empty page has no links.)
        after_last = before_first = (cursor.side, cursor.position) if cursor else ("after", ())

    def link(way: str, start_at: tuple[str, Position]) -> str:
        query = urlencode([*others, ("cursor", Cursor(listing, way, *start_at).encode())])
        return f"{request.base}{request.path}?{query}"

    return {
        "next": link("next", after_last) if end < len(keyed) else None,
        "previous": link("previous", before_first) if start > 0 else None,
        "results": [item for _, item in page],
    }


def page_response(
    request: Request,
    items: list[Any],
    page_size: int,
    render: Callable[[Any], Any],
    position: Callable[[Any], Position] | None = None,
    descending: bool = True,
) -> Response:
    """A JSON page of ``items``, each shown as ``render(item)`` (see :func:`paginate`)."""
    page = paginate(request, items, page_size, position, descending)
    page["results"] = [render(item) for item in page["results"]]
    return json_response(page)


Handler = Callable[[Request], Awaitable["Response | StreamResponse"]]


@attrs.define
class Route:
    """A method + path template bound to a handler; ``auth`` false for public URLs."""

    method: str
    template: str
    operation: str
    handler: Handler
    auth: bool = True
    stream_body: bool = False
    segments: tuple[str, ...] = ()


class Router:
    """Matches ``(method, path)`` to a route by path segments."""

    def __init__(self) -> None:
        self._static: dict[tuple[str, str], Route] = {}
        self._dynamic: dict[int, list[Route]] = {}
        self._static_paths: set[str] = set()

    def add(self, route: Route) -> None:
        """Register a route."""
        route.segments = tuple(route.template.strip("/").split("/"))
        if "{" not in route.template:
            self._static[(route.method, route.template)] = route
            self._static_paths.add(route.template)
        else:
            self._dynamic.setdefault(len(route.segments), []).append(route)

    def match(self, method: str, path: str) -> tuple[Route | None, dict[str, str], bool]:
        """(route, path params, path exists for another method)."""
        route = self._static.get((method, path))
        if route is not None:
            return route, {}, True
        parts = path.strip("/").split("/")
        # (method, path) is not static, so a static path here belongs to another method.
        path_known = path in self._static_paths
        for candidate in self._dynamic.get(len(parts), ()):
            params: dict[str, str] = {}
            for want, got in zip(candidate.segments, parts, strict=True):
                if want.startswith("{"):
                    if not got:
                        break
                    params[want[1:-1]] = got
                elif want != got:
                    break
            else:
                if candidate.method == method:
                    return candidate, params, True
                path_known = True
        return None, {}, path_known
