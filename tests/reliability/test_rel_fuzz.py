"""Bounded fuzzing (hypothesis) of the SSE parser, stream resumption and webhook validation.

Nothing here may raise anything but the documented errors, whatever the bytes.
"""

from __future__ import annotations

import base64
import hmac
import itertools
import time
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from replicate import webhook
from replicate._flows.sse import ReconnectLimitExceeded, ServerSentEvent, SSEDecoder, SSEReconnector
from replicate.webhook import WebhookValidationError

FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- SSE decoder ---------------------------------------------------------------------------


def decode(chunks: list[bytes]) -> list[ServerSentEvent]:
    decoder = SSEDecoder()
    events = [event for chunk in chunks for event in decoder.feed(chunk)]
    return events + decoder.close()


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    edges = [0, *points, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(edges)]


SSE_BYTES = st.one_of(
    st.binary(max_size=400),
    # Mostly field-shaped lines, so the fuzzing reaches deep into the parser.
    st.lists(
        st.tuples(
            st.sampled_from(["data", "event", "id", "retry", "", ":", "dat", "data "]),
            st.sampled_from([":", ": ", "", ":  "]),
            st.text(max_size=12),
            st.sampled_from(["\n", "\r", "\r\n", "\n\n", "\r\n\r\n"]),
        ),
        max_size=30,
    ).map(lambda parts: "".join(a + b + c + d for a, b, c, d in parts).encode("utf-8", "replace")),
)


@FUZZ
@given(data=SSE_BYTES, cuts=st.lists(st.integers(min_value=0), max_size=12))
def test_sse_decoder_never_raises_and_ignores_chunking(data: bytes, cuts: list[int]) -> None:
    whole = decode([data])
    assert decode(split(data, cuts)) == whole
    assert decode([bytes([b]) for b in data]) == whole
    for event in whole:
        assert isinstance(event.event, str) and isinstance(event.data, str)
        assert "\r" not in event.data and "\x00" not in event.id
        assert event.retry is None or (isinstance(event.retry, int) and event.retry >= 0)


# -- resumption: a server that cuts the connection anywhere ----------------------------------

# SSE cannot carry a CR inside data (it ends the line), so tokens have none.
TOKENS = st.lists(
    st.text(st.characters(blacklist_characters="\r", blacklist_categories=("Cs",)), max_size=8),
    min_size=1,
    max_size=25,
)


def serve_from(tokens: list[str], last_event_id: str) -> bytes:
    """What the emulator sends after ``Last-Event-ID``: ids are 1-based positions."""
    start = int(last_event_id) if last_event_id.isdigit() else 0
    blocks = [b"retry: 1\n\n"]
    for index in range(start, len(tokens)):
        lines = "".join(f"data: {line}\n" for line in tokens[index].split("\n"))
        blocks.append(f"event: output\nid: {index + 1}\n{lines}\n".encode())
    blocks.append(f"event: done\nid: {len(tokens) + 1}\ndata: {{}}\n\n".encode())
    return b"".join(blocks)


@FUZZ
@given(tokens=TOKENS, cuts=st.lists(st.integers(min_value=0), max_size=8), chunk=st.integers(1, 64))
def test_resuming_after_cuts_anywhere_loses_and_repeats_nothing(
    tokens: list[str], cuts: list[int], chunk: int
) -> None:
    tracker = SSEReconnector(default_delay=0, max_attempts=len(cuts) + 1)
    received: list[str] = []
    pending_cuts = list(cuts)
    while True:
        body = serve_from(tokens, tracker.last_event_id)
        if pending_cuts:  # this connection drops after some bytes
            body = body[: pending_cuts.pop(0) % (len(body) + 1)]
        for start in range(0, len(body), chunk):
            for event in tracker.feed(body[start : start + chunk]):
                if event.event == "output":
                    received.append(event.data)
        if tracker.connection_lost() is None:
            break
    assert received == tokens


def test_a_stream_that_never_progresses_gives_up() -> None:
    tracker = SSEReconnector(default_delay=0, max_attempts=3)
    with pytest.raises(ReconnectLimitExceeded):
        for _ in range(10):
            tracker.feed(b"retry: 5\n")  # no complete event
            tracker.connection_lost()


# -- webhook validation --------------------------------------------------------------------

SECRET = "whsec_" + base64.b64encode(b"reliability-webhook-secret-key!!").decode()
BODY = b'{"id":"p1","status":"succeeded","output":"hi"}'


def delivery(body: bytes = BODY, age: int = 0, webhook_id: str = "msg_1") -> dict[str, str]:
    timestamp = int(time.time()) - age
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": webhook.sign(SECRET, webhook_id, timestamp, body),
    }


def test_valid_delivery_passes_and_replay_window_is_on_by_default() -> None:
    assert webhook.validate(headers=delivery(), body=BODY, secret=SECRET) is True
    assert webhook.validate(headers=delivery(age=290), body=BODY, secret=SECRET) is True
    with pytest.raises(webhook.InvalidTimestampError):
        webhook.validate(headers=delivery(age=310), body=BODY, secret=SECRET)
    with pytest.raises(webhook.InvalidTimestampError):
        webhook.validate(headers=delivery(age=-3600), body=BODY, secret=SECRET)
    assert webhook.validate(headers=delivery(age=10**6), body=BODY, secret=SECRET, tolerance=None)


