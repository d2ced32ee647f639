"""The event-stream parser (WHATWG rules) and the reconnection tracker."""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import replicate
from replicate._flows.sse import (
    Reconnect,
    ReconnectLimitExceeded,
    ServerSentEvent,
    SSEDecoder,
    SSEReconnector,
)
from replicate.exceptions import ReplicateException


def parse(*chunks: bytes) -> list[ServerSentEvent]:
    decoder = SSEDecoder()
    events = [event for chunk in chunks for event in decoder.feed(chunk)]
    assert decoder.close() == []
    return events


def fields(events: list[ServerSentEvent]) -> list[tuple[str, str, str, int | None]]:
    return [(e.event, e.data, e.id, e.retry) for e in events]


# ---------------------------------------------------------------- spec rules, one by one


def test_a_retry_sent_on_its_own_goes_with_the_next_event_as_in_1x() -> None:
    events = parse(
        b"retry: 3000\n\nid: 1\nevent: output\ndata: a\n\nid: 2\nevent: output\ndata: b\n\n"
    )
    assert fields(events) == [("output", "a", "1", 3000), ("output", "b", "2", None)]


def test_missing_event_name_is_message_and_unknown_names_pass_through() -> None:
    events = parse(b"data: a\n\nevent: custom-thing\ndata: b\n\n")
    assert fields(events) == [("message", "a", "", None), ("custom-thing", "b", "", None)]


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_every_line_ending(newline: bytes) -> None:
    stream = newline.join([b"event: output", b"data: one", b"data: two", b"", b""])
    assert fields(parse(stream)) == [("output", "one\ntwo", "", None)]


def test_cr_at_chunk_end_then_lf_is_one_line_end() -> None:
    # If the CR and LF were counted separately the blank line would dispatch early.
    events = parse(b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n")
    assert fields(events) == [("message", "a\nb", "", None)]


def test_lone_cr_at_chunk_end_followed_by_text() -> None:
    assert fields(parse(b"data: a\r", b"data: b\r\r")) == [("message", "a\nb", "", None)]


def test_bom_is_stripped_once_at_start_only() -> None:
    assert fields(parse(b"\xef\xbb", b"\xbfdata: x\n\n")) == [("message", "x", "", None)]
    # A second BOM is part of the field name "\ufeffdata", which is ignored.
    assert parse(b"\xef\xbb\xbf\xef\xbb\xbfdata: x\n\n") == []
    # A BOM later in the stream is ordinary data.
    assert parse(b"data: \xef\xbb\xbfx\n\n")[0].data == "\ufeffx"


def test_comments_and_unknown_fields_are_ignored() -> None:
    stream = b": keep-alive\n:\nfoo: bar\nData: no\ndata: yes\n: more\n\n"
    assert fields(parse(stream)) == [("message", "yes", "", None)]


def test_value_space_rules() -> None:
    events = parse(b"data:no-space\n\ndata:  two spaces\n\ndata\n\ndata:\n\n")
    assert [e.data for e in events] == ["no-space", " two spaces", "", ""]


def test_empty_data_lines_make_newlines() -> None:
    assert parse(b"data\ndata\n\n")[0].data == "\n"


def test_block_without_data_dispatches_nothing_but_sets_id() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"event: output\nid: 7\n\n") == []
    assert decoder.last_event_id == "7"
    assert fields(decoder.feed(b"data: x\n\n")) == [("message", "x", "7", None)]


def test_id_persists_and_can_be_reset() -> None:
    events = parse(b"id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\nid: 2\ndata: d\n\n")
    assert [e.id for e in events] == ["1", "1", "", "2"]


