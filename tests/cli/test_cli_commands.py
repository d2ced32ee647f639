"""Every management command, piped: JSON (JSON lines for lists) checked against the emulator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from replicate.emulator import Emulator

from .conftest import Cli


def run_echo(cli: Cli, text: str = "hi") -> str:
    created = cli("run", "emulator/echo", f"text={text}", "--json")
    assert created.status == 0, created.stderr
    prediction_id: str = created.json()["id"]
    return prediction_id


def test_predictions_list_get_cancel_wait(cli: Cli, cli_env: Emulator) -> None:
    first, second = run_echo(cli, "one"), run_echo(cli, "two")
    listed = cli("predictions", "list")
    assert listed.status == 0
    assert [p["id"] for p in listed.lines()] == [second, first]
    got = cli("predictions", "get", first)
    assert got.json()["output"] == "one"
    waited = cli("predictions", "wait", second)
    assert (waited.status, waited.json()["status"]) == (0, "succeeded")

    slow = cli("run", "emulator/slow", "seconds=30", "--no-wait")
    assert slow.status == 0
    slow_id = slow.json()["id"]
    canceled = cli("predictions", "cancel", slow_id)
    assert canceled.json()["id"] == slow_id
    assert cli_env.wait_for(lambda: cli_env.predictions[slow_id].status == "canceled")
    after = cli("predictions", "wait", slow_id)
    assert after.status == 1
    assert f"{slow_id} canceled" in after.stderr


def test_lists_follow_pages_with_all(cli: Cli, cli_env: Emulator) -> None:
    cli_env.page_size = 2
    ids = [run_echo(cli, str(i)) for i in range(5)]
    assert len(cli("predictions", "list").lines()) == 2
    everything = cli("predictions", "list", "--all")
    assert [p["id"] for p in everything.lines()] == ids[::-1]


def test_json_on_a_terminal_with_the_flag(cli: Cli) -> None:
    run_echo(cli)
    for argv in (("--json", "predictions", "list"), ("predictions", "list", "--json")):
        result = cli(*argv, terminal=True)
        assert result.lines()[0]["model"] == "emulator/echo"


def test_models(cli: Cli) -> None:
    model = cli("models", "get", "emulator/echo").json()
    assert (model["owner"], model["name"]) == ("emulator", "echo")
    names = {m["name"] for m in cli("models", "list", "--all").lines()}
    assert {"echo", "stream-text", "image", "fail", "slow", "official"} <= names
    found = cli("models", "search", "stream").lines()
    assert "stream-text" in {m["name"] for m in found}
    schema = cli("models", "schema", "emulator/stream-text").json()
    assert schema["components"]["schemas"]["Input"]["properties"]["max_tokens"]["type"] == "integer"
    versions = cli("models", "versions", "emulator/echo").lines()
    assert len(versions) == 2
    pinned = cli("models", "schema", f"emulator/echo:{versions[-1]['id']}").json()
    assert "text" in pinned["components"]["schemas"]["Input"]["properties"]
    missing = cli("models", "get", "emulator/nope")
    assert missing.status == 1
    # One line naming the status and the request (str() of the error is 1.x's multi-line text).
    assert missing.stderr.startswith("error: 404 Not found: ")
    assert missing.stderr.count("\n") == 1 and "(GET " in missing.stderr


def test_files(
    cli: Cli, cli_env: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "notes.txt"
    source.write_bytes(b"hello files")
    uploaded = cli("files", "upload", str(source)).lines()
    file_id = uploaded[0]["id"]
    assert uploaded[0]["name"] == "notes.txt"
    assert [f["id"] for f in cli("files", "list").lines()] == [file_id]
    assert cli("files", "get", file_id).json()["size"] == len(b"hello files")
    target = tmp_path / "copy.txt"
    url = cli_env.signed_file_url(file_id)
    downloaded = cli("files", "download", url, "-o", str(target))
    assert downloaded.stdout.strip() == str(target)
    assert target.read_bytes() == b"hello files"
    monkeypatch.chdir(tmp_path)
    query = dict(part.split("=") for part in url.partition("?")[2].split("&"))
    parts = [item for key in ("owner", "expiry", "signature") for item in (f"--{key}", query[key])]
    again = cli("files", "download", file_id, *parts)
    assert Path(again.stdout.strip()) == Path("notes-1.txt")  # never overwrites notes.txt
    assert Path("notes-1.txt").read_bytes() == b"hello files"
    assert cli("files", "download", file_id).status == 2  # not signed
    assert cli("files", "delete", file_id).status == 0
    assert cli("files", "list").stdout == ""
    assert cli("files", "upload", str(tmp_path / "absent")).status == 2


def test_trainings(cli: Cli, cli_env: Emulator) -> None:
    version = cli("models", "versions", "emulator/echo").lines()[0]["id"]
    created = cli(
        "trainings",
        "create",
        f"emulator/echo:{version}",
        "text=hi",
        "--destination",
        "emulator/slow",
    )
    assert created.status == 0, created.stderr
    training_id = created.json()["id"]
    assert cli("trainings", "get", training_id).json()["id"] == training_id
    assert [t["id"] for t in cli("trainings", "list").lines()] == [training_id]
    assert cli("trainings", "cancel", training_id).json()["id"] == training_id
    assert cli("trainings", "create", "emulator/echo", "text=hi").status == 2  # no --destination


def test_deployments(cli: Cli) -> None:
    listed = cli("deployments", "list").lines()
    assert [f"{d['owner']}/{d['name']}" for d in listed] == ["emulator/echo-deployment"]
    version = cli("models", "versions", "emulator/echo").lines()[0]["id"]
    settings = ["--version", version, "--hardware", "cpu", "--min-instances", "0"]
    created = cli(
        "deployments",
        "create",
        "mine",
        "--model",
        "emulator/echo",
        *settings,
        "--max-instances",
        "1",
    )
    assert created.status == 0, created.stderr
    name = f"{created.json()['owner']}/mine"
    assert cli("deployments", "get", name).json()["name"] == "mine"
    updated = cli("deployments", "update", name, "--max-instances", "3").json()
    assert updated["current_release"]["configuration"]["max_instances"] == 3
    assert cli("deployments", "update", name).status == 2  # nothing to change
    assert cli("deployments", "update", "no-slash", "--max-instances", "1").status == 2
    assert cli("deployments", "delete", name).status == 0
    assert cli("deployments", "get", name).status == 1


def test_hardware_account_webhook_secret(cli: Cli, cli_env: Emulator) -> None:
    assert {"sku", "name"} <= set(cli("hardware").lines()[0])
    assert cli("account").json()["username"] == "emulator"
    assert cli("webhooks", "secret").json() == {"key": cli_env.webhook_secret}


def test_usage_errors_exit_2_and_send_nothing(cli: Cli, cli_env: Emulator) -> None:
    for argv in (
        (),
        ("predictions",),
        ("predictions", "frobnicate"),
        ("run",),
        ("run", "not a ref", "x=1"),
        ("run", "emulator/echo", "text"),
        ("models", "schema", "noslash"),
    ):
        assert cli(*argv).status == 2, argv
    assert cli_env.requests == []


def test_missing_token_is_sent_without_one_and_the_401_names_the_variable(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, cli_env: Emulator
) -> None:
    # As the library does (gateways may add the header): no token, no Authorization header.
    monkeypatch.delenv("REPLICATE_API_TOKEN")
    result = cli("account")
    assert result.status == 1
    assert "REPLICATE_API_TOKEN" in result.stderr
    assert "authorization" not in {key.lower() for key in cli_env.requests[-1].headers}


def test_base_url_option_wins_over_the_environment(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, cli_env: Emulator
) -> None:
    monkeypatch.setenv("REPLICATE_BASE_URL", "http://127.0.0.1:9")  # nothing listens there
    assert cli("account").status == 1
    assert cli("--base-url", cli_env.base_url, "account").json()["username"] == "emulator"
    assert cli("account", "--base-url", cli_env.base_url).status == 0


def test_batch_runs_inputs_from_a_file(cli: Cli, tmp_path: Path) -> None:
    inputs = tmp_path / "inputs.jsonl"
    inputs.write_text('{"text": "a"}\n{"text": "b"}\n', encoding="utf-8")
    results = tmp_path / "results.jsonl"
    args = ["batch", "emulator/echo", "--input", str(inputs), "--output", str(results)]
    assert cli(*args, "--quiet").status == 0
    lines = [json.loads(line) for line in results.read_text("utf-8").splitlines()]
    assert sorted(line["output"] for line in lines) == ["a", "b"]
    missing = ["--input", str(tmp_path / "missing.jsonl"), "--output", str(results)]
    assert cli("batch", "emulator/echo", *missing).status == 2


def test_generate_writes_a_typed_module_per_model(
    cli: Cli, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("generate", "emulator/echo", "--out", str(tmp_path)).status == 0
    printed = capsys.readouterr()
    module = tmp_path / "emulator" / "echo.py"
    assert f"wrote {module}" in printed.out
    assert "def run(" in module.read_text("utf-8")
    assert cli("generate", "--out", str(tmp_path)).status == 2
    assert "at least one REF" in capsys.readouterr().err


def test_emulator_options_are_the_emulators(cli: Cli) -> None:
    assert cli("emulator", "--no-such-option").status == 2
