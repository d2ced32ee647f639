"""The API token of the Cog scope a model runs in (models that call other models).

Inside a Cog model the runtime hands each prediction its own token through
``cog.current_scope().context``; replicate 1.x prefers it to ``$REPLICATE_API_TOKEN``.
"""

from __future__ import annotations

import functools
from typing import Any

__all__ = ["cog_scope_token"]

TOKEN_KEY = "REPLICATE_API_TOKEN"


@functools.cache
def _cog() -> Any:
    # Looked up once: outside Cog a failed import on every request would cost a path search.
    try:
        import cog  # type: ignore[import-not-found]
    except Exception:
        return None
    return cog


def cog_scope_token() -> str | None:
    """The scope's ``REPLICATE_API_TOKEN`` (key in any case; empty values and any error
    reading it are ignored), or ``None``."""
    cog = _cog()
    if cog is None:
        return None
    try:
        context = cog.current_scope().context
        for key, value in context.items():
            if isinstance(key, str) and key.upper() == TOKEN_KEY and value:
                return str(value)
    except Exception:
        return None
    return None
