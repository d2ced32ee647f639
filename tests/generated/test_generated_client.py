"""The generated Client and AuthenticatedClient (codegen/templates) and lazy model loading."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from replicate_api.api.predictions import predictions_get
from replicate_api.client import DEFAULT_TIMEOUT, AuthenticatedClient, Client
from replicate_api.models import SchemasPredictionResponse

PREDICTION = {
    "id": "abc",
    "status": "processing",
    "started_at": None,
    "created_at": "2025-01-01T00:00:00Z",
}


class _Recorder(BaseHTTPRequestHandler):
    """Answers every GET with PREDICTION and remembers the Authorization header it saw."""

    seen: ClassVar[list[str | None]] = []

    def do_GET(self) -> None:
        _Recorder.seen.append(self.headers.get("Authorization"))
        body = json.dumps(PREDICTION).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def server_url() -> Iterator[str]:
    _Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_plain_client_uses_the_httpx_client_it_is_given(server_url: str) -> None:
    # This is how the hand-written layer drives the generated functions.
    own = httpx.Client(base_url=server_url, headers={"Authorization": "Bearer from-own-client"})
    client = Client(base_url="http://unused.invalid").set_httpx_client(own)
    with own:
        response = predictions_get.sync_detailed("abc", client=client)
    assert response.status_code == 200
    assert isinstance(response.parsed, SchemasPredictionResponse)
    assert response.parsed.started_at is None
    assert _Recorder.seen == ["Bearer from-own-client"]


def test_authenticated_client_keeps_auth_on_a_given_httpx_client(server_url: str) -> None:
    client = AuthenticatedClient(base_url=server_url, token="r8_sync").set_httpx_client(
        httpx.Client(base_url=server_url)
    )
    with client:
        predictions_get.sync("abc", client=client)
    assert _Recorder.seen == ["Bearer r8_sync"]


@pytest.mark.anyio
async def test_authenticated_client_keeps_auth_on_a_given_async_httpx_client(
    server_url: str,
) -> None:
    client = AuthenticatedClient(base_url=server_url, token="r8_async", prefix="Token")
    client.set_async_httpx_client(httpx.AsyncClient(base_url=server_url))
    async with client:
        parsed = await predictions_get.asyncio("abc", client=client)
    assert parsed is not None and parsed.id == "abc"
    assert _Recorder.seen == ["Token r8_async"]


def test_authenticated_client_builds_its_own_httpx_client_with_auth(server_url: str) -> None:
    with AuthenticatedClient(
        base_url=server_url, token="r8_built", headers={"X-Extra": "1"}
    ) as client:
        predictions_get.sync("abc", client=client)
        assert client.get_httpx_client().headers["X-Extra"] == "1"
    assert _Recorder.seen == ["Bearer r8_built"]


def test_token_never_appears_in_repr() -> None:
    client = AuthenticatedClient(base_url="https://api.replicate.com/v1", token="r8_supersecret")
    assert "r8_supersecret" not in repr(client)
    assert "r8_supersecret" not in str(client)


def test_default_timeout_outlasts_a_sync_wait() -> None:
    assert DEFAULT_TIMEOUT.read is not None and DEFAULT_TIMEOUT.read > 60
    assert DEFAULT_TIMEOUT.connect == 5.0
    built = Client(base_url="http://127.0.0.1:9").get_httpx_client()
    assert built.timeout == DEFAULT_TIMEOUT
    assert Client(
        base_url="http://127.0.0.1:9", timeout=None
    ).get_httpx_client().timeout == httpx.Timeout(None)


def _modules_after(statement: str) -> list[str]:
    code = (
        f"{statement}\nimport sys, json\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('replicate_api.models.'))))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    loaded: list[str] = json.loads(output)
    return loaded


def test_importing_one_endpoint_loads_only_its_models() -> None:
    loaded = _modules_after("import replicate_api.api.predictions.predictions_get")
    assert "replicate_api.models.schemas_prediction_response" in loaded
    assert "replicate_api.models.schemas_training_response" not in loaded
    assert "replicate_api.models.schemas_model_response" not in loaded
    assert len(loaded) < 6


def test_models_package_resolves_names_on_demand() -> None:
    import replicate_api.models as models

    assert "SchemasTrainingResponse" in dir(models)
    assert set(models.__all__) <= set(dir(models))
    assert models.SchemasTrainingResponse.__name__ == "SchemasTrainingResponse"
    with pytest.raises(AttributeError, match="NoSuchModel"):
        _ = models.NoSuchModel
    model_files = [p for p in Path(models.__file__).parent.glob("*.py") if p.name != "__init__.py"]
    # A star import resolves every name in __all__, which imports every model module.
    assert len(_modules_after("from replicate_api.models import *")) == len(model_files)
