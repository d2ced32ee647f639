"""Exit statuses of the ``replicate`` command and the error that means "bad usage"."""

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
