"""File inputs (uploaded through POST /files or inlined) and the files namespace."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import tracemalloc
from pathlib import Path

import pytest
from support.run_support import client_for

from replicate._encoding.inputs import FileTooLargeError
from replicate.emulator import Emulator
from replicate.emulator.catalog import png_bytes
from replicate.exceptions import InvalidArgumentError
from replicate.file import File, UnsignedDownloadError, signed_download
from replicate.pagination import Page

MiB = 1024 * 1024


def sparse_file(path: Path, size: int) -> Path:
    """A file of ``size`` zero bytes that takes no disk space."""
    with path.open("wb") as file:
        file.truncate(size)
    return path


def sent_input(emu: Emulator) -> dict[str, object]:
    (job,) = emu.predictions.values()
    return job.input


def test_uploads_of_several_types(replicate_emulator: Emulator, tmp_path: Path) -> None:
    png = tmp_path / "cat.png"
    png.write_bytes(png_bytes("cat"))
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    blob = os.urandom(3 * MiB + 7)
    client = client_for(replicate_emulator)
    with (tmp_path / "notes.txt").open("rb") as opened:
        output = client.run(
            "emulator/echo",
            input={
                "text": "files",
                "image": png,
                "docs": [opened, {"raw": blob}],
                "stream": io.BytesIO(b"%PDF-1.4 tiny"),
                "empty": b"",
            },
        )
    assert output == "files"
    stored = {f.name: f for f in replicate_emulator.files.values()}
    assert stored["cat.png"].content_type == "image/png"
    assert stored["notes.txt"].content_type == "text/plain"
    assert stored["notes.txt"].size == 5
    every = list(replicate_emulator.files.values())
    raw = [f for f in every if f.size == len(blob)]
    assert raw and raw[0].sha256 == hashlib.sha256(blob).hexdigest()
    assert any(f.content_type == "application/pdf" for f in every)
    assert any(f.size == 0 for f in every)
    assert len(replicate_emulator.files) == 5
    sent = sent_input(replicate_emulator)
    assert isinstance(sent["image"], str) and sent["image"].startswith("http")


def test_same_object_is_uploaded_once(replicate_emulator: Emulator, tmp_path: Path) -> None:
    path = sparse_file(tmp_path / "weights.bin", 2 * MiB)
    data = b"\x89PNG\r\n\x1a\n..."
    client = client_for(replicate_emulator)
    client.run(
        "emulator/echo",
        input={"text": "x", "a": path, "b": [path, Path(str(path))], "c": data, "d": [data]},
    )
    assert len(replicate_emulator.files) == 2
    sent = sent_input(replicate_emulator)
    assert sent["a"] == sent["b"][0] == sent["b"][1]  # type: ignore[index]
    assert sent["c"] == sent["d"][0]  # type: ignore[index]


def test_too_large_is_refused_before_sending(replicate_emulator: Emulator, tmp_path: Path) -> None:
    huge = sparse_file(tmp_path / "huge.bin", 100 * MiB + 1)
    client = client_for(replicate_emulator)
    with pytest.raises(FileTooLargeError, match=r"huge\.bin"):
        client.run("emulator/echo", input={"text": "x", "file": huge})
    assert replicate_emulator.requests == []


def test_files_create_sends_and_measures_a_positioned_file_whole(
    replicate_emulator: Emulator, tmp_path: Path
) -> None:
    # httpx's multipart rewinds a file object (as 1.x sent it), so the limit counts the whole
    # file: a 150 MiB file positioned at 60 MiB was let through.
    client = client_for(replicate_emulator)
    small = tmp_path / "small.bin"
    small.write_bytes(b"HEADER" + b"body")
    with small.open("rb") as stream:
        stream.seek(6)
        uploaded = client.files.create(stream)
    assert uploaded.size == 10
    huge = sparse_file(tmp_path / "huge.bin", 150 * MiB)
    before = len(replicate_emulator.requests)
    with huge.open("rb") as stream:
        stream.seek(60 * MiB)
        with pytest.raises(FileTooLargeError, match=str(150 * MiB)):
            client.files.create(stream)
    assert len(replicate_emulator.requests) == before


def test_a_file_that_grows_sends_what_was_measured_and_a_device_is_read(
    replicate_emulator: Emulator, tmp_path: Path
) -> None:
    # Found with the command line: a log still being written sent more bytes than the length
    # declared for it (h11's "Too much data" traceback), and stdin from /dev/zero measured 0
    # bytes, then never ended.
    from replicate.file import _within_upload_limit

    log = tmp_path / "app.log"
    log.write_bytes(b"0123456789")
    with log.open("rb") as stream:
        measured = _within_upload_limit(stream, "app.log")
        with log.open("ab") as writer:
            writer.write(b"more lines")
        assert measured.read() == b"0123456789"
        assert measured.seek(0, 2) == 10 and measured.seek(0) == 0
        assert measured.read(4) == b"0123" and measured.tell() == 4
    client = client_for(replicate_emulator)
    with log.open("rb") as stream:
        assert client.files.create(stream).size == 20  # measured now: the whole file
    before = len(replicate_emulator.requests)
    with open("/dev/zero", "rb") as endless, pytest.raises(FileTooLargeError):
        client.files.create(endless)
    assert len(replicate_emulator.requests) == before


def test_upload_memory_stays_flat(replicate_emulator: Emulator, tmp_path: Path) -> None:
    big = sparse_file(tmp_path / "big.bin", 64 * MiB)
    client = client_for(replicate_emulator)
    client.models.get("emulator/echo")  # warm the connection and lazy imports
    tracemalloc.start()
    try:
        client.run("emulator/echo", input={"text": "x", "file": big})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    (stored,) = replicate_emulator.files.values()
    assert stored.size == 64 * MiB
    assert peak < 16 * MiB, f"peak {peak / MiB:.1f} MiB while uploading 64 MiB"


def test_data_uri_strategy_per_call_and_client_wide(replicate_emulator: Emulator) -> None:
    for client, per_call in (
        (client_for(replicate_emulator), {"file_encoding_strategy": "data-uri"}),
        (client_for(replicate_emulator, file_encoding_strategy="data-uri"), {}),
    ):
        replicate_emulator.reset()
        client.run("emulator/echo", input={"text": "x", "f": b"GIF89a..."}, **per_call)
        assert replicate_emulator.files == {}
        uri = sent_input(replicate_emulator)["f"]
        assert uri == "data:image/gif;base64," + base64.b64encode(b"GIF89a...").decode()


def test_files_namespace(replicate_emulator: Emulator, tmp_path: Path) -> None:
    client = client_for(replicate_emulator)
    payload = os.urandom(200 * 1024)
    created = client.files.create(payload, filename="data.bin", metadata={"k": 1})
    assert isinstance(created, File) and created.size == len(payload)
    assert client.files.get(created.id).name == "data.bin"
    listed = client.files.list()  # as in 1.x: a plain list of the first page's files
    assert type(listed) is list and [f.id for f in listed] == [created.id]
    page = client.files.list(...)  # with a cursor: a Page, for paginate()
    assert isinstance(page, Page) and [f.id for f in page] == [created.id] and page.next is None
    url = replicate_emulator.signed_file_url(created.id)
    assert client.files.download(url) == payload
    target = client.files.download(url, tmp_path / "out.bin")
    assert target.read_bytes() == payload
    chunks = list(client.files.iter_download(url, chunk_size=16 * 1024))
    assert b"".join(chunks) == payload and len(chunks) > 1
    assert max(map(len, chunks)) <= 16 * 1024
    for bad in (0, -1, 1.5, True):
        with pytest.raises(InvalidArgumentError, match="chunk_size"):
            client.files.iter_download(url, chunk_size=bad)
    assert client.files.delete(created) is True
    assert client.files.list() == []


@pytest.mark.anyio
async def test_async_uploads_and_downloads(replicate_emulator: Emulator, tmp_path: Path) -> None:
    client = client_for(replicate_emulator)
    path = tmp_path / "in.txt"
    path.write_text("async")
    assert await client.async_run("emulator/echo", input={"text": "a", "f": path}) == "a"
    (stored,) = replicate_emulator.files.values()
    assert stored.name == "in.txt"
    url = replicate_emulator.signed_file_url(stored.id)
    assert await client.files.async_download(url) == b"async"
    assert (await client.files.async_download(url, tmp_path / "o.txt")).read_text() == "async"
    assert b"".join([c async for c in client.files.async_iter_download(url)]) == b"async"
    body = json.loads(replicate_emulator.requests[-4].body or b"{}")
    assert body["input"]["f"].startswith("http")


def test_path_strings_are_files_only_when_opted_in(
    replicate_emulator: Emulator, tmp_path: Path
) -> None:
    path = tmp_path / "prompt.txt"
    path.write_text("from a file")
    client_for(replicate_emulator).run("emulator/echo", input={"text": "x", "f": str(path)})
    assert sent_input(replicate_emulator)["f"] == str(path)
    assert replicate_emulator.files == {}
    replicate_emulator.reset()
    opted = client_for(replicate_emulator, detect_file_paths=True)
    opted.run("emulator/echo", input={"text": "x", "f": str(path)})
    (stored,) = replicate_emulator.files.values()
    assert stored.name == "prompt.txt"
    assert sent_input(replicate_emulator)["f"] != str(path)


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_file_holding_multipart_delimiters_uploads_whole(
    replicate_emulator: Emulator, mode: str
) -> None:
    # The generated request once fixed the boundary at "+++": a file containing a line
    # "--+++" was cut there (3 of these 74 bytes were stored).
    payload = (
        b'abc\r\n--+++\r\nContent-Disposition: form-data; name="x"\r\n\r\nzzz\r\n--+++--\r\ntail'
    )
    client = client_for(replicate_emulator)
    if mode == "sync":
        created = client.files.create(payload, filename="t.bin")
    else:
        created = await client.files.async_create(payload, filename="t.bin")
    assert created.size == len(payload)
    assert client.files.download(replicate_emulator.signed_file_url(created.id)) == payload


def test_downloads_without_a_signature_are_refused_before_sending(
    replicate_emulator: Emulator,
) -> None:
    client = client_for(replicate_emulator)
    created = client.files.create(b"data", filename="d.txt")
    url = replicate_emulator.signed_file_url(created.id)
    unsigned = url.split("?")[0]
    with pytest.raises(UnsignedDownloadError, match="is not a signed download URL") as caught:
        client.files.download(unsigned)
    assert caught.value.missing == ["owner", "expiry", "signature"] and caught.value.url == unsigned
    # The advice does not send the user back to the file's urls.get: it is never signed.
    assert "pass the file's urls.get" not in str(caught.value)
    with pytest.raises(UnsignedDownloadError):
        client.files.download(created.urls["get"])
    assert isinstance(caught.value, TypeError)  # as a missing argument is
    with pytest.raises(UnsignedDownloadError, match=r"needs \['expiry', 'signature'\]"):
        client.files.download(created.id, owner="acme")
    with pytest.raises(InvalidArgumentError, match="expiry must be a whole number"):
        client.files.download(created.id, owner="acme", expiry="soon", signature="x")
    downloads = [r for r in replicate_emulator.requests if r.path.endswith("/download")]
    assert downloads == []
    # The file's id is read from the URL, with or without a trailing slash.
    assert signed_download(url.replace("/download?", "/download/?"), {})[0] == created.id
