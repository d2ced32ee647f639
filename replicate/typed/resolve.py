"""Which version a ref means and its parsed schema: one request per client and ref.

``owner/name`` resolves to the model's latest version (``GET /models/{owner}/{name}``; an
official model is run by name, with that version's schema), ``owner/name:version`` to that
version (``GET .../versions/{id}``). The answer is cached
per client; concurrent callers (threads or tasks) share a single request.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import weakref
from typing import TYPE_CHECKING, Any

import attrs

from .._api.ops import Call, call_async, call_sync
from .._flows.outputs import remember_schema
from ..exceptions import ReplicateError, ReplicateException
from ..identifier import ModelVersionIdentifier, parse_ref
from ..schema import ModelSchema, SchemaError, parse_schema

if TYPE_CHECKING:
    from ..client import Client

logger = logging.getLogger("replicate")


class ModelLookupError(ReplicateException, LookupError):
    """The model or version a ref names cannot be used (missing, hidden, no versions)."""


@attrs.frozen
class ModelInfo:
    """A resolved ref: the model, the version whose schema was read (``None``: none),
    its raw ``openapi_schema`` and the parsed schema (``None``: no schema).

    ``by_name``: an official model asked for without a version, run by name as
    ``run("owner/name")`` does (its versions are not addressable and change without notice).
    """

    owner: str
    name: str
    version: str | None
    openapi_schema: dict[str, Any] | None = attrs.field(repr=False, eq=False)
    schema: ModelSchema | None = attrs.field(repr=False, eq=False)
    latest: bool = False
    description: str | None = attrs.field(default=None, repr=False, eq=False)
    by_name: bool = False

    @property
    def model(self) -> str:
        """``owner/name``."""
        return f"{self.owner}/{self.name}"

    @property
    def ref(self) -> str:
        """The ref runs use: ``owner/name:version``, or ``owner/name`` for a model run by
        name (or without a version)."""
        return f"{self.model}:{self.version}" if self.version and not self.by_name else self.model


def use_ref(ref: str) -> ModelVersionIdentifier:
    """``owner/name[:version]`` parsed; bare version ids cannot be typed (no model name)."""
    if not isinstance(ref, str):
        raise TypeError(
            f"use() takes 'owner/name' or 'owner/name:version', got {type(ref).__name__}"
        )
    return parse_ref(ref)


def info_from_json(ident: ModelVersionIdentifier, body: Any) -> ModelInfo:
    """A :class:`ModelInfo` from a model object (unpinned) or a version object (pinned)."""
    model = f"{ident.owner}/{ident.name}"
    official = ident.version is None and isinstance(body, dict) and body.get("is_official") is True
    if ident.version is not None:
        version: Any = body
        latest = False
    else:
        version = body.get("latest_version") if isinstance(body, dict) else None
        latest = True
        if not isinstance(version, dict):
            if official:
                return ModelInfo(ident.owner, ident.name, None, None, None, True, by_name=True)
            raise ModelLookupError(
                f"{model} has no version you can see (private, hidden or not pushed yet)"
            )
    if not isinstance(version, dict) or not isinstance(version.get("id"), str):
        raise ModelLookupError(f"{model}: the API returned no usable version object")
    raw_schema = version.get("openapi_schema")
    schema = None
    if raw_schema:
        try:
            schema = parse_schema(raw_schema)
        except SchemaError as exc:
            raise SchemaError(f"{model}:{version['id']} has a malformed schema: {exc}") from None
    return ModelInfo(
        ident.owner,
        ident.name,
        version["id"],
        raw_schema if isinstance(raw_schema, dict) else None,
        schema,
        latest=latest,
        description=body.get("description") if latest and isinstance(body, dict) else None,
        by_name=official,
    )


def info_from_model_json(model: Any) -> ModelInfo:
    """From a model object as ``GET /v1/models/{owner}/{name}`` returns it (offline); a
    ``ValueError`` saying what is missing from anything else."""
    if not isinstance(model, dict):
        raise ValueError(f"expected a model object (a JSON object), got {type(model).__name__}")
    missing = [key for key in ("owner", "name") if not isinstance(model.get(key), str)]
    if missing:
        raise ValueError(f"a model object has no {' or '.join(map(repr, missing))} string")
    return info_from_json(ModelVersionIdentifier(model["owner"], model["name"]), model)


def lookup_call(ident: ModelVersionIdentifier) -> Call[ModelInfo]:
    """The one request that resolves ``ident``."""
    from replicate_api.api.models import models_get, models_versions_get

    def parse(client: Client, body: Any) -> ModelInfo:
        return info_from_json(ident, body)

    if ident.version is not None:
        args: tuple[str, ...] = (ident.owner, ident.name, ident.version)
        return Call(parse, models_versions_get.request_kwargs, args=args)
    return Call(parse, models_get.request_kwargs, args=(ident.owner, ident.name))


def _lookup_failed(ident: ModelVersionIdentifier, exc: ReplicateError) -> Exception:
    model = f"{ident.owner}/{ident.name}"
    if exc.status == 404:
        if ident.version is not None:
            return ModelLookupError(
                f"version {ident.version} of {model} was not found (deleted, hidden, or the model "
                "does not exist)"
            )
        return ModelLookupError(f"model {model} was not found (or is private to another account)")
    return exc


def _announce(info: ModelInfo) -> None:
    if info.by_name:
        logger.info("use(%r): an official model, run by name", info.model)
    elif info.latest and info.version:
        logger.info("use(%r): using the latest version %s", info.model, info.version)


# --- the cache: one request per client and ref ---------------------------------------------

_cache: weakref.WeakKeyDictionary[Any, dict[str, ModelInfo]] = weakref.WeakKeyDictionary()
_thread_locks: weakref.WeakKeyDictionary[Any, dict[str, threading.Lock]] = (
    weakref.WeakKeyDictionary()
)
_pending: weakref.WeakKeyDictionary[Any, dict[tuple[str, int], asyncio.Future[ModelInfo]]] = (
    weakref.WeakKeyDictionary()
)
_guard = threading.Lock()


def cached(client: Client, ref: str) -> ModelInfo | None:
    """The resolved ref if this client already resolved it."""
    return _cache.get(client, {}).get(ref)


def _store(client: Client, ref: str, info: ModelInfo) -> None:
    with _guard:
        _cache.setdefault(client, {})[ref] = info
    if info.version is not None:  # run() then needs no request of its own for the schema
        remember_schema(client, info.model, info.version, info.openapi_schema)
    _announce(info)


def resolve(client: Client, ref: str) -> ModelInfo:
    """Resolve ``ref`` for ``client`` (a request only the first time)."""
    info = cached(client, ref)
    if info is not None:
        return info
    ident = use_ref(ref)
    with _guard:
        lock = _thread_locks.setdefault(client, {}).setdefault(ref, threading.Lock())
    with lock:
        info = cached(client, ref)
        if info is None:
            try:
                info = call_sync(client, lookup_call(ident))
            except ReplicateError as exc:
                raise _lookup_failed(ident, exc) from None
            _store(client, ref, info)
    return info


async def async_resolve(client: Client, ref: str) -> ModelInfo:
    """Async :func:`resolve`: concurrent tasks on one loop await the same request."""
    ident = use_ref(ref)
    loop = asyncio.get_running_loop()
    key = (ref, id(loop))
    while True:
        info = cached(client, ref)
        if info is not None:
            return info
        with _guard:
            pending = _pending.setdefault(client, {})
            future = pending.get(key)
            if future is None:
                future = pending[key] = loop.create_future()
                break  # this task sends the request
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if future.cancelled() and task is not None and not task.cancelling():
                continue  # the task sending the request was cancelled, not this one: retry
            raise
    try:
        info = await call_async(client, lookup_call(ident))
    except ReplicateError as exc:
        error = _lookup_failed(ident, exc)
        future.set_exception(error)
        future.exception()  # retrieved here, so a lone caller leaves no "never retrieved" log
        raise error from None
    except Exception as exc:
        future.set_exception(exc)
        future.exception()
        raise
    except BaseException:
        future.cancel()  # waiters see the cancellation; the next call tries again
        raise
    finally:
        with _guard:
            pending.pop(key, None)
    _store(client, ref, info)
    future.set_result(info)
    return info
