"""Webhook signatures in the Standard Webhooks scheme that Replicate uses.

Replicate signs each webhook with HMAC-SHA256 over ``"{webhook-id}.{webhook-timestamp}.{body}"``
using the account's signing secret (``whsec_`` followed by base64). The result is sent as
``webhook-signature: v1,<base64>``; several space-separated entries may be present while a
secret is being rotated. :func:`validate` checks all of this and rejects stale or
future-dated deliveries (replay protection).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import math
import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

import attrs

from ._api.ops import Call
from ._dump import DumpableFields
from .exceptions import ReplicateException
from .resource import Namespace

if TYPE_CHECKING:
    from .client import Client

__all__ = [
    "DEFAULT_TOLERANCE",
    "MAX_HEADER_LENGTH",
    "DuplicateWebhookHeaderError",
    "InvalidSecretKeyError",
    "InvalidSignatureError",
    "InvalidTimestampError",
    "InvalidWebhookBodyError",
    "InvalidWebhookHeaderError",
    "MissingWebhookBodyError",
    "MissingWebhookHeaderError",
    "UnsupportedSignatureVersionError",
    "WebhookHeaderTooLargeError",
    "WebhookSigningSecret",
    "WebhookValidationError",
    "Webhooks",
    "sign",
    "validate",
]


class _DefaultTolerance(int):
    # Marks the default window (it equals 300 in every other way): see validate().
    __slots__ = ()


DEFAULT_TOLERANCE: int = _DefaultTolerance(300)
"""Seconds a delivery's timestamp may differ from the local clock (either way)."""

MAX_HEADER_LENGTH = 4096
"""Longest accepted value of any of the three webhook headers, in characters."""

_SECRET_PREFIX = "whsec_"
_HEADER_NAMES = ("webhook-id", "webhook-timestamp", "webhook-signature")
# A unix timestamp in seconds has 10 digits until the year 2286.
_MAX_TIMESTAMP_DIGITS = 12
# 1.x's messages, kept at the start of ours so code matching on them still works.
_MISSING = {
    "webhook-id": "Missing webhook id",
    "webhook-timestamp": "Missing webhook timestamp",
    "webhook-signature": "Missing webhook signature",
}


@attrs.define
class WebhookSigningSecret(DumpableFields):
    """A webhook signing secret, as returned by ``webhooks.default.secret()``.

    The key is kept out of ``repr`` so it cannot end up in logs by accident.
    """

    key: str = attrs.field(repr=False)

    def _model_fields(self) -> dict[str, Any]:
        return {"key": self.key}


class WebhookValidationError(ReplicateException, ValueError):
    """Base class for every reason a webhook fails validation.

    It subclasses ``ValueError`` for compatibility with replicate 1.x.
    """


class MissingWebhookHeaderError(WebhookValidationError):
    """A required ``webhook-*`` header is missing or empty."""


class InvalidWebhookHeaderError(WebhookValidationError):
    """A ``webhook-*`` header is present but unusable (wrong type, not text)."""


class DuplicateWebhookHeaderError(InvalidWebhookHeaderError):
    """A ``webhook-*`` header was sent more than once."""


class WebhookHeaderTooLargeError(InvalidWebhookHeaderError):
    """A ``webhook-*`` header is longer than :data:`MAX_HEADER_LENGTH`."""


class InvalidSecretKeyError(WebhookValidationError):
    """The signing secret is missing or not ``whsec_`` followed by base64."""


class InvalidWebhookBodyError(WebhookValidationError):
    """The body is not ``bytes`` or ``str``."""


class MissingWebhookBodyError(WebhookValidationError):
    """The webhook body is missing or empty."""


class InvalidTimestampError(WebhookValidationError):
    """The timestamp is not a unix time in seconds, or is outside the tolerance."""


class InvalidSignatureError(WebhookValidationError):
    """No signature matches, or the signature header is malformed."""


class UnsupportedSignatureVersionError(InvalidSignatureError):
    """The signature header has no ``v1`` entry (only unknown scheme versions)."""


