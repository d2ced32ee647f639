"""Input encoding: validation with key paths, file detection, strategies, de-duplication."""

from __future__ import annotations

import base64
import datetime
import decimal
import enum
import io
import json
import math
import os
import uuid
from pathlib import Path
from typing import Any

import anyio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from replicate._encoding.inputs import (
    DATA_URI_MAX_BYTES,
    MAX_DEPTH,
    MAX_UPLOAD_BYTES,
    FileSource,
    FileTooLargeError,
    InputTypeError,
    InputValueError,
    async_encode_input,
    encode_input,
    normalize_strategy,
    prepare_input,
)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.fixture
def image(tmp_path: Path) -> Path:
    path = tmp_path / "cat.png"
    path.write_bytes(PNG)
    return path


def read_all(source: FileSource) -> bytes:
    with source.open() as file:
        return file.read()


class Uploads:
    """A fake upload callback that records what it was asked to upload."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, int, bytes]] = []

    def __call__(self, source: FileSource) -> str:
        content = read_all(source)
        self.seen.append((source.name, source.content_type, source.size, content))
        return f"https://files.test/{len(self.seen)}/{source.name}"


# ---------------------------------------------------------------- plain JSON values


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(blacklist_categories=("Cs",))),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=30,
)


@settings(max_examples=200)
@given(value=st.dictionaries(st.text(max_size=8), json_values, max_size=5))
def test_json_values_pass_through_unchanged(value: dict[str, Any]) -> None:
    encoded = encode_input(value)
    assert encoded == value
    assert json.loads(json.dumps(encoded, allow_nan=False)) == value


@settings(max_examples=200)
@given(
    value=st.dictionaries(st.text(max_size=8), json_values, min_size=1, max_size=5),
    choice=st.randoms(use_true_random=False),
    bad=st.sampled_from([math.nan, math.inf, -math.inf, "\ud800", object(), decimal.Decimal(1)]),
)
def test_any_bad_value_is_reported_at_its_exact_path(
    value: dict[str, Any], choice: Any, bad: Any
) -> None:
    # Walk down a random branch, plant the bad value there and compute its expected path.
    path = "input"
    node: Any = value
    while True:
        if isinstance(node, dict):
            keys = list(node)
            if not keys or choice.random() < 0.3:
                node["planted"] = bad
                path += '["planted"]'
                break
            key = choice.choice(keys)
            if not isinstance(node[key], dict | list):
                node[key] = bad
                path += json.dumps([key], ensure_ascii=False)[1:-1].join("[]")
                break
            path += json.dumps([key], ensure_ascii=False)[1:-1].join("[]")
            node = node[key]
        else:
            if not node or choice.random() < 0.3:
                node.append(bad)
                path += f"[{len(node) - 1}]"
                break
            index = choice.randrange(len(node))
            if not isinstance(node[index], dict | list):
                node[index] = bad
                path += f"[{index}]"
                break
            path += f"[{index}]"
            node = node[index]
    with pytest.raises((InputTypeError, InputValueError)) as caught:
        prepare_input(value)
    assert caught.value.path == path
    assert str(caught.value).startswith(path + ": ")


def test_error_messages_name_the_path() -> None:
    cases: list[tuple[dict[str, Any], type[Exception], str]] = [
        ({"images": [1, 2, math.nan]}, InputValueError, 'input["images"][2]: nan'),
        ({"a": {"b": math.inf}}, InputValueError, 'input["a"]["b"]: inf'),
        ({"a": {3: "x"}}, InputTypeError, 'input["a"][3]: keys must be str'),
        ({"a": ["\udcff"]}, InputValueError, 'input["a"][0]: string contains a lone surrogate'),
        ({"\udcff": 1}, InputValueError, 'input["\\udcff"]: string contains a lone surrogate'),
        ({"a": decimal.Decimal("1.5")}, InputTypeError, 'input["a"]: Decimal values'),
        ({"a": object()}, InputTypeError, 'input["a"]: object values cannot be sent'),
        ({"a": 10**5000}, InputValueError, 'input["a"]: integer is too large'),
    ]
    for value, error, message in cases:
        with pytest.raises(error) as caught:
            prepare_input(value)
        assert str(caught.value).startswith(message)
    with pytest.raises(TypeError, match="input must be a dict"):
        prepare_input([1, 2])  # type: ignore[arg-type]


def test_cycles_and_depth() -> None:
    loop: list[Any] = [1]
    loop.append({"back": loop})
    with pytest.raises(InputValueError, match=r'^input\["x"\]\[1\]\["back"\]: cyclic'):
        prepare_input({"x": loop})
    shared = [1, 2]
    assert encode_input({"a": shared, "b": [shared, shared]}) == {"a": [1, 2],
                                                                 "b": [[1, 2], [1, 2]]}
    deep: Any = "leaf"
    for _ in range(MAX_DEPTH + 5):
        deep = [deep]
    with pytest.raises(InputValueError, match=f"nested more than {MAX_DEPTH} levels"):
        prepare_input({"deep": deep})


def test_conversions() -> None:
    class Color(enum.Enum):
        RED = "red"

    class Size(enum.IntEnum):
        BIG = 3

    when = datetime.datetime(2025, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    value = {
        "tuple": (1, 2), "set": {3}, "gen": (i for i in range(2)), "when": when,
        "day": datetime.date(2025, 1, 2), "id": uuid.UUID(int=1), "color": Color.RED,
        "size": Size.BIG,
    }  # fmt: skip
    assert encode_input(value) == {
        "tuple": [1, 2], "set": [3], "gen": [0, 1], "when": "2025-01-02T03:04:05+00:00",
        "day": "2025-01-02", "id": "00000000-0000-0000-0000-000000000001", "color": "red",
        "size": 3,
    }  # fmt: skip
    assert type(encode_input(value)["size"]) is int
    assert encode_input(None) == {}


# ---------------------------------------------------------------- files


def test_upload_strategy_dedupes_and_streams(image: Path) -> None:
    uploads = Uploads()
    data = b"GIF89a" + b"\0" * 10
    with image.open("rb") as handle:
        encoded = encode_input(
            {"a": image, "b": [str(image), image, handle, handle], "c": {"d": data, "e": data}},
            upload=uploads,
        )
    # Path used twice -> one upload; file object used twice -> one; bytes object twice -> one.
    assert [(name, ctype, size) for name, ctype, size, _ in uploads.seen] == [
        ("cat.png", "image/png", len(PNG)),
        ("cat.png", "image/png", len(PNG)),
        ("file.gif", "image/gif", len(data)),
    ]
    assert [content for *_, content in uploads.seen] == [PNG, PNG, data]
    assert encoded == {
        "a": "https://files.test/1/cat.png",
        "b": [str(image), "https://files.test/1/cat.png", "https://files.test/2/cat.png",
              "https://files.test/2/cat.png"],
        "c": {"d": "https://files.test/3/file.gif", "e": "https://files.test/3/file.gif"},
    }


def test_string_paths_only_when_opted_in(image: Path) -> None:
    uploads = Uploads()
    assert encode_input({"p": str(image)}, upload=uploads) == {"p": str(image)}
    encoded = encode_input({"p": str(image), "q": "not/a/file", "u": "https://x/y.png"},
                           upload=uploads, detect_file_paths=True)
    assert encoded == {"p": "https://files.test/1/cat.png", "q": "not/a/file",
                       "u": "https://x/y.png"}


def test_data_uri_strategy(image: Path) -> None:
    for strategy in ("data-uri", "base64"):
        encoded = encode_input({"img": image, "raw": memoryview(b"hello")}, strategy=strategy)
        assert encoded["img"] == "data:image/png;base64," + base64.b64encode(PNG).decode()
        assert encoded["raw"] == "data:application/octet-stream;base64,aGVsbG8="


def test_data_uri_refuses_large_files_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    with big.open("wb") as handle:
        handle.truncate(DATA_URI_MAX_BYTES + 1)  # sparse: no real disk use
    with pytest.raises(FileTooLargeError, match="use the 'upload' strategy"):
        prepare_input({"f": big}, strategy="data-uri")
    prepare_input({"f": big})  # fine for uploads


def test_upload_limit_is_checked_before_any_upload(tmp_path: Path) -> None:
    huge = tmp_path / "huge.bin"
    with huge.open("wb") as handle:
        handle.truncate(MAX_UPLOAD_BYTES + 1)
    uploads = Uploads()
    with pytest.raises(FileTooLargeError, match=r'^input\["files"\]\[1\]: file \'huge.bin\''):
        encode_input({"files": [b"small", huge]}, upload=uploads)
    assert uploads.seen == []


def test_non_seekable_stream_is_buffered_so_size_is_known() -> None:
    read_fd, write_fd = os.pipe()
    os.write(write_fd, PNG)
    os.close(write_fd)
    with open(read_fd, "rb", buffering=0) as pipe:
        prepared = prepare_input({"f": pipe})
        (source,) = prepared.uploads
        assert (source.size, source.content_type) == (len(PNG), "image/png")
        assert read_all(source) == PNG
        assert read_all(source) == PNG  # re-readable for retries


def test_file_errors(tmp_path: Path, image: Path) -> None:
    with pytest.raises(InputValueError, match=r'^input\["f"\]: .*not an existing file'):
        prepare_input({"f": tmp_path / "missing.png"})
    with image.open("r") as text, pytest.raises(InputTypeError, match="text mode"):
        prepare_input({"f": text})
    closed = image.open("rb")
    closed.close()
    with pytest.raises(InputValueError, match=r'^input\["f"\]'):
        prepare_input({"f": closed})
    with pytest.raises(TypeError, match="no upload callback"):
        encode_input({"f": b"x"})
    with pytest.raises(ValueError, match="unknown file encoding strategy"):
        prepare_input({}, strategy="ftp")
    assert normalize_strategy("url") == "upload"


def test_long_filenames_are_shortened_keeping_the_extension(tmp_path: Path) -> None:
    path = tmp_path / ("x" * 250 + ".jpeg")
    path.write_bytes(b"\xff\xd8\xff\xe0")
    (source,) = prepare_input({"f": io.BytesIO(b"") and path.open("rb")}).uploads
    assert len(source.name) == 255 and source.name.endswith(".jpeg")
    assert source.content_type == "image/jpeg"


def test_substitute_requires_every_url(image: Path) -> None:
    prepared = prepare_input({"f": image})
    with pytest.raises(ValueError, match="no URL given"):
        prepared.substitute({})


@pytest.mark.anyio
async def test_async_shell(image: Path) -> None:
    calls: list[str] = []

    async def upload(source: FileSource) -> str:
        await anyio.sleep(0)
        calls.append(source.name)
        return "https://files.test/" + source.name

    encoded = await async_encode_input({"a": [image, image]}, upload=upload)
    assert encoded == {"a": ["https://files.test/cat.png"] * 2}
    assert calls == ["cat.png"]


def test_hosted_files_and_odd_readers() -> None:
    class Hosted:  # like a FileOutput from an earlier run: passed on by URL, not re-uploaded
        url = "https://replicate.delivery/abc/out.png"

        def read(self) -> bytes:
            raise AssertionError("must not be read")

    assert encode_input({"image": Hosted()}) == {"image": Hosted.url}

    class NoSizeArgument:
        def read(self) -> bytes:
            return b"x"

    with pytest.raises(InputValueError, match=r'^input\["f"\]: cannot read NoSizeArgument'):
        prepare_input({"f": NoSizeArgument()})
