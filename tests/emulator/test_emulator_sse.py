"""The prediction event stream: ids, retry, done reasons, resuming with Last-Event-ID."""

from __future__ import annotations

import json

import httpx
import pytest

from replicate.emulator import Emulator
from replicate.emulator.catalog import stream_tokens
from replicate.emulator.sse import format_event, resume_index


def read_stream(
    url: str, headers: dict[str, str] | None = None
) -> tuple[int | None, list[dict[str, str]]]:
    """(retry, events) from one connection; each event is a dict of its fields."""
    retry = None
    events: list[dict[str, str]] = []
    current: dict[str, str] = {}
    with httpx.stream("GET", url, headers=headers or {}, timeout=10) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if not line:
                if current:
                    events.append(current)
                current = {}
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.partition(": ")
            if name == "retry":
                retry = int(value)
            elif name == "data" and "data" in current:
                current["data"] += "\n" + value
            else:
                current[name] = value
    return retry, events


def test_stream_delivers_tokens_then_done(emu: Emulator, api: httpx.Client) -> None:
    created = api.post(
        "/models/emulator/stream-text/predictions",
        json={"input": {"prompt": "abc", "max_tokens": 6}},
    ).json()
    retry, events = read_stream(created["urls"]["stream"])
    assert retry == emu.app.sse_retry_ms
    assert [e["id"] for e in events] == [str(i) for i in range(1, len(events) + 1)]
    tokens = [e["data"] for e in events if e["event"] == "output"]
    assert tokens == stream_tokens("abc", 6)
    assert events[-1] == {"event": "done", "id": str(len(events)), "data": "{}"}
    assert any(e["event"] == "logs" for e in events)


def test_resume_with_last_event_id_loses_and_repeats_nothing(
    emu: Emulator, api: httpx.Client
) -> None:
    created = api.post(
        "/models/emulator/stream-text/predictions",
        json={"input": {"prompt": "resume", "max_tokens": 12}},
    ).json()
    emu.faults.add("stream", sse_disconnect_after=4, times=2)
    collected: list[dict[str, str]] = []
    connections = 0
    while not collected or collected[-1]["event"] != "done":
        headers = {"Last-Event-ID": collected[-1]["id"]} if collected else {}
        _, events = read_stream(created["urls"]["stream"], headers)
        connections += 1
        collected += events
    assert connections == 3
    assert [int(e["id"]) for e in collected] == list(range(1, len(collected) + 1))
    assert "".join(e["data"] for e in collected if e["event"] == "output") == "".join(
        stream_tokens("resume", 12)
    )


def test_stream_cut_mid_way_raises_then_resumes(emu: Emulator, api: httpx.Client) -> None:
    created = api.post(
        "/models/emulator/stream-text/predictions", json={"input": {"max_tokens": 5}}
    ).json()
    cut = {"X-Emulator-Fault": "sse_disconnect_after=3;drop=1;times=1"}
    with pytest.raises(httpx.RemoteProtocolError):
        read_stream(created["urls"]["stream"], cut)
    _, rest = read_stream(created["urls"]["stream"], {**cut, "Last-Event-ID": "3"})
    assert rest[0]["id"] == "4" and rest[-1]["event"] == "done"


def test_finished_stream_replays_and_resumes_at_the_end(api: httpx.Client) -> None:
    created = api.post(
        "/models/emulator/echo/predictions",
        json={"input": {"text": "x"}},
        headers={"Prefer": "wait"},
    ).json()
    _, events = read_stream(created["urls"]["stream"])
    assert [e["event"] for e in events] == ["logs", "output", "done"]
    _, after_last = read_stream(created["urls"]["stream"], {"Last-Event-ID": "2"})
    assert [e["event"] for e in after_last] == ["done"]


@pytest.mark.parametrize(
    ("model", "inp", "reason"),
    [
        ("fail", {}, "error"),
        ("slow", {"seconds": 1000}, "canceled"),
    ],
)
def test_done_reasons(api: httpx.Client, model: str, inp: dict[str, object], reason: str) -> None:
    created = api.post(f"/models/emulator/{model}/predictions", json={"input": inp}).json()
    if reason == "canceled":
        api.post(f"/predictions/{created['id']}/cancel")
    _, events = read_stream(created["urls"]["stream"])
    assert json.loads(events[-1]["data"]) == {"reason": reason}
    if reason == "error":
        error = next(e for e in events if e["event"] == "error")
        assert "emulated failure" in json.loads(error["data"])["detail"]


def test_multiline_data_and_resume_index() -> None:
    assert format_event("3", "logs", "a\nb") == b"event: logs\nid: 3\ndata: a\ndata: b\n\n"
    assert resume_index(None, 5) == 0
    assert resume_index("2", 5) == 2
    assert resume_index("99", 5) == 5
    assert resume_index("nonsense", 5) == 0


def test_unknown_prediction_stream_is_404(emu: Emulator) -> None:
    assert httpx.get(f"{emu.base_url}/stream/nope").status_code == 404
