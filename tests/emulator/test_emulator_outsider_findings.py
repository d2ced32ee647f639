"""Emulator behaviour found wrong by using it as an outsider in a test suite: outputs sharing
a file name, `-> None` models, sys.stdout, leaked pipes and temp files, reset() and the rate
limit, `emu.token` and `emu.client()`, the token in the request log."""

from __future__ import annotations

import gc
import io
import json
import pathlib
import signal
import subprocess
import sys
import tempfile
import warnings
from typing import Any

import httpx
import pytest

import replicate
from replicate.emulator import Emulator, RateLimit


def test_outputs_sharing_a_file_name_get_their_own_urls() -> None:
    def two_files() -> list[pathlib.Path]:
        paths = []
        for content in (b"FIRST", b"SECOND"):
            path = pathlib.Path(tempfile.mkdtemp()) / "output.png"
            path.write_bytes(content)
            paths.append(path)
        return paths

    with Emulator(time_scale=0.01) as emu:
        emu.add_model("acme/two", two_files)
        with emu.client() as client:
            outputs = client.run("acme/two", input={})
            assert len({str(o) for o in outputs}) == 2
            assert [o.read() for o in outputs] == [b"FIRST", b"SECOND"]


def test_a_model_returning_none_can_be_added() -> None:
    def effect(text: str) -> None:
        return None

    with Emulator(time_scale=0.01) as emu:
        emu.add_model("acme/effect", effect)
        with emu.client() as client:
            assert client.run("acme/effect", input={"text": "a"}) is None


def test_sys_stdout_is_given_back_after_models_print() -> None:
    real = sys.stdout

    def noisy() -> str:
        print("from the model")
        return "ok"

    with Emulator(time_scale=0.01) as emu:
        emu.add_model("acme/noisy", noisy)
        with emu.client() as client:
            prediction = client.predictions.create(model="acme/noisy", input={})
            prediction.wait()
            assert "from the model" in (prediction.logs or "")
    assert sys.stdout is real


def test_stopping_leaves_no_open_pipe_or_upload(monkeypatch: pytest.MonkeyPatch) -> None:
    # A ResourceWarning raised in a finaliser never reaches the test: collect them instead,
    # after collecting what earlier tests left behind (its warnings are not this test's).
    gc.collect()
    leaked: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda hook: leaked.append(repr(hook.exc_value)))
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        with Emulator(process=True) as emu:
            assert emu._process is not None and emu._process.stdout is not None
            pipe = emu._process.stdout
            assert httpx.get(f"{emu.base_url}/v1/models/emulator/echo").status_code in (200, 401)
        assert pipe.closed
        with Emulator() as emu, emu.client() as client:
            client.files.create(io.BytesIO(b"hello"), filename="h.txt")
            uploads = list(emu.app.store.files.values())
        assert uploads and all(stored.data.closed for stored in uploads)
        with Emulator() as emu:
            bad = httpx.post(
                f"{emu.api_url}/files",
                files={"content": ("x.txt", b"data")},
                data={"metadata": "[1, 2]"},
                headers={"Authorization": "Bearer t"},
            )
            assert bad.status_code == 422
        gc.collect()
    assert leaked == []


def test_reset_restores_the_constructor_rate_limit() -> None:
    with Emulator(time_scale=0.01) as emu:
        emu.set_rate_limit(RateLimit.parse("1/min", burst=1))
        emu.reset()
        codes = [
            httpx.post(
                f"{emu.api_url}/models/emulator/echo/predictions",
                json={"input": {"text": "a"}},
                headers={"Authorization": "Bearer t"},
            ).status_code
            for _ in range(3)
        ]
        assert codes == [201, 201, 201]


def test_client_uses_the_token_set_since_construction() -> None:
    with Emulator(time_scale=0.01) as emu:
        emu.token = "only-this"
        with emu.client() as client:
            assert client.run("emulator/echo", input={"text": "x"}) == "x"


