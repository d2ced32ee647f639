"""API paths become the same absolute URLs httpx's ``base_url`` would make, parsed once each."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from support.client_support import make_client

from replicate._http.urls import CACHED_PATHS, ApiUrls

PATHS = [
    "/predictions",
    "predictions",
    "/models/owner/name/predictions",
    "/predictions/abc%2Fdef",  # percent-encoding kept byte for byte
    "/models/o/n/versions?cursor=abc",
    "/collections/caf%C3%A9",
    "https://api.example.com/v1/predictions?cursor=next",  # absolute: passes through
]


@pytest.mark.parametrize("base", ["https://api.replicate.com/v1/", "http://127.0.0.1:8123/"])
@pytest.mark.parametrize("path", PATHS)
def test_joins_as_httpx_does(base: str, path: str) -> None:
    expected = httpx.Client(base_url=base).build_request("GET", path).url
    assert ApiUrls(base).absolute(path) == expected
    assert str(ApiUrls(base).absolute(path)) == str(expected)


def test_each_path_is_parsed_once_and_the_cache_is_bounded() -> None:
    urls = ApiUrls("https://api.replicate.com/v1/")
    first = urls.absolute("/predictions/p1")
    assert urls.absolute("/predictions/p1") is first
    for i in range(CACHED_PATHS + 10):
        urls.absolute(f"/predictions/{i}")
    info = urls.absolute.cache_info()
    assert info.currsize == CACHED_PATHS
    assert urls.absolute("/predictions/p1") == first  # evicted, then built again


def test_requests_reach_the_emulator_under_its_base_path(replicate_emulator: Any) -> None:
    client = make_client(replicate_emulator.base_url)
    prediction = client.predictions.create(model="emulator/echo", input={"text": "hi"}, wait=True)
    again = client.predictions.get(prediction.id)
    assert again.output == "hi"
    assert client.base_url == replicate_emulator.base_url.rstrip("/") + "/v1"
    with pytest.raises(AttributeError):
        client.base_url = "https://elsewhere.example"  # type: ignore[misc]
