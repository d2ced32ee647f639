"""Command-line behaviour found wrong by using it as an outsider would: files in streams,
URL-looking text, bad output folders, options after the command name, --version, --no-wait
with --timeout."""

from __future__ import annotations

import argparse
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from replicate.cli import main
from replicate.cli.context import Context
from replicate.emulator import Emulator

from .conftest import TOKEN, Cli, posts


def test_stream_prints_file_outputs_as_urls(cli: Cli) -> None:
    result = cli("stream", "emulator/image", "num_outputs=2")
    assert result.status == 0, result.stderr
    urls = result.stdout.split()
    assert len(urls) == 2 and all(u.startswith("http") and u.endswith(".png") for u in urls)


def test_text_that_looks_like_a_url_is_printed_not_downloaded(
    cli: Cli, tmp_path: Path
) -> None:
    result = cli("run", "emulator/echo", "text=https://example.com/page.html", "--output-dir",
                 str(tmp_path))  # fmt: skip
    assert (result.status, result.stdout) == (0, "https://example.com/page.html\n")
    assert list(tmp_path.iterdir()) == []


def test_an_output_dir_that_cannot_be_used_is_refused_before_creating(
    cli: Cli, cli_env: Emulator, tmp_path: Path
) -> None:
    (tmp_path / "a-file").write_text("x")
    for bad in (tmp_path / "a-file", tmp_path / "a-file" / "below"):
        result = cli("run", "emulator/image", "--output-dir", str(bad))
        assert result.status == 2 and "is not a folder" in result.stderr
        assert "Traceback" not in result.stderr
    assert posts(cli_env) == []


def test_a_download_to_a_missing_folder_is_an_error_not_a_traceback(
    cli: Cli, cli_env: Emulator, tmp_path: Path
) -> None:
    uploaded = cli("files", "upload", str(Path(__file__)), "--json")
    assert uploaded.status == 0, uploaded.stderr
    url = cli_env.signed_file_url(json.loads(uploaded.stdout.splitlines()[0])["id"])
    result = cli("files", "download", url, "-o", str(tmp_path / "missing" / "x.txt"))
    assert result.status == 1 and result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr


def test_a_refused_download_leaves_the_target_alone(
    cli: Cli, cli_env: Emulator, tmp_path: Path
) -> None:
    # Found by an outsider: a 404 or a bad signature left `-o keep.txt` empty, and a URL that
    # is not a signed download URL crashed with a TypeError traceback.
    uploaded = cli("files", "upload", str(Path(__file__)), "--json")
    url = cli_env.signed_file_url(json.loads(uploaded.stdout.splitlines()[0])["id"])
    keep = tmp_path / "keep.txt"
    keep.write_text("precious")
    forged = url.replace("signature=", "signature=0")
    result = cli("files", "download", forged, "-o", str(keep))
    assert result.status == 1 and result.stderr.startswith("error: ")
    assert keep.read_text() == "precious"
    unsigned = url.split("?")[0]
    result = cli("files", "download", unsigned, "-o", str(keep))
    assert result.status == 2 and "not a signed download URL" in result.stderr
    assert "Traceback" not in result.stderr and keep.read_text() == "precious"
    # The file's urls.get is its API URL, never signed: the advice must not send the user
    # back to it (found by an outsider), but say what a signed URL looks like.
    api_url = json.loads(uploaded.stdout.splitlines()[0])["urls"]["get"]
    refused = cli("files", "download", api_url, "-o", str(keep))
    assert refused.status == 2 and "urls.get" not in refused.stderr
    assert "/download?owner=...&expiry=...&signature=..." in refused.stderr
    assert cli("files", "download", url, "-o", str(keep)).status == 0
    assert keep.read_bytes() == Path(__file__).read_bytes()


def test_json_and_base_url_after_any_command_name(cli: Cli, cli_env: Emulator) -> None:
    assert cli("predictions", "--json", "list").status == 0
    generated = cli("generate", "emulator/echo", "--check", "--base-url", cli_env.base_url)
    assert "unrecognized arguments" not in generated.stderr


