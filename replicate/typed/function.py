"""``replicate.use()``: a model as a Python function with the model's own signature.

``use(ref)`` sends nothing; the first call (or ``inspect.signature``/``help``) resolves the
ref once per client (:mod:`.resolve`). Each call checks the inputs against the schema, then
runs the pinned version through :meth:`Client.run`, so waiting, files and iterator outputs
behave exactly as in ``run``.
"""

from __future__ import annotations

import inspect
import keyword
import textwrap
import warnings
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal, overload

from .._encoding.file_output import transform_output
from ..exceptions import ModelError
from ..schema import InputSpec, InputValidationError, Secret, sendable_input
from .resolve import ModelInfo, async_resolve, cached, resolve, use_ref

if TYPE_CHECKING:
    from ..client import Client
    from ..prediction import Prediction


def payload(info: ModelInfo, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The input to send: checked against the schema (if any), secrets unwrapped. An
    optional input given as ``None`` is left out, as its signature's ``= None`` says.
    An input may be given by its name or by the keyword a generated module gives it
    (``class_`` for ``class``)."""
    aliases = _aliases(info)
    if aliases:
        named: dict[str, Any] = {}
        for key, value in inputs.items():
            name = aliases.get(key, key)
            if name in named:
                raise TypeError(f"input {name!r} given twice: by its name and by its keyword")
            named[name] = value
        inputs = named
    return sendable_input(info.schema, inputs, model=info.ref)


def _is_parameter_name(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name)


def _aliases(info: ModelInfo) -> dict[str, str]:
    """Keyword -> input name, for inputs that generated modules take under another keyword
    (``class_`` for ``class``, ``str_`` for ``str``): the same calls work with both."""
    if info.schema is None:
        return {}
    from .generate import parameter_names  # the generated modules' naming rule

    names = parameter_names(info.schema.inputs)
    return {keyword: name for name, keyword in names.items() if keyword != name}


def signature(
    info: ModelInfo, *, use_async: bool = False, streaming: bool = False
) -> inspect.Signature:
    """The model's inputs as keyword-only parameters in ``x-order``, output as return type."""
    if info.schema is None:
        kwargs = inspect.Parameter("inputs", inspect.Parameter.VAR_KEYWORD, annotation=Any)
        return inspect.Signature([kwargs], return_annotation=Any)
    # Inputs named like keywords or not identifiers take the keyword generated modules give
    # them; other inputs show their own name (the generated keyword works too: str_ for str).
    keywords = {name: keyword for keyword, name in _aliases(info).items()}
    parameters = [
        inspect.Parameter(
            spec.name if _is_parameter_name(spec.name) else keywords[spec.name],
            inspect.Parameter.KEYWORD_ONLY,
            # As in generated modules: an optional input whose default cannot stand in the
            # signature defaults to None there (left out of the request).
            default=inspect.Parameter.empty
            if spec.required
            else (_shown_default(spec) if spec.default_fits else None),
            annotation=spec.annotation
            if spec.required or spec.default_fits
            else spec.annotation | None,
        )
        for spec in info.schema.inputs
    ]
    output = info.schema.output
    returns = output.annotation(use_async=use_async and (streaming or output.iterator))
    if streaming and not output.iterator:
        returns = AsyncIterator[Any] if use_async else Iterator[Any]
    return inspect.Signature(parameters, return_annotation=returns)


def _shown_default(spec: InputSpec) -> Any:
    # A secret's default shows as <secret> in signatures, as in the docstring.
    return Secret(spec.default) if spec.secret else spec.default


def docstring(info: ModelInfo) -> str:
    """The model's description of its inputs and output, for ``help()``."""
    lines = [f"Run {info.ref} on Replicate."]
    if info.schema is None:
        lines += ["", "This version publishes no schema: inputs are not checked."]
        return "\n".join(lines)
    lines += ["", "Inputs:"]
    for spec in info.schema.inputs:
        extra = []
        if spec.required:
            extra.append("required")
        elif spec.has_default:
            extra.append("default " + ("<secret>" if spec.secret else repr(spec.default)))
        if spec.minimum is not None or spec.maximum is not None:
            extra.append(f"range {spec.minimum}..{spec.maximum}")
        head = f"    {spec.name}: {spec.annotation_source} ({', '.join(extra) or 'optional'})"
        lines.append(head)
        if spec.description:
            lines += textwrap.wrap(
                spec.description, 88, initial_indent=" " * 8, subsequent_indent=" " * 8
            )
    lines += ["", f"Returns: {info.schema.output.annotation_source()}"]
    return "\n".join(lines)


def _no_schema_warning(info: ModelInfo) -> None:
    warnings.warn(
        f"{info.ref} publishes no input schema: use() takes untyped **inputs, unchecked",
        UserWarning,
        stacklevel=5,
    )


def _stream_items(output: Any) -> Iterator[Any]:
    if isinstance(output, Iterator):
        return output
    return iter(output if isinstance(output, list) else [output])


async def _async_stream_items(output: Any) -> AsyncIterator[Any]:
    if isinstance(output, AsyncIterator):
        async for item in output:
            yield item
        return
    for item in output if isinstance(output, list) else [output]:
        yield item


class _Model:
    # What the sync and async functions share: the ref, the client, and the signature.
    def __init__(self, client: Client | None, ref: str, streaming: bool, use_async: bool) -> None:
        self._given_client = client  # None: the default client in place at each call
        self._ref = ref
        self._streaming = streaming
        self._use_async = use_async
        # Each function warns once, at its first call, of a model without an input schema
        # (whether the model was resolved then, or earlier for a signature or another function).
        self._warned = False

    def _checked(self, info: ModelInfo) -> ModelInfo:
        if info.schema is None and not self._warned:
            self._warned = True
            _no_schema_warning(info)
        return info

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled by its ref (for process pools): the client, and with it the token, stays
        # behind; the copy runs through the default client of the process that loads it.
        return _unpickle, (self._ref, self._streaming, self._use_async)

    @property
    def _client(self) -> Client:
        if self._given_client is not None:
            return self._given_client
        from .. import _default_client

        return _default_client()

    @property
    def ref(self) -> str:
        """The ref given to ``use()``."""
        return self._ref

    @property
    def __name__(self) -> str:
        return self._ref.split(":")[0].split("/")[-1].replace("-", "_").replace(".", "_")

    def _resolved(self, client: Client | None = None) -> ModelInfo:
        # Signatures and help() are synchronous: they resolve with the sync connection.
        client = client or self._client
        info = cached(client, self._ref)
        return info if info is not None else resolve(client, self._ref)

    @property
    def __signature__(self) -> inspect.Signature:
        return signature(self._resolved(), use_async=self._use_async, streaming=self._streaming)

    def __repr__(self) -> str:
        kind = "async " if self._use_async else ""
        return f"<replicate.use({self._ref!r}): {kind}model function>"


def _own_doc(model: _Model) -> str:
    return docstring(model._resolved())


class Function(_Model):
    # A model as a function: fn(**inputs) runs it; fn.create(**inputs) starts it.
    # help(fn) shows the model's own description (a class docstring would shadow it).
    __doc__ = property(_own_doc)

    def _info(self, client: Client) -> ModelInfo:
        return self._checked(self._resolved(client))

    def __call__(self, /, **inputs: Any) -> Any:
        client = self._client  # one client for the whole call
        info = self._info(client)
        output = client.run(info.ref, input=payload(info, inputs), rich=True)
        return _stream_items(output) if self._streaming else output

    def create(self, /, **inputs: Any) -> Run:
        """Start a prediction and return at once; ``.output()`` waits for the result."""
        client = self._client
        info = self._info(client)
        prediction = client.predictions.create(model=info.ref, input=payload(info, inputs))
        return Run(prediction, info, client, self._streaming)

    @property
    def info(self) -> ModelInfo:
        """The resolved model and version (resolving it now if needed)."""
        return self._info(self._client)


class AsyncFunction(_Model):
    # Async Function: await fn(**inputs), await fn.create(**inputs).
    __doc__ = property(_own_doc)

    async def _info(self, client: Client) -> ModelInfo:
        info = cached(client, self._ref)
        if info is None:
            info = await async_resolve(client, self._ref)
        return self._checked(info)

    async def __call__(self, /, **inputs: Any) -> Any:
        client = self._client  # one client for the whole call
        info = await self._info(client)
        output = await client.async_run(info.ref, input=payload(info, inputs), rich=True)
        return _async_stream_items(output) if self._streaming else output

    async def create(self, /, **inputs: Any) -> AsyncRun:
        """Start a prediction and return at once; ``await run.output()`` waits for it."""
        client = self._client
        info = await self._info(client)
        prediction = await client.predictions.async_create(
            model=info.ref, input=payload(info, inputs)
        )
        return AsyncRun(prediction, info, client, self._streaming)


def shaped_output(prediction: Prediction, info: ModelInfo, client: Client) -> Any:
    """A finished prediction's output shaped by the schema: files as ``FileOutput``,
    ``concatenate`` iterator outputs as their joined text; ``ModelError`` if it failed."""
    if prediction.status != "succeeded":
        raise ModelError(prediction)
    output = transform_output(prediction.output, client)
    schema = info.schema
    if schema is not None and schema.output.concatenate and isinstance(output, list):
        return "".join(str(item) for item in output)
    return output


class _RunBase:
    def __init__(
        self, prediction: Prediction, info: ModelInfo, client: Client, streaming: bool
    ) -> None:
        #: The prediction (updated by ``output()`` and ``logs()``).
        self.prediction = prediction
        self._info = info
        self._client = client
        self._streaming = streaming

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._info.ref}: prediction {self.prediction.id}>"