def test_id_containing_nul_is_ignored() -> None:
    events = parse(b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n")
    assert [e.id for e in events] == ["1", "1"]


def test_retry_accepts_only_ascii_digits() -> None:
    decoder = SSEDecoder()
    events = decoder.feed(
        b"retry: 1500\ndata: a\n\n"
        b"retry: 15x\ndata: b\n\n"
        b"retry: -1\nretry:\nretry: \xd9\xa3\nretry: 99999999999999999999\ndata: c\n\n"
    )
    assert [e.retry for e in events] == [1500, None, None]
    assert decoder.retry == 1500
    decoder.feed(b"retry: 20\n\n")
    assert decoder.retry == 20


def test_incomplete_event_at_eof_is_discarded() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\n\nid: 9\ndata: partial\n") != []
    assert decoder.close() == []
    assert decoder.last_event_id == ""
    assert decoder.feed(b"\n") == []  # the buffers were cleared by close()


def test_utf8_split_inside_character_and_invalid_bytes() -> None:
    text = "héllo €𝄞"
    raw = f"data: {text}\n\n".encode()
    assert parse(*[raw[i : i + 1] for i in range(len(raw))])[0].data == text
    assert parse(b"data: \xff\xfe ok\n\n")[0].data == "\ufffd\ufffd ok"


def test_str_is_data_for_output_only_and_event_type_compat() -> None:
    output, logs = parse(b"event: output\ndata: tok\n\nevent: logs\ndata: line\n\n")
    assert str(output) == "tok"
    assert str(logs) == ""
    assert output.event == ServerSentEvent.EventType.OUTPUT
    assert output.event == "output"
    assert "output" in repr(output) and "EventType" not in repr(output)


# ---------------------------------------------------------------- properties

_value = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\0"), max_size=12
)
_event = st.fixed_dictionaries(
    {
        "event": st.one_of(st.none(), st.sampled_from(["output", "logs", "done", "error"]), _value),
        "data": st.lists(_value, min_size=1, max_size=3),
        "id": st.one_of(st.none(), _value),
        "retry": st.one_of(st.none(), st.integers(0, 10**9)),
        "comment": st.one_of(st.none(), _value),
    }
)


def serialize(events: list[dict], endings: list[bytes]) -> bytes:  # type: ignore[type-arg]
    lines: list[str] = []
    for event in events:
        if event["comment"] is not None:
            lines.append(":" + event["comment"])
        if event["event"] is not None:
            lines.append("event: " + event["event"])
        if event["id"] is not None:
            lines.append("id: " + event["id"])
        if event["retry"] is not None:
            lines.append(f"retry: {event['retry']}")
        lines.extend("data: " + line for line in event["data"])
        lines.append("")
    out = bytearray()
    previous = b""
    for index, line in enumerate(lines):
        ending = endings[index % len(endings)]
        if previous == b"\r" and line == "" and ending == b"\n":
            ending = b"\r\n"  # "\r" then "\n" would be one line end, not two
        out += line.encode() + ending
        previous = ending
    return bytes(out)


def split_at(stream: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(stream) + 1) for c in cuts} | {0, len(stream)})
    return [stream[a:b] for a, b in itertools.pairwise(points)]


def expected(events: list[dict]) -> list[tuple[str, str, str, int | None]]:  # type: ignore[type-arg]
    result = []
    last_id = ""
    for event in events:
        if event["id"] is not None:
            last_id = event["id"]
        result.append(
            (event["event"] or "message", "\n".join(event["data"]), last_id, event["retry"])
        )
    return result


@settings(max_examples=300)
@given(
    events=st.lists(_event, max_size=8),
    endings=st.lists(st.sampled_from([b"\n", b"\r\n", b"\r"]), min_size=1, max_size=4),
    bom=st.booleans(),
    cuts=st.lists(st.integers(0, 10_000), max_size=20),
)
def test_any_chunking_yields_the_serialized_events(
    events: list[dict],
    endings: list[bytes],
    bom: bool,
    cuts: list[int],  # type: ignore[type-arg]
) -> None:
    stream = (b"\xef\xbb\xbf" if bom else b"") + serialize(events, endings)
    assert fields(parse(*split_at(stream, cuts))) == expected(events)


@settings(max_examples=300)
@given(stream=st.binary(max_size=300), cuts=st.lists(st.integers(0, 300), max_size=10))
def test_garbage_never_crashes_and_chunking_never_matters(stream: bytes, cuts: list[int]) -> None:
    one_piece = parse(stream)
    assert parse(*split_at(stream, cuts)) == one_piece
    assert parse(*[stream[i : i + 1] for i in range(len(stream))]) == one_piece


# ---------------------------------------------------------------- reconnection


def test_reconnect_resumes_after_last_event_id_and_stops_at_done() -> None:
    tracker = SSEReconnector(default_delay=0.25)
    assert "Last-Event-ID" not in tracker.headers
    seen = tracker.feed(b"retry: 100\n\nid: 1\nevent: output\ndata: a\n\nid: 2\nevent: output\ndat")
    assert [str(e) for e in seen] == ["a"]
    step = tracker.connection_lost()
    assert step == Reconnect(delay=0.1, last_event_id="1", attempt=1)
    assert step.headers["Last-Event-ID"] == "1"
    assert tracker.headers["Last-Event-ID"] == "1"
    # The server resends event 2 in full; the half-received copy was dropped.
    seen = tracker.feed(
        b"id: 2\nevent: output\ndata: b\n\nid: 3\nevent: done\ndata: {}\n\n"
        b"id: 4\nevent: output\ndata: late\n\n"
    )
    assert [(e.event, e.data) for e in seen] == [("output", "b"), ("done", "{}")]
    assert tracker.done and tracker.done_event is not None
    assert tracker.feed(b"event: output\ndata: more\n\n") == []
    assert tracker.connection_lost() is None


