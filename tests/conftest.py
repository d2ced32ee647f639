import pytest

pytest_plugins = ["replicate.emulator.pytest_plugin"]


@pytest.fixture
def anyio_backend() -> str:
    # Async tests run on asyncio only; trio is not a supported runtime.
    return "asyncio"