def test_request_log_repr_masks_the_token_but_keeps_the_header() -> None:
    with Emulator(token="sk-live-secret-1234", time_scale=0.01) as emu:
        with emu.client() as client:
            client.run("emulator/echo", input={"text": "x"})
        [request] = [r for r in emu.requests if r.method == "POST"]
        assert "sk-live-secret-1234" not in repr(request)
        assert request.headers["authorization"] == "Bearer sk-live-secret-1234"


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_command_line_with_tls_removes_its_certificates_when_stopped(stop: int) -> None:
    # Ctrl-C did; SIGTERM (how process managers stop it) left the private key behind.
    process = subprocess.Popen(
        [sys.executable, "-m", "replicate.emulator", "--tls"], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    process.stdout.readline()
    ca_file = process.stdout.readline().strip().rsplit(" ", 1)[1]
    assert pathlib.Path(ca_file).exists()
    process.send_signal(stop)
    assert process.wait(10) == 0
    process.stdout.close()
    assert not pathlib.Path(ca_file).parent.exists()


def test_process_emulator_token_is_not_on_the_command_line() -> None:
    with Emulator(process=True, token="sk-process-token-99") as emu:
        assert emu._process is not None
        assert "sk-process-token-99" not in " ".join(map(str, emu._process.args))
        with replicate.Client(api_token="sk-process-token-99", base_url=emu.base_url) as client:
            assert client.run("emulator/echo", input={"text": "y"}) == "y"


def test_request_log_records_the_status_answered() -> None:
    with Emulator(time_scale=0.01) as emu, emu.client(max_retries=2) as client:
        emu.faults.add("models.predictions.create", status=429, times=1)
        client.run("emulator/echo", input={"text": "x"})
        creates = [r.status for r in emu.requests if r.operation == "models.predictions.create"]
        assert creates == [429, 201]  # throttled once, then retried


RACE = """
import random, sys, time
from replicate.emulator import Emulator

def frames(n: int = 2):
    for i in range(n):
        yield f"item-{i}"
        time.sleep(random.random() * 0.004)  # a little work after each yield

with Emulator(time_scale=0.01) as emu:
    emu.add_model("acme/frames", frames)
    client = emu.client()
    for attempt in range(150):
        for event in client.stream("acme/frames", input={"n": 2}):
            print("event", event.event, repr(event.data), *range(200))
print("finished", file=sys.stderr)
"""


def test_printing_while_function_models_finish_is_safe(tmp_path: pathlib.Path) -> None:
    # Found by a user's test suite: the app printed streamed events while the last model run
    # gave sys.stdout back; Python 3.11's print() holds no reference to sys.stdout, so the
    # freed router crashed the interpreter (or raised RecursionError).
    with (tmp_path / "out.txt").open("w") as out:
        done = subprocess.run(
            [sys.executable, "-c", RACE],
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0 and "finished" in done.stderr, done.stderr[-2000:]
    assert (tmp_path / "out.txt").read_text().count("\nevent") >= 299


def test_models_that_exit_or_return_what_json_cannot_carry_fail() -> None:
    # Found by a user's test suite: SystemExit left the prediction processing for ever, and a
    # set or datetime output broke the emulator (500s on every later listing).
    import datetime

    def exits() -> str:
        raise SystemExit(3)

    def a_set() -> Any:
        return {"tags": {"a", "b"}}

    def a_time() -> Any:
        return [datetime.datetime(2026, 1, 1)]

    with Emulator(time_scale=0.01) as emu:
        for name, model in (("exits", exits), ("set", a_set), ("time", a_time)):
            emu.add_model(f"acme/{name}", model)
        client = emu.client()
        errors = {}
        for name in ("exits", "set", "time"):
            prediction = client.predictions.create(model=f"acme/{name}", input={})
            prediction.wait()
            assert prediction.status == "failed", name
            errors[name] = prediction.error
        assert errors["exits"] == "SystemExit: 3"
        assert "holds a set" in errors["set"] and "holds a datetime" in errors["time"]
        assert len(client.predictions.list().results) == 3  # the emulator still serves


def test_emulator_client_takes_another_token_and_collections_refuse_unknown_models() -> None:
    with Emulator(token="r8_right") as emu:
        assert emu.client().models.get("emulator/echo").name == "echo"
        with pytest.raises(replicate.exceptions.ReplicateError) as caught:
            emu.client(api_token="wrong").models.get("emulator/echo")
        assert caught.value.status == 401
        with pytest.raises(ValueError, match=r"no such models here: \['emulator/ecko'\]"):
            emu.add_collection("picks", ["emulator/echo", "emulator/ecko"])


def test_command_line_numbers_and_models_files_are_checked(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Found by an outsider: --port 99999 crashed with OverflowError, --time-scale -1 was
    # taken, and a models file whose Output schema is a string crashed with AttributeError.
    from replicate.emulator.__main__ import main, parse_args

    for bad in (["--port", "99999"], ["--time-scale", "-1"], ["--page-size", "0"]):
        with pytest.raises(SystemExit) as exited:
            parse_args(bad)
        assert exited.value.code == 2
        assert f"argument {bad[0]}" in capsys.readouterr().err
    models = tmp_path / "models.json"
    schemas = {"Input": {"type": "object", "properties": {}}, "Output": "str"}
    models.write_text(json.dumps([{
        "owner": "a", "name": "b",
        "latest_version": {"id": "v1", "openapi_schema": {"components": {"schemas": schemas}}},
    }]))  # fmt: skip
    handler = signal.getsignal(signal.SIGTERM)
    with pytest.raises(SystemExit, match=r"a/b: latest_version\.openapi_schema's Output"):
        main(["--models", str(models)])
    # Run inside another program, main() leaves its SIGTERM as it was: a SIGTERM handler
    # left behind made a later forked worker pool of this suite hang on terminate().
    assert signal.getsignal(signal.SIGTERM) is handler


def test_fault_rules_that_could_never_apply_are_refused() -> None:
    # Found by a user's suite: a typo in the route injected nothing (the test passed while
    # checking nothing), and status="503" made the emulator answer its own 500.
    with Emulator() as emu:
        with pytest.raises(ValueError, match=r"did you mean 'models\.predictions\.create'"):
            emu.faults.add("model.predictions.create", status=503)
        with pytest.raises(ValueError, match="status='503' is not int"):
            emu.faults.add("predictions.create", status="503")
        with pytest.raises(ValueError, match="unknown fault field 'statuss'"):
            emu.faults.add("predictions.create", statuss=503)
        for route in ("files.create", "stream", "output", "POST /v1/predictions*", "*"):
            emu.faults.add(route, status=503, latency=1, times=0)
        assert len(emu.faults) == 5


def test_a_model_registered_again_with_another_signature_gets_a_new_version() -> None:
    # As on the API, a new schema is a new version: a cache keyed by version id (a generated
    # module, a pinned use()) must not keep checking inputs against the old one.
    def takes_a(a: int) -> str:
        return f"a={a}"

    def takes_b(b: int) -> str:
        return f"b={b}"

    with Emulator() as emu:
        first = emu.add_model("acme/x", takes_a).versions[0].id
        assert emu.add_model("acme/x", takes_a).versions[0].id == first  # same schema
        second = emu.add_model("acme/x", takes_b).versions[0].id
        assert second != first
        assert emu.client().use(f"acme/x:{second}")(b=1) == "b=1"
