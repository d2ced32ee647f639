"""``replicate.run`` as a module path, as 1.x has it: ``run(client, ref, ...)`` and its async
twin, taking the client first.

Most code calls ``replicate.run(...)`` (the default client) or ``client.run(...)``; both end in
:func:`replicate._flows.run.run_model`, as these do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Unpack

if TYPE_CHECKING:
    from ._flows.run import RunParams
    from .client import Client


def run(
    client: Client, ref: Any, input: dict[str, Any] | None = None, **params: Unpack[RunParams]
) -> Any:
    """Run a model with ``client``; see :meth:`replicate.Client.run`."""
    return client.run(ref, input, **params)


async def async_run(
    client: Client, ref: Any, input: dict[str, Any] | None = None, **params: Unpack[RunParams]
) -> Any:
    """Async :func:`run`."""
    return await client.async_run(ref, input, **params)
