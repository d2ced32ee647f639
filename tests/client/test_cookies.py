"""Cookies a server sets are kept and sent back, as by httpx (and replicate 1.x), although
answers that set none are no longer parsed for them."""

from __future__ import annotations

import pytest
from support.client_support import PREDICTION, json_reply, make_client, scripted
from support.hostile import call

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_cookie_set_by_the_server_is_sent_back(mode: str) -> None:
    sets_cookie = json_reply(200, PREDICTION, set_cookie="sid=abc; Path=/")
    plain = json_reply(200, PREDICTION)
    with scripted([plain, sets_cookie, plain, plain]) as server:
        client = make_client(server.base_url)
        for _ in range(4):
            await call(mode, client.predictions, "get", "p1")
    cookies = [seen["headers"].get("Cookie") for seen in server.seen]
    assert cookies == [None, None, "sid=abc", "sid=abc"]
