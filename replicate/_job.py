"""What predictions and trainings share: status, reload, cancel, wait, and creating them."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar
from urllib.parse import urlsplit

from attrs import define, frozen

from ._api.ops import Call
from .exceptions import InvalidArgumentError
from .helpers import async_encode_json, encode_json
from .resource import Converter, Namespace, Resource

if TYPE_CHECKING:
    from .client import Client

__all__ = ["TERMINAL_STATUSES", "WEBHOOK_EVENTS", "Job", "is_terminal"]

J = TypeVar("J", bound="Job")

WEBHOOK_EVENTS = frozenset({"start", "output", "logs", "completed"})

TERMINAL_STATUSES: frozenset[str] = frozenset({"succeeded", "failed", "canceled", "aborted"})
"""Prediction/training statuses after which nothing changes any more."""


def is_terminal(status: object) -> bool:
    """True if ``status`` is a final prediction status."""
    return status in TERMINAL_STATUSES


@define(kw_only=True, repr=False)  # Resource.__repr__
class Job(Resource):
    """Fields and methods common to :class:`Prediction` and :class:`Training`."""

    id: str
    model: str | None = None
    version: str | None = None
    status: str | None = None
    input: dict[str, Any] | None = None
    output: Any = None
    logs: str | None = None
    error: str | None = None
    metrics: dict[str, Any] | None = None
    created_at: str | None = None
    started_at: str | None = None
    completed_at: str | None = None
    urls: dict[str, str] | None = None
    source: str | None = None

    _convert: ClassVar[Mapping[str, Converter]] = {
        "version": lambda client, value: _version_id(value),
        # What waiting and following a job decide on must have its documented shape: an
        # answer where it does not is the server's error (InvalidResponseError), not ours.
        "id": lambda client, value: _shaped("id", value, str),
        "status": lambda client, value: _shaped("status", value, str),
        "urls": lambda client, value: _shaped("urls", value, dict),
    }

    @classmethod
    def _from_answer(cls, client: Client | None, data: Any) -> Self:
        """:meth:`from_json` for the API's answer about this one job (create, get, cancel):
        without its id the job cannot be waited on, followed or cancelled, so an answer
        without one is the server's error, not the caller's."""
        if not isinstance(data, Mapping) or not data.get("id"):
            raise TypeError("the answer has no id")
        return cls.from_json(client, data)

    @classmethod
    def _get_call(cls, id: str) -> Call[Self]:
        """The call that fetches the job ``id`` (each kind of job names its operation)."""
        raise NotImplementedError

    @classmethod
    def _cancel_call(cls, id: str) -> Call[Self]:
        """The call that cancels the job ``id``."""
        raise NotImplementedError

    @classmethod
    def _namespace(cls, client: Client) -> JobNamespace[Self]:
        """The client's namespace for this kind of job (``client.predictions``, ...)."""
        raise NotImplementedError

    @property
    def done(self) -> bool:
        """Whether the job reached a terminal status."""
        return is_terminal(self.status)

    # Through the namespace, as 1.x: test suites patch ``Predictions.get`` to drive waits.
    def reload(self) -> None:
        """Fetch the latest state from the API and update this object in place."""
        self._replace_with(self._namespace(self._bound_client()).get(self.id))

    async def async_reload(self) -> None:
        """Async :meth:`reload`."""
        self._replace_with(await self._namespace(self._bound_client()).async_get(self.id))

    def cancel(self) -> None:
        """Cancel the job and update this object with the API's answer."""
        self._replace_with(self._namespace(self._bound_client()).cancel(self.id))

    async def async_cancel(self) -> None:
        """Async :meth:`cancel`."""
        self._replace_with(await self._namespace(self._bound_client()).async_cancel(self.id))

    def wait(self, timeout: float | None = None) -> None:
        """Block until the job reaches a terminal status (succeeded, failed, canceled, aborted).

        Follows the job's event stream when it has one (its ``done`` event ends the
        wait at once), else polls on an adaptive schedule, or every
        ``client.poll_interval`` seconds if set. With ``timeout`` (seconds), raises
        :class:`~replicate.exceptions.PredictionTimeoutError` once it passes (the job
        keeps running).
        """
        from ._flows.drive import SyncDriver

        if self.done:  # nothing to ask (a job built by hand, e.g. in a test, needs no client)
            return
        SyncDriver(self._bound_client(), self).drive(self._wait_flow(timeout))

    async def async_wait(self, timeout: float | None = None) -> None:
        """Async :meth:`wait`."""
        from ._flows.drive import AsyncDriver

        if self.done:
            return
        await AsyncDriver(self._bound_client(), self).drive(self._wait_flow(timeout))

    def _wait_flow(self, timeout: float | None) -> Any:
        from ._flows.flow import Deadline, guard_deadline, stream_url, wait_flow
        from ._numbers import finite_seconds

        seconds = None if timeout is None else finite_seconds("timeout", timeout)
        waiting = wait_flow(
            self,
            deadline=Deadline.after(seconds),
            poll_interval=self._bound_client()._poll_interval,
            stream_url=stream_url(self),
        )
        return guard_deadline(waiting, self, cancel=False)


def _version_id(value: Any) -> str | None:
    # Trainings may embed the version object; predictions send its id.
    if isinstance(value, dict):
        return value.get("id")
    return value if isinstance(value, str) else None


def _shaped(name: str, value: Any, kind: type) -> Any:
    if not isinstance(value, kind):
        raise TypeError(f"{name} is {type(value).__name__} {value!r:.80}, not {kind.__name__}")
    return value


