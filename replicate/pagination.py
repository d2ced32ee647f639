"""Pages of list results and helpers to walk through all of them.

Every ``list`` method returns a :class:`Page`; pass ``page.next`` back as
``cursor=`` to get the following one, or let :func:`paginate` do it::

    for page in replicate.paginate(replicate.predictions.list):
        for prediction in page:
            ...

    for prediction in replicate.pagination.paginate_items(replicate.predictions.list):
        ...  # every prediction, fetching pages lazily
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from types import EllipsisType
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload
from urllib.parse import quote

from attrs import define, field

from ._dump import Dumpable

if TYPE_CHECKING:
    from ._api.ops import Call, RequestBuilder
    from .client import Client

T = TypeVar("T")
Cursor = str | EllipsisType | None


@define
class Page(Dumpable, Generic[T]):
    """One page of results: iterate it, index it, or follow ``next``."""

    results: list[T] = field(factory=list)
    next: str | None = None
    previous: str | None = None

    def __iter__(self) -> Iterator[T]:
        return iter(self.results)

    def _model_fields(self) -> dict[str, Any]:
        results = [item.dict() if isinstance(item, Dumpable) else item for item in self.results]
        return {"results": results, "next": self.next, "previous": self.previous}

    def __len__(self) -> int:
        return len(self.results)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        return self.results[index]

    @classmethod
    def from_json(cls, client: Client, data: Any, item: Callable[[Client, Any], T]) -> Page[T]:
        """Build a page from a paginated JSON response (or a bare JSON list)."""
        if isinstance(data, list):
            return cls(results=[item(client, x) for x in data])
        data = data or {}
        return cls(
            results=[item(client, x) for x in data.get("results") or []],
            next=data.get("next"),
            previous=data.get("previous"),
        )


def is_first_page(cursor: Cursor) -> bool:
    """``...`` means "start at the first page"; ``None`` (a last page's ``next``) is a
    ``ValueError``, as in 1.x, so a loop cannot restart from the first page by mistake."""
    if cursor is None:
        raise ValueError("cursor cannot be None")
    return cursor is ...


def cursor_url(cursor: str, path: str) -> str:
    """The URL to fetch for a cursor: a full ``next`` URL as is, or a bare cursor on ``path``."""
    if cursor.startswith(("http://", "https://", "/")):
        return cursor
    return f"{path}?cursor={quote(cursor, safe='')}"


def follow(seen: set[str], cursor: str) -> str:
    """``cursor``, a page's ``next``, unless an earlier page already led there: a server
    handing out a link it gave before would make the listing endless."""
    from .exceptions import InvalidResponseError

    if cursor in seen:
        raise InvalidResponseError(
            "GET", cursor, "its next-page link was given before (the listing would never end)"
        )
    seen.add(cursor)
    return cursor


def paginate(list_method: Callable[[Cursor], Page[T]]) -> Iterator[Page[T]]:
    """Yield pages from ``list_method`` (e.g. ``client.predictions.list``) until the last."""
    cursor: Cursor = ...
    seen: set[str] = set()
    while True:
        page = list_method(cursor)
        yield page
        if not page.next:
            return
        cursor = follow(seen, page.next)


async def async_paginate(
    list_method: Callable[[Cursor], Awaitable[Page[T]]],
) -> AsyncIterator[Page[T]]:
    """Async twin of :func:`paginate` (e.g. with ``client.predictions.async_list``)."""
    cursor: Cursor = ...
    seen: set[str] = set()
    while True:
        page = await list_method(cursor)
        yield page
        if not page.next:
            return
        cursor = follow(seen, page.next)


def paginate_items(list_method: Callable[[Cursor], Page[T]]) -> Iterator[T]:
    """Yield every item across all pages, fetching each page only when needed."""
    for page in paginate(list_method):
        yield from page.results


async def async_paginate_items(
    list_method: Callable[[Cursor], Awaitable[Page[T]]],
) -> AsyncIterator[T]:
    """Async twin of :func:`paginate_items`."""
    async for page in async_paginate(list_method):
        for item in page.results:
            yield item


def page_parser(item: Callable[[Client, Any], T]) -> Callable[[Client, Any], Page[T]]:
    """A response parser building a :class:`Page` of ``item(client, json)`` objects."""

    def parse(client: Client, data: Any) -> Page[T]:
        return Page.from_json(client, data, item)

    return parse


def page_call(
    build: RequestBuilder,
    item: Callable[[Client, Any], T],
    cursor: Cursor,
    path: str,
    **kwargs: Any,
) -> Call[Page[T]]:
    """The call for one page of a list operation: the generated operation's request
    (``build``, its ``request_kwargs``), or a ``next`` URL."""
    from ._api.ops import Call

    parse = page_parser(item)
    if is_first_page(cursor):
        return Call(parse, build, kwargs=kwargs)
    if not isinstance(cursor, str) or not cursor:
        raise TypeError(f"cursor must be a page's `next` URL, got {cursor!r}")
    return Call(parse, url=cursor_url(cursor, path))
