"""What every command handler gets: the parsed options, the output streams and a client."""

from __future__ import annotations

import argparse
import sys
from functools import cached_property
from typing import TYPE_CHECKING, Any, TextIO, cast

from .._http.secrets import StreamScrubber

if TYPE_CHECKING:
    from ..client import Client


class Context:
    """One invocation of the command line.

    ``stdout`` is "a terminal" when it says so and ``--json`` was not given: then lists
    are tables; otherwise JSON. Progress goes to ``stderr`` when that is a terminal.
    """

    def __init__(
        self, args: argparse.Namespace, stdout: TextIO | None = None, stderr: TextIO | None = None
    ) -> None:
        self.args = args
        self.stdout = cast(TextIO, _Scrubbing(stdout or sys.stdout))
        self.stderr = cast(TextIO, _Scrubbing(stderr or sys.stderr))

    @property
    def json(self) -> bool:
        """Print JSON (lists as JSON lines) rather than tables."""
        return bool(self.args.json) or not self.stdout.isatty()

    @property
    def progress(self) -> bool:
        """Show a live progress display on stderr."""
        return self.stderr.isatty()

    def end_output(self) -> None:
        """Write what the scrubbing streams held back (see :class:`_Scrubbing`)."""
        for stream in (self.stdout, self.stderr):
            cast(_Scrubbing, stream).release()

    @cached_property
    def client(self) -> Client:
        """The API client: token from ``$REPLICATE_API_TOKEN`` only, ``--base-url`` or
        ``$REPLICATE_BASE_URL``."""
        from ..client import Client

        return Client(base_url=self.args.base_url)


class _Scrubbing:
    """A text stream that leaves out the API token and the secret inputs this process sent
    (``replicate.schema.reveal``): a model may echo them in its logs, error or output,
    and the command prints those.

    Output tokens come one ``write`` each, so a secret may be split over writes: a tail
    that could still be the start of a secret is held back until the next write shows
    what it is, or until :meth:`release` at the end of the command.
    """

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner
        self._scrubber = StreamScrubber()

    def write(self, text: str) -> int:
        ready = self._scrubber.feed(text)
        if ready:
            self._inner.write(ready)
        return len(text)

    def release(self) -> None:
        """Write the held tail and flush."""
        held = self._scrubber.end()
        if held:
            self._inner.write(held)
        self._inner.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)
