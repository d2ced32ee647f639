"""The API token of the Cog scope a model runs in (models that call other models).

Inside a Cog model the runtime hands each prediction its own token through
``cog.current_scope().context``; replicate 1.x prefers it to ``$REPLICATE_API_TOKEN``.
"""

from __future__ import annotations

import enum
import os
import sys
from typing import Any, Final, Literal

__all__ = ["environment_token"]

TOKEN_ENV_VAR: Final = "REPLICATE_API_TOKEN"


class _Absent(enum.Enum):
    ABSENT = enum.auto()


#: The scope holds no token entry (as opposed to one that is empty or ``None``).
ABSENT: Final = _Absent.ABSENT
_import_tried = False


def _cog() -> Any:
    # sys.modules first: a cog imported (or stubbed by a test) later is seen at once. The
    # import itself is tried once: outside Cog a failed import on every request would cost
    # a path search.
    global _import_tried
    if "cog" in sys.modules or _import_tried:
        return sys.modules.get("cog")
    _import_tried = True
    try:
        import cog  # type: ignore[import-not-found]
    except Exception:
        return None
    return cog


def cog_scope_token() -> str | None | Literal[_Absent.ABSENT]:
    """The scope's ``REPLICATE_API_TOKEN`` entry (key in any case), or :data:`ABSENT`
    outside Cog, without such an entry, or when reading the scope fails.

    An entry that is empty or ``None`` counts, as in 1.x: the prediction has no token, and
    the process's own ``$REPLICATE_API_TOKEN`` must not stand in for it."""
    cog = _cog()
    if cog is None:
        return ABSENT
    try:
        for key, value in cog.current_scope().context.items():
            if isinstance(key, str) and key.upper() == TOKEN_ENV_VAR:
                return None if value is None else str(value)
    except Exception:
        return ABSENT
    return ABSENT


def environment_token() -> str | None:
    """The token a client without ``api_token`` uses: the Cog scope's, else the
    environment's (either may be empty)."""
    scoped = cog_scope_token()
    return os.environ.get(TOKEN_ENV_VAR) if scoped is ABSENT else scoped
