"""Shared fixtures for the emulator's own tests: an HTTP client and an OpenAPI response checker."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from emulator_spec import SpecChecker

from replicate.emulator import Emulator


@pytest.fixture(scope="session")
def spec_checker_session() -> SpecChecker:
    return SpecChecker()


@pytest.fixture
def spec(spec_checker_session: SpecChecker) -> SpecChecker:
    spec_checker_session.covered = set()
    return spec_checker_session


@pytest.fixture
def emu(replicate_emulator: Emulator) -> Emulator:
    """The shared emulator with fresh state (short name for these tests)."""
    return replicate_emulator


@pytest.fixture
def api(emu: Emulator) -> Iterator[httpx.Client]:
    """An httpx client for ``{base_url}/v1`` with a bearer token."""
    with httpx.Client(
        base_url=emu.api_url, headers={"Authorization": "Bearer test-token"}, timeout=10
    ) as client:
        yield client
