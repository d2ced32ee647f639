"""List pagination as a user's test suite meets it: cursors across changing lists, cursors that
are not this list's, and replicate.Client walking every list to its end."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from replicate.emulator import Emulator


def _ids(page: dict[str, Any], key: str = "id") -> list[str]:
    return [item[key] for item in page["results"]]


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


def test_page_size_must_be_at_least_one(emu: Emulator) -> None:
    # 0 made every list look empty.
    with pytest.raises(ValueError, match="page_size must be a whole number of at least 1"):
        emu.page_size = 0
    with pytest.raises(ValueError, match="not 0"):
        Emulator(page_size=0)
