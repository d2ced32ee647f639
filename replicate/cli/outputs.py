"""Writing a model's output: text to stdout, files into the output directory.

Token outputs (iterators displayed as ``concatenate``) are printed as they arrive and
joined; every file is saved under a safe, new name and its path printed on its own line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .context import Context

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str) -> str:
    """A file name that cannot leave the directory or hide: ``../x y`` -> ``x_y``."""
    base = _UNSAFE.sub("_", name.replace("\\", "/").rpartition("/")[2]).lstrip(".")
    return base[:200] or "output"


def new_path(directory: Path, name: str) -> Path:
    """``directory/name``, or ``name-1``, ``name-2``, ... so that no file is overwritten."""
    stem, dot, suffix = safe_name(name).partition(".")
    candidate = directory / f"{stem}{dot}{suffix}"
    number = 1
    while candidate.exists():
        candidate = directory / f"{stem}-{number}{dot}{suffix}"
        number += 1
    return candidate


def write_output(ctx: Context, output: Any, directory: Path) -> None:
    """Print ``output`` (as returned by ``Client.run``), saving its files into ``directory``."""
    from .._flows.outputs import OutputIterator

    if isinstance(output, OutputIterator) and output.concatenate:
        for token in output:
            ctx.stdout.write(str(token))
            ctx.stdout.flush()
        ctx.stdout.write("\n")
        return
    items: Iterator[Any] | list[Any] = (
        output if isinstance(output, OutputIterator | list) else [output]
    )
    for item in items:
        value = _saved(item, directory)
        if value is None:
            continue
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        print(text, file=ctx.stdout, flush=True)


def _saved(value: Any, directory: Path) -> Any:
    """``value`` with every file output saved and replaced by its path."""
    from .._encoding.file_output import FileOutput

    if isinstance(value, FileOutput):
        directory.mkdir(parents=True, exist_ok=True)
        return str(value.save(new_path(directory, value.name)))
    if isinstance(value, list):
        return [_saved(item, directory) for item in value]
    if isinstance(value, dict):
        return {key: _saved(item, directory) for key, item in value.items()}
    return value
