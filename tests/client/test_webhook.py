"""Webhook verification: unit cases, agreement with the standardwebhooks reference, fuzzing,
and the receiver example of docs/webhooks.md served over loopback."""

from __future__ import annotations

import base64
import json
import re
import socket
import string
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import standardwebhooks
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.datastructures import Headers as StarletteHeaders

from replicate import webhook
from replicate.webhook import (
    DuplicateWebhookHeaderError,
    InvalidSecretKeyError,
    InvalidSignatureError,
    InvalidTimestampError,
    InvalidWebhookHeaderError,
    MissingWebhookBodyError,
    MissingWebhookHeaderError,
    UnsupportedSignatureVersionError,
    WebhookHeaderTooLargeError,
    WebhookSigningSecret,
    WebhookValidationError,
    sign,
    validate,
)

KEY = bytes(range(32))
SECRET = "whsec_" + base64.b64encode(KEY).decode()
BODY = b'{"id": "p1", "status": "succeeded", "output": "caf\xc3\xa9"}'


def signed_headers(
    body: bytes = BODY, *, secret: str = SECRET, webhook_id: str = "msg_1", at: int | None = None
) -> dict[str, str]:
    timestamp = int(time.time()) if at is None else at
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, webhook_id, timestamp, body),
    }


# ---------------------------------------------------------------- accepted forms


def test_accepts_dict_headers_in_any_case_with_bytes_or_str_body() -> None:
    headers = {k.upper(): v for k, v in signed_headers().items()}
    assert validate(headers=headers, body=BODY, secret=SECRET) is True
    assert validate(headers=headers, body=BODY.decode(), secret=WebhookSigningSecret(SECRET))
    assert validate(headers=list(headers.items()), body=bytearray(BODY), secret=SECRET)


def test_accepts_httpx_request_and_starlette_style_request() -> None:
    request = httpx.Request("POST", "https://example.test/hook", headers=signed_headers(),
                            content=BODY)
    assert validate(request, secret=SECRET)

    class StarletteLike:  # headers are Starlette's; the body is async, so passed separately
        headers = StarletteHeaders(signed_headers())

        async def body(self) -> bytes:
            return BODY

    assert validate(StarletteLike(), body=BODY, secret=SECRET)
    with pytest.raises(MissingWebhookBodyError, match=r"body=await request\.body\(\)"):
        validate(StarletteLike(), secret=SECRET)


def test_any_matching_entry_among_several_and_other_versions_skipped() -> None:
    headers = signed_headers()
    good = headers["webhook-signature"]
    other = sign("whsec_" + base64.b64encode(b"old key").decode(), "msg_1",
                 int(headers["webhook-timestamp"]), BODY)
    headers["webhook-signature"] = f"v2,{good[3:]} {other}  {good}"
    assert validate(headers=headers, body=BODY, secret=SECRET)


def test_tolerance_none_allows_old_but_never_far_future() -> None:
    old = signed_headers(at=int(time.time()) - 86_400)
    with pytest.raises(InvalidTimestampError, match="old"):
        validate(headers=old, body=BODY, secret=SECRET)
    assert validate(headers=old, body=BODY, secret=SECRET, tolerance=None)
    # A huge whole number is a tolerance too (it raised a bare OverflowError).
    assert validate(headers=old, body=BODY, secret=SECRET, tolerance=10**400)
    future = signed_headers(at=int(time.time()) + 3_600)
    for tolerance in (300, None, 600):
        with pytest.raises(InvalidTimestampError, match="future") as raised:
            validate(headers=future, body=BODY, secret=SECRET, tolerance=tolerance)
        # Says what was refused, not a tolerance the caller turned off.
        assert "clock skew" in str(raised.value) and "tolerance" not in str(raised.value)


def test_a_delivery_failing_two_checks_gets_the_error_1x_raised() -> None:
    # 1.x checked the age only when given a tolerance, and then first; without one, a
    # stale delivery with a bad signature was refused for its signature.
    stale = signed_headers(at=int(time.time()) - 86_400)
    stale["webhook-signature"] = "v1," + base64.b64encode(b"x" * 32).decode()
    with pytest.raises(InvalidSignatureError):
        validate(headers=stale, body=BODY, secret=SECRET)
    with pytest.raises(InvalidTimestampError, match="tolerance of 3600 seconds"):
        validate(headers=stale, body=BODY, secret=SECRET, tolerance=3600)
    # A good signature does not get a stale delivery through the default window.
    with pytest.raises(InvalidTimestampError, match="tolerance of 300 seconds"):
        validate(headers=signed_headers(at=int(time.time()) - 86_400), body=BODY, secret=SECRET)


