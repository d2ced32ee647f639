"""Starting the emulator: auth, the command line, a child process, import isolation."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from replicate.emulator import Emulator


def test_any_bearer_token_by_default_and_401_problem_otherwise(emu: Emulator) -> None:
    url = f"{emu.api_url}/account"
    assert httpx.get(url, headers={"Authorization": "Bearer anything"}).status_code == 200
    for headers in ({}, {"Authorization": "Bearer"}, {"Authorization": "Basic abc"}):
        response = httpx.get(url, headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert "token" in response.json()["detail"]


def test_configured_token_is_the_only_one_accepted(emu: Emulator) -> None:
    emu.token = "r8_secret"
    url = f"{emu.api_url}/account"
    assert httpx.get(url, headers={"Authorization": "Bearer r8_secret"}).status_code == 200
    response = httpx.get(url, headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401
    assert "r8_secret" not in response.text


def test_unknown_route_and_wrong_method(api: httpx.Client) -> None:
    assert api.get("/nothing/here").status_code == 404
    assert api.put("/predictions").status_code == 405


def test_command_line_prints_url_and_serves() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "replicate.emulator", "--port", "0", "--seed", "3", "--token", "t"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        prefix = "replicate emulator listening on http://127.0.0.1:"
        assert line.startswith(prefix) and line.removeprefix(prefix).isdigit()
        base = line.rsplit(" ", 1)[1]
        assert (
            httpx.get(f"{base}/v1/account", headers={"Authorization": "Bearer t"}).status_code
            == 200
        )
        assert (
            httpx.get(f"{base}/v1/account", headers={"Authorization": "Bearer u"}).status_code
            == 401
        )
    finally:
        proc.terminate()
        proc.wait(10)


def test_process_mode_supports_faults_and_reset() -> None:
    with Emulator(process=True, time_scale=0.01) as emu:
        client = httpx.Client(base_url=emu.api_url, headers={"Authorization": "Bearer t"})
        emu.faults.add("account.get", status=503, times=1)
        assert [client.get("/account").status_code for _ in range(2)] == [503, 200]
        body = client.post(
            "/models/emulator/echo/predictions",
            json={"input": {"text": "p"}},
            headers={"Prefer": "wait"},
        ).json()
        assert body["output"] == "p"
        summary = emu.summary()
        assert summary["predictions"] == {body["id"]: "succeeded"}
        assert summary["requests"] == 3
        emu.reset()
        assert client.get("/predictions").json()["results"] == []
        with pytest.raises(RuntimeError, match="process=True"):
            _ = emu.predictions


def test_same_seed_same_ids() -> None:
    def first_id(seed: int) -> str:
        with Emulator(seed=seed, time_scale=0.01) as emu:
            return str(
                httpx.post(
                    f"{emu.api_url}/models/emulator/echo/predictions",
                    json={"input": {"text": "x"}},
                    headers={"Authorization": "Bearer t"},
                ).json()["id"]
            )

    assert first_id(5) == first_id(5) != first_id(6)


def test_importing_replicate_does_not_import_the_emulator() -> None:
    code = (
        "import sys, replicate; "
        "bad = [m for m in ('replicate.emulator', 'uvicorn', 'starlette') if m in sys.modules]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_unknown_quirk_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown quirks"):
        Emulator(quirks={"nope"})
