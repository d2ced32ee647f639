"""Exceptions raised by the Replicate client.

Every API error response (4xx/5xx) becomes a :class:`ReplicateError` carrying the
RFC 7807 problem-details fields, any extension members the API added, and the
request method and URL. A prediction that finishes unsuccessfully inside ``run()``
raises :class:`ModelError`, which carries the prediction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from ._http.secrets import REDACTED as REDACTED
from ._http.secrets import known_and, scrub, scrub_text

if TYPE_CHECKING:
    import httpx

    from .prediction import Prediction

_PROBLEM_FIELDS = ("type", "title", "status", "detail", "instance")
# Non-JSON error bodies (HTML error pages from proxies) are cut to keep messages readable.
_MAX_TEXT_DETAIL = 300
# Status phrases for the non-IANA codes Cloudflare-style proxies send.
_EXTRA_PHRASES = {
    520: "Web Server Returned an Unknown Error",
    521: "Web Server Is Down",
    522: "Connection Timed Out",
    523: "Origin Is Unreachable",
    524: "A Timeout Occurred",
    525: "SSL Handshake Failed",
    526: "Invalid SSL Certificate",
    527: "Railgun Error",
    529: "Site Is Overloaded",
    530: "Origin DNS Error",
}


class ReplicateException(Exception):
    """Base class for every exception this package raises on purpose.

    Its message never carries an API token the process has used: text arguments are
    scrubbed when the exception is built.
    """

    def __init__(self, *args: object) -> None:
        super().__init__(*(scrub_text(a) if isinstance(a, str) else a for a in args))

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from the message and attributes, not by calling __init__ again (subclasses
        # take other arguments): errors cross process boundaries (multiprocessing, task queues).
        return _rebuild, (type(self), self.args, self.__dict__)


def _rebuild(
    cls: type[ReplicateException], args: tuple[Any, ...], state: dict[str, Any]
) -> ReplicateException:
    error = cls.__new__(cls, *args)
    BaseException.__init__(error, *args)  # OSError's subclasses (TimeoutError) need it said
    error.__dict__.update(state)
    return error


class ReplicateError(ReplicateException):
    """An error response from the Replicate API.

    Attributes follow RFC 7807: ``type``, ``title``, ``status``, ``detail`` and
    ``instance``. Extra members of the problem document (for example
    ``invalid_fields`` on a 422) are in :attr:`extensions` and can also be read as
    attributes (``error.invalid_fields``). ``method`` and ``url`` describe the
    request that failed (the URL without its query string).
    """

    type: str | None
    title: str | None
    status: int | None
    detail: str | None
    instance: str | None

    def __init__(
        self,
        type: str | None = None,
        title: str | None = None,
        status: int | None = None,
        detail: str | None = None,
        instance: str | None = None,
        *,
        extensions: Mapping[str, Any] | None = None,
        method: str | None = None,
        url: str | None = None,
    ) -> None:
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.instance = instance
        self.extensions: dict[str, Any] = dict(extensions or {})
        self.method = method
        self.url = url
        super().__init__(self._message())
        for note in self._additions():
            self.add_note(scrub_text(note))

    def __getattr__(self, name: str) -> Any:
        # Only reached for names that are not regular attributes.
        extensions = self.__dict__.get("extensions", {})
        if not name.startswith("_") and name in extensions:
            return extensions[name]
        raise AttributeError(name)

    @classmethod
    def from_response(
        cls,
        response: httpx.Response,
        *,
        secrets: Iterable[str] = (),
        unauthorized_hint: str | None = None,
    ) -> ReplicateError:
        """Build an error from an API response whose body has been read.

        ``secrets`` (and every token the process has used) are scrubbed from every
        text field and member name, so a server that echoes the token back cannot
        leak it into logs through this exception.
        ``unauthorized_hint`` is appended to the detail of a 401.
        """
        try:
            request: httpx.Request | None = response.request
        except RuntimeError:  # a response built by hand (tests, mocks), as 1.x accepted
            request = None
        known = known_and(secrets)
        fields = scrub(problem_fields(response.status_code, response.content, known), known)
        extensions = {k: v for k, v in fields.items() if k not in _PROBLEM_FIELDS}
        status = fields.get("status")
        detail = _str_or_none(fields.get("detail"))
        if unauthorized_hint and response.status_code == 401:
            detail = f"{detail} ({unauthorized_hint})" if detail else unauthorized_hint
        return cls(
            type=_str_or_none(fields.get("type")),
            title=_str_or_none(fields.get("title")),
            status=status if isinstance(status, int) else response.status_code,
            detail=detail,
            instance=_str_or_none(fields.get("instance")),
            extensions=extensions,
            method=None if request is None else request.method,
            url=None if request is None else scrub_text(url_without_query(request.url), known),
        )

    def to_dict(self) -> dict[str, Any]:
        """The problem document as a dict (RFC 7807 fields that are set, plus extensions)."""
        return {**self._problem(), **self.extensions}

    def _problem(self) -> dict[str, Any]:
        # The RFC 7807 fields that are set, in 1.x's order.
        return {k: getattr(self, k) for k in _PROBLEM_FIELDS if getattr(self, k) is not None}

    def _message(self) -> str:
        # 1.x's text, line for line: code reads "status: 404" out of it, and libraries sort
        # errors by the words in it (a URL's "models" must not make a 500 a model error).
        lines = ["ReplicateError Details:"]
        lines += [f"{key}: {value}" for key, value in self._problem().items()]
        return "\n".join(lines)

    def _additions(self) -> list[str]:
        # What this package adds, as exception notes (shown under the message in tracebacks):
        # the status's meaning when the server sent no title, the invalid fields, and the
        # request that failed.
        notes = []
        if self.title is None and self.status is not None:
            phrase = status_phrase(self.status)
            if phrase:
                notes.append(f"meaning: {phrase}")
        invalid = self.extensions.get("invalid_fields")
        if isinstance(invalid, list) and invalid:
            described = [_describe_field(f) for f in invalid]
            # Skip what the detail already says, as the API often lists the fields there too.
            missing = [d for d in described if d not in (self.detail or "")]
            if missing:
                notes.append("invalid fields: " + "; ".join(missing))
        if self.method and self.url:
            notes.append(f"request: {self.method} {self.url}")
        return notes

    def summary(self) -> str:
        """One line: status, title and detail, then the request that failed, e.g.
        ``401 Unauthorized: invalid token (POST https://api.replicate.com/v1/predictions)``
        (``str()`` is 1.x's multi-line text)."""
        head = " ".join(str(part) for part in (self.status, self.title) if part)
        text = ": ".join(part for part in (head, self.detail) if part) or "API error"
        request = f" ({self.method} {self.url})" if self.method and self.url else ""
        return scrub_text(text + request)

    def __str__(self) -> str:
        return scrub_text(self._message())

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={getattr(self, k)!r}" for k in _PROBLEM_FIELDS)  # as 1.x
        return scrub_text(f"ReplicateError({shown})")


class ModelError(ReplicateException):
    """A prediction finished with status ``failed`` (or was canceled/aborted) during ``run``.

    The prediction is available as :attr:`prediction`; its ``error`` and ``logs``
    say what went wrong.
    """

    def __init__(self, prediction: Prediction) -> None:
        self.prediction = prediction
        # The model's error itself, as 1.x gave it (code compares and shows str(error)).
        super().__init__(prediction.error or f"Prediction {prediction.id} {prediction.status}")


class StreamError(ModelError, RuntimeError):
    """An ``error`` event arrived on a prediction's event stream.

    :attr:`detail` is the event's message; :attr:`prediction` the prediction (its
    state as last fetched). Also a ``RuntimeError``, which 1.x raised here with the
    event's data as its message (``str(error)``), as this does (``data``, else ``detail``).
    """

    def __init__(self, prediction: Prediction, detail: str, data: str | None = None) -> None:
        self.detail = scrub_text(detail)
        self.prediction = prediction
        ReplicateException.__init__(self, detail if data is None else data)


class PredictionTimeoutError(ReplicateException, TimeoutError):
    """A ``timeout``/``deadline`` passed before the prediction finished.

    From ``run`` and ``stream`` the API has already been asked to cancel it; from
    ``prediction.wait(timeout=...)`` it keeps running. :attr:`prediction` is its last
    known state; it is ``None`` when the create request itself was cut off by the
    deadline and the prediction it made (if any) could not be identified. Also a
    built-in ``TimeoutError``.
    """

    def __init__(self, prediction: Prediction | None) -> None:
        self.prediction = prediction
        if prediction is None:
            message = "the prediction's create request did not answer in time"
        else:
            message = (
                f"prediction {prediction.id} did not finish in time (status {prediction.status})"
            )
        ReplicateException.__init__(self, message)


class InvalidArgumentError(ReplicateException, ValueError):
    """An argument that cannot make a valid request (a malformed id, version or
    ``owner/name``), refused before anything is sent.

    1.x sent such requests and raised the API's :class:`ReplicateError`, so this is a
    :class:`ReplicateException` as well as a ``ValueError``: code catching either still
    catches it.
    """


class InvalidResponseError(ReplicateException, ValueError):
    """A successful response whose body could not be decoded (e.g. JSON cut or garbled by a proxy).

    It is not retried: the request may have taken effect. :attr:`method` and :attr:`url`
    (without its query string) name the request.
    """

    def __init__(self, method: str, url: str, reason: str) -> None:
        self.method = method
        self.url = url
        super().__init__(f"{method} {url} returned a body this client cannot use: {reason}")


class ResponseTooLargeError(InvalidResponseError):
    """A response body (after decompression) larger than this client accepts.

    API answers are capped at ``replicate._http.limits.API_BODY_LIMIT`` decoded bytes
    (see docs/reliability.md); the excess is never read into memory.
    """

    def __init__(self, method: str, url: str, limit: int) -> None:
        self.method = method
        self.url = url
        self.limit = limit
        ReplicateException.__init__(
            self, f"{method} {url} returned a body larger than {limit} bytes (decoded); refused"
        )


class EventTooLargeError(ReplicateException, ValueError):
    """An event stream sent a line or an event larger than the parser accepts."""


def url_without_query(url: httpx.URL) -> str:
    """``url`` as messages and logs show it: query strings can hold signatures."""
    return str(url.copy_with(query=None))


def request_named(error: BaseException) -> str:
    """ " (POST https://api.replicate.com/v1/...)" for a network error of httpx, whose own text
    ("[Errno 111] Connection refused") does not say where; "" for other errors. For one-line
    messages of the command line."""
    import httpx

    if isinstance(error, httpx.RequestError):
        try:
            request = error.request
        except RuntimeError:  # raised without a request
            return ""
        return f" ({request.method} {url_without_query(request.url)})"
    return ""


def status_phrase(status: int) -> str | None:
    """The reason phrase for an HTTP status, including the non-IANA 52x codes."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return _EXTRA_PHRASES.get(status)


def problem_fields(status: int, body: bytes, secrets: list[str] | None = None) -> dict[str, Any]:
    """Decode an error body into problem-details fields, whatever its format.

    A text body is scrubbed of ``secrets`` (default: every token used) before and after
    it is cut to a readable length, so no part of a token survives the cut.
    """
    try:
        data = json.loads(body) if body else None
    except (ValueError, RecursionError):  # nested too deep to decode: shown as text
        data = None
    if isinstance(data, dict):
        fields = dict(data)
        # Older API errors carry only {"detail": "..."}; some carry {"error": "..."}.
        if "detail" not in fields and isinstance(fields.get("error"), str):
            fields["detail"] = fields["error"]
        return fields
    text = scrub_text(body.decode("utf-8", "replace").strip(), secrets)
    if len(text) > _MAX_TEXT_DETAIL:
        text = scrub_text(text[:_MAX_TEXT_DETAIL], secrets) + "..."
    fields_: dict[str, Any] = {"status": status}
    if text:
        fields_["detail"] = text
    return fields_


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _describe_field(field: Any) -> str:
    if isinstance(field, dict):
        where = field.get("field") or field.get("name") or field.get("loc") or "?"
        what = field.get("description") or field.get("message") or field.get("msg") or ""
        return f"{where}: {what}" if what else str(where)
    return str(field)
