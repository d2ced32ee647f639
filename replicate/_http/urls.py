"""Absolute URLs of API paths, each parsed once.

httpx parses and validates a request's URL twice (the relative path, then the path joined to
the client's base URL), which was a quarter of the client's own time per call; an absolute
``httpx.URL`` passes through untouched. The paths repeat (a model's create, a prediction
polled until it finishes), so the recent ones are kept.
"""

from __future__ import annotations

from functools import lru_cache

import httpx

#: Distinct paths kept (a few hundred bytes each).
CACHED_PATHS = 1024


class ApiUrls:
    """Joins API paths (``"/predictions/abc"``) to a base URL ending in ``/``, as httpx's
    ``base_url`` does, remembering the last :data:`CACHED_PATHS` results."""

    def __init__(self, base_url: str) -> None:
        self._base = httpx.URL(base_url)
        self.absolute = lru_cache(maxsize=CACHED_PATHS)(self._join)

    def _join(self, path: str) -> httpx.URL:
        url = httpx.URL(path)
        if not url.is_relative_url:
            return url
        # httpx's own merge: the base's path, then the relative path without its leading "/".
        return self._base.copy_with(raw_path=self._base.raw_path + url.raw_path.lstrip(b"/"))