def job_id(value: Any) -> str:
    """``value`` if it can name a prediction or training, else ``ValueError``."""
    if not isinstance(value, str) or not value:
        raise InvalidArgumentError(f"id must be a non-empty string, got {value!r}")
    return value


@frozen
class CreatePlan(Generic[J]):
    """A validated create request, waiting only for its encoded input.

    ``call(encoded_input)`` builds the request once the files in ``input`` have been
    uploaded (or inlined) with ``strategy``.
    """

    input: Any
    strategy: str | None
    call: Callable[[dict[str, Any]], Call[J]]
    #: The create body's webhook URLs, checked against the client before anything is sent.
    webhooks: tuple[str, ...] = ()

    def check(self, client: Client) -> None:
        """The checks that depend on the client (the webhook scheme policy)."""
        check_webhook_schemes(
            self.webhooks, api_base_url=client.base_url, allow_http=client.allow_http_webhooks
        )


def create_arguments(
    args: tuple[Any, ...],
    params: Mapping[str, Any],
    *,
    allowed: Collection[str],
    positional: tuple[str, ...],
) -> dict[str, Any]:
    """The keyword arguments of a ``create`` call, with 1.x's positional form merged in.

    ``TypeError`` names unknown keywords, surplus positional arguments, and arguments
    given both ways.
    """
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise TypeError(f"create() got unexpected keyword arguments {unknown}")
    if len(args) > len(positional):
        raise TypeError(
            f"create() takes at most {len(positional)} positional arguments "
            f"({', '.join(positional)}), got {len(args)}"
        )
    named = dict(zip(positional, args, strict=False))
    for name in named:
        if params.get(name) is not None:
            raise TypeError(f"{name} given both positionally and as a keyword")
    return {**params, **named}


WEBHOOK_URL_FIELDS = ("webhook", "webhook_completed")
# Characters a webhook URL must not hold: whitespace and controls (a URL with a space in it
# is a typo or an injection attempt, never an address the API can call).
_URL_BAD = re.compile(r"[\s\x00-\x1f\x7f]")


def check_webhook_url(url: Any, name: str = "webhook") -> str:
    """``url`` if it is an absolute ``https://``/``http://`` URL with a host, else ``ValueError``.

    Whether plain ``http://`` may be sent is decided per client by :func:`check_webhook_schemes`.
    """
    if not isinstance(url, str):
        raise TypeError(f"{name} must be a URL string, got {type(url).__name__}")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        host = None
    if parts.scheme not in ("https", "http") or not host or _URL_BAD.search(url):
        raise InvalidArgumentError(
            f"{name} must be an absolute https:// URL with a host and no spaces, got {url!r}"
        )
    return url


def check_webhook_schemes(urls: Iterable[str], *, api_base_url: str, allow_http: bool) -> None:
    """Refuse plain ``http://`` webhook URLs unless the API itself is on loopback (the
    emulator) or the client opted in with ``Client(allow_http_webhooks=True)``."""
    for url in urls:
        if urlsplit(url).scheme == "http" and not (allow_http or _is_loopback_url(api_base_url)):
            raise InvalidArgumentError(
                f"webhook {url!r} is plain http://: the API calls webhooks over HTTPS; "
                "use an https:// URL, or pass Client(allow_http_webhooks=True) to send it anyway"
            )


def _is_loopback_url(url: str) -> bool:
    from .client import _is_loopback

    return _is_loopback(urlsplit(url).hostname or "")


def webhook_urls(body: Mapping[str, Any]) -> tuple[str, ...]:
    """The webhook URLs of a create body built by :func:`webhook_fields`."""
    return tuple(body[name] for name in WEBHOOK_URL_FIELDS if name in body)


def webhook_fields(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The create body's ``webhook``, ``webhook_completed`` and ``webhook_events_filter``
    members from a create call's ``arguments``, checked before anything is sent."""
    webhook_events_filter: Sequence[str] | None = arguments.get("webhook_events_filter")
    body: dict[str, Any] = {}
    for name in WEBHOOK_URL_FIELDS:
        if arguments.get(name) is not None:
            body[name] = check_webhook_url(arguments[name], name)
    if webhook_events_filter is not None:
        if isinstance(webhook_events_filter, str):
            raise TypeError("webhook_events_filter must be a list of event names, not a str")
        events = list(webhook_events_filter)
        unknown = [e for e in events if e not in WEBHOOK_EVENTS]
        if unknown:
            raise InvalidArgumentError(
                f"webhook_events_filter has unknown events {unknown}; "
                f"allowed: {sorted(WEBHOOK_EVENTS)}"
            )
        body["webhook_events_filter"] = events
    return body


class JobNamespace(Namespace, Generic[J]):
    """The operations predictions and trainings share: create (given a plan), get, cancel."""

    #: The kind of job (its class names the get and cancel operations).
    _job: type[J]

    def _create(self, plan: CreatePlan[J]) -> J:
        plan.check(self._client)
        return self._call(plan.call(encode_json(plan.input, self._client, plan.strategy)))

    async def _async_create(self, plan: CreatePlan[J]) -> J:
        plan.check(self._client)
        encoded = await async_encode_json(plan.input, self._client, plan.strategy)
        return await self._acall(plan.call(encoded))

    def get(self, id: str) -> J:
        """Get the current state by id."""
        return self._call(self._job._get_call(id))

    async def async_get(self, id: str) -> J:
        """Async :meth:`get`."""
        return await self._acall(self._job._get_call(id))

    def cancel(self, id: str) -> J:
        """Cancel by id; returns the updated state."""
        return self._call(self._job._cancel_call(id))

    async def async_cancel(self, id: str) -> J:
        """Async :meth:`cancel`."""
        return await self._acall(self._job._cancel_call(id))
