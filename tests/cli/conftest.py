"""Running the ``replicate`` command against the emulator, in-process or in a subprocess."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import attrs
import pytest

from replicate.cli import main
from replicate.emulator import Emulator

TOKEN = "r8_cli_test_token_never_printed"


@attrs.frozen
class Result:
    status: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """The whole stdout as one JSON document."""
        return json.loads(self.stdout)

    def lines(self) -> list[Any]:
        """stdout as JSON lines."""
        return [json.loads(line) for line in self.stdout.splitlines()]


Cli = Callable[..., Result]


class FakeTerminal(io.StringIO):
    """A captured stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def cli_env(replicate_emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    """The environment the command reads: the emulator's URL and a token."""
    monkeypatch.setenv("REPLICATE_API_TOKEN", TOKEN)
    monkeypatch.setenv("REPLICATE_BASE_URL", replicate_emulator.base_url)
    return replicate_emulator


@pytest.fixture
def cli(cli_env: Emulator) -> Cli:
    """``cli("predictions", "list")``: run ``main`` in-process, stdout piped (not a terminal)."""

    def run(*argv: str, terminal: bool = False) -> Result:
        out = FakeTerminal() if terminal else io.StringIO()
        err = io.StringIO()
        status = main(list(argv), stdout=out, stderr=err)
        result = Result(status, out.getvalue(), err.getvalue())
        assert TOKEN not in result.stdout + result.stderr
        return result

    return run


def posts(emulator: Emulator) -> list[str]:
    """Paths of the POST requests the emulator received."""
    return [r.path for r in emulator.requests if r.method == "POST"]
