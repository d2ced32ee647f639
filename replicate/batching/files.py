"""Saving a batch's output files before their URLs expire."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..client import Client

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def output_folder(root: Path, key: str) -> Path:
    """The folder of one input's files: its key made safe (and unique if it had to change)."""
    safe = _UNSAFE.sub("_", key)[:80].strip("._") or "input"
    if safe != key:
        safe += "-" + hashlib.sha256(key.encode()).hexdigest()[:8]
    return root / safe


async def save_outputs(client: Client, output: Any, root: Path, key: str) -> Any:
    """Download every file URL in ``output`` under ``root/<key>/``; paths replace URLs."""
    from .._encoding.file_output import FileOutput, is_file_url

    folder = output_folder(root, key)
    used: set[str] = set()

    async def walk(value: Any) -> Any:
        if isinstance(value, str) and is_file_url(value):
            file = FileOutput(value, client)
            name = file.name
            while name in used:
                name = f"{len(used)}_{file.name}"
            used.add(name)
            folder.mkdir(parents=True, exist_ok=True)
            return str(await file.asave(folder / name))
        if isinstance(value, list):
            return [await walk(item) for item in value]
        if isinstance(value, dict):
            return {k: await walk(v) for k, v in value.items()}
        return value

    return await walk(output)