class Run(_RunBase):
    """A started prediction of a :class:`Function`."""

    def output(self) -> Any:
        """Wait for the prediction and return its output (an iterator with ``streaming``)."""
        if self._streaming:
            items = self.prediction.output_iterator()
            return (transform_output(item, self._client) for item in items)
        self.prediction.wait()
        return shaped_output(self.prediction, self._info, self._client)

    def logs(self) -> str | None:
        """The logs so far (refreshes the prediction)."""
        self.prediction.reload()
        return self.prediction.logs


class AsyncRun(_RunBase):
    """A started prediction of an :class:`AsyncFunction`."""

    async def output(self) -> Any:
        """Wait for the prediction and return its output (an async iterator with ``streaming``)."""
        if self._streaming:
            return _async_transformed(self.prediction.async_output_iterator(), self._client)
        await self.prediction.async_wait()
        return shaped_output(self.prediction, self._info, self._client)

    async def logs(self) -> str | None:
        """The logs so far (refreshes the prediction)."""
        await self.prediction.async_reload()
        return self.prediction.logs


async def _async_transformed(items: AsyncIterator[Any], client: Client) -> AsyncIterator[Any]:
    async for item in items:
        yield transform_output(item, client)


@overload
def use(
    ref: str,
    *,
    streaming: bool = False,
    use_async: Literal[False] = False,
    client: Client | None = None,
) -> Function: ...
@overload
def use(
    ref: str, *, streaming: bool = False, use_async: Literal[True], client: Client | None = None
) -> AsyncFunction: ...
def use(
    ref: str, *, streaming: bool = False, use_async: bool = False, client: Client | None = None
) -> Function | AsyncFunction:
    """A model as a Python function whose signature is the model's schema.

    ``ref`` is ``owner/name`` (its latest version, resolved once per client on first use
    and logged) or ``owner/name:version``. ``fn(**inputs)`` checks the inputs, runs the
    model and returns its output shaped like :meth:`Client.run`'s; ``fn.create(**inputs)``
    returns a :class:`Run` (``.output()``, ``.logs()``, ``.prediction``). With
    ``streaming=True`` calls return an iterator of output items; with ``use_async=True``
    everything is awaitable. ``inspect.signature(fn)`` and ``help(fn)`` show the inputs.
    Nothing is sent until the first call (or signature); without ``client``, each call uses
    the default client in place at that moment (so a module-level ``use()`` follows test
    fixtures that swap it).
    """
    use_ref(ref)  # a malformed ref fails here, before any request
    if use_async:
        return AsyncFunction(client, ref, streaming, True)
    return Function(client, ref, streaming, False)


__all__ = [
    "AsyncFunction",
    "AsyncRun",
    "Function",
    "InputValidationError",
    "Run",
    "docstring",
    "payload",
    "shaped_output",
    "signature",
    "use",
]


def _unpickle(ref: str, streaming: bool, use_async: bool) -> Function | AsyncFunction:
    if use_async:
        return use(ref, streaming=streaming, use_async=True)
    return use(ref, streaming=streaming)
