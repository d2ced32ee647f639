"""File outputs get safe names on every platform; malformed ``data:`` URIs are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.client_support import PREDICTION, json_reply, scripted
from support.reliability_support import call, make_client

from replicate._encoding.file_output import FileOutput
from replicate._encoding.filenames import MAX_NAME_BYTES

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(30)]
MODES = pytest.mark.parametrize("mode", ["sync", "async"])

NAMES = [
    ("..%5C..%5Cpwned.exe", "pwned.exe"),
    ("..%2F..%2Fpwned.exe", "pwned.exe"),
    ("C:%5CWindows%5Cx.dll", "x.dll"),
    ("C:x.dll", "x.dll"),
    ("%2e%2e", "output"),
    (".", "output"),
    ("a%00b%01c%7F.png", "a_b_c_.png"),
    ("CON", "_CON"),
    ("nul.txt", "_nul.txt"),
    ("COM1.tar.gz", "_COM1.tar.gz"),
    ("x.png.%20.", "x.png"),
    ("a%3Cb%3E%7C%3F%2A%22.txt", "a_b_____.txt"),
    ("ok-file_1.webp", "ok-file_1.webp"),
]


@MODES
@pytest.mark.parametrize(("tail", "expected"), NAMES)
async def test_saved_outputs_land_inside_the_directory_under_a_safe_name(
    mode: str, tail: str, expected: str, tmp_path: Path
) -> None:
    with scripted([(200, {"Content-Type": "application/octet-stream"}, b"data")]) as files:
        url = f"{files.base_url}/files/{tail}"
        with scripted([json_reply(201, {**PREDICTION, "output": url})]) as api:
            client = make_client(api.base_url)
            output = await call(mode, client, "run", "o/m:" + "a" * 64, {})
            assert isinstance(output, FileOutput)
            assert output.name == expected
            saved = output.save(tmp_path) if mode == "sync" else await output.asave(tmp_path)
    assert saved.parent == tmp_path and saved.read_bytes() == b"data"
    assert [p.name for p in tmp_path.iterdir()] == [expected]


def test_long_names_are_bounded_and_keep_their_extension() -> None:
    client = make_client("http://127.0.0.1:9")
    name = FileOutput("https://files.example/" + "é" * 300 + ".png", client).name
    assert len(name.encode()) <= MAX_NAME_BYTES and name.endswith(".png")


@MODES
@pytest.mark.parametrize("payload", ["@@@@", "aGVsbG8", "aGVs*G8=", "aGVsbG8=aGVs"])
async def test_malformed_base64_data_uris_are_refused(mode: str, payload: str) -> None:
    client = make_client("http://127.0.0.1:9")
    output = FileOutput(f"data:text/plain;base64,{payload}", client)
    with pytest.raises(ValueError, match="malformed base64"):
        if mode == "sync":
            output.read()
        else:
            await output.aread()


def test_wellformed_base64_data_uris_still_decode() -> None:
    client = make_client("http://127.0.0.1:9")
    assert FileOutput("data:text/plain;base64,aGVs%0AbG8=", client).read() == b"hello"
