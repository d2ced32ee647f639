"""What generated per-model modules call: run options, and running a pinned version.

A generated ``run(options, /, *, prompt=..., ...)`` takes run options positionally, so no
input name (``client``, ``timeout``, ``class``...) can ever collide with them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Unpack

from ..schema import ModelSchema, parse_schema, sendable_input

if TYPE_CHECKING:
    from .._flows.run import RunParams
    from ..client import Client


class Options:
    """Options for a generated module's ``run``/``async_run``: the client to use (default:
    ``replicate``'s default client) and :meth:`Client.run`'s keyword arguments
    (``wait``, ``timeout``, ``deadline``, ``use_file_output``, ``webhook``, ...)."""

    __slots__ = ("client", "params")

    def __init__(self, client: Client | None = None, **params: Unpack[RunParams]) -> None:
        self.client = client
        self.params = params

    def __repr__(self) -> str:
        return f"Options(client={self.client!r}, {', '.join(sorted(self.params))})"


_schemas: dict[int, tuple[Mapping[str, Any], ModelSchema]] = {}


def _schema(source: Mapping[str, Any]) -> ModelSchema:
    # Each generated module parses its embedded schema once.
    entry = _schemas.get(id(source))
    if entry is None or entry[0] is not source:
        entry = (source, parse_schema({"components": {"schemas": dict(source)}}))
        _schemas[id(source)] = entry
    return entry[1]


def prepare(ref: str, source: Mapping[str, Any], inputs: dict[str, Any]) -> dict[str, Any]:
    """The input to send: optional inputs left at ``None`` dropped, checked, secrets unwrapped."""
    # Modules of versions without a schema embed {} and check nothing.
    schema = _schema(source) if source else None
    return sendable_input(schema, inputs, model=ref)


def _client(options: Options | None) -> tuple[Client, dict[str, Any]]:
    if options is None:
        options = Options()
    client = options.client
    if client is None:
        from .. import _default_client

        client = _default_client()
    return client, dict(options.params)


def run_version(
    options: Options | None,
    ref: str,
    source: Mapping[str, Any],
    inputs: dict[str, Any],
) -> Any:
    """Check ``inputs`` against the embedded schema and run ``ref`` (``owner/name:version``)."""
    client, params = _client(options)
    return client.run(ref, input=prepare(ref, source, inputs), **params)


async def async_run_version(
    options: Options | None,
    ref: str,
    source: Mapping[str, Any],
    inputs: dict[str, Any],
) -> Any:
    """Async :func:`run_version`."""
    client, params = _client(options)
    return await client.async_run(ref, input=prepare(ref, source, inputs), **params)
