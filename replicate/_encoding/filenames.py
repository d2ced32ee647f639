"""Reducing a name taken from a URL to a file name that is safe on every platform.

:func:`safe_file_name` keeps only the last component (``/``, ``\\`` and ``:`` all
count as separators, so ``..\\..\\x.exe`` and ``C:x.exe`` both become ``x.exe``),
drops control characters and the characters Windows forbids, refuses ``.``/``..``
and Windows device names (``CON``, ``NUL``, ``COM1``...), and bounds the length.
"""

from __future__ import annotations

import re

#: Longest name returned, in UTF-8 bytes (the common file-system limit is 255).
MAX_NAME_BYTES = 255
DEFAULT_NAME = "output"
_SEPARATORS = re.compile(r"[/\\:]")
# C0/C1 controls, DEL, and the characters Windows does not allow in names.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f<>"|?*]')
_DEVICES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{kind}{n}" for kind in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")}
)


def safe_file_name(raw: str, default: str = DEFAULT_NAME) -> str:
    """The last path component of ``raw`` (already percent-decoded), made safe to save."""
    name = _SEPARATORS.split(raw.rstrip("/\\"))[-1]
    name = _UNSAFE.sub("_", name)
    # Windows drops trailing dots and spaces, which would turn "x.." into "x" (or "..").
    name = name.lstrip(" ").rstrip(". ")
    if not name:
        return default
    stem = name.split(".", 1)[0].rstrip(" ").upper()
    if stem in _DEVICES:
        name = "_" + name
    return _bounded(name)


def _bounded(name: str) -> str:
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension.encode("utf-8")) > 16:
        stem, extension = name, ""
    keep = MAX_NAME_BYTES - len(extension.encode("utf-8")) - len(dot)
    cut = stem.encode("utf-8")[:keep].decode("utf-8", "ignore")
    return cut + dot + extension if extension else cut
