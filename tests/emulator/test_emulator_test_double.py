"""The emulator as a test double, found wrong by an outside tester: state that outlived a
reset (webhook queues, the rate-limit bucket), shared file positions, offset cursors,
unchecked request fields, deployments left pointing at gone versions, non-JSON outputs."""

from __future__ import annotations

import asyncio
import http.server
import io
import json
import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from replicate.emulator import Emulator, RateLimit, files_api
from replicate.emulator.store import StoredFile

AUTH = {"Authorization": "Bearer t"}


class SlowReceiver:
    """A loopback webhook receiver answering after ``delay`` seconds."""

    def __init__(self, delay: float) -> None:
        self.bodies: list[bytes] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                time.sleep(delay)
                receiver.bodies.append(body)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, args=(0.01,), daemon=True).start()


@pytest.fixture
def receivers() -> Iterator[tuple[SlowReceiver, SlowReceiver]]:
    slow, fast = SlowReceiver(0.5), SlowReceiver(0.0)
    yield slow, fast
    slow.server.shutdown()
    fast.server.shutdown()


def test_a_webhook_in_flight_at_reset_does_not_swallow_the_next_tests_webhooks(
    receivers: tuple[SlowReceiver, SlowReceiver],
) -> None:
    slow, fast = receivers
    with Emulator(time_scale=0.05) as emu, emu.client() as client:
        first = client.predictions.create(
            model="emulator/echo", input={"text": "one"}, webhook=slow.url
        )
        first.wait()
        emu.reset()
        second = client.predictions.create(
            model="emulator/echo", input={"text": "two"}, webhook=fast.url
        )
        second.wait()
        assert second.id == first.id  # ids start over after a reset
        assert emu.wait_for(lambda: len(fast.bodies) >= 3)
        assert all(d.url == fast.url for d in emu.webhook_deliveries)


def _stored_file(data: bytes) -> StoredFile:
    spool = tempfile.SpooledTemporaryFile(max_size=1024)  # noqa: SIM115 (closed below)
    spool.write(data)
    moment = datetime.now(UTC)
    return StoredFile(
        "f", "f.bin", "application/octet-stream", len(data), "", {}, moment, moment, spool
    )


def test_downloads_of_one_file_at_once_each_get_the_whole_file() -> None:
    data = os.urandom(3 * files_api.CHUNK + 7)
    stored = _stored_file(data)

    async def interleaved() -> list[bytes]:
        first, second = files_api._chunks(stored), files_api._chunks(stored)
        got = [b"", b""]
        done = [False, False]
        while not all(done):
            for n, chunks in enumerate((first, second)):
                if not done[n]:
                    try:
                        got[n] += await anext(chunks)
                        stored.read()  # a model given the file reads it meanwhile
                    except StopAsyncIteration:
                        done[n] = True
        return got

    try:
        assert asyncio.run(interleaved()) == [data, data]
    finally:
        stored.data.close()


def test_after_stop_and_start_no_upload_is_listed_that_cannot_be_read() -> None:
    emu = Emulator(time_scale=0.01)
    with emu, emu.client() as client:
        client.files.create(io.BytesIO(b"hello"), filename="h.txt")
    with emu:
        listed = httpx.get(f"{emu.api_url}/files", headers=AUTH).json()["results"]
        for item in listed:
            download = httpx.get(f"{emu.api_url}/files/{item['id']}/download", headers=AUTH)
            assert download.status_code == 200
        assert listed == []
        held = httpx.post(  # held again: the stop released held requests only while stopping
            f"{emu.api_url}/models/emulator/echo/predictions",
            json={"input": {"text": "a"}},
            headers={**AUTH, "Prefer": "wait=5"},
        )
        assert held.json()["status"] == "succeeded"


def test_process_emulator_over_tls_can_be_steered() -> None:
    with Emulator(process=True, tls=True, time_scale=0.01) as emu:
        with emu.client() as client:
            assert client.run("emulator/echo", input={"text": "hi"}) == "hi"
        assert list(emu.summary()["predictions"].values()) == ["succeeded"]
        emu.faults.add("predictions.get", status=503, times=1)
        with pytest.raises(ValueError, match="names no operation"):
            emu.faults.add("predictions.nonexistent", status=500)
        emu.reset()
        assert emu.summary()["predictions"] == {}


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "replicate.emulator", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.key"), "/nonexistent.pem"),
        (("--rate-limit", "banana"), "--rate-limit"),
        (("--log-level", "nope"), "--log-level"),
        (("--host", "no.such.host.invalid"), "no.such.host.invalid"),
    ],
)
def test_command_line_mistakes_are_one_line_and_never_claim_to_listen(
    args: tuple[str, ...], named: str
) -> None:
    done = _cli(*args)
    assert done.returncode != 0
    assert done.stdout == ""  # no "listening" line for a server that never served
    assert len(done.stderr.strip().splitlines()) == 1
    assert named in done.stderr


