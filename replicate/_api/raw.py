"""The generated ``replicate_api.Client`` bound to a :class:`replicate.Client`'s connections."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
from replicate_api import Client as GeneratedClient

if TYPE_CHECKING:
    from ..client import Client


class _BoundGeneratedClient(GeneratedClient):
    """Hands out the owner's httpx clients, so the generated functions get the same auth,
    retries, timeouts and error mapping, and async calls use the running loop's client."""

    _owner: Client

    def get_httpx_client(self) -> httpx.Client:
        return self._owner._http

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        return self._owner._async_http()


def bind_generated_client(owner: Client) -> GeneratedClient:
    """A generated client that shares ``owner``'s connections."""
    raw = _BoundGeneratedClient(base_url=owner.base_url)
    raw._owner = owner
    return raw
