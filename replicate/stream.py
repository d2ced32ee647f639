"""Streaming a prediction's output as server-sent events.

``ServerSentEvent`` is the event type. The streaming functions are the seam the
streaming layer plugs into: :func:`stream_prediction` / :func:`async_stream_prediction`
follow ``prediction.urls["stream"]``; :func:`stream` / :func:`async_stream` create
a prediction and stream it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

from ._sse import EventType, ServerSentEvent

if TYPE_CHECKING:
    from .client import Client
    from .prediction import Prediction

__all__ = ["EventType", "ServerSentEvent", "async_stream", "stream"]

_PENDING = "streaming is not available in this build yet"


def stream_prediction(
    client: Client, prediction: Prediction, *, use_file_output: bool | None = None
) -> Iterator[ServerSentEvent]:
    """Iterate the events of an existing prediction."""
    raise NotImplementedError(_PENDING)


def async_stream_prediction(
    client: Client, prediction: Prediction, *, use_file_output: bool | None = None
) -> AsyncIterator[ServerSentEvent]:
    """Async :func:`stream_prediction`."""
    raise NotImplementedError(_PENDING)


def stream(
    client: Client, ref: Any, input: dict[str, Any] | None = None, **params: Any
) -> Iterator[ServerSentEvent]:
    """Create a prediction of ``ref`` and iterate its events."""
    raise NotImplementedError(_PENDING)


async def async_stream(
    client: Client, ref: Any, input: dict[str, Any] | None = None, **params: Any
) -> AsyncIterator[ServerSentEvent]:
    """Async :func:`stream`."""
    raise NotImplementedError(_PENDING)
    yield  # pragma: no cover  (makes this an async generator)