def test_signatures_are_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    headers = delivery()
    headers["webhook-signature"] = "v1,AAAA " + headers["webhook-signature"]
    assert webhook.validate(headers=headers, body=BODY, secret=SECRET)
    assert len(compared) == 2  # every candidate compared, with hmac.compare_digest


def _mutated(name: str, value: str) -> dict[str, str]:
    headers = delivery()
    headers[name] = value
    return headers


# Built when each test runs: a delivery made at collection time would be stale (and
# rejected for its age) if the suite takes over five minutes to reach these tests.
REJECTED = [
    pytest.param(lambda: {}, webhook.MissingWebhookHeaderError, id="no-headers"),
    pytest.param(
        lambda: {k: v for k, v in delivery().items() if k != "webhook-id"},
        webhook.MissingWebhookHeaderError,
        id="missing-id",
    ),
    pytest.param(
        lambda: [*delivery().items(), ("Webhook-Signature", "v1,AAAA")],
        webhook.DuplicateWebhookHeaderError,
        id="duplicated-signature",
    ),
    pytest.param(
        lambda: _mutated("webhook-timestamp", "12x"),
        webhook.InvalidTimestampError,
        id="non-numeric-ts",
    ),
    pytest.param(
        lambda: _mutated("webhook-timestamp", "-5"), webhook.InvalidTimestampError, id="negative-ts"
    ),
    pytest.param(
        lambda: delivery(age=-(10**6)),  # signed: the timestamp alone is wrong
        webhook.InvalidTimestampError,
        id="far-future-ts",
    ),
    pytest.param(
        # Changed after signing: the signature fails first, as in 1.x (no tolerance given).
        lambda: _mutated("webhook-timestamp", str(int(time.time()) + 10**6)),
        webhook.InvalidSignatureError,
        id="far-future-ts-unsigned",
    ),
    pytest.param(
        lambda: _mutated("webhook-timestamp", "9" * 40), webhook.InvalidTimestampError, id="huge-ts"
    ),
    pytest.param(
        lambda: _mutated("webhook-signature", "v1,!!!notbase64!!!"),
        webhook.InvalidSignatureError,
        id="invalid-base64",
    ),
    pytest.param(
        lambda: _mutated("webhook-signature", "v2," + base64.b64encode(b"x" * 32).decode()),
        webhook.UnsupportedSignatureVersionError,
        id="v2-only",
    ),
    pytest.param(
        lambda: _mutated("webhook-signature", "v1a,abc v1"),
        webhook.InvalidSignatureError,
        id="garbled",
    ),
    pytest.param(
        lambda: _mutated("webhook-signature", "v1," + "A" * 10_000),
        webhook.WebhookHeaderTooLargeError,
        id="oversized",
    ),
    pytest.param(
        lambda: _mutated("webhook-id", "msg_2"), webhook.InvalidSignatureError, id="id-swapped"
    ),
]


@pytest.mark.parametrize(("headers", "error"), REJECTED)
def test_rejections(headers: Callable[[], Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        webhook.validate(headers=headers(), body=BODY, secret=SECRET)


@pytest.mark.parametrize(
    "secret",
    ["", "whsec_", "wh_" + SECRET[6:], SECRET[6:] + "x", "whsec_***", "whsec_" + "A" * 5],
)
def test_bad_secrets(secret: str) -> None:
    with pytest.raises(webhook.InvalidSecretKeyError):
        webhook.validate(headers=delivery(), body=BODY, secret=secret)


HEADER_VALUES = st.one_of(
    st.text(max_size=80),
    st.binary(max_size=80),
    st.integers(),
    st.none(),
    st.sampled_from(["v1,", "v1, ", "v1,====", ",", " ", "v1,AAAA v2,BBBB", "0", "00000000000"]),
)


@FUZZ
@given(
    mutations=st.lists(
        st.tuples(
            st.sampled_from(["webhook-id", "webhook-timestamp", "webhook-signature", "WEBHOOK-ID"]),
            HEADER_VALUES,
        ),
        max_size=4,
    ),
    body=st.one_of(st.just(BODY), st.binary(max_size=200), st.text(max_size=200)),
    secret=st.one_of(st.just(SECRET), st.text(max_size=40), st.just("whsec_" + "A" * 43)),
    as_pairs=st.booleans(),
)
def test_validator_raises_only_validation_errors(
    mutations: list[tuple[str, Any]], body: Any, secret: str, as_pairs: bool
) -> None:
    base = delivery()
    headers: Any = [*base.items(), *mutations] if as_pairs else {**base, **dict(mutations)}
    try:
        ok = webhook.validate(headers=headers, body=body, secret=secret)
    except WebhookValidationError:
        return
    assert ok is True
    # Acceptance means the signed parts are exactly the original ones.
    assert body in (BODY, BODY.decode()) and secret == SECRET
