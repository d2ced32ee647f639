"""Python client for Replicate's HTTP API.

Module-level functions and namespaces use a default :class:`Client` created on
first use from ``REPLICATE_API_TOKEN`` / ``REPLICATE_BASE_URL``::

    import replicate
    output = replicate.run("owner/model", input={"prompt": "hi"})
    prediction = replicate.predictions.get("abc123")

Everything is imported lazily so ``import replicate`` stays cheap.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal, Unpack, overload

# Submodules whose names are also default-client attributes are loaded first, so a
# later `import replicate.hardware` cannot replace the `replicate.hardware` namespace.
from . import hardware as _hardware_module  # noqa: F401
from . import run as _run_module  # noqa: F401
from . import stream as _stream_module  # noqa: F401
from .__about__ import __version__ as __version__
from .pagination import async_paginate, paginate

if TYPE_CHECKING:
    from ._api.search import SearchResults
    from ._flows.run import RunParams
    from ._http.retry import RetryPolicy
    from .account import Accounts
    from .batching import AsyncBatch, BatchParams, BatchResult
    from .client import Client
    from .collection import Collections
    from .deployment import Deployments
    from .file import Files
    from .hardware import HardwareNamespace
    from .model import Models
    from .prediction import Predictions
    from .stream import ServerSentEvent
    from .training import Trainings
    from .typed import AsyncFunction, Function
    from .webhook import Webhooks

    default_client: Client
    accounts: Accounts
    collections: Collections
    deployments: Deployments
    files: Files
    hardware: HardwareNamespace
    models: Models
    predictions: Predictions
    trainings: Trainings
    webhooks: Webhooks

__all__ = [
    "Client",
    "RetryPolicy",
    "accounts",
    "async_batch",
    "async_paginate",
    "async_run",
    "async_search",
    "async_stream",
    "batch",
    "collections",
    "default_client",
    "deployments",
    "files",
    "hardware",
    "models",
    "paginate",
    "predictions",
    "run",
    "search",
    "stream",
    "trainings",
    "use",
    "webhooks",
]

_SUBMODULES = frozenset(
    {
        "account",
        "batching",
        "client",
        "collection",
        "deployment",
        "exceptions",
        "file",
        "helpers",
        "identifier",
        "model",
        "pagination",
        "prediction",
        "resource",
        "schema",
        "training",
        "transports",
        "typed",
        "version",
        "webhook",
    }
)
_lock = threading.Lock()


def _default_client() -> Client:
    client: Client | None = globals().get("default_client")
    if client is None:
        with _lock:
            client = globals().get("default_client")
            if client is None:
                from .client import Client

                client = Client()
                globals()["default_client"] = client
    return client


class _DefaultNamespace:
    """Forwards to a namespace of the default client, created on first use (so
    ``from replicate import predictions`` works before the token is set)."""

    def __init__(self, name: str, namespace: Callable[[Client], Any]) -> None:
        self._name, self._namespace = name, namespace

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._namespace(_default_client()), attribute)

    def __repr__(self) -> str:
        return f"<replicate.{self._name} of the default client>"


if not TYPE_CHECKING:
    accounts = _DefaultNamespace("accounts", lambda client: client.accounts)
    collections = _DefaultNamespace("collections", lambda client: client.collections)
    deployments = _DefaultNamespace("deployments", lambda client: client.deployments)
    files = _DefaultNamespace("files", lambda client: client.files)
    hardware = _DefaultNamespace("hardware", lambda client: client.hardware)
    models = _DefaultNamespace("models", lambda client: client.models)
    predictions = _DefaultNamespace("predictions", lambda client: client.predictions)
    trainings = _DefaultNamespace("trainings", lambda client: client.trainings)
    webhooks = _DefaultNamespace("webhooks", lambda client: client.webhooks)


def run(ref: Any, input: dict[str, Any] | None = None, **params: Unpack[RunParams]) -> Any:
    """Run a model with the default client; see :meth:`Client.run`."""
    return _default_client().run(ref, input, **params)


async def async_run(
    ref: Any, input: dict[str, Any] | None = None, **params: Unpack[RunParams]
) -> Any:
    """Async :func:`run`."""
    return await _default_client().async_run(ref, input, **params)


def stream(
    ref: Any, *, input: dict[str, Any] | None = None, **params: Any
) -> Iterator[ServerSentEvent]:
    """Stream a model's events with the default client; see :meth:`Client.stream`."""
    return _default_client().stream(ref, input=input, **params)


async def async_stream(
    ref: Any, input: dict[str, Any] | None = None, **params: Any
) -> AsyncIterator[ServerSentEvent]:
    """Async :func:`stream`: ``async for event in await replicate.async_stream(...)``."""
    return await _default_client().async_stream(ref, input, **params)


@overload
def use(ref: str, *, streaming: bool = False, use_async: Literal[False] = False) -> Function: ...
@overload
def use(ref: str, *, streaming: bool = False, use_async: Literal[True]) -> AsyncFunction: ...
def use(ref: str, *, streaming: bool = False, use_async: bool = False) -> Function | AsyncFunction:
    """A model as a typed Python function on the default client, the one in place when it is
    called (so a module-level ``use()`` follows test fixtures); see :meth:`Client.use`."""
    from .typed import use as typed_use

    if use_async:
        return typed_use(ref, streaming=streaming, use_async=True)
    return typed_use(ref, streaming=streaming)


def batch(
    ref: Any, inputs: Iterable[Mapping[str, Any]], **params: Unpack[BatchParams]
) -> Iterator[BatchResult]:
    """Run a model on many inputs with the default client; see :meth:`Client.batch`."""
    return _default_client().batch(ref, inputs, **params)


def async_batch(
    ref: Any, inputs: Iterable[Mapping[str, Any]], **params: Unpack[BatchParams]
) -> AsyncBatch:
    """Async :func:`batch`."""
    return _default_client().async_batch(ref, inputs, **params)


def search(query: str, *, limit: int | None = None) -> SearchResults:
    """Search models, collections and docs with the default client."""
    return _default_client().search(query, limit=limit)


async def async_search(query: str, *, limit: int | None = None) -> SearchResults:
    """Async :func:`search`."""
    return await _default_client().async_search(query, limit=limit)


def __getattr__(name: str) -> Any:
    if name == "default_client":
        return _default_client()
    if name == "Client":
        from .client import Client

        return Client
    if name == "RetryPolicy":
        from ._http.retry import RetryPolicy

        return RetryPolicy
    if name in _SUBMODULES:
        # ``replicate.exceptions`` without importing it first, as 1.x (which imported every
        # submodule) allowed; the name is the module's own path, so tools still follow it.
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'replicate' has no attribute {name!r}")


def __dir__() -> list[str]:
    # The names __getattr__ provides on first use, listed as 1.x's eager imports listed them.
    return sorted({*globals(), "Client", "RetryPolicy", "default_client", *_SUBMODULES})
