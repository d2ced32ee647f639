"""Server-Sent Events: an I/O-free parser and a reconnection tracker.

The parser follows the WHATWG "event stream interpretation" rules. It works on
whole chunks with ``bytes.rfind``/``str.split`` instead of a per-byte loop: line
terminators (CR, LF, CRLF) are ASCII and can never occur inside a multi-byte
UTF-8 sequence, so everything up to the last terminator in the buffer can be
decoded and split at once, and only the unterminated tail is carried over (as a
list of chunks, joined once its line ends, so a long line costs linear time).

Lines and events are bounded (:data:`MAX_LINE`, :data:`MAX_EVENT`): a server that
never ends a line or an event gets :class:`~replicate.exceptions.EventTooLargeError`
instead of the client's memory.
"""

from __future__ import annotations

import enum
import re
from typing import Any

import attrs

from .._dump import DumpableFields
from ..exceptions import EventTooLargeError, ReplicateException

__all__ = [
    "DEFAULT_RECONNECT_DELAY",
    "MAX_EVENT",
    "MAX_LINE",
    "EventType",
    "Reconnect",
    "ReconnectLimitExceeded",
    "SSEDecoder",
    "SSEReconnector",
    "ServerSentEvent",
]

DEFAULT_RECONNECT_DELAY = 1.0
"""Seconds to wait before reconnecting when the server never sent a ``retry`` field."""

MAX_LINE = 16 * 1024 * 1024
"""Longest line (bytes before its terminator) an event stream may send."""
MAX_EVENT = 32 * 1024 * 1024
"""Most data (the ``data`` lines joined) one event may carry."""

# A retry value longer than this is nonsense (over 30 years in ms); ignoring it
# also keeps int() clear of Python's limit on huge decimal strings.
_MAX_RETRY_DIGITS = 12
_HEADER_VALUE = re.compile(r"[\x20-\x7e]+")


class EventType(str, enum.Enum):
    """The event names Replicate's prediction streams use.

    Members compare equal to their plain string values, so
    ``event.event == "output"`` and ``event.event == ServerSentEvent.EventType.OUTPUT``
    both work. Unknown names are passed through as plain strings.
    """

    OUTPUT = "output"
    LOGS = "logs"
    ERROR = "error"
    DONE = "done"

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:
        return repr(self.value)


_KNOWN_EVENTS: dict[str, str] = {member.value: member for member in EventType}


@attrs.define(slots=True, init=False)
class ServerSentEvent(DumpableFields):
    """One dispatched server-sent event.

    ``event`` is the event name (``"message"`` when the server sent none),
    ``data`` the data lines joined with ``"\\n"``, ``id`` the stream's last event
    id when the event was dispatched (``""`` if none was ever set), and ``retry``
    the reconnection delay in milliseconds announced since the previous event, if any
    (in this event's block or a block of its own before it, as 1.x reported it).
    ``str(event)`` is the data of ``output`` events and ``""`` for any other event.
    """

    EventType = EventType

    event: str
    data: str
    id: str = ""
    retry: int | None = None

    def __init__(self, event: str, data: str, id: str = "", retry: int | None = None) -> None:
        # Known names become EventType members, as 1.x's model made them: `event.event.value`
        # and `is EventType.OUTPUT` work for events built by hand too (e.g. in users' tests).
        # Written out, not an attrs converter: that made every event twice as slow to build.
        self.event = _KNOWN_EVENTS.get(event, event)
        self.data = data
        self.id = id
        self.retry = retry

    def __str__(self) -> str:
        if self.event == "output":
            return str(self.data)  # a FileOutput's URL (replicate.stream converts file URLs)
        return ""

    def _model_fields(self) -> dict[str, Any]:
        data = self.data if isinstance(self.data, str) else str(self.data)  # a FileOutput: URL
        return {"event": str(self.event), "data": data, "id": self.id, "retry": self.retry}