def test_secret_is_not_in_repr_or_messages() -> None:
    assert SECRET not in repr(WebhookSigningSecret(SECRET))
    bad = SECRET[:-4] + "!!!!"
    with pytest.raises(InvalidSecretKeyError) as caught:
        validate(headers=signed_headers(), body=BODY, secret=bad)
    assert bad not in str(caught.value) and SECRET[6:20] not in str(caught.value)


# ---------------------------------------------------------------- rejections


def _with(**changes: str | None) -> dict[str, str]:
    headers = signed_headers()
    for name, value in changes.items():
        key = name.replace("_", "-")
        if value is None:
            headers.pop(key)
        else:
            headers[key] = value
    return headers


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        (dict(webhook_id=None), MissingWebhookHeaderError),
        (dict(webhook_timestamp=None), MissingWebhookHeaderError),
        (dict(webhook_signature=None), MissingWebhookHeaderError),
        (dict(webhook_signature=""), MissingWebhookHeaderError),
        (dict(webhook_timestamp="12e8"), InvalidTimestampError),
        (dict(webhook_timestamp="-5"), InvalidTimestampError),
        (dict(webhook_timestamp="1" * 40), InvalidTimestampError),
        (dict(webhook_timestamp="\u0661\u0662"), InvalidTimestampError),
        (dict(webhook_signature="v1"), InvalidSignatureError),
        (dict(webhook_signature="v1,"), InvalidSignatureError),
        (dict(webhook_signature=",abc"), InvalidSignatureError),
        (dict(webhook_signature="v1,not base64!"), InvalidSignatureError),
        (dict(webhook_signature="v1,YWJj*"), InvalidSignatureError),
        (dict(webhook_signature="v1a,c2ln v2,c2ln"), UnsupportedSignatureVersionError),
        (dict(webhook_signature="v1," + base64.b64encode(b"x" * 32).decode()),
         InvalidSignatureError),
        (dict(webhook_id="msg_2"), InvalidSignatureError),
        (dict(webhook_signature="v1,AAAA" * 1000), WebhookHeaderTooLargeError),
    ],
)
def test_rejects_bad_headers(changes: dict[str, str | None], error: type[Exception]) -> None:
    # Signed when the test runs: a signature made at collection time could be too old by then.
    with pytest.raises(error):
        validate(headers=_with(**changes), body=BODY, secret=SECRET)


@pytest.mark.parametrize(
    ("signature", "words"),
    [
        ("v1", "Invalid signature format: "),  # 1.x's words for an entry without a comma
        (",abc", "Invalid signature format: "),
        ("v1,not*base64", "Webhook signature is invalid"),  # read, and matching nothing
        ("v1,invalid_signature", "Webhook signature is invalid"),
    ],
)
def test_a_malformed_signature_gets_1x_words(signature: str, words: str) -> None:
    with pytest.raises(InvalidSignatureError, match="^" + re.escape(words)):
        validate(headers=_with(webhook_signature=signature), body=BODY, secret=SECRET)


def test_rejects_duplicated_headers_in_every_container() -> None:
    headers = signed_headers()
    pairs = [*headers.items(), ("Webhook-Signature", headers["webhook-signature"])]
    for container in (
        pairs,
        httpx.Headers(pairs),
        StarletteHeaders(raw=[(k.lower().encode(), v.encode()) for k, v in pairs]),
        {**headers, "WEBHOOK-ID": "msg_1"},
    ):
        with pytest.raises(DuplicateWebhookHeaderError):
            validate(headers=container, body=BODY, secret=SECRET)


def test_rejects_non_text_header_values() -> None:
    with pytest.raises(InvalidWebhookHeaderError):
        validate(headers=_with() | {"webhook-id": 5}, body=BODY, secret=SECRET)  # type: ignore[dict-item]
    with pytest.raises(InvalidWebhookHeaderError):
        validate(headers=[("webhook-id", b"\xff")], body=BODY, secret=SECRET)


@pytest.mark.parametrize(
    "secret",
    [None, "", "whsec_", SECRET[6:], "wh_" + SECRET[6:], "whsec_***", "whsec_A"],
)
def test_rejects_bad_secrets(secret: str | None) -> None:
    with pytest.raises(InvalidSecretKeyError):
        validate(headers=signed_headers(), body=BODY, secret=secret)


