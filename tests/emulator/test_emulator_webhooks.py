"""Webhooks: delivered per the events filter, signed so that standardwebhooks verifies them."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from standardwebhooks import Webhook

from replicate.emulator import Emulator


class Receiver:
    """A loopback HTTP server that records webhook POSTs; fails the first ``fail_first``."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.fail_first = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.fail_first > 0:
                    receiver.fail_first -= 1
                    self.send_response(500)
                else:
                    receiver.received.append(
                        ({k.lower(): v for k, v in self.headers.items()}, body)
                    )
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, args=(0.01,), daemon=True).start()

    def events(self) -> list[dict[str, object]]:
        return [json.loads(body) for _, body in self.received]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.shutdown()


def _create_with_webhook(
    api: httpx.Client, receiver: Receiver, model: str, input: dict[str, object], events: list[str]
) -> None:
    api.post(
        f"/models/emulator/{model}/predictions",
        json={"input": input, "webhook": receiver.url, "webhook_events_filter": events},
    )


def _completed(receiver: Receiver) -> bool:
    return any(e["status"] in ("succeeded", "failed", "canceled") for e in receiver.events())


def test_signatures_verify_with_standardwebhooks(
    emu: Emulator, api: httpx.Client, receiver: Receiver
) -> None:
    api.post(
        "/models/emulator/stream-text/predictions",
        json={"input": {"max_tokens": 3}, "webhook": receiver.url},
    )
    assert emu.wait_for(lambda: _completed(receiver))
    secret = api.get("/webhooks/default/secret").json()["key"]
    assert secret.startswith("whsec_") and secret == emu.webhook_secret
    verifier = Webhook(secret)
    for headers, body in receiver.received:
        payload = verifier.verify(body, headers)
        assert payload["id"]
    ids = [h["webhook-id"] for h, _ in receiver.received]
    assert len(set(ids)) == len(ids)
    statuses = [e["status"] for e in receiver.events()]
    assert statuses[0] == "starting" and statuses[-1] == "succeeded"
    with pytest.raises(Exception, match=r"(?i)signature"):
        headers, body = receiver.received[0]
        verifier.verify(body + b" ", headers)


def test_events_filter_limits_deliveries(
    emu: Emulator, api: httpx.Client, receiver: Receiver
) -> None:
    _create_with_webhook(api, receiver, "stream-text", {"max_tokens": 3}, ["completed"])
    assert emu.wait_for(lambda: _completed(receiver))
    assert [e["status"] for e in receiver.events()] == ["succeeded"]
    assert receiver.events()[0]["output"] == emu.predictions[receiver.events()[0]["id"]].output


def test_output_events_carry_growing_output(
    emu: Emulator, api: httpx.Client, receiver: Receiver
) -> None:
    _create_with_webhook(api, receiver, "stream-text", {"max_tokens": 4}, ["output", "completed"])
    assert emu.wait_for(lambda: _completed(receiver))
    lengths = [len(e["output"] or []) for e in receiver.events()]  # type: ignore[arg-type]
    assert lengths[:4] == [1, 2, 3, 4]


def test_completed_webhook_is_retried_after_failure(
    emu: Emulator, api: httpx.Client, receiver: Receiver
) -> None:
    receiver.fail_first = 1
    _create_with_webhook(api, receiver, "echo", {"text": "x"}, ["completed"])
    assert emu.wait_for(lambda: [d.status for d in emu.webhook_deliveries] == [500, 204])
    assert _completed(receiver)
    first, second = emu.webhook_deliveries
    assert first.headers["webhook-id"] == second.headers["webhook-id"]


def test_webhooks_never_go_to_the_internet(emu: Emulator, api: httpx.Client) -> None:
    from replicate.emulator.webhooks import undeliverable

    # As in the docs' examples: recorded (signed, as it would be sent), never contacted.
    api.post(
        "/models/emulator/echo/predictions",
        json={
            "input": {"text": "x"},
            "webhook": "https://example.com/hook",
            "webhook_events_filter": ["completed"],
        },
    )
    assert emu.wait_for(lambda: len(emu.webhook_deliveries) == 1)
    (delivery,) = emu.webhook_deliveries
    assert delivery.status is None and "never sends webhooks to the internet" in str(delivery.error)
    assert delivery.url == "https://example.com/hook" and delivery.headers["webhook-signature"]
    local = (
        "http://127.0.0.1:9/h",
        "http://[::1]/h",
        "http://10.1.2.3/h",
        "http://receiver:80/h",
        "https://app.internal/h",
        "http://localhost/h",
        "http://printer.local/h",
    )
    assert [undeliverable(url) for url in local] == [None] * len(local)
    remote = ("https://example.com/h", "http://8.8.8.8/h", "https://hooks.example.org./h")
    assert all(undeliverable(url) for url in remote)


def test_bad_webhook_fields_are_rejected(api: httpx.Client) -> None:
    for body in ({"webhook": "ftp://x"}, {"webhook_events_filter": ["begin"]}):
        response = api.post(
            "/models/emulator/echo/predictions", json={"input": {"text": "x"}, **body}
        )
        assert response.status_code == 422