def test_reconnect_backs_off_without_progress_and_gives_up() -> None:
    tracker = SSEReconnector(default_delay=1.0, max_delay=3.0, max_attempts=3)
    delays = [tracker.connection_lost().delay for _ in range(3)]  # type: ignore[union-attr]
    assert delays == [1.0, 2.0, 3.0]
    with pytest.raises(ReconnectLimitExceeded, match="3 times"):
        tracker.connection_lost()


def test_a_servers_long_retry_is_capped_and_an_unsendable_id_is_not_sent() -> None:
    # Found with a hostile server: `retry: 3600000` made a stream sleep an hour, and an id
    # that is legal SSE but not a header value (non-ASCII, control characters) crashed the
    # reconnect with a bare UnicodeEncodeError.
    tracker = SSEReconnector(max_delay=30.0)
    tracker.feed("retry: 3600000\nid: caf\u00e9\ndata: x\n\n".encode())
    step = tracker.connection_lost()
    assert step is not None and step.delay == 30.0
    assert tracker.last_event_id == "caf\u00e9" and "Last-Event-ID" not in step.headers
    tracker.feed(b"id: \x01abc\ndata: y\n\n")
    assert "Last-Event-ID" not in tracker.headers
    tracker.feed(b"id: 42\ndata: z\n\n")
    assert tracker.headers["Last-Event-ID"] == "42"
    with pytest.raises(ReplicateException):  # a stream that keeps dropping: one of ours
        for _ in range(10):
            tracker.connection_lost()


def test_progress_resets_the_backoff() -> None:
    tracker = SSEReconnector(default_delay=1.0, max_attempts=2)
    for index in range(10):  # a server that drops after every event, forever
        assert tracker.feed(f"id: {index}\ndata: x\n\n".encode())
        step = tracker.connection_lost()
        assert step is not None and step.delay == 1.0 and step.last_event_id == str(index)


# ---------------------------------------------------------------- over loopback


class _DroppingStream(BaseHTTPRequestHandler):
    """Serves 30 output events + done; every connection dies mid-event after 7 events."""

    TOKENS: ClassVar[list[str]] = [f"tok{i} " for i in range(30)]
    connections: ClassVar[list[str | None]] = []

    def do_GET(self) -> None:
        last = self.headers.get("Last-Event-ID")
        type(self).connections.append(last)
        start = int(last) + 1 if last is not None else 0
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        out = b"retry: 10\n\n" if last is None else b""
        for index in range(start, min(start + 7, len(self.TOKENS))):
            out += f"id: {index}\nevent: output\ndata: {self.TOKENS[index]}\n\n".encode()
        if start + 7 >= len(self.TOKENS):
            out += f"id: {len(self.TOKENS)}\nevent: done\ndata: {{}}\n\n".encode()
        else:
            out += f"id: {start + 7}\nevent: output\ndata: half".encode()  # cut mid-event
        self.wfile.write(out)
        self.close_connection = True

    def log_message(self, *args: object) -> None:
        pass


def test_reconnects_over_loopback_without_losing_or_repeating_tokens() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _DroppingStream)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    tokens: list[str] = []
    delays: list[float] = []
    try:
        tracker = SSEReconnector()
        url = f"http://127.0.0.1:{server.server_address[1]}/stream"
        with httpx.Client(timeout=5) as client:
            while True:
                try:
                    with client.stream("GET", url, headers=tracker.headers) as response:
                        for chunk in response.iter_bytes():
                            tokens += [str(e) for e in tracker.feed(chunk) if e.event == "output"]
                except httpx.TransportError:
                    pass
                step = tracker.connection_lost()
                if step is None:
                    break
                delays.append(step.delay)
                time.sleep(step.delay)
    finally:
        server.shutdown()
        server.server_close()
    assert tokens == _DroppingStream.TOKENS
    assert _DroppingStream.connections == [None, "6", "13", "20", "27"]
    assert delays == [0.01] * 4  # the server's retry, no backoff since each had progress


