"""FileOutput: URL and data: outputs, read sync and async, streamed, token kept to the API."""

from __future__ import annotations

import base64
import gzip
import io
import os
from pathlib import Path

import httpx
import pytest
from support.run_support import TOKEN, FileHost, client_for

from replicate.emulator import Emulator
from replicate.exceptions import ReplicateError
from replicate.helpers import FileOutput, base64_encode_file, transform_output

BIG = os.urandom(300 * 1024)


def test_reads_an_output_of_a_run(replicate_emulator: Emulator, tmp_path: Path) -> None:
    client = client_for(replicate_emulator)
    (file,) = client.run("emulator/image", input={"prompt": "owl"})
    data = file.read()
    assert data.startswith(b"\x89PNG")
    assert b"".join(file) == data
    assert str(file) == file.url and file.name == "out-0.png"
    saved = file.save(tmp_path)
    assert saved == tmp_path / "out-0.png" and saved.read_bytes() == data
    assert file.save(tmp_path / "copy.png").read_bytes() == data


def test_file_hosts_never_see_the_token(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator)
    with FileHost({"/big.bin": BIG}).running() as host:
        file = FileOutput(host.url + "/big.bin", client)
        chunks = list(file)
        assert b"".join(chunks) == BIG
        assert len(chunks) > 1 and max(len(c) for c in chunks) <= 64 * 1024  # streamed
        assert file.read() == BIG
    assert len(host.seen) == 2
    for _, headers in host.seen:
        assert "authorization" not in headers
        assert TOKEN not in " ".join(headers.values())


def test_missing_file_is_an_error(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator)
    with FileHost({}).running() as host, pytest.raises(ReplicateError) as caught:
        FileOutput(host.url + "/nope.png", client).read()
    assert caught.value.status == 404


def test_data_uris_decode_locally(replicate_emulator: Emulator, tmp_path: Path) -> None:
    client = client_for(replicate_emulator)
    encoded = FileOutput("data:image/png;base64," + base64.b64encode(BIG).decode(), client)
    assert encoded.read() == BIG and encoded.is_data_uri
    assert b"".join(encoded) == BIG
    plain = FileOutput("data:text/plain,hello%20world", client)
    assert plain.read() == b"hello world"
    assert plain.save(tmp_path / "x.txt").read_bytes() == b"hello world"
    assert replicate_emulator.requests == []
    assert len(repr(encoded)) < 100


def test_transform_output_only_converts_whole_urls(replicate_emulator: Emulator) -> None:
    client = client_for(replicate_emulator)
    output = transform_output(
        {
            "images": ["https://cdn.example/a.png", "http://localhost:1/b.png"],
            "caption": "see https://example.com for more",
            "inline": "data:text/plain,hi",
            "count": 2,
        },
        client,
    )
    assert [type(x) for x in output["images"]] == [FileOutput, FileOutput]
    assert output["caption"] == "see https://example.com for more"
    assert isinstance(output["inline"], FileOutput)
    assert output["count"] == 2


def test_base64_encode_file() -> None:
    file = io.BytesIO(b"abc")
    file.name = "note.txt"
    assert base64_encode_file(file) == "data:text/plain;base64,YWJj"


@pytest.mark.anyio
async def test_async_reads(replicate_emulator: Emulator, tmp_path: Path) -> None:
    client = client_for(replicate_emulator)
    with FileHost({"/big.bin": BIG}).running() as host:
        file = FileOutput(host.url + "/big.bin", client)
        assert await file.aread() == BIG
        chunks = [chunk async for chunk in file]
        assert b"".join(chunks) == BIG and len(chunks) > 1
        assert (await file.asave(tmp_path / "b.bin")).read_bytes() == BIG
    assert all("authorization" not in headers for _, headers in host.seen)
    data = FileOutput("data:;base64,AAEC", client)
    assert await data.aread() == b"\x00\x01\x02"


# A transport that answers from memory, as users' test suites do with httpx.MockTransport or
# respx: httpx has read (and decoded) the body before any download loop sees it.
MOCKED = b"made in memory " * 5000


def _mocked_transport() -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith(".gz") or request.url.path.startswith("/v1/files/gz"):
            return httpx.Response(
                200, content=gzip.compress(MOCKED), headers={"Content-Encoding": "gzip"}
            )
        return httpx.Response(200, content=MOCKED)

    return httpx.MockTransport(answer)


@pytest.mark.parametrize("name", ["out.bin", "out.gz"])
@pytest.mark.anyio
async def test_a_transport_answering_from_memory_is_read_once(name: str) -> None:
    from replicate import Client

    client = Client(
        api_token=TOKEN, base_url="https://api.example.test", transport=_mocked_transport()
    )
    url = "https://files.example.test/" + name
    assert FileOutput(url, client).read() == MOCKED  # decoded by httpx, not inflated again
    assert await FileOutput(url, client).aread() == MOCKED
    file_id = "gz1" if name.endswith(".gz") else "f1"
    signed = dict(owner="me", expiry=4102444800, signature="c2ln")
    assert client.files.download(file_id, **signed) == MOCKED
    chunks = [c async for c in client.files.async_iter_download(file_id, **signed)]
    assert b"".join(chunks) == MOCKED