def sign(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """Return the ``webhook-signature`` header value (``v1,<base64>``) for a payload.

    ``secret`` is the ``whsec_``-prefixed signing secret; the MAC covers
    ``"{webhook_id}.{timestamp}.{body}"``.
    """
    key = base64.b64decode(secret.removeprefix(_SECRET_PREFIX))
    digest = _mac(key, webhook_id, b"%d" % timestamp, body)
    return "v1," + base64.b64encode(digest).decode()


def validate(
    request: Any = None,
    headers: Mapping[str, Any] | Iterable[tuple[Any, Any]] | None = None,
    body: str | bytes | bytearray | memoryview | None = None,
    secret: WebhookSigningSecret | str | None = None,
    tolerance: int | float | None = DEFAULT_TOLERANCE,
) -> Literal[True]:
    """Verify an incoming webhook; return ``True`` or raise a :class:`WebhookValidationError`.

    Give either ``request`` or ``headers`` + ``body``:

    - ``request``: an ``httpx.Request``, a Starlette/FastAPI ``Request``, a Django or
      Flask request, or anything with ``.headers`` and a bytes ``.content``/``.body``.
      Starlette reads bodies asynchronously, so pass ``body=await request.body()``
      along with the request.
    - ``headers``: any mapping (names are case-insensitive) or list of ``(name, value)``
      pairs; ``body``: the raw request body as ``bytes`` (best) or ``str``. Verify the
      exact bytes received, before parsing JSON.

    ``secret`` is a :class:`WebhookSigningSecret` or the ``whsec_...`` string.
    ``tolerance`` is the allowed age, in seconds, of the delivery's timestamp (default
    300). ``tolerance=None`` accepts old deliveries (re-processing stored webhooks);
    timestamps more than :data:`DEFAULT_TOLERANCE` seconds in the future are rejected
    in every case.

    Every failure, wrong argument types included, is a subclass of
    :class:`WebhookValidationError` (itself a ``ValueError``) whose message starts as
    1.x's did ("Missing webhook headers", "Invalid secret key format", ...).
    """
    _check_tolerance(tolerance)
    key = _decode_secret(secret)
    if request is not None:
        if headers is not None:
            raise WebhookValidationError(
                "Only one of request or headers can be provided (pass body= with either)"
            )
        headers = _request_headers(request)
        if body is None:
            body = _request_body(request)
    if headers is None or (isinstance(headers, Mapping | list | tuple) and not headers):
        raise MissingWebhookHeaderError("Missing webhook headers")
    webhook_id, timestamp, signature = _webhook_headers(headers)
    payload = _body_bytes(body)
    # 1.x checked the age only when given a tolerance, and then before the signature. The
    # checks it did not make (the default window, far-future stamps) come after the
    # signature, so that whatever 1.x refused is refused with the error 1.x raised.
    _check_timestamp_syntax(timestamp)
    age_first = tolerance is not None and not isinstance(tolerance, _DefaultTolerance)
    if age_first:
        _check_age(timestamp, tolerance)
    _check_signature(signature, _mac(key, webhook_id, timestamp.encode("ascii"), payload))
    if not age_first:
        _check_age(timestamp, tolerance)
    return True


def _mac(key: bytes, webhook_id: str, timestamp: bytes, body: bytes) -> bytes:
    message = b".".join((webhook_id.encode("utf-8", "surrogatepass"), timestamp, body))
    return hmac.new(key, message, hashlib.sha256).digest()


def _decode_secret(secret: WebhookSigningSecret | str | None) -> bytes:
    if isinstance(secret, WebhookSigningSecret):
        secret = secret.key
    if secret is None or secret == "":
        raise InvalidSecretKeyError("Missing webhook signing secret")
    if not isinstance(secret, str):
        raise InvalidSecretKeyError(
            f"Invalid secret key format: the signing secret must be a str or "
            f"WebhookSigningSecret, not {type(secret).__name__}"
        )
    # Messages never include the secret itself.
    if not secret.startswith(_SECRET_PREFIX):
        raise InvalidSecretKeyError(
            "Invalid secret key format: the signing secret must start with 'whsec_'"
        )
    encoded = secret[len(_SECRET_PREFIX) :]
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidSecretKeyError(
            "Invalid secret key format: the signing secret is not 'whsec_' followed by base64"
        ) from None
    if not key:
        raise InvalidSecretKeyError(
            "Invalid secret key format: the signing secret is empty after 'whsec_'"
        )
    return key


def _request_headers(request: Any) -> Any:
    headers = getattr(request, "headers", None)
    if headers is None:
        raise MissingWebhookHeaderError(
            f"Missing webhook headers: {type(request).__name__} has no .headers; "
            "pass headers= and body="
        )
    return headers


def _request_body(request: Any) -> bytes | str:
    for name in ("content", "body"):  # httpx / Django, requests
        try:
            value = getattr(request, name, None)
        except Exception:  # e.g. httpx.RequestNotRead for a streaming request
            raise MissingWebhookBodyError(
                "Missing webhook body: the request body has not been read; read it and pass body="
            ) from None
        if isinstance(value, bytes | str):
            return value
    get_data = getattr(request, "get_data", None)  # Flask / Werkzeug
    if callable(get_data):
        data = get_data()
        if isinstance(data, bytes | str):
            return data
    raise MissingWebhookBodyError(
        f"Missing webhook body: cannot read the body of a {type(request).__name__} "
        "synchronously; "
        "pass it explicitly, e.g. validate(request, body=await request.body(), secret=...)"
    )


def _header_items(headers: Any) -> Iterable[tuple[Any, Any]]:
    # Prefer views that keep repeated headers apart instead of joining them with ", ".
    for name in ("multi_items", "raw"):  # httpx.Headers, Starlette Headers
        items = getattr(headers, name, None)
        if callable(items):
            items = items()
        if isinstance(items, list):
            return items
    if isinstance(headers, Mapping) or hasattr(headers, "items"):
        return list(headers.items())
    if isinstance(headers, Iterable) and not isinstance(headers, str | bytes):
        return list(headers)
    raise InvalidWebhookHeaderError(
        "Invalid webhook headers: headers must be a mapping or (name, value) pairs, "
        f"not {type(headers).__name__}"
    )


def _text(value: Any, what: str) -> str:
    if isinstance(value, bytes):
        try:
            return value.decode("ascii")
        except UnicodeDecodeError:
            raise InvalidWebhookHeaderError(
                f"Invalid webhook headers: {what} is not ASCII"
            ) from None
    if isinstance(value, str):
        return value
    raise InvalidWebhookHeaderError(
        f"Invalid webhook headers: {what} must be text, not {type(value).__name__}"
    )


def _webhook_headers(headers: Any) -> tuple[str, str, str]:
    found: dict[str, str] = {}
    for item in _header_items(headers):
        try:
            raw_name, raw_value = item
        except (TypeError, ValueError):
            raise InvalidWebhookHeaderError(
                "Invalid webhook headers: headers must be (name, value) pairs"
            ) from None
        if not isinstance(raw_name, str | bytes):
            continue
        name = raw_name.lower() if isinstance(raw_name, str) else raw_name.lower().decode("latin-1")
        if name not in _HEADER_NAMES:
            continue
        if name in found:
            raise DuplicateWebhookHeaderError(
                f"Invalid webhook headers: {name} header sent more than once"
            )
        value = _text(raw_value, f"{name} header")
        if len(value) > MAX_HEADER_LENGTH:
            raise WebhookHeaderTooLargeError(
                f"Invalid webhook headers: {name} header is longer than "
                f"{MAX_HEADER_LENGTH} characters"
            )
        found[name] = value.strip(" \t")
    values = []
    for name in _HEADER_NAMES:
        if not found.get(name):
            raise MissingWebhookHeaderError(f"{_MISSING[name]} ({name} header)")
        values.append(found[name])
    return values[0], values[1], values[2]


def _body_bytes(body: Any) -> bytes:
    if body is None:
        raise MissingWebhookBodyError("Missing webhook body")
    if isinstance(body, str):
        # Lone surrogates cannot have been received over HTTP; encode them as-is so
        # they simply fail to match instead of raising UnicodeEncodeError.
        payload = body.encode("utf-8", "surrogatepass")
    elif isinstance(body, bytes | bytearray | memoryview):
        payload = bytes(body)
    else:
        raise InvalidWebhookBodyError(
            f"Invalid webhook body: must be bytes or str, not {type(body).__name__}"
        )
    if not payload:
        raise MissingWebhookBodyError("Missing webhook body (it is empty)")
    return payload


def _check_tolerance(tolerance: object) -> None:
    if tolerance is None:
        return
    if (
        isinstance(tolerance, bool)
        or not isinstance(tolerance, int | float)
        or (isinstance(tolerance, float) and not math.isfinite(tolerance))  # ints always are
        or tolerance < 0
    ):
        raise WebhookValidationError(
            f"Invalid tolerance: must be a finite number of seconds >= 0, or None; "
            f"got {tolerance!r}"
        )


def _check_timestamp_syntax(timestamp: str) -> None:
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > _MAX_TIMESTAMP_DIGITS:
        raise InvalidTimestampError(
            "Invalid webhook timestamp: webhook-timestamp is not a unix time in whole seconds"
        )


def _check_age(timestamp: str, tolerance: float | None) -> None:
    age = time.time() - int(timestamp)
    future_limit = DEFAULT_TOLERANCE if tolerance is None else tolerance
    if -age > future_limit:
        # Refused even with tolerance=None: a far-future timestamp is never a clock's skew.
        raise InvalidTimestampError(
            f"Webhook timestamp is {-age:.0f} seconds in the future, more than the "
            f"{future_limit} seconds of clock skew allowed"
        )
    if tolerance is not None and age > tolerance:
        raise InvalidTimestampError(
            f"Webhook timestamp is outside the allowed tolerance of {tolerance} seconds "
            f"({age:.0f} seconds old)"
        )


def _check_signature(signature: str, expected: bytes) -> None:
    # Malformed entries are skipped rather than fatal: they can never match, and a valid
    # entry next to them still proves the sender holds the secret.
    candidates: list[bytes] = []
    malformed: list[str] = []
    v1_entries = 0
    for entry in signature.split():
        version, comma, encoded = entry.partition(",")
        if not comma or not version:
            malformed.append(entry)
        elif version == "v1":
            v1_entries += 1
            # Unreadable base64 cannot match: as 1.x, "Webhook signature is invalid".
            with contextlib.suppress(binascii.Error, ValueError):
                candidates.append(base64.b64decode(encoded, validate=True))
        # other scheme versions are skipped, as the scheme requires
    if not v1_entries and not malformed:
        raise UnsupportedSignatureVersionError(
            "Invalid signature format: webhook-signature has no 'v1' signature"
        )
    # Compare every candidate (constant time each) so timing says nothing about which matched.
    matched = False
    for candidate in candidates:
        matched |= hmac.compare_digest(candidate, expected)
    if matched:
        return
    if malformed:  # 1.x's words for an entry it could not read
        raise InvalidSignatureError(
            f"Invalid signature format: {malformed[0][:40]!r} ({len(malformed)} malformed "
            "entries, none of the others matching; expected 'v1,<base64>')"
        )
    raise InvalidSignatureError("Webhook signature is invalid")


# --- client.webhooks (the namespace; 1.x defined it in this module too) ----------------


def _parse_secret(client: Client, data: Any) -> WebhookSigningSecret:
    return WebhookSigningSecret(key=data.get("key", ""))


def _secret_call() -> Call[WebhookSigningSecret]:
    from replicate_api.api.webhooks import webhooks_default_secret_get

    return Call(_parse_secret, webhooks_default_secret_get.request_kwargs)


class DefaultWebhooks(Namespace):
    """``client.webhooks.default``."""

    def secret(self) -> WebhookSigningSecret:
        """The signing secret for webhooks sent to your endpoints."""
        return self._call(_secret_call())

    async def async_secret(self) -> WebhookSigningSecret:
        """Async :meth:`secret`."""
        return await self._acall(_secret_call())


class Webhooks(Namespace):
    """``client.webhooks``: ``default.secret()`` and :func:`replicate.webhook.validate`."""

    #: 1.x's name for the class of :attr:`default`.
    Default = DefaultWebhooks

    @property
    def default(self) -> DefaultWebhooks:
        """The account's default webhook settings."""
        return DefaultWebhooks(self._client)

    @staticmethod
    def validate(*args: Any, **kwargs: Any) -> bool:
        """Verify a webhook signature; see :func:`replicate.webhook.validate`."""
        return validate(*args, **kwargs)