def test_version(cli: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    from replicate import __version__

    assert cli("--version").status == 0
    assert capsys.readouterr().out.strip() == f"replicate {__version__}"


def test_no_wait_with_timeout_asks_the_api_to_cancel(cli: Cli, cli_env: Emulator) -> None:
    cli_env.time_scale = 1.0
    result = cli("run", "emulator/slow", "seconds=100", "--timeout", "5", "--no-wait", "--json")
    assert result.status == 0, result.stderr
    prediction_id = json.loads(result.stdout)["id"]
    # The API is asked to cancel it (the emulator's own tests check that Cancel-After does).
    [create] = [r for r in cli_env.requests if r.method == "POST"]
    assert create.headers["cancel-after"] == "5s"
    assert not cli_env.predictions[prediction_id].done
    # Under the API's 5 s minimum the API would refuse it: refused before anything is sent.
    refused = cli("run", "emulator/slow", "seconds=1", "--timeout", "0.5", "--no-wait")
    assert refused.status == 2 and "--timeout with --no-wait must be at least 5" in refused.stderr
    assert len(posts(cli_env)) == 1


def test_stream_cancels_the_prediction_when_the_reader_goes_away() -> None:
    import os
    import subprocess
    import sys

    with Emulator(time_scale=1.0) as emu:
        env = {**os.environ, "REPLICATE_API_TOKEN": "r8_x", "REPLICATE_BASE_URL": emu.base_url}
        process = subprocess.Popen(
            [sys.executable, "-m", "replicate", "stream", "emulator/stream-text", "max_tokens=300"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
        )  # fmt: skip
        assert process.stdout is not None
        process.stdout.read(5)  # `| head -c 5`
        process.stdout.close()
        process.wait(30)
        assert emu.wait_for(lambda: all(p.done for p in emu.predictions.values()), timeout=10)
        assert [p.status for p in emu.predictions.values()] == ["canceled"]


def test_refusals_before_sending_exit_as_usage_errors(cli: Cli, cli_env: Emulator) -> None:
    # Found by an outsider: checks the client makes before sending exited 1 (reserved for
    # failures), and a bad --timeout was refused only after the model's schema was fetched.
    before = len(cli_env.requests)
    for argv in (
        ("predictions", "get", "../x"),
        ("deployments", "get", "bad"),
        ("run", "emulator/echo", "text=x", "--timeout", "-1"),
        ("run", "emulator/echo", "text=x", "--timeout", "nan"),
        ("predictions", "wait", "p1", "--timeout", "0"),
    ):
        result = cli(*argv)
        assert result.status == 2, (argv, result.stderr)
        assert "Traceback" not in result.stderr
    assert len(cli_env.requests) == before


def test_stream_with_json_prints_every_event_as_a_json_line(cli: Cli) -> None:
    # Found by an outsider: --json was accepted and ignored.
    result = cli("stream", "emulator/stream-text", "prompt=hi", "max_tokens=3", "--json")
    assert result.status == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["event"] for e in events if e["event"] == "output"] == ["output"] * 3
    assert events[-1]["event"] == "done" and all(set(e) == {"event", "id", "data"} for e in events)


def _keyed_model(cli_env: Emulator) -> list[str]:
    received: list[str] = []

    def model(prompt: str, api_key: str, log: Any = None) -> str:
        received.append(api_key)
        log(f"calling upstream with key {api_key}")
        if prompt == "fail":
            raise RuntimeError(f"upstream refused key {api_key}")
        return f"done with {api_key}"

    schema = {
        "type": "object",
        "required": ["prompt", "api_key"],
        "properties": {
            "prompt": {"type": "string", "x-order": 0},
            "api_key": {"type": "string", "format": "password", "x-cog-secret": True,
                        "x-order": 1},
        },
    }  # fmt: skip
    cli_env.add_model("acme/keyed", model, input_schema=schema)
    return received


def test_a_secret_input_echoed_by_the_model_is_not_printed(cli: Cli, cli_env: Emulator) -> None:
    # Found by an outsider: the input was masked, but the model's logs, error and output,
    # which echoed it, were printed as they came.
    _keyed_model(cli_env)
    secret = "sk-echoed-0123456789"
    for argv in (
        ("run", "acme/keyed", "prompt=hi", f"api_key={secret}", "--json"),
        ("run", "acme/keyed", "prompt=hi", f"api_key={secret}", "--logs"),
        ("run", "acme/keyed", "prompt=fail", f"api_key={secret}"),
        ("stream", "acme/keyed", "prompt=hi", f"api_key={secret}", "--json"),
    ):
        result = cli(*argv)
        assert secret not in result.stdout + result.stderr, argv
    printed = cli("run", "acme/keyed", "prompt=hi", f"api_key={secret}").stdout
    assert printed == "done with [REDACTED]\n"


def test_a_secret_from_a_file_or_stdin_is_its_text_not_an_upload(
    cli: Cli, cli_env: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Found by an outsider: `api_key=@key.txt` uploaded the key to the account's files and sent
    # the model the file's URL.
    received = _keyed_model(cli_env)
    key_file = tmp_path / "key.txt"
    key_file.write_text("sk-from-file-0123\n")
    assert cli("run", "acme/keyed", "prompt=hi", f"api_key=@{key_file}").status == 0
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"sk-from-stdin-0123\r\n")))
    assert cli("run", "acme/keyed", "prompt=hi", "api_key=@-").status == 0
    assert received == ["sk-from-file-0123", "sk-from-stdin-0123"]
    assert cli_env.app.store.files == {}


def test_a_failing_stream_says_why_in_one_line_and_as_a_json_event(cli: Cli) -> None:
    # Found by a newcomer: the error line held the event's raw JSON, stdout got a stray blank
    # line, and `--json` left the error event out.
    text = cli("stream", "emulator/fail", "text=x")
    assert (text.status, text.stdout) == (1, "")
    assert text.stderr.startswith("error: RuntimeError: emulated failure")
    assert '{"detail"' not in text.stderr
    events = [json.loads(line) for line in cli("stream", "emulator/fail", "text=x", "--json")
              .stdout.splitlines()]  # fmt: skip
    assert events[-1]["event"] == "error" and "emulated failure" in events[-1]["data"]


