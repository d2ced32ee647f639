"""Fixtures of the reliability suite: one restartable emulator per session, reset per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.reliability_support import LiveEmulator, Middlebox


@pytest.fixture(scope="session")
def live_emulator_session() -> Iterator[LiveEmulator]:
    emulator = LiveEmulator()
    yield emulator
    emulator.close()


@pytest.fixture
def live(live_emulator_session: LiveEmulator) -> Iterator[LiveEmulator]:
    """A running, restartable emulator with fresh state."""
    live_emulator_session.reset()
    yield live_emulator_session
    if live_emulator_session._server is None:  # a test left it down
        live_emulator_session.start()
    live_emulator_session.reset()


@pytest.fixture
def middlebox() -> Middlebox:
    return Middlebox()
