"""The token stays out of every message even when a server echoes it in odd places.

As a JSON member name, inside an HTML page cut for readability, in a prediction's error,
an event stream's error event, a prediction id, a ``next`` URL (logged by httpx at INFO)
or a response header (logged by httpcore at DEBUG).
"""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest
from support.client_support import PREDICTION, json_reply, scripted
from support.reliability_support import TOKEN, call, make_client

from replicate.exceptions import (
    ModelError,
    PredictionTimeoutError,
    ReplicateError,
    ReplicateException,
    StreamError,
)

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(30)]
MODES = pytest.mark.parametrize("mode", ["sync", "async"])
PREFIX = TOKEN[:6]


def assert_no_token(*texts: str) -> None:
    for text in texts:
        assert PREFIX not in text, text


@MODES
async def test_a_token_echoed_as_a_member_name_is_scrubbed(mode: str) -> None:
    body = {"detail": "bad", "title": "Bad", "status": 400, TOKEN: "x", "nested": {TOKEN: [TOKEN]}}
    with scripted([json_reply(400, body)]) as api:
        client = make_client(api.base_url)
        with pytest.raises(ReplicateError) as caught:
            await call(mode, client.accounts, "current")
    error = caught.value
    assert_no_token(str(error), repr(error), json.dumps(error.to_dict()), repr(error.extensions))
    assert "[REDACTED]" in error.extensions


@MODES
@pytest.mark.parametrize("offset", [280, 290, 295, 299])
async def test_a_token_cut_by_the_html_page_limit_is_scrubbed(mode: str, offset: int) -> None:
    page = ("<html>" + "x" * (offset - 6) + TOKEN + "</html>").encode()
    with scripted([(502, {"Content-Type": "text/html"}, page)]) as api:
        client = make_client(api.base_url, max_retries=0)
        with pytest.raises(ReplicateError) as caught:
            await call(mode, client.accounts, "current")
    assert_no_token(str(caught.value), repr(caught.value), json.dumps(caught.value.to_dict()))
    assert "xxxx" in str(caught.value)


@MODES
async def test_a_failed_predictions_error_and_id_are_scrubbed(mode: str) -> None:
    failed = {**PREDICTION, "id": TOKEN, "status": "failed", "error": f"boom {TOKEN}"}
    with scripted([json_reply(201, failed)]) as api:
        client = make_client(api.base_url)
        with pytest.raises(ModelError) as caught:
            await call(mode, client, "run", "o/m:" + "a" * 64, {}, wait=True)
    assert_no_token(str(caught.value), repr(caught.value))
    assert "boom" in str(caught.value)


async def test_stream_errors_and_timeouts_built_from_echoed_text_are_scrubbed() -> None:
    with scripted([json_reply(200, {**PREDICTION, "id": TOKEN, "status": "processing"})]) as api:
        client = make_client(api.base_url)
        prediction = client.predictions.get("p1")  # the token is now in use
    stream_error = StreamError(prediction, f"event error {TOKEN}")
    timeout = PredictionTimeoutError(prediction)
    assert_no_token(str(stream_error), stream_error.detail, str(timeout))


@MODES
async def test_httpx_and_httpcore_log_records_are_scrubbed(
    mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    page: dict[str, Any] = {"results": [], "next": f"/v1/predictions?cursor={TOKEN}"}
    reply = json_reply(200, page, X_Echo=f"token={TOKEN}")
    with scripted([reply]) as api:
        client = make_client(api.base_url)
        with caplog.at_level(logging.DEBUG):
            first = await call(mode, client.predictions, "list")
            await call(mode, client.predictions, "list", first.next)
    messages = [record.getMessage() for record in caplog.records]
    assert any("cursor=" in m for m in messages if "HTTP Request" in m), messages
    assert any("X-Echo" in m for m in messages), messages
    assert_no_token(*messages)


@MODES
async def test_a_token_used_as_a_prediction_id_stays_out_of_errors_and_logs(
    mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    missing = {"title": "Not found", "status": 404, "detail": "no such prediction"}
    with scripted([json_reply(404, missing)]) as api:
        client = make_client(api.base_url)
        with caplog.at_level(logging.DEBUG), pytest.raises(ReplicateError) as caught:
            await call(mode, client.predictions, "get", TOKEN)
        assert api.seen and TOKEN in api.seen[0]["path"]  # it was the id the server got
    assert "/v1/predictions/" in caught.value.__notes__[-1]  # the request that failed
    assert_no_token(
        str(caught.value), repr(caught.value), caught.value.url or "", *caught.value.__notes__
    )
    assert_no_token(*(record.getMessage() for record in caplog.records))


# Found by an outsider auditing for leaks (each failed before its fix).


@MODES
async def test_the_repr_of_a_prediction_echoing_the_token_leaves_it_out(mode: str) -> None:
    echoed = {**PREDICTION, "status": "failed", "logs": f"Authorization: Bearer {TOKEN}\n"}
    with scripted([json_reply(200, {**echoed, "error": f"refused {TOKEN}"})]) as api:
        client = make_client(api.base_url)
        prediction = await call(mode, client.predictions, "get", "p1")
    assert TOKEN in prediction.logs  # the data is kept as received ...
    assert_no_token(repr(prediction))  # ... but a repr (logged, shown by trackers) leaves it out


@MODES
async def test_errors_about_malformed_answers_hold_no_reference_to_the_body(mode: str) -> None:
    # The parser's own exception quotes the body (a JSONDecodeError keeps all of it in .doc):
    # it must not stay reachable as __context__ of the error raised.
    garbled = (200, {"Content-Type": "application/json"}, f'{{"echo": "{TOKEN}"'.encode())
    wrong = json_reply(200, {**PREDICTION, "status": {"echo": TOKEN}})
    for reply in (garbled, wrong):
        with scripted([reply]) as api:
            client = make_client(api.base_url)
            with pytest.raises(ReplicateException) as caught:
                await call(mode, client.predictions, "get", "p1")
        error: BaseException | None = caught.value
        while error is not None:
            assert_no_token(str(error), repr(error))
            error = error.__cause__ or error.__context__


async def test_aiohttp_errors_about_a_broken_answer_do_not_carry_the_request_headers() -> None:
    pytest.importorskip("aiohttp")
    from replicate.transports import AiohttpTransport

    broken = (200, {"Content-Length": "2", "Bad Header\x01": "x"}, b"{}")
    with scripted([broken]) as api:
        client = make_client(api.base_url, transport=AiohttpTransport(), max_retries=0)
        with pytest.raises(httpx.TransportError) as caught:
            await client.predictions.async_get("p1")
        await client.aclose()
    error: BaseException | None = caught.value
    while error is not None:
        assert_no_token(str(error), repr(error), repr(getattr(error, "request_info", "")))
        error = error.__cause__ or error.__context__
