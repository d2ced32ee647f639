"""An API call's response is freed as soon as the call returns, by reference counting.

httpx's client leaves each response in a reference cycle with its body stream, which only the
garbage collector can free; with thousands of calls in flight its full passes cost a large
share of a batch's CPU. The client cuts that cycle once the body is read.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from support.client_support import PREDICTION, json_reply, make_client, scripted
from support.hostile import call

pytestmark = pytest.mark.anyio


@pytest.fixture
def no_collector() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _cases() -> list[tuple[str, str]]:
    cases = [("sync", "httpx"), ("async", "httpx")]
    try:
        import aiohttp  # noqa: F401
    except ImportError:
        return cases
    return [*cases, ("async", "aiohttp")]  # AiohttpTransport serves async calls only


@pytest.mark.parametrize(("mode", "transport"), _cases())
async def test_an_api_answer_is_freed_when_the_call_returns(
    mode: str, transport: str, no_collector: None
) -> None:
    options: dict[str, Any] = {}
    if transport == "aiohttp":
        from replicate.transports import AiohttpTransport

        options["transport"] = AiohttpTransport()
    answers: list[weakref.ref[httpx.Response]] = []
    with scripted([json_reply(200, PREDICTION)]) as server:
        client = make_client(server.base_url, **options)
        if mode == "sync":
            sync_request = client._request

            def sync_capture(*args: Any, **kwargs: Any) -> httpx.Response:
                response = sync_request(*args, **kwargs)
                answers.append(weakref.ref(response))
                return response

            client._request = sync_capture  # type: ignore[method-assign]
        else:
            async_request = client._async_request

            async def async_capture(*args: Any, **kwargs: Any) -> httpx.Response:
                response = await async_request(*args, **kwargs)
                answers.append(weakref.ref(response))
                return response

            client._async_request = async_capture  # type: ignore[method-assign]
        prediction = await call(mode, client.predictions, "get", "p1")
        assert prediction.id == PREDICTION["id"]
        assert len(answers) == 1
        assert answers[0]() is None, "the response outlived its call (a reference cycle)"
        if mode == "async":
            await client.aclose()
        client.close()