def test_command_line_bad_yaml_and_busy_port_are_one_line(tmp_path: pathlib.Path) -> None:
    bad = tmp_path / "models.yaml"
    bad.write_text(": : :\n")
    done = _cli("--models", str(bad))
    assert done.returncode != 0 and str(bad) in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        done = _cli("--port", str(busy.getsockname()[1]))
    assert done.returncode != 0 and "cannot listen" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_sigterm_answers_a_held_request_and_exits_quietly() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "replicate.emulator", "--time-scale", "0.05"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    base = process.stdout.readline().split()[-1]
    answers: list[httpx.Response] = []

    def held() -> None:
        answers.append(
            httpx.post(
                f"{base}/v1/models/emulator/slow/predictions",
                json={"input": {"seconds": 1000}},
                headers={**AUTH, "Prefer": "wait=60"},
                timeout=30,
            )
        )

    thread = threading.Thread(target=held)
    thread.start()
    deadline = time.monotonic() + 10
    while not httpx.get(f"{base}/v1/predictions", headers=AUTH).json()["results"]:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    process.terminate()
    assert process.wait(10) == 0
    thread.join(10)
    process.stdout.close()
    errors = process.stderr.read()
    process.stderr.close()
    assert answers[0].status_code == 201
    assert answers[0].json()["status"] == "processing"
    assert "Exception in ASGI application" not in errors


def _ids(page: dict[str, object]) -> list[str]:
    return [item["id"] for item in page["results"]]  # type: ignore[attr-defined, index]


def test_a_list_walk_repeats_nothing_when_items_are_created_between_pages(
    emu: Emulator, api: httpx.Client
) -> None:
    emu.page_size = 3

    def create() -> str:
        answer = api.post("/models/emulator/echo/predictions", json={"input": {"text": "x"}})
        return str(answer.json()["id"])

    made = [create() for _ in range(7)]
    first = api.get("/predictions").json()
    assert _ids(first) == made[::-1][:3]
    create()
    second = api.get(first["next"]).json()
    assert _ids(second) == made[::-1][3:6]
    third = api.get(second["next"]).json()
    assert _ids(third) == made[:1] and third["next"] is None
    back = api.get(third["previous"]).json()
    assert _ids(back) == _ids(second)


def test_a_bad_cursor_is_a_400(api: httpx.Client) -> None:
    for cursor in ("garbage", "WyJuZXh0IiwgWzEsIFtdXV0"):  # not ours; a position of lists
        assert api.get("/predictions", params={"cursor": cursor}).status_code == 400


def test_deployments_are_listed_newest_first(emu: Emulator) -> None:
    emu.add_deployment("acme/older", model="emulator/echo")
    emu.add_deployment("acme/newer", model="emulator/echo")
    listed = httpx.get(f"{emu.api_url}/deployments", headers=AUTH).json()["results"]
    assert [d["name"] for d in listed] == ["newer", "older", "echo-deployment"]


def test_reset_refills_the_rate_limit_bucket() -> None:
    limit = RateLimit.parse("1/min", burst=2)
    with Emulator(time_scale=0.01, rate_limit=limit) as emu:

        def create() -> int:
            url = f"{emu.api_url}/models/emulator/echo/predictions"
            return httpx.post(url, json={"input": {"text": "a"}}, headers=AUTH).status_code

        assert [create(), create(), create()] == [201, 201, 429]
        emu.reset()
        assert limit.refused == 0
        assert [create(), create()] == [201, 201]


@pytest.mark.parametrize(
    "body",
    [
        {"webhook": "ftp://nowhere"},
        {"webhook": "http://127.0.0.1:9/h", "webhook_events_filter": ["bogus"]},
        {"webhook": "http://127.0.0.1:9/h", "webhook_events_filter": 5},
        {"unknown_field": 1},
    ],
)
def test_training_request_fields_are_checked(
    emu: Emulator, api: httpx.Client, body: dict[str, object]
) -> None:
    version = api.get("/models/emulator/echo").json()["latest_version"]["id"]
    api.post(
        "/models",
        json={"owner": "emulator", "name": "dest", "visibility": "private", "hardware": "cpu"},
    )
    answer = api.post(
        f"/models/emulator/echo/versions/{version}/trainings",
        json={"destination": "emulator/dest", "input": {}, **body},
    )
    assert answer.status_code == 422
    assert emu.trainings == {}


