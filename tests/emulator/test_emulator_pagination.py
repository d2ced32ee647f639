"""List pagination as a user's test suite meets it: cursors across changing lists, cursors that
are not this list's, and replicate.Client walking every list to its end."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx
import pytest

import replicate
from replicate.emulator import Emulator
from replicate.pagination import Cursor, Page, async_paginate, paginate


def _ids(page: dict[str, Any], key: str = "id") -> list[str]:
    return [item[key] for item in page["results"]]


def _cursor(url: str) -> str:
    return url.split("cursor=")[1]


def _encoded(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def _upload(api: httpx.Client, name: str) -> str:
    return str(api.post("/files", files={"content": (name, b"x")}).json()["id"])


def test_created_after_is_inclusive_and_created_before_exclusive(api: httpx.Client) -> None:
    # openapi.json: created_after "inclusive", created_before "exclusive"; a prediction created
    # exactly at created_after was left out.
    made = [
        api.post("/models/emulator/echo/predictions", json={"input": {"text": str(i)}}).json()
        for i in range(3)
    ]
    middle = made[1]["created_at"]
    after = api.get("/predictions", params={"created_after": middle}).json()
    assert _ids(after) == [made[2]["id"], made[1]["id"]]
    before = api.get("/predictions", params={"created_before": middle}).json()
    assert _ids(before) == [made[0]["id"]]


def test_a_cursor_from_another_list_is_refused(emu: Emulator, api: httpx.Client) -> None:
    emu.page_size = 1
    for i in range(2):
        api.post("/models/emulator/echo/predictions", json={"input": {"text": str(i)}})
    cursor = _cursor(api.get("/predictions").json()["next"])
    # Each of these answered a page of its own list from the predictions' position.
    for path in ("/trainings", "/models", "/deployments", "/files", "/collections"):
        answer = api.get(path, params={"cursor": cursor})
        assert answer.status_code == 400, path
        detail = f"The cursor was made for GET /v1/predictions, not for GET /v1{path}."
        assert answer.json()["detail"] == detail
    versions = api.get("/models/emulator/echo/versions", params={"cursor": cursor})
    assert versions.status_code == 400
    models_cursor = _cursor(api.get("/models").json()["next"])
    assert api.get("/predictions", params={"cursor": models_cursor}).status_code == 400
    # Searching models and listing them share a path, not an order.
    search = api.request("QUERY", "/models", params={"cursor": models_cursor}, content="emulator")
    assert search.status_code == 400
    assert api.get("/predictions", params={"cursor": cursor}).status_code == 200


@pytest.mark.parametrize(
    "cursor",
    [
        _encoded(["next", "abc"]),  # answered 200: a string read as a position ("a", "b", "c")
        _encoded({"next": 1, "x": 2}),  # answered 200: an object read as its keys
        _encoded(["GET /v1/predictions", "next", "after", "abc"]),
        _encoded({"a": 1, "b": 2, "c": 3, "d": 4}),
        _encoded(["GET /v1/predictions", "next", "after", ["2020-01-01"]]),  # too short
        _encoded(["GET /v1/predictions", "next", "after", [True, "x"]]),
        _encoded(["GET /v1/predictions", "sideways", "after", ["a", "b"]]),
        base64.urlsafe_b64encode(b"[" * 5000).decode(),  # answered 500 (RecursionError)
        "garbage!",
        "\u00e9",
    ],
)
def test_a_tampered_or_garbage_cursor_is_a_clear_400(
    emu: Emulator, api: httpx.Client, cursor: str
) -> None:
    emu.page_size = 1
    for i in range(3):
        api.post("/models/emulator/echo/predictions", json={"input": {"text": str(i)}})
    answer = api.get("/predictions", params={"cursor": cursor})
    assert answer.status_code == 400
    assert answer.json()["title"] == "Invalid cursor"


def test_turning_back_from_a_page_past_the_end_skips_nothing(
    emu: Emulator, api: httpx.Client
) -> None:
    emu.page_size = 2
    newest_first = [_upload(api, f"f{i}") for i in range(5)][::-1]
    first = api.get("/files").json()
    second = api.get(first["next"]).json()
    assert _ids(second) == newest_first[2:4]
    assert api.delete(f"/files/{newest_first[4]}").status_code == 204
    past_the_end = api.get(second["next"]).json()
    assert past_the_end["results"] == [] and past_the_end["next"] is None
    # The way back read from before the second page's last item, leaving it out.
    back = api.get(past_the_end["previous"]).json()
    assert _ids(back) == newest_first[2:4]


def test_a_page_before_the_start_still_leads_forward(emu: Emulator, api: httpx.Client) -> None:
    emu.page_size = 2
    newest_first = [_upload(api, f"f{i}") for i in range(5)][::-1]
    second = api.get(api.get("/files").json()["next"]).json()
    for file_id in newest_first[:2]:
        assert api.delete(f"/files/{file_id}").status_code == 204
    before_the_start = api.get(second["previous"]).json()
    assert before_the_start["results"] == [] and before_the_start["previous"] is None
    # It said there was nothing next, stranding a walk with three files left.
    forward = api.get(before_the_start["next"]).json()
    assert _ids(forward) == newest_first[2:4]
    assert _ids(api.get(forward["next"]).json()) == newest_first[4:]


def test_search_pages_skip_nothing_when_a_model_is_deleted(
    emu: Emulator, api: httpx.Client
) -> None:
    emu.page_size = 1
    for name in ("a", "b", "c"):
        body = {"owner": "acme", "name": name, "visibility": "public", "hardware": "cpu"}
        assert api.post("/models", json=body).status_code == 201

    def search(url: str = "/models") -> dict[str, Any]:
        return api.request("QUERY", url, content="acme").json()  # type: ignore[no-any-return]

    first = search()
    assert _ids(first, "name") == ["a"]
    assert api.delete("/models/acme/a").status_code == 204
    # Its cursor was an index: with "a" gone, index 1 was "c".
    second = search(first["next"])
    assert _ids(second, "name") == ["b"]
    assert _ids(search(second["next"]), "name") == ["c"]


def test_previous_links_walk_back_through_the_same_pages(emu: Emulator, api: httpx.Client) -> None:
    emu.page_size = 2
    for i in range(5):
        api.post("/models/emulator/echo/predictions", json={"input": {"text": str(i)}})
    forward = [api.get("/predictions").json()]
    while forward[-1]["next"]:
        forward.append(api.get(forward[-1]["next"]).json())
    backward = [forward[-1]]
    while backward[-1]["previous"]:
        backward.append(api.get(backward[-1]["previous"]).json())
    assert [_ids(p) for p in backward] == [_ids(p) for p in reversed(forward)]
    assert [len(p["results"]) for p in forward] == [2, 2, 1]


def test_page_size_must_be_at_least_one(emu: Emulator) -> None:
    # 0 made every list look empty.
    with pytest.raises(ValueError, match="page_size must be a whole number of at least 1"):
        emu.page_size = 0
    with pytest.raises(ValueError, match="not 0"):
        Emulator(page_size=0)


def _walk(list_method: Callable[[Cursor], Page[Any]]) -> list[Any]:
    return [item for page in paginate(list_method) for item in page]


def _key(item: Any) -> str:
    for attribute in ("id", "slug"):
        if hasattr(item, attribute):
            return str(getattr(item, attribute))
    return f"{item.owner}/{item.name}"


def test_the_client_walks_every_list_to_its_end_once(
    emu: Emulator, replicate_client: replicate.Client
) -> None:
    emu.page_size = 1
    client = replicate_client
    made = [
        client.predictions.create(model="emulator/echo", input={"text": str(i)}).id
        for i in range(3)
    ]
    files = [client.files.create(io.BytesIO(b"x"), filename=f"{i}.txt").id for i in range(2)]
    emu.add_deployment("acme/second", model="emulator/echo")
    lists: dict[str, tuple[Callable[[Cursor], Page[Any]], int]] = {
        "predictions": (client.predictions.list, 3),
        "models": (client.models.list, len(emu.models)),
        "deployments": (client.deployments.list, 2),
        "collections": (client.collections.list, 2),
        "files": (client.files.list, 2),
        "versions": (client.models.get("emulator/echo").versions.list, 2),
    }
    for name, (list_method, count) in lists.items():
        keys = [_key(item) for item in _walk(list_method)]
        assert len(keys) == count and len(set(keys)) == count, name
    assert [p.id for p in _walk(client.predictions.list)] == made[::-1]
    assert sorted(f.id for f in _walk(client.files.list)) == sorted(files)

    async def walk_async() -> list[str]:
        return [p.id async for page in async_paginate(client.predictions.async_list) for p in page]

    assert asyncio.run(walk_async()) == made[::-1]
    since = datetime.fromisoformat(str(client.predictions.get(made[1]).created_at))
    # The filter rides along in each next link.
    later = _walk(lambda cursor: client.predictions.list(cursor, created_after=since))
    assert [p.id for p in later] == made[:0:-1]


def test_many_clients_page_while_predictions_are_created() -> None:
    # A separate process, as a user's suite may run it: every walk sees each prediction that
    # existed when it began (all of the walk before) once, newest first, while more are made.
    with Emulator(time_scale=0.01, process=True, page_size=3) as emu:
        with emu.client() as client:
            for i in range(12):
                client.predictions.create(model="emulator/echo", input={"text": str(i)})
        stop = threading.Event()
        failures: list[str] = []

        def create() -> None:
            with emu.client() as client:
                while not stop.is_set():
                    client.predictions.create(model="emulator/echo", input={"text": "new"})

        def walk() -> None:
            with emu.client() as client:
                earlier: set[str] = set()
                for _ in range(3):
                    seen = _walk(client.predictions.list)
                    ids = [p.id for p in seen]
                    if len(set(ids)) != len(ids) or not earlier <= set(ids):
                        failures.append("repeated or skipped")
                    if [p.created_at for p in seen] != sorted(
                        (p.created_at for p in seen), reverse=True
                    ):
                        failures.append("not newest first")
                    earlier = set(ids)  # all there when the next walk begins

        creators = [threading.Thread(target=create) for _ in range(2)]
        walkers = [threading.Thread(target=walk) for _ in range(6)]
        for thread in creators + walkers:
            thread.start()
        for thread in walkers:
            thread.join(timeout=120)
        stop.set()
        for thread in creators:
            thread.join(timeout=30)
        assert not any(t.is_alive() for t in creators + walkers)
        assert failures == []


def test_settings_of_a_process_emulator_say_how_to_set_them() -> None:
    with Emulator(process=True, page_size=2) as emu:
        for setting, value in (("page_size", 5), ("time_scale", 0.5), ("quirks", "all")):
            with pytest.raises(RuntimeError, match=rf"pass {setting}= to Emulator\(\)"):
                setattr(emu, setting, value)


def test_a_cursor_from_another_order_of_the_same_list_is_refused(
    emu: Emulator, api: httpx.Client
) -> None:
    # A cursor is a position in one order: paired by hand with another order it answered a
    # page that mixed the two (items repeated or skipped).
    emu.page_size = 2
    ascending = {"sort_by": "model_created_at", "sort_direction": "asc"}
    first = api.get("/models", params=ascending).json()
    following = api.get(first["next"])  # the link keeps its order: fine
    assert following.status_code == 200
    assert not set(_ids(first, "name")) & set(_ids(following.json(), "name"))
    answer = api.get("/models", params={"cursor": _cursor(first["next"])})
    assert answer.status_code == 400
    assert answer.json()["detail"] == (
        "The cursor was made for GET /v1/models?sort_by=model_created_at&sort_direction=asc, "
        "not for GET /v1/models."
    )
