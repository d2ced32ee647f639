import signal

import pytest

pytest_plugins = ["replicate.emulator.pytest_plugin"]

# A suite started as a background job of a script (`make test &`) inherits SIGINT ignored: the
# Ctrl-C tests, and the commands they start, would never see their interrupt.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def anyio_backend() -> str:
    # Async tests run on asyncio only; trio is not a supported runtime.
    return "asyncio"