class SSEDecoder:
    """Incremental event-stream parser: feed it bytes, get events back.

    Chunks may be split anywhere, including between a CR and its LF or inside a
    multi-byte UTF-8 character. Invalid UTF-8 decodes to U+FFFD, as the spec
    requires. ``last_event_id`` and ``retry`` (milliseconds) reflect what the
    server has sent so far; pass them to a new decoder after reconnecting.
    """

    __slots__ = (
        "_data",
        "_data_size",
        "_event_type",
        "_id_buffer",
        "_id_line_seen",
        "_max_event",
        "_max_line",
        "_retry_in_block",
        "_skip_lf",
        "_started",
        "_tail",
        "_tail_size",
        "first_id_sent",
        "last_event_id",
        "retry",
    )

    def __init__(
        self,
        *,
        last_event_id: str = "",
        retry: int | None = None,
        max_line: int = MAX_LINE,
        max_event: int = MAX_EVENT,
    ) -> None:
        self.last_event_id = last_event_id
        self.retry = retry
        self._id_buffer = last_event_id
        self._id_line_seen = False
        #: Whether the first event parsed carried an id this parser read from an ``id`` line
        #: (``None`` until it came), rather than one it was created with.
        self.first_id_sent: bool | None = None
        self._data: list[str] = []
        self._data_size = 0
        self._event_type = ""
        self._retry_in_block: int | None = None
        self._tail: list[bytes] = []
        self._tail_size = 0
        self._skip_lf = False
        self._started = False
        self._max_line = max_line
        self._max_event = max_event

    def feed(self, chunk: bytes | bytearray | memoryview) -> list[ServerSentEvent]:
        """Parse one chunk and return the events it completed, in order.

        Raises :class:`~replicate.exceptions.EventTooLargeError` once a line grows
        past ``max_line`` bytes or an event's data past ``max_event``.
        """
        if not chunk:
            return []
        buf = bytes(chunk)
        if self._skip_lf:
            # The previous chunk ended in CR; an LF here completes that CRLF.
            self._skip_lf = False
            if buf[:1] == b"\n":
                buf = buf[1:]
        cut = max(buf.rfind(b"\n"), buf.rfind(b"\r"))
        if cut < 0:
            self._carry(buf)
            return []
        end = cut
        if buf[cut] == 0x0D:
            self._skip_lf = cut == len(buf) - 1
        elif cut and buf[cut - 1] == 0x0D:
            end = cut - 1  # the final terminator is a CRLF pair
        head = buf[:end]
        if self._tail:
            # Only now is the carried line complete: join it once.
            head = b"".join((*self._tail, head))
            self._tail, self._tail_size = [], 0
        self._carry(buf[cut + 1 :])
        text = head.decode("utf-8", "replace")
        if not self._started:
            self._started = True
            if text[:1] == "\ufeff":
                text = text[1:]
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        return self._process_lines(text.split("\n"))

    def _carry(self, part: bytes) -> None:
        if not part:
            return
        self._tail.append(part)
        self._tail_size += len(part)
        if self._tail_size > self._max_line:
            raise EventTooLargeError(
                f"event stream line longer than {self._max_line} bytes without a line end"
            )

    def close(self) -> list[ServerSentEvent]:
        """Signal end of stream. An event without its final blank line is discarded."""
        self._tail, self._tail_size = [], 0
        self._skip_lf = False
        self._data = []
        self._data_size = 0
        self._event_type = ""
        self._retry_in_block = None
        self._id_buffer = self.last_event_id
        return []

    def _process_lines(self, lines: list[str]) -> list[ServerSentEvent]:
        events: list[ServerSentEvent] = []
        data = self._data
        data_size = self._data_size
        event_type = self._event_type
        id_buffer = self._id_buffer
        retry_in_block = self._retry_in_block
        max_line, max_event = self._max_line, self._max_event
        for line in lines:
            if len(line) > max_line:  # characters: at most as many as bytes
                raise EventTooLargeError(f"event stream line longer than {max_line} bytes")
            if not line:
                self.last_event_id = id_buffer
                if data:
                    if self.first_id_sent is None:
                        self.first_id_sent = self._id_line_seen
                    name = event_type or "message"
                    events.append(
                        ServerSentEvent(
                            name,
                            "\n".join(data),
                            id_buffer,
                            retry_in_block,
                        )
                    )
                    data = []
                    data_size = 0
                    # A retry sent on its own (no data) goes with the next event, as in 1.x.
                    retry_in_block = None
                event_type = ""
                continue
            field, colon, value = line.partition(":")
            if colon:
                if not field:
                    continue  # comment
                if value[:1] == " ":
                    value = value[1:]
            if field == "data":
                data_size += len(value) + 1
                if data_size > max_event:
                    raise EventTooLargeError(f"event stream event larger than {max_event} bytes")
                data.append(value)
            elif field == "event":
                event_type = value
            elif field == "id" and "\0" not in value:
                id_buffer = value
                self._id_line_seen = True
            elif (
                field == "retry"
                and value.isascii()
                and value.isdigit()
                and len(value) <= _MAX_RETRY_DIGITS
            ):
                retry_in_block = self.retry = int(value)
        self._data = data
        self._data_size = data_size
        self._event_type = event_type
        self._id_buffer = id_buffer
        self._retry_in_block = retry_in_block
        return events


class ReconnectLimitExceeded(ReplicateException, ConnectionError):
    """The stream dropped too many times in a row without delivering an event."""

    def __init__(self, attempts: int, last_event_id: str) -> None:
        super().__init__(
            f"event stream disconnected {attempts} times in a row without progress"
            + (f" (last event id {last_event_id!r})" if last_event_id else "")
        )
        self.attempts = attempts
        self.last_event_id = last_event_id


