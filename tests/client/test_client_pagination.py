"""Pagination over several pages, sync and async, with cursors and lazy item iteration."""

from __future__ import annotations

from typing import Any

import pytest
from support.client_support import make_client

import replicate
from replicate.pagination import (
    Page,
    async_paginate,
    async_paginate_items,
    cursor_url,
    paginate,
    paginate_items,
)

pytestmark = pytest.mark.anyio


@pytest.fixture
def seeded(replicate_emulator: Any) -> tuple[Any, Any, list[str]]:
    emu = replicate_emulator
    client = make_client(emu.base_url)
    version = client.models.get("emulator/echo").latest_version.id
    ids = [client.predictions.create(version=version, input={"text": str(n)}).id for n in range(7)]
    emu.page_size = 3
    return client, emu, ids


def list_requests(emu: Any) -> int:
    return sum(1 for r in emu.requests if r.operation == "predictions.list")


def test_pages_follow_next(seeded: tuple[Any, Any, list[str]]) -> None:
    client, _emu, ids = seeded
    first = client.predictions.list()
    assert isinstance(first, Page) and len(first) == 3 and first.next
    second = client.predictions.list(cursor=first.next)
    assert second.previous and len(second) == 3
    pages = list(replicate.paginate(client.predictions.list))
    assert [len(p) for p in pages] == [3, 3, 1]
    seen = [p.id for page in pages for p in page]
    assert sorted(seen) == sorted(ids) and len(set(seen)) == 7


async def test_a_cursor_given_as_a_path_from_the_host(seeded: tuple[Any, Any, list[str]]) -> None:
    # 1.x sent a cursor to its host-relative request helper, so code keeps the path and query
    # of `next` ("/v1/predictions?cursor=..."); found with a dependent (an MCP server).
    client, _emu, _ids = seeded
    first = client.predictions.list()
    assert first.next and first.next.startswith("http")
    path = first.next[first.next.index("/v1/") :]
    by_path = client.predictions.list(path)
    assert [p.id for p in by_path] == [p.id for p in client.predictions.list(first.next)]
    by_path_async = await client.predictions.async_list(path)
    assert [p.id for p in by_path_async] == [p.id for p in by_path]
    models = client.models.list()
    assert models.next  # more models than the page size
    assert client.models.list(models.next[models.next.index("/v1/") :]).results


def test_none_cursor_is_refused_before_sending(seeded: tuple[Any, Any, list[str]]) -> None:
    client, emu, _ids = seeded
    before = len(emu.requests)
    for list_method in (client.predictions.list, client.models.list, client.trainings.list):
        with pytest.raises(ValueError, match="cursor cannot be None"):
            list_method(None)
    assert len(emu.requests) == before


def test_items_are_fetched_lazily(seeded: tuple[Any, Any, list[str]]) -> None:
    client, emu, ids = seeded
    before = list_requests(emu)
    items = paginate_items(client.predictions.list)
    first_four = [next(items).id for _ in range(4)]
    assert list_requests(emu) - before == 2  # only the pages needed so far
    rest = [p.id for p in items]
    assert sorted(first_four + rest) == sorted(ids)
    assert list_requests(emu) - before == 3


async def test_async_pagination(seeded: tuple[Any, Any, list[str]]) -> None:
    client, _emu, ids = seeded
    pages = [page async for page in replicate.async_paginate(client.predictions.async_list)]
    assert [len(p) for p in pages] == [3, 3, 1]
    items = [p.id async for p in async_paginate_items(client.predictions.async_list)]
    assert sorted(items) == sorted(ids)
    second = await client.predictions.async_list(cursor=pages[0].next)
    assert [p.id for p in second] == [p.id for p in pages[1]]


async def test_other_lists_paginate_too(seeded: tuple[Any, Any, list[str]]) -> None:
    client, _emu, _ = seeded
    for _ in range(4):
        client.files.create(b"x")
    file_pages = list(paginate(client.files.list))
    assert len(file_pages) == 2 and sum(len(p) for p in file_pages) == 4
    async_file_pages = [p async for p in async_paginate(client.files.async_list)]
    assert [len(p) for p in async_file_pages] == [len(p) for p in file_pages]
    first = await client.files.async_list()  # as in 1.x: the first page as a plain list
    assert type(first) is list and [f.id for f in first] == [f.id for f in file_pages[0]]
    model_pages = [p async for p in async_paginate(client.models.async_list)]
    assert len(model_pages) >= 2
    assert len({m.id for p in model_pages for m in p}) == sum(len(p) for p in model_pages)


def test_page_is_list_like() -> None:
    page = Page(results=[1, 2, 3], next="n")
    assert list(page) == [1, 2, 3] and page[0] == 1 and page[1:] == [2, 3] and len(page) == 3
    assert cursor_url("https://api.replicate.com/v1/x?cursor=a", "/x").startswith("https://")
    assert cursor_url("abc/=", "/predictions") == "/predictions?cursor=abc%2F%3D"


def test_creation_time_filters_take_iso_strings(seeded: tuple[Any, Any, list[str]]) -> None:
    client, emu, ids = seeded
    emu.page_size = 10
    third = client.predictions.get(ids[2])
    # A prediction's own created_at (the API's string form) is an inclusive lower bound.
    assert third.created_at
    after = client.predictions.list(created_after=third.created_at)
    assert [p.id for p in after] == ids[2:][::-1]
    before = client.predictions.list(created_before=third.created_at)
    assert [p.id for p in before] == ids[:2][::-1]


def test_creation_time_filters_refuse_other_values_naming_them(
    seeded: tuple[Any, Any, list[str]],
) -> None:
    client, emu, _ids = seeded
    sent = len(emu.requests)
    with pytest.raises(ValueError, match=r"created_after is not an ISO 8601 date-time: 'soon'"):
        client.predictions.list(created_after="soon")
    with pytest.raises(TypeError, match=r"created_before must be a datetime or an ISO 8601"):
        client.predictions.list(created_before=1700000000)
    assert len(emu.requests) == sent
