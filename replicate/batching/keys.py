"""Input keys and shards: which input is which across reruns and machines (pure functions)."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from ..schema.secret import Secret, reveal

#: A key function, or the name of an input field holding the key; None hashes the input.
KeySpec = str | Callable[[Mapping[str, Any]], str] | None

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def input_hash(value: Mapping[str, Any]) -> str:
    """A stable key for an input: a hash of its canonical JSON."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:32]


def key_kind(key: KeySpec) -> str:
    """How inputs are keyed, as a ledger records it. Functions cannot be compared with each
    other, but a switch between a function and a field or the hash is caught."""
    if key is None:
        return "hash of the input"
    if callable(key):
        return "a key function"
    return f"field {key!r}"


def input_key(value: Mapping[str, Any], key: KeySpec) -> str:
    """The key of one input under ``key`` (see :data:`KeySpec`)."""
    if key is None:
        return input_hash(value)
    if callable(key):
        found = key(value)
    else:
        if key not in value:
            raise ValueError(f"input has no key field {key!r}: {sorted(value)}")
        found = value[key]
    if not isinstance(found, str | int) or isinstance(found, bool) or found == "":
        raise ValueError(f"an input key must be a non-empty string or an integer, got {found!r}")
    return str(found)


Items = list[tuple[str, int, dict[str, Any]]]


def check_inputs(inputs: Iterable[Any], key: KeySpec) -> tuple[Items, frozenset[str]]:
    """``(key, index, input)`` for every input, and the names of the inputs given as
    :class:`~replicate.schema.Secret` anywhere (their values are sent plain, and kept out of
    messages); a clear error for a bad or repeated input.

    Inputs must be JSON objects of JSON values (so that a rerun can match them), and
    their keys unique (one prediction per key).
    """
    items: Items = []
    secrets: set[str] = set()
    seen: dict[str, int] = {}
    for index, value in enumerate(inputs):
        if not isinstance(value, Mapping):
            raise TypeError(f"input #{index} must be a dict, got {type(value).__name__}")
        secrets.update(name for name, item in value.items() if _holds_secret(item))
        for name, item in value.items():
            if _holds_file(item):
                raise TypeError(
                    f"input #{index}: {name!r} is a local file; a batch takes files as URLs "
                    "(upload it first: client.files.create(path).urls['get'], or a data: URI)"
                )
        try:
            plain = json.loads(json.dumps(reveal(dict(value)), allow_nan=False))
        except (TypeError, ValueError) as exc:
            raise TypeError(f"input #{index} is not plain JSON: {exc}") from None
        try:
            name = input_key(plain, key)
        except ValueError as exc:
            raise ValueError(f"input #{index}: {exc}") from None
        if name in seen:
            what = "is identical to" if key is None else "has the same key as"
            raise ValueError(
                f"input #{index} {what} input #{seen[name]} ({name}); a batch runs each "
                "input once: remove the duplicate or give inputs distinct keys"
            )
        seen[name] = index
        items.append((name, index, plain))
    return items, frozenset(secrets)


def _holds_file(value: Any) -> bool:
    # What run() would upload: a path or an open file (a rerun could not match either).
    if isinstance(value, list | tuple):
        return any(_holds_file(item) for item in value)
    return isinstance(value, os.PathLike) or hasattr(value, "read")


def _holds_secret(value: Any) -> bool:
    if isinstance(value, list | tuple):
        return any(_holds_secret(item) for item in value)
    return isinstance(value, Secret)


@attrs.frozen
class Shard:
    """Shard ``index`` (0-based) of ``count``."""

    index: int
    count: int

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.index < self.count:
            raise ValueError(f"shard must be I/N with 0 <= I < N, got {self.index}/{self.count}")

    @classmethod
    def parse(cls, text: str) -> Shard:
        """From ``"I/N"`` (``"0/4"`` is the first of four)."""
        match = _SHARD.match(text)
        if match is None:
            raise ValueError(f"shard must look like I/N (e.g. 0/4), got {text!r}")
        return cls(int(match[1]), int(match[2]))

    def holds(self, key: str) -> bool:
        """Whether the input with this key belongs to this shard (same answer everywhere)."""
        digest = hashlib.sha256(key.encode()).digest()
        return int.from_bytes(digest[:8], "big") % self.count == self.index

    def share(self, amount: float) -> float:
        """This shard's part of what all shards share (the rate, the burst)."""
        return amount / self.count


def select_shard(items: Items, shard: Shard | None) -> Items:
    """The items of this shard (all of them without one)."""
    if shard is None:
        return items
    return [item for item in items if shard.holds(item[0])]
