"""Pytest fixture ``replicate_emulator``: one server per session, fresh state for each test.

Enable with ``pytest_plugins = ["replicate.emulator.pytest_plugin"]`` in a ``conftest.py``.
Tests may change ``time_scale``, ``token``, ``quirks`` or ``page_size`` on the fixture; the
next test gets the defaults back.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .server import Emulator

DEFAULT_TIME_SCALE = 0.05


@pytest.fixture(scope="session")
def replicate_emulator_session() -> Iterator[Emulator]:
    """The session-wide emulator (prefer ``replicate_emulator``, which also resets state)."""
    with Emulator(time_scale=DEFAULT_TIME_SCALE) as emulator:
        yield emulator


@pytest.fixture
def replicate_emulator(replicate_emulator_session: Emulator) -> Iterator[Emulator]:
    """A running emulator with fresh state; ``.base_url``, ``.api_url``, ``.faults``, ..."""
    replicate_emulator_session.reset()
    yield replicate_emulator_session
    replicate_emulator_session.reset()
