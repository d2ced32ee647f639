"""The official 1.x client (replicate==1.0.7 in .venvs/v1) against user models over https."""

from __future__ import annotations

import json
import os
import pathlib
import ssl
import subprocess
import textwrap
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from replicate.emulator import Emulator

V1_PYTHON = pathlib.Path(__file__).parents[2] / ".venvs" / "v1" / "bin" / "python"

V1_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import replicate
    from replicate.helpers import FileOutput

    client = replicate.Client(api_token="t", base_url=sys.argv[1])
    seen = {}
    prediction = client.predictions.create(model="acme/tokens", input={"prompt": "p", "n": 2})
    prediction.wait()
    seen["wait"] = [prediction.status, "".join(prediction.output)]
    seen["run_text"] = "".join(client.run("acme/tokens", input={"prompt": "r", "n": 3}))
    image = client.run("acme/picture", input={})
    seen["file_type"] = type(image).__name__
    seen["file_url"] = image.url
    seen["file_bytes"] = image.read().hex()
    seen["stream"] = [str(e) for e in client.stream("acme/tokens", input={"prompt": "s", "n": 2})]
    print(json.dumps(seen))
    """
)


def tokens(prompt: str, n: int = 2) -> Iterator[str]:
    for i in range(n):
        yield f"{prompt}{i} "


def picture() -> bytes:
    return b"\x89PNG\r\n\x1a\n-v1"


@pytest.fixture
def tls_emulator() -> Iterator[Emulator]:
    with Emulator(time_scale=0.05, tls=True) as emu:
        yield emu


def test_tls_emulator_serves_https_urls(tls_emulator: Emulator) -> None:
    emu = tls_emulator
    assert emu.base_url.startswith("https://127.0.0.1:") and emu.ca_file
    emu.add_model("acme/picture", picture)
    with emu.client() as client:
        image = client.run("acme/picture", input={})
        assert str(image).startswith("https://") and image.read() == picture()
    with pytest.raises(httpx.ConnectError):  # not trusted without the run's CA
        httpx.get(emu.base_url + "/v1/account")


@pytest.mark.skipif(not V1_PYTHON.exists(), reason="make v1-venv builds .venvs/v1")
def test_official_1x_client_against_user_models_over_https(
    tls_emulator: Emulator, tmp_path: pathlib.Path
) -> None:
    emu = tls_emulator
    emu.add_model("acme/tokens", tokens)
    emu.add_model("acme/picture", picture)
    script = tmp_path / "v1_script.py"
    script.write_text(V1_SCRIPT)
    assert emu.ca_file is not None
    env = {**os.environ, "SSL_CERT_FILE": emu.ca_file}
    env.pop("REPLICATE_API_TOKEN", None)
    # cwd outside the repository so the script imports 1.x, not this package
    done = subprocess.run(
        [str(V1_PYTHON), "-P", str(script), emu.base_url],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    seen: dict[str, Any] = json.loads(done.stdout)
    assert seen["wait"] == ["succeeded", "p0 p1 "]
    assert seen["run_text"] == "r0 r1 r2 "
    assert seen["file_type"] == "FileOutput" and seen["file_url"].startswith("https://")
    assert bytes.fromhex(seen["file_bytes"]) == picture()
    assert seen["stream"][:2] == ["s0 ", "s1 "]  # then 1.x's done event, which prints as ""
    assert emu.predictions_for("acme/tokens")[0].input == {"prompt": "p", "n": 2}


def test_child_process_serves_https_and_model_files() -> None:
    models = pathlib.Path(__file__).parents[1] / "fixtures" / "emulator" / "real_models.json"
    with Emulator(time_scale=0.05, tls=True, process=True, models=models) as emu:
        assert emu.base_url.startswith("https://") and emu.ca_file
        trust = ssl.create_default_context(cafile=emu.ca_file)
        body = httpx.post(
            f"{emu.api_url}/models/black-forest-labs/flux-schnell/predictions",
            json={"input": {"prompt": "cake"}},
            headers={"Authorization": "Bearer t", "Prefer": "wait"},
            verify=trust,
            timeout=10,
        ).json()
        assert body["status"] == "succeeded" and body["output"][0].startswith("https://")
        image = httpx.get(body["output"][0], verify=trust)
        assert image.content.startswith(b"\x89PNG")
        assert image.headers["content-type"] == "image/webp"
        with pytest.raises(RuntimeError, match="add_model needs the emulator in this process"):
            emu.add_model("me/nope", lambda: 1)
