"""``replicate run`` and ``replicate stream`` piped: outputs, files, exit statuses, bad input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from replicate.emulator import Emulator
from replicate.emulator.catalog import cog_schema

from .conftest import Cli, posts


def test_text_output_is_printed(cli: Cli) -> None:
    result = cli("run", "emulator/echo", "text=hello world")
    assert (result.status, result.stdout) == (0, "hello world\n")


def test_token_outputs_are_joined(cli: Cli, cli_env: Emulator) -> None:
    result = cli("run", "emulator/stream-text", "prompt=hi", "max_tokens=5")
    assert result.status == 0
    (prediction,) = cli_env.predictions.values()
    assert prediction.input == {"prompt": "hi", "max_tokens": 5}  # converted to an integer
    assert result.stdout == "".join(prediction.output) + "\n"
    assert len(result.stdout.split()) == 5
    # Printed as the tokens come, on a pipe too: the create does not hold until the end
    # (found by an outsider: `run ... | cat` printed nothing until the model finished).
    create = next(r for r in cli_env.requests if r.method == "POST")
    assert "prefer" not in create.headers


def test_file_outputs_are_saved_under_new_names(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "out-0.png").write_bytes(b"already here")
    result = cli("run", "emulator/image", "num_outputs=2", "--output-dir", str(tmp_path))
    assert result.status == 0, result.stderr
    paths = [Path(line) for line in result.stdout.splitlines()]
    assert paths == [tmp_path / "out-0-1.png", tmp_path / "out-1.png"]
    for path in paths:
        assert path.read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "out-0.png").read_bytes() == b"already here"


def test_json_prints_the_final_prediction(cli: Cli) -> None:
    result = cli("run", "emulator/echo", "text=hi", "--json")
    prediction = result.json()
    assert (prediction["status"], prediction["output"]) == ("succeeded", "hi")


def test_json_waits_for_an_iterator_output_and_exits_1_if_it_fails(
    cli: Cli, cli_env: Emulator
) -> None:
    # Found by an outsider: for an iterator output, --json printed the prediction as
    # created ("starting", output null), exited 0 even if it then failed, and left it running.
    def tokens(prompt: str, fail: bool = False) -> Iterator[str]:
        yield from ("t0 ", "t1 ")
        if fail:
            raise RuntimeError("model blew up")

    cli_env.add_model("acme/tokens", tokens)
    good = cli("run", "acme/tokens", "prompt=hi", "--json")
    assert good.status == 0, good.stderr
    assert (good.json()["status"], good.json()["output"]) == ("succeeded", ["t0 ", "t1 "])
    bad = cli("run", "acme/tokens", "prompt=hi", "fail=true", "--json")
    assert bad.status == 1
    assert (bad.json()["status"], bad.json()["output"]) == ("failed", ["t0 ", "t1 "])
    assert "model blew up" in bad.stderr
    streamed = cli("run", "emulator/stream-text", "prompt=hi", "max_tokens=3", "--json")
    assert streamed.json()["status"] == "succeeded"
    assert len(streamed.json()["output"]) == 3


def test_no_wait_prints_the_new_prediction(cli: Cli, cli_env: Emulator) -> None:
    result = cli("run", "emulator/slow", "seconds=30", "--no-wait")
    assert result.status == 0
    prediction = result.json()
    assert prediction["status"] in {"starting", "processing"}
    assert cli_env.predictions[prediction["id"]].input == {"seconds": 30}


def test_a_failed_prediction_exits_1_with_its_error(cli: Cli) -> None:
    result = cli("run", "emulator/fail", "text=x")
    assert result.status == 1
    assert "emulated failure" in result.stderr and "(prediction " in result.stderr
    with_json = cli("run", "emulator/fail", "--json")
    assert (with_json.status, with_json.json()["status"]) == (1, "failed")


def test_timeout_cancels_and_exits_1(cli: Cli, cli_env: Emulator) -> None:
    result = cli("run", "emulator/slow", "seconds=60", "--timeout", "0.3")
    assert result.status == 1
    assert "error:" in result.stderr
    (prediction,) = cli_env.predictions.values()
    assert cli_env.wait_for(lambda: prediction.status == "canceled")


def test_file_inputs_are_uploaded(cli: Cli, cli_env: Emulator, tmp_path: Path) -> None:
    source = tmp_path / "words.txt"
    source.write_text("from a file")
    result = cli("run", "emulator/echo", f"text=@{source}", "--json")
    assert result.status == 0, result.stderr
    (stored,) = cli_env.files.values()
    assert stored.read() == b"from a file"
    assert stored.id in result.json()["input"]["text"]


def test_stdin_input(
    cli: Cli, cli_env: Emulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"piped in")))
    result = cli("run", "emulator/echo", "text=@-", "--output-dir", str(tmp_path))
    assert result.status == 0
    (stored,) = cli_env.files.values()
    assert stored.read() == b"piped in"
    # echo returns the uploaded file's URL, as text: its output schema is a plain string,
    # so the URL is printed, not downloaded.
    assert result.stdout.strip().endswith(f"/v1/files/{stored.id}")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("emulator/echo", "txt=hi"), "did you mean 'text'?"),
        (("emulator/image", "num_outputs=two"), "num_outputs: expected an integer"),
        (("emulator/image", "num_outputs=9"), "num_outputs: must be <= 4"),
        (("emulator/echo",), "text: required input is missing"),
        (("emulator/echo", "text=@/does/not/exist"), "no such file"),
        (("emulator/echo", "text"), "expected key=value"),
        (("emulator/slow", "seconds=1", "seconds=2"), "given 2 times"),
    ],
)
def test_bad_input_exits_2_and_creates_nothing(
    cli: Cli, cli_env: Emulator, argv: tuple[str, ...], message: str
) -> None:
    for command in ("run", "stream"):
        result = cli(command, *argv)
        assert result.status == 2
        assert message in result.stderr
    assert posts(cli_env) == []
    assert cli_env.predictions == {}


def test_secret_inputs_are_sent_but_never_printed(cli: Cli, cli_env: Emulator) -> None:
    secret = {"type": "string", "format": "password", "x-cog-secret": True}
    schema = cog_schema({"prompt": {"type": "string"}, "api_key": secret}, [], {"type": "string"})
    latest = {"id": "a" * 64, "openapi_schema": schema}
    cli_env.add_model_from_json(
        {"owner": "acme", "name": "vault", "latest_version": latest, "default_example": {}}
    )
    for wait in ("--wait", "--no-wait"):
        result = cli("run", "acme/vault", "prompt=hi", "api_key=sk-live-1", "--json", wait)
        assert result.status == 0, result.stderr
        assert "sk-live" not in result.stdout + result.stderr
        assert result.json()["input"] == {"prompt": "hi", "api_key": "<secret>"}
        assert cli_env.last_input("acme/vault")["api_key"] == "sk-live-1"
    refused = cli("run", "acme/vault", "api_key=sk-live-2", "api_key=sk-live-3", "size=sk-live-4")
    assert refused.status == 2
    assert "api_key: given 2 times" in refused.stderr and "sk-live" not in refused.stderr


def test_syntax_errors_are_found_before_any_request(cli: Cli, cli_env: Emulator) -> None:
    assert cli("run", "emulator/echo", "text=@/does/not/exist").status == 2
    assert cli_env.requests == []


def test_models_without_versions_take_text(cli: Cli) -> None:
    result = cli("run", "emulator/official", "prompt=hi")
    assert (result.status, result.stdout) == (0, "official: hi\n")


def test_pinned_version(cli: Cli) -> None:
    version = cli("models", "versions", "emulator/echo").lines()[-1]["id"]
    assert cli("run", f"emulator/echo:{version}", "text=old").stdout == "old\n"
    assert cli("run", version, "text=bare").stdout == "bare\n"


def test_web_opens_the_page(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    result = cli("run", "emulator/echo", "text=hi", "--web", "--json")
    assert opened == [result.json()["urls"]["web"]]


def test_logs_go_to_stderr(cli: Cli) -> None:
    result = cli("run", "emulator/stream-text", "max_tokens=2", "--logs")
    assert result.stderr.splitlines() == ["generating 2 tokens", "done"]
    assert len(result.stdout.split()) == 2


def test_stream_prints_tokens(cli: Cli, cli_env: Emulator) -> None:
    result = cli("stream", "emulator/stream-text", "prompt=hey", "max_tokens=4")
    assert result.status == 0
    (prediction,) = cli_env.predictions.values()
    assert result.stdout == "".join(prediction.output) + "\n"
    failed = cli("stream", "emulator/fail", "text=x")
    assert failed.status == 1
    assert "emulated failure" in failed.stderr


def test_piped_output_needs_no_rich(cli_env: Emulator) -> None:
    def without_rich(*argv: str) -> subprocess.CompletedProcess[str]:
        code = (
            "import sys; sys.modules['rich'] = None; from replicate.cli import main; "
            f"raise SystemExit(main({list(argv)!r}))"
        )
        return subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
        )

    ran = without_rich("run", "emulator/echo", "text=x")
    assert (ran.returncode, ran.stdout) == (0, "x\n")
    listed = without_rich("predictions", "list")
    assert listed.returncode == 0
    assert json.loads(listed.stdout)["output"] == "x"