def test_a_deployed_version_cannot_be_deleted(emu: Emulator, api: httpx.Client) -> None:
    deployment = api.get("/deployments/emulator/echo-deployment").json()
    version = deployment["current_release"]["version"]
    answer = api.delete(f"/models/emulator/echo/versions/{version}")
    assert answer.status_code == 409
    assert "echo-deployment" in answer.json()["detail"]
    run = api.post(
        "/deployments/emulator/echo-deployment/predictions", json={"input": {"text": "a"}}
    )
    assert run.status_code == 201


def test_redefining_a_deployed_model_keeps_its_deployment_running(emu: Emulator) -> None:
    emu.add_model("acme/owl", lambda prompt: "v1")
    emu.add_deployment("acme/owl-app", model="acme/owl")
    emu.add_model("acme/owl", lambda prompt, seed=0: "v2")  # a new schema: a new version
    with emu.client() as client:
        assert client.deployments.get("acme/owl-app").current_release.version == (
            emu.models["acme/owl"].versions[-1].id
        )
        prediction = client.deployments.predictions.create("acme/owl-app", input={"prompt": "x"})
        prediction.wait()
        assert prediction.output == "v2"


def test_a_model_whose_versions_are_all_deleted_no_longer_runs(
    emu: Emulator, api: httpx.Client
) -> None:
    emu.add_model("acme/gone", lambda: "x")
    [version] = api.get("/models/acme/gone/versions").json()["results"]
    assert api.delete(f"/models/acme/gone/versions/{version['id']}").status_code == 202
    answer = api.post("/models/acme/gone/predictions", json={"input": {}})
    assert answer.status_code == 422


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/models/emulator/echo", {"description": 123}),
        ("/models/emulator/echo", {"github_url": ["x"]}),
        ("/deployments/emulator/echo-deployment", {"min_instances": True}),
        ("/deployments/emulator/echo-deployment", {"min_instances": 2, "max_instances": 1}),
        ("/deployments/emulator/echo-deployment", {"min_instances": 5}),  # max is 1
    ],
)
def test_updates_of_the_wrong_type_are_refused(
    api: httpx.Client, path: str, body: dict[str, object]
) -> None:
    before = api.get(path).json()
    assert api.patch(path, json=body).status_code == 422
    assert api.get(path).json() == before


def test_deployment_create_with_more_minimum_than_maximum_is_refused(api: httpx.Client) -> None:
    version = api.get("/models/emulator/echo").json()["latest_version"]["id"]
    body = {"name": "d", "model": "emulator/echo", "version": version, "hardware": "cpu"}
    for low, high in ((5, 1), (True, 1)):
        answer = api.post(
            "/deployments", json={**body, "min_instances": low, "max_instances": high}
        )
        assert answer.status_code == 422


def test_a_partial_default_example_is_served_as_a_whole_prediction(emu: Emulator) -> None:
    schema = {"components": {"schemas": {"Input": {"type": "object", "properties": {}}}}}
    emu.add_model_from_json(
        {
            "owner": "acme",
            "name": "sketch",
            "latest_version": {"id": "a" * 64, "openapi_schema": schema},
            "default_example": {"input": {"prompt": "a fox"}, "output": "drawn"},
        }
    )
    example = httpx.get(f"{emu.api_url}/models/acme/sketch", headers=AUTH).json()["default_example"]
    assert example["input"] == {"prompt": "a fox"} and example["output"] == "drawn"
    assert example["model"] == "acme/sketch" and example["version"] == "a" * 64
    assert example["status"] == "succeeded" and example["id"] and example["created_at"]


@pytest.mark.parametrize("value", [float("nan"), [1.0, float("inf")], {"x": -float("inf")}])
def test_an_output_json_cannot_carry_fails_the_run(value: object) -> None:
    def strict(text: str) -> object:
        def refuse(constant: str) -> object:
            raise ValueError(constant)

        return json.loads(text, parse_constant=refuse)

    with Emulator(time_scale=0.01) as emu:
        emu.add_model("acme/score", lambda: value)
        answer = httpx.post(
            f"{emu.api_url}/models/acme/score/predictions",
            json={"input": {}},
            headers={**AUTH, "Prefer": "wait"},
        )
        body = strict(answer.text)
        assert body["status"] == "failed"  # type: ignore[index]
        assert "which JSON cannot carry" in body["error"]  # type: ignore[index]


def test_a_request_body_with_nan_is_not_json(api: httpx.Client) -> None:
    answer = api.post(
        "/models/emulator/echo/predictions",
        content=b'{"input": {"text": NaN}}',
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 400