def test_a_server_ignoring_last_event_id_does_not_repeat_events() -> None:
    # Found with a hostile server: one that starts over on every connection made every
    # token before the drop appear twice.
    tracker = SSEReconnector(max_attempts=2)
    first = tracker.feed(b"id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 3\ndata: c")
    assert [e.data for e in first] == ["a", "b"]
    assert tracker.connection_lost() is not None
    again = tracker.feed(b"id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 3\ndata: c\n\n")
    assert [e.data for e in again] == ["c"]
    # Replays alone are no progress: a server that always drops before new events ends.
    for _ in range(2):
        assert tracker.connection_lost() is not None
        assert tracker.feed(b"id: 1\ndata: a\n\n") == []
    with pytest.raises(ReconnectLimitExceeded):
        tracker.connection_lost()


def test_a_replay_that_goes_elsewhere_loses_nothing() -> None:
    tracker = SSEReconnector()
    tracker.feed(b"id: 1\ndata: a\n\nid: 2\ndata: b\n\n")
    tracker.connection_lost()
    # Starts over with an event inserted: only that one is new.
    seen = tracker.feed(b"id: 1\ndata: a\n\nid: 9\ndata: z\n\nid: 2\ndata: b\n\nid: 3\ndata: c\n\n")
    assert [e.data for e in seen] == ["z", "c"]


def test_after_a_reconnect_an_event_without_an_id_line_is_delivered() -> None:
    # It inherits the last id, like a copy of the last event would: delivering it may at
    # worst repeat one event of a server that resends the last one; dropping it would lose
    # the next event of a server that honours Last-Event-ID but sends ids sparsely.
    tracker = SSEReconnector()
    tracker.feed(b"id: 1\ndata: a\n\nid: 2\ndata: b\n\n")
    tracker.connection_lost()
    seen = tracker.feed(b"data: c\n\nid: 3\ndata: d\n\n")
    assert [(e.id, e.data) for e in seen] == [("2", "c"), ("3", "d")]


def test_a_replay_of_the_only_event_delivered_is_recognised_by_its_id_line() -> None:
    # Found with a hostile server: a drop right after the first event, then the stream
    # started over, gave "HelloHello world!". A server that resends the event it was given
    # in Last-Event-ID (inclusive resume) looks the same and is handled the same.
    tracker = SSEReconnector()
    assert [e.data for e in tracker.feed(b"id: 1\ndata: Hello\n\n")] == ["Hello"]
    tracker.connection_lost()
    seen = tracker.feed(b"id: 1\ndata: Hello\n\nid: 2\ndata:  world\n\n")
    assert [e.data for e in seen] == [" world"]


class _StartingOver(BaseHTTPRequestHandler):
    """A prediction whose stream ignores Last-Event-ID: each connection starts from the
    first token and is cut mid-event, three tokens further than the one before."""

    TOKENS: ClassVar[list[str]] = [f"tok{i} " for i in range(10)]
    connections: ClassVar[list[str | None]] = []

    def do_GET(self) -> None:
        host, port = self.server.server_address[:2]
        if self.path.startswith("/v1/predictions/"):
            body = json.dumps(
                {
                    "id": "p1",
                    "status": "processing",
                    "input": {},
                    "urls": {
                        "get": f"http://{host}:{port}/v1/predictions/p1",
                        "cancel": f"http://{host}:{port}/v1/predictions/p1/cancel",
                        "stream": f"http://{host}:{port}/stream",
                    },
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        type(self).connections.append(self.headers.get("Last-Event-ID"))
        reach = 3 * len(type(self).connections)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        out = b"retry: 1\n\n"
        for index, token in enumerate(self.TOKENS[:reach]):
            out += f"id: {index}\nevent: output\ndata: {token}\n\n".encode()
        if reach >= len(self.TOKENS):
            out += b"id: done\nevent: done\ndata: {}\n\n"
        else:
            out += f"id: {reach}\nevent: output\ndata: ha".encode()  # cut mid-event
        self.wfile.write(out)
        self.close_connection = True

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_stream_from_a_server_that_starts_over_yields_each_token_once(mode: str) -> None:
    _StartingOver.connections = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StartingOver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = replicate.Client("r8_test", base_url=f"http://127.0.0.1:{server.server_port}")
        prediction = client.predictions.get("p1")
        if mode == "sync":
            tokens = [str(event) for event in prediction.stream()]
        else:

            async def read() -> list[str]:
                return [str(event) async for event in prediction.async_stream()]

            tokens = asyncio.run(read())
    finally:
        server.shutdown()
        server.server_close()
    assert "".join(tokens) == "".join(_StartingOver.TOKENS)
    assert _StartingOver.connections == [None, "2", "5", "8"]
