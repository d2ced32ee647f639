"""What every command handler gets: the parsed options, the output streams and a client."""

from __future__ import annotations

import argparse
import sys
from functools import cached_property
from typing import TYPE_CHECKING, TextIO

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
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr

    @property
    def json(self) -> bool:
        """Print JSON (lists as JSON lines) rather than tables."""
        return bool(self.args.json) or not self.stdout.isatty()

    @property
    def progress(self) -> bool:
        """Show a live progress display on stderr."""
        return self.stderr.isatty()

    @cached_property
    def client(self) -> Client:
        """The API client: token from ``$REPLICATE_API_TOKEN`` only, ``--base-url`` or
        ``$REPLICATE_BASE_URL``."""
        from ..client import Client

        return Client(base_url=self.args.base_url)