@attrs.frozen
class Reconnect:
    """Instruction to reconnect: wait ``delay`` seconds, then send ``headers``."""

    delay: float
    last_event_id: str
    attempt: int

    @property
    def headers(self) -> dict[str, str]:
        """Request headers for the reconnection (``Last-Event-ID`` when known)."""
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-store"}
        # An id is any text without NUL, but a header value must be printable ASCII: an id
        # that cannot be sent resumes from the server's default rather than failing the stream.
        if self.last_event_id and _HEADER_VALUE.fullmatch(self.last_event_id):
            headers["Last-Event-ID"] = self.last_event_id
        return headers


class SSEReconnector:
    """Tracks one logical stream across connections; decides when to reconnect.

    Usage from an I/O shell::

        tracker = SSEReconnector()
        while True:
            try:
                response = open_stream(headers=tracker.headers)
                for chunk in response:
                    for event in tracker.feed(chunk):
                        handle(event)          # stops after the ``done`` event
            except ConnectionError:
                pass
            step = tracker.connection_lost()  # None once ``done`` was seen
            if step is None:
                break
            sleep(step.delay)

    A partially received event is dropped at each disconnect; the server resends
    it after ``Last-Event-ID``, so nothing is lost or repeated. A server that ignores
    ``Last-Event-ID`` and starts over is recognised by the first event of the new
    connection carrying an earlier id already delivered: until the last one delivered comes
    again, events already delivered are dropped and any others kept. (A first event
    carrying the last id itself is a replay only if its block had an ``id`` line: an event
    without one inherits that id.) The server's
    ``retry`` sets the first delay (at most ``max_delay``); consecutive attempts without a
    new event double it up to ``max_delay``, and more than ``max_attempts`` of them raise
    :class:`ReconnectLimitExceeded`.
    """

    def __init__(
        self,
        *,
        default_delay: float = DEFAULT_RECONNECT_DELAY,
        max_delay: float = 30.0,
        max_attempts: int = 5,
        last_event_id: str = "",
    ) -> None:
        if default_delay < 0 or max_delay < 0:
            raise ValueError("reconnect delays must not be negative")
        if max_attempts < 0:
            raise ValueError("max_attempts must not be negative")
        self.default_delay = default_delay
        self.max_delay = max_delay
        self.max_attempts = max_attempts
        self.decoder = SSEDecoder(last_event_id=last_event_id)
        self.done_event: ServerSentEvent | None = None
        self._failures = 0
        self._delivered: set[str] = set()  # ids of events handed out, to recognise replays
        self._last_delivered = last_event_id
        # After a reconnect: None until the first event tells whether the server replays;
        # then the id of the last event delivered (drop up to it), or "" (deliver all).
        self._replay_until: str | None = ""

    @property
    def done(self) -> bool:
        """True once the ``done`` event arrived: the stream is complete."""
        return self.done_event is not None

    @property
    def last_event_id(self) -> str:
        """Id of the last dispatched event (``""`` if the server sent none)."""
        return self.decoder.last_event_id

    @property
    def headers(self) -> dict[str, str]:
        """Headers for the next (re)connection request."""
        return Reconnect(0.0, self.last_event_id, 0).headers

    def feed(self, chunk: bytes | bytearray | memoryview) -> list[ServerSentEvent]:
        """Parse a chunk; returns events up to and including ``done``, none after."""
        if self.done_event is not None:
            return []
        events = self.decoder.feed(chunk)
        if not events:
            return events
        delivered: list[ServerSentEvent] = []
        for event in events:
            if self._replayed(event):
                continue
            delivered.append(event)
            if event.id:
                self._delivered.add(event.id)
                self._last_delivered = event.id
            if event.event == "done":
                self.done_event = event
                break
        if delivered:  # progress: a replay alone does not reset the backoff
            self._failures = 0
        return delivered

    def _replayed(self, event: ServerSentEvent) -> bool:
        until = self._replay_until
        if until is None:  # the first event since reconnecting decides
            last = self._last_delivered
            # The last id itself counts as a replay only when the server sent it again: an
            # event without an ``id`` line inherits it.
            again = event.id != last or bool(self.decoder.first_id_sent)
            until = last if again and event.id in self._delivered else ""
        self._replay_until = "" if event.id == until else until
        # While the replay lasts, events already delivered are dropped and new ones kept.
        return bool(until) and event.id in self._delivered

    def connection_lost(self) -> Reconnect | None:
        """Call when a connection ends or fails to open.

        Returns ``None`` if the stream completed (``done`` seen), else how to reconnect.
        """
        if self.done_event is not None:
            return None
        self._failures += 1
        if self._failures > self.max_attempts:
            raise ReconnectLimitExceeded(self._failures - 1, self.last_event_id)
        decoder = self.decoder
        base = decoder.retry / 1000 if decoder.retry is not None else self.default_delay
        # Capped even against the server's own retry: a stream must not sleep for an hour.
        delay = min(base * 2 ** (self._failures - 1), self.max_delay)
        # A new connection starts a fresh parse; the id and retry carry over.
        self.decoder = SSEDecoder(last_event_id=decoder.last_event_id, retry=decoder.retry)
        self._replay_until = None if self._last_delivered else ""
        return Reconnect(delay, decoder.last_event_id, self._failures)
