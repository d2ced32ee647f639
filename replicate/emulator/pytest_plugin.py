"""Pytest fixtures for testing code that calls Replicate, against one emulator per session.

Enable with ``pytest_plugins = ["replicate.emulator.pytest_plugin"]`` in a ``conftest.py``.

``replicate_emulator``
    the running :class:`~replicate.emulator.Emulator` with fresh state: models registered with
    ``add_model`` in one test are gone in the next, and so are predictions, faults and settings
    changed on it (``time_scale``, ``token``, ``quirks``, ``page_size``).
``replicate_client``
    a :class:`replicate.Client` pointed at it.
``replicate_default_client``
    the same, installed as the module-level default client, so ``replicate.run(...)`` in the
    code under test reaches the emulator; the previous default comes back after the test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ..client import Client
from .server import Emulator

DEFAULT_TIME_SCALE = 0.05


@pytest.fixture(scope="session")
def replicate_emulator_session() -> Iterator[Emulator]:
    """The session-wide emulator (prefer ``replicate_emulator``, which also resets state)."""
    with Emulator(time_scale=DEFAULT_TIME_SCALE) as emulator:
        yield emulator


@pytest.fixture
def replicate_emulator(replicate_emulator_session: Emulator) -> Iterator[Emulator]:
    """A running emulator with fresh state; ``.base_url``, ``.add_model``, ``.faults``, ..."""
    replicate_emulator_session.reset()
    yield replicate_emulator_session
    replicate_emulator_session.reset()


@pytest.fixture
def replicate_client(replicate_emulator: Emulator) -> Iterator[Client]:
    """A client for the (freshly reset) emulator, closed after the test."""
    with replicate_emulator.client() as client:
        yield client


@pytest.fixture
def replicate_default_client(replicate_emulator: Emulator) -> Iterator[Client]:
    """The module-level ``replicate.run``/``replicate.predictions``/... use the emulator."""
    with replicate_emulator.as_default_client() as client:
        yield client
