"""The conftest.py that replicate 1.0.7's sdist leaves out of its tests/ directory.

test_v1_suite.py copies it in beside them. It provides what those tests import or ask
for: ``skip_if_no_token`` (tests that need the live API skip here) and a fixture that sets a
fake token and a zero poll interval. The recorded-API tests (``@pytest.mark.vcr``) have no
cassettes in the sdist; with ``record_mode: none`` they fail at once, offline, on both sides.
"""

import os
from collections.abc import Iterator
from unittest import mock

import pytest

skip_if_no_token = pytest.mark.skipif(
    os.environ.get("REPLICATE_API_TOKEN") is None, reason="needs the live API"
)


@pytest.fixture(scope="session")
def mock_replicate_api_token() -> Iterator[None]:
    fake = {"REPLICATE_API_TOKEN": "test-token", "REPLICATE_POLL_INTERVAL": "0.0"}
    with mock.patch.dict(os.environ, fake):
        yield


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, object]:
    return {"record_mode": "none", "filter_headers": ["authorization"]}