def test_rejects_missing_or_tampered_body() -> None:
    for body in (None, b"", ""):
        with pytest.raises(MissingWebhookBodyError):
            validate(headers=signed_headers(), body=body, secret=SECRET)
    with pytest.raises(InvalidSignatureError):
        validate(headers=signed_headers(), body=BODY + b" ", secret=SECRET)
    with pytest.raises(MissingWebhookHeaderError):
        validate(body=BODY, secret=SECRET)


def test_errors_are_value_errors_for_1x_compatibility() -> None:
    with pytest.raises(ValueError):
        validate(headers=_with(webhook_id="other"), body=BODY, secret=SECRET)


def test_streaming_httpx_request_without_body_is_a_validation_error() -> None:
    request = httpx.Request("POST", "https://example.test/", headers=signed_headers(),
                            content=iter([BODY]))
    with pytest.raises(MissingWebhookBodyError, match="not been read"):
        validate(request, secret=SECRET)


# ---------------------------------------------------------------- the reference library

_ids = st.text(string.ascii_letters + string.digits + "_-.", min_size=1, max_size=30)
# Keep clear of the +/-300 s window edges so clock movement cannot flip an outcome.
_offsets = st.one_of(
    st.integers(-290, 290), st.integers(-10**7, -310), st.integers(310, 10**7)
)
_entry_kinds = st.sampled_from(["good", "wrong-key", "wrong-body", "v2-good", "random"])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    key=st.binary(min_size=1, max_size=64),
    webhook_id=_ids,
    offset=_offsets,
    body=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=200),
    kinds=st.lists(_entry_kinds, min_size=1, max_size=4),
    random_sig=st.binary(min_size=0, max_size=40),
    as_bytes=st.booleans(),
    upper=st.booleans(),
)
def test_agrees_with_standardwebhooks(
    key: bytes, webhook_id: str, offset: int, body: str, kinds: list[str],
    random_sig: bytes, as_bytes: bool, upper: bool,
) -> None:
    secret = "whsec_" + base64.b64encode(key).decode()
    other_secret = "whsec_" + base64.b64encode(key + b"!").decode()
    timestamp = int(time.time()) + offset
    raw = body.encode()
    make = {
        "good": lambda: sign(secret, webhook_id, timestamp, raw),
        "wrong-key": lambda: sign(other_secret, webhook_id, timestamp, raw),
        "wrong-body": lambda: sign(secret, webhook_id, timestamp, raw + b"x"),
        "v2-good": lambda: "v2" + sign(secret, webhook_id, timestamp, raw)[2:],
        "random": lambda: "v1," + base64.b64encode(random_sig).decode(),
    }
    entries = [make[kind]() for kind in kinds]
    headers = {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(entries),
    }
    if upper:
        headers = {k.title(): v for k, v in headers.items()}

    try:
        standardwebhooks.Webhook(secret).verify(raw, headers, json_parse=False)
        reference_ok = True
    except standardwebhooks.WebhookVerificationError:
        reference_ok = False

    try:
        ours_ok = validate(headers=headers, body=raw if as_bytes else body, secret=secret)
    except WebhookValidationError:
        ours_ok = False
    assert ours_ok == reference_ok


_header_text = st.one_of(
    st.text(max_size=60),
    st.from_regex(r"\A(v\d,[A-Za-z0-9+/=]{0,50} ?){0,3}\Z"),
    st.integers(-10**12, 10**12).map(str),
)


@settings(max_examples=500)
@given(
    headers=st.dictionaries(
        st.sampled_from(["webhook-id", "Webhook-Timestamp", "webhook-timestamp",
                         "WEBHOOK-SIGNATURE", "webhook-signature", "content-type"]),
        st.one_of(_header_text, st.binary(max_size=20)),
    ),
    body=st.one_of(st.none(), st.binary(max_size=50), st.text(max_size=50)),
    secret=st.one_of(st.text(max_size=40), st.text(max_size=40).map(lambda s: "whsec_" + s),
                     st.just(SECRET)),
    tolerance=st.one_of(st.none(), st.integers(0, 10**6)),
)
def test_garbage_only_raises_validation_errors(
    headers: dict[str, Any], body: Any, secret: str, tolerance: int | None
) -> None:
    try:
        result = validate(headers=headers, body=body, secret=secret, tolerance=tolerance)
    except WebhookValidationError as error:
        assert SECRET not in str(error)
    else:
        assert result is True


