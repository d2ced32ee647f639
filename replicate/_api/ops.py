"""Describe an API call as data, then execute it sync or async.

Namespace methods build a :class:`Call` with a pure function and hand it to
:func:`call_sync` or :func:`call_async`; that keeps each sync/async pair of
public methods down to one line each. A call holds the generated operation's
public request builder (``predictions_get.request_kwargs`` from
``replicate_api.api.predictions``), imported inside the function that builds
the call so ``import replicate`` never loads the generated layer.

The generated operation builds the request (URL, query, headers, body through
the generated models); the response body is decoded once and handed to a
tolerant hand-written parser, which keeps unknown fields and statuses instead
of failing, and skips a second, typed parse on every call. (The typed parse is
one ``client.raw`` call away.) Error responses never reach the parser: the
transport raises :class:`~replicate.exceptions.ReplicateError` for them. The
only hand-written requests are those the generator cannot express (``QUERY``,
following ``next`` page URLs), described with ``method``/``url``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from attrs import field, frozen

from ..exceptions import InvalidResponseError, url_without_query
from ..identifier import path_segment

if TYPE_CHECKING:
    import httpx

    from ..client import Client

T = TypeVar("T")
Decode = Literal["json", "text", "bytes", "none"]

#: A generated operation's ``request_kwargs``: its arguments in, httpx ``request()`` arguments out.
RequestBuilder = Callable[..., dict[str, Any]]
_GENERATED_API = "replicate_api.api."


class LazyArg:
    """An argument to a generated operation that is built only when the call is sent."""

    def build(self) -> Any:
        """The value to pass to the generated function."""
        raise NotImplementedError


@frozen
class GeneratedBody(LazyArg):
    """A request body to be built as a generated model (e.g. ``ModelsCreateBody``) at send time,
    after the call's path parameters have been checked."""

    model: Any  # a generated model class: it has ``from_dict``
    data: Mapping[str, Any]

    def build(self) -> Any:
        return self.model.from_dict(dict(self.data))


@frozen
class Call(Generic[T]):
    """One API request and how to turn its response body into a result."""

    parse: Callable[[Client, Any], T]
    #: The generated operation's request builder; ``None`` for a hand-written request (``url``).
    build: RequestBuilder | None = None
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(factory=dict)
    method: str = "GET"
    url: str | None = None
    content: bytes | None = None
    headers: Mapping[str, str] | None = None
    decode: Decode = "json"

    def __attrs_post_init__(self) -> None:
        # Positional arguments of a generated operation are its path parameters: every
        # namespace's ids, owners and names pass this one check before anything is sent.
        for value in self.args:
            path_segment(value, f"{self.op} path parameter")

    @property
    def op(self) -> str | None:
        """The generated operation's name, ``"predictions.predictions_get"`` (for messages)."""
        return None if self.build is None else self.build.__module__.removeprefix(_GENERATED_API)


def call_sync(client: Client, call: Call[T]) -> T:
    """Send ``call`` with the client's sync connection and parse the result."""
    method, url, args = _addressed(client, call)
    return _parse(client, call, client._request(method, url, **args))


async def call_async(client: Client, call: Call[T]) -> T:
    """Async twin of :func:`call_sync`, on the client's event-loop-local connection."""
    turn = client._start_turn()
    if turn is not None:
        await turn
    method, url, args = _addressed(client, call)
    return _parse(client, call, await client._async_request(method, url, **args))


def _addressed(client: Client, call: Call[Any]) -> tuple[str, str, dict[str, Any]]:
    # Method and path as 1.x passed them to its client._request/_async_request ("POST",
    # "/v1/predictions"), which test suites patch and assert on.
    args = request_args(call)
    return args.pop("method").upper(), client._host_path(args.pop("url")), args


def _parse(client: Client, call: Call[T], response: httpx.Response) -> T:
    body = _decode(client, call.decode, response)
    _settle(response)
    try:
        return call.parse(client, body)
    except (AttributeError, TypeError, KeyError) as error:
        # Valid JSON of the wrong shape (a list where an object belongs, null members): the
        # parsers read what the API documents, so this is the server's answer, not our bug.
        reason = f"the JSON is not shaped as the API documents ({type(error).__name__}: {error})"
    # Raised outside the handler: the parser's error quotes the server's value (which may
    # echo the token) and must not stay reachable as __context__.
    raise InvalidResponseError(
        response.request.method, url_without_query(response.request.url), reason
    )


def _settle(response: httpx.Response) -> None:
    # httpx's client leaves each response in a reference cycle with its body stream, which
    # only the garbage collector frees; with thousands of calls in flight its full passes
    # were a large share of a batch's CPU. The body is read: the stream is no longer needed.
    import httpx  # loaded already (it sent the request); kept out of `import replicate`

    response.stream = httpx.ByteStream(response.content)


def request_args(call: Call[Any]) -> dict[str, Any]:
    """httpx ``request()`` arguments: built by the generated operation, or hand-written."""
    if call.build is None:
        assert call.url is not None, "a hand-written call needs a url"
        return {
            "method": call.method,
            "url": call.url,
            "content": call.content,
            "headers": call.headers,
        }
    if call.kwargs:
        return call.build(*call.args, **_kwargs(call))
    return call.build(*call.args)


def _kwargs(call: Call[Any]) -> dict[str, Any]:
    return {
        key: value.build() if isinstance(value, LazyArg) else value
        for key, value in call.kwargs.items()
    }


def _decode(client: Client, decode: Decode, response: httpx.Response) -> Any:
    if not response.is_success:
        # Errors raised already; what is left (3xx, 1xx) is not an answer either.
        raise client._gate.error(response.request, response)
    body = response.content
    if decode == "json":
        try:
            return json.loads(body) if body else None
        except (ValueError, RecursionError) as error:  # garbled, cut, or nested too deep
            detail = "nested too deep" if isinstance(error, RecursionError) else str(error)
        # Outside the handler: a JSONDecodeError holds the whole body (`.doc`), which may
        # echo the token, and must not stay reachable as __context__.
        raise InvalidResponseError(
            response.request.method,
            url_without_query(response.request.url),
            f"not valid JSON ({detail})",
        )
    if decode == "text":
        return body.decode("utf-8", "replace")
    if decode == "bytes":
        return body
    return None
