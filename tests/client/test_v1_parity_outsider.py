"""1.x behaviour a migrating user relied on, found by running typical 1.x scripts under both
packages against one emulator."""

from __future__ import annotations

import httpx
import pytest

import replicate
from replicate.emulator import Emulator
from replicate.exceptions import ReplicateError
from replicate.prediction import Prediction
from replicate.training import Training


def test_poll_interval_reads_1x_default_while_adaptive() -> None:
    client = replicate.Client(api_token="r8_x", base_url="http://127.0.0.1:9")
    assert client.poll_interval == 0.5  # 1.x code sleeps this long in loops of its own
    assert client._poll_interval is None  # waits themselves use the adaptive schedule
    client.poll_interval = 2
    assert (client.poll_interval, client._poll_interval) == (2, 2)
    client.poll_interval = None  # type: ignore[assignment]
    assert client._poll_interval is None
    with pytest.raises(ValueError, match="poll_interval"):
        client.poll_interval = -1


def test_an_explicit_authorization_header_wins_over_the_token() -> None:
    with Emulator(time_scale=0.01) as emu:
        headers = {"Authorization": "Token gateway-credential"}
        with replicate.Client(api_token="r8_x", base_url=emu.base_url, headers=headers) as c:
            c.run("emulator/echo", input={"text": "x"})
        sent = {r.headers.get("authorization") for r in emu.requests}
        assert sent == {"Token gateway-credential"}


def test_from_response_accepts_a_response_built_by_hand() -> None:
    error = ReplicateError.from_response(httpx.Response(400, json={"detail": "bad"}))
    assert (error.status, error.detail, error.method, error.url) == (400, "bad", None, None)


def test_dict_has_every_declared_field() -> None:
    prediction = Prediction.from_json(None, {"id": "p1", "status": "starting"})
    as_dict = prediction.dict()
    assert as_dict["completed_at"] is None and as_dict["started_at"] is None
    assert dict(prediction)["status"] == "starting"
    training = Training.from_json(None, {"id": "t1", "status": "starting", "extra": 1})
    assert training.dict()["destination"] is None and training.dict()["extra"] == 1
    assert training.to_dict() == {"id": "t1", "status": "starting", "extra": 1}  # as sent