# ------------------------------------------------------- docs/webhooks.md receiver, over loopback


def _docs_receiver_source() -> str:
    page = (Path(__file__).resolve().parents[2] / "docs" / "webhooks.md").read_text()
    match = re.search(r"```python\n(.*?)```", page, re.S)
    assert match, "docs/webhooks.md has no python example"
    return match.group(1)


def test_docs_receiver_example_over_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    uvicorn = pytest.importorskip("uvicorn")
    monkeypatch.setenv("REPLICATE_WEBHOOK_SECRET", SECRET)
    namespace: dict[str, Any] = {"__name__": "docs_example"}
    exec(compile(_docs_receiver_source(), "docs/webhooks.md", "exec"), namespace)
    app = namespace["app"]

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        url = f"http://127.0.0.1:{port}/webhooks/replicate"
        payload = json.dumps({"id": "p1", "status": "succeeded"}).encode()
        with httpx.Client() as client:
            good = client.post(url, content=payload, headers=signed_headers(payload))
            forged = client.post(url, content=payload,
                                 headers=signed_headers(payload + b" "))
            replayed = client.post(url, content=payload,
                                   headers=signed_headers(payload, at=int(time.time()) - 3600))
        assert good.status_code == 200 and good.json() == {"received": "p1"}
        assert forged.status_code == 400
        assert replayed.status_code == 400
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def test_sign_is_unchanged_for_the_emulator() -> None:
    # v1,base64(HMAC-SHA256(key, "id.timestamp.body")) computed independently.
    import hashlib
    import hmac

    expected = base64.b64encode(
        hmac.new(KEY, b"msg_1.1700000000." + BODY, hashlib.sha256).digest()
    ).decode()
    assert sign(SECRET, "msg_1", 1700000000, BODY) == "v1," + expected
    assert webhook.DEFAULT_TOLERANCE == 300


# ---------------------------------------------------------------- 1.x messages and argument types


#: Stands for headers signed when the test runs (not at collection, when they could age).
SIGNED: Any = object()


@pytest.mark.parametrize(
    ("kwargs", "error", "prefix"),
    [
        ({"headers": None, "body": BODY}, MissingWebhookHeaderError, "Missing webhook headers"),
        ({"headers": {}, "body": BODY}, MissingWebhookHeaderError, "Missing webhook headers"),
        ({"headers": {"x": "y"}, "body": BODY}, MissingWebhookHeaderError, "Missing webhook id"),
        (
            {"headers": {"webhook-id": "m", "webhook-signature": "v1,x"}, "body": BODY},
            MissingWebhookHeaderError,
            "Missing webhook timestamp",
        ),
        ({"headers": SIGNED, "body": None}, MissingWebhookBodyError,
         "Missing webhook body"),
        ({"headers": SIGNED, "body": BODY, "secret": "nope"}, InvalidSecretKeyError,
         "Invalid secret key format"),
        ({"headers": SIGNED, "body": BODY, "secret": None}, InvalidSecretKeyError,
         "Missing webhook signing secret"),
        ({"headers": SIGNED, "body": b"{}"}, InvalidSignatureError,
         "Webhook signature is invalid"),
    ],
)
def test_messages_start_as_in_1x(
    kwargs: dict[str, Any], error: type[Exception], prefix: str
) -> None:
    arguments = {"secret": SECRET, **kwargs}
    if arguments["headers"] is SIGNED:
        arguments["headers"] = signed_headers()
    with pytest.raises(error) as caught:
        validate(**arguments)
    assert str(caught.value).startswith(prefix)
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"headers": 42, "body": BODY},
        {"headers": signed_headers(), "body": {}},
        {"headers": signed_headers(), "body": {"a": 1}},
        {"headers": signed_headers(), "body": 3.5},
        {"headers": signed_headers(), "body": BODY, "tolerance": float("nan")},
        {"headers": signed_headers(), "body": BODY, "tolerance": float("inf")},
        {"headers": signed_headers(), "body": BODY, "tolerance": -1},
        {"headers": signed_headers(), "body": BODY, "tolerance": "300"},
        {"request": httpx.Request("POST", "http://x"), "headers": signed_headers()},
    ],
)
def test_wrong_argument_types_are_validation_errors(kwargs: dict[str, Any]) -> None:
    with pytest.raises(WebhookValidationError):
        validate(secret=SECRET, **kwargs)