def _chatty_model(emulator: Emulator) -> None:
    # An LLM that repeats its secret input three characters at a time, and logs it whole.
    def chatty(api_key: str) -> Iterator[str]:
        print(f"got {api_key}")
        yield "your key is "
        for start in range(0, len(api_key), 3):
            yield api_key[start : start + 3]
        yield "."

    secret = {"type": "string", "format": "password", "x-cog-secret": True}
    schema = {"required": ["api_key"], "properties": {"api_key": secret}}
    emulator.add_model("acme/chatty", chatty, input_schema=schema)


def test_a_secret_echoed_token_by_token_is_not_printed(cli: Cli, cli_env: Emulator) -> None:
    # Found by an outsider: each write was scrubbed on its own, so a secret split over
    # streamed tokens was printed whole.
    _chatty_model(cli_env)
    secret = "sk-split-0123456789abcdef"
    for command in ("run", "stream"):
        result = cli(command, "acme/chatty", f"api_key={secret}")
        assert (result.status, result.stdout) == (0, "your key is [REDACTED].\n"), command
    events = cli("stream", "acme/chatty", f"api_key={secret}", "--json").lines()
    text = "".join(e["data"] for e in events if e["event"] == "output")
    assert text == "your key is [REDACTED]."
    ids = [e["id"] for e in events]
    assert len(ids) == len(set(ids))  # each event printed once


def test_text_that_only_starts_like_a_secret_is_printed_whole(
    cli: Cli, cli_env: Emulator
) -> None:
    _chatty_model(cli_env)
    assert cli("run", "acme/chatty", "api_key=sk-tail-98").stdout == "your key is [REDACTED].\n"
    # The first characters of the secret are held back until the next write shows they
    # are not the secret, then printed.
    for text in ("key sk-tai and sk-tail-9", "sk-t"):
        assert cli("run", "emulator/echo", f"text={text}").stdout == f"{text}\n"
    # What is held at the end of the command is printed then, a cut secret scrubbed.
    out = io.StringIO()
    ctx = Context(argparse.Namespace(), out, io.StringIO())
    ctx.stdout.write("partial sk-t")
    ctx.stdout.write("ail-")
    assert out.getvalue() == "partial "
    ctx.end_output()
    assert out.getvalue() == "partial [REDACTED]"


def test_short_secret_inputs_are_scrubbed_down_to_4_characters(
    cli: Cli, cli_env: Emulator
) -> None:
    # Found by an outsider: secret inputs shorter than 8 characters (the rule for API
    # tokens) were never scrubbed.
    _chatty_model(cli_env)
    for secret in ("hunt3r2", "Pq9z"):
        result = cli("run", "acme/chatty", f"api_key={secret}", "--logs")
        assert result.stdout == "your key is [REDACTED].\n", secret
        assert result.stderr == "got [REDACTED]\n"
    # Scrubbing every match of a 1-3 character value would mangle all output.
    assert cli("run", "acme/chatty", "api_key=Zq7").stdout == "your key is Zq7.\n"


def test_string_lengths_and_item_bounds_are_refused_before_anything_is_sent(
    cli: Cli, cli_env: Emulator
) -> None:
    schema = {
        "properties": {
            "code": {"type": "string", "maxLength": 4, "pattern": "^[a-z]+$", "x-order": 0},
            "steps": {"type": "array", "items": {"type": "integer", "maximum": 10},
                      "x-order": 1},
        }
    }  # fmt: skip
    cli_env.add_model("acme/coded", lambda code="", steps=(): code, input_schema=schema)
    result = cli("run", "acme/coded", "code=TOO-LONG", "steps=1", "steps=99")
    assert result.status == 2
    assert "code: must be at most 4 characters long" in result.stderr
    assert "steps: item 1 must be <= 10" in result.stderr
    assert posts(cli_env) == []
    assert cli("run", "acme/coded", "code=abc", "steps=3").stdout == "abc\n"


def test_an_unreachable_api_is_named_in_the_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # Found by an outsider: `replicate run` against an API nobody listens on said only
    # "error: [Errno 111] Connection refused", not which address it tried.
    import socket

    with socket.socket() as probe:  # a port that was free a moment ago: nobody listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("REPLICATE_API_TOKEN", TOKEN)
    monkeypatch.setenv("REPLICATE_BASE_URL", f"http://127.0.0.1:{port}/v1")
    out, err = io.StringIO(), io.StringIO()
    status = main(["run", "acme/anything", "text=hi"], stdout=out, stderr=err)
    assert status == 1
    message = err.getvalue()
    assert message.startswith("error: ") and message.count("\n") == 1
    assert f"(GET http://127.0.0.1:{port}/v1/models/acme/anything)" in message, message
    assert TOKEN not in message
