"""Exit statuses of the ``replicate`` command, the error that means "bad usage", and how the
command words the client's errors."""

from __future__ import annotations

OK = 0
#: The prediction (or training) failed, was canceled or aborted; or the API refused a request.
FAILED = 1
#: Bad usage or bad input; nothing was sent.
USAGE = 2
#: Interrupted with Ctrl-C (128 + SIGINT), after cancelling what was running.
INTERRUPTED = 130


class UsageError(Exception):
    """Bad arguments or input values: reported on stderr, exit status 2, nothing sent."""


def describe(error: Exception) -> str:
    """One terminal line for an error the client raised: what failed, and which request or
    prediction (``str()`` of an API error is 1.x's multi-line text)."""
    from ..exceptions import ModelError, ReplicateError, StreamError, request_named

    if isinstance(error, ReplicateError):
        return error.summary()
    if isinstance(error, ModelError) and error.prediction is not None:
        # A stream's error is 1.x's raw event data as str(): its message is .detail.
        text = error.detail if isinstance(error, StreamError) else str(error)
        return f"{text} (prediction {error.prediction.id})"
    return f"{error}{request_named(error)}"
