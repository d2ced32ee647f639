"""Files: multipart upload, metadata, checksums, listing, expiry, signed download URLs."""

from __future__ import annotations

import hashlib
import time

import httpx
import pytest

from replicate.emulator import Emulator


def _upload(api: httpx.Client, name: str, data: bytes, ctype: str, **fields: str) -> httpx.Response:
    return api.post("/files", files={"content": (name, data, ctype)}, data=fields)


@pytest.mark.parametrize("size", [0, 1, 70_000, 3 * 1024 * 1024])
def test_upload_round_trip(emu: Emulator, api: httpx.Client, size: int) -> None:
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    created = _upload(api, "blob.bin", data, "application/x-test", metadata='{"k": [1]}')
    assert created.status_code == 201
    body = created.json()
    assert body["size"] == size and body["content_type"] == "application/x-test"
    assert body["checksums"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["metadata"] == {"k": [1]}
    assert body["urls"]["get"] == f"{emu.api_url}/files/{body['id']}"
    assert api.get(f"/files/{body['id']}/download").content == data


def test_filename_and_type_fields_override_the_part(api: httpx.Client) -> None:
    body = _upload(
        api,
        "a.bin",
        b"{}",
        "application/octet-stream",
        filename="ré sumé.json",
        type="application/json",
    ).json()
    assert (body["name"], body["content_type"]) == ("ré sumé.json", "application/json")
    download = api.get(f"/files/{body['id']}/download")
    assert "filename*=UTF-8''r%C3%A9%20sum%C3%A9.json" in download.headers["content-disposition"]


def test_bad_uploads_are_rejected(api: httpx.Client) -> None:
    assert api.post("/files", json={"content": "x"}).status_code == 400
    assert api.post("/files", files={"other": ("a", b"x")}).status_code == 422
    bad_meta = _upload(api, "a", b"x", "text/plain", metadata="[1]")
    assert bad_meta.status_code == 422


def test_list_pages_newest_first(emu: Emulator, api: httpx.Client) -> None:
    emu.page_size = 2
    ids = [_upload(api, f"{i}.txt", b"x", "text/plain").json()["id"] for i in range(3)]
    first = api.get("/files").json()
    second = api.get(first["next"]).json()
    assert [f["id"] for f in first["results"] + second["results"]] == ids[::-1]


def test_signed_url_needs_no_token_and_is_checked(emu: Emulator, api: httpx.Client) -> None:
    file_id = _upload(api, "s.txt", b"signed", "text/plain").json()["id"]
    url = emu.signed_file_url(file_id)
    assert httpx.get(url).content == b"signed"
    assert httpx.get(url[:-1] + ("0" if url[-1] != "0" else "1")).status_code == 404
    expired = emu.signed_file_url(file_id, ttl=-10)
    assert httpx.get(expired).status_code == 404
    assert httpx.get(f"{emu.api_url}/files/{file_id}/download").status_code == 401


def test_files_expire() -> None:
    with Emulator(file_expiry=0.2) as emu:
        api = httpx.Client(base_url=emu.api_url, headers={"Authorization": "Bearer t"})
        file_id = _upload(api, "e.txt", b"x", "text/plain").json()["id"]
        assert api.get(f"/files/{file_id}").status_code == 200
        time.sleep(0.3)
        assert api.get(f"/files/{file_id}").status_code == 404
        assert api.get("/files").json()["results"] == []
