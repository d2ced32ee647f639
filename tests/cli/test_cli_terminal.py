"""On a terminal: tables, the progress display, and Ctrl-C cancelling the prediction.

The command runs in a subprocess whose stdin/stdout/stderr are a real pseudo-terminal.
"""

from __future__ import annotations

import argparse
import io
import os
import pty
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from replicate.cli.context import Context
from replicate.cli.progress import RunDisplay
from replicate.emulator import Emulator
from replicate.prediction import Prediction

from .conftest import TOKEN, Cli, FakeTerminal

ROOT = Path(__file__).resolve().parents[2]


class Terminal:
    """``python -m replicate ARGV`` attached to a pseudo-terminal; output collected."""

    def __init__(self, emulator: Emulator, *argv: str) -> None:
        master, slave = pty.openpty()
        env = {
            **os.environ,
            "REPLICATE_API_TOKEN": TOKEN,
            "REPLICATE_BASE_URL": emulator.base_url,
            "COLUMNS": "120",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "replicate", *argv],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=ROOT,
        )
        os.close(slave)
        self._master = master
        self._chunks: list[bytes] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self._master, 4096)
            except OSError:  # EIO once the child closed its side
                return
            if not chunk:
                return
            self._chunks.append(chunk)

    def finish(self, timeout: float = 30) -> tuple[int, str]:
        """The exit status and everything the terminal showed."""
        status = self.process.wait(timeout)
        self._reader.join(timeout)
        os.close(self._master)
        return status, b"".join(self._chunks).decode(errors="replace")


def test_lists_are_tables(cli_env: Emulator) -> None:
    status, screen = Terminal(cli_env, "hardware").finish()
    assert status == 0
    assert "sku" in screen
    assert "gpu-t4" in screen
    assert "{" not in screen  # not JSON


def test_run_shows_status_and_elapsed_time_then_the_output(cli_env: Emulator) -> None:
    cli_env.time_scale = 0.5
    status, screen = Terminal(cli_env, "run", "emulator/slow", "seconds=2", "--logs").finish()
    assert status == 0, screen
    (prediction,) = cli_env.predictions.values()
    assert f"{prediction.id} processing" in screen
    assert f"{prediction.id} succeeded" in screen
    assert "0:00:0" in screen  # elapsed time
    assert "1s elapsed" in screen  # streamed logs
    assert "finished after 2 seconds" in screen


def ctrl_c_once_processing(cli_env: Emulator, terminal: Terminal) -> str:
    """Press Ctrl-C once the run's prediction is processing; checks the command exited 130
    having cancelled it, and returns the screen."""
    assert cli_env.wait_for(
        lambda: any(p.status == "processing" for p in cli_env.predictions.values()), timeout=20
    )
    terminal.process.send_signal(signal.SIGINT)
    status, screen = terminal.finish()
    assert status == 130, screen
    (prediction,) = cli_env.predictions.values()
    assert prediction.status == "canceled"
    return screen


def test_ctrl_c_cancels_the_prediction_and_exits_130(cli_env: Emulator) -> None:
    cli_env.time_scale = 1.0
    terminal = Terminal(cli_env, "run", "emulator/slow", "seconds=60")
    screen = ctrl_c_once_processing(cli_env, terminal)
    assert "interrupted" in screen
    assert "Traceback" not in screen


def test_ctrl_c_cancels_a_json_run_of_an_iterator_model(cli_env: Emulator) -> None:
    # --json reads an iterator output to the end instead of printing at once; Ctrl-C
    # meanwhile cancels the prediction, as without --json.
    def tokens(prompt: str, sleep: Any = None) -> Iterator[str]:
        for i in range(1000):
            sleep(1)
            yield f"t{i} "

    cli_env.time_scale = 1.0
    cli_env.add_model("acme/endless", tokens)
    ctrl_c_once_processing(cli_env, Terminal(cli_env, "run", "acme/endless", "prompt=hi", "--json"))


def tqdm_prediction(logs: str, status: str = "processing") -> Prediction:
    return Prediction.from_json(None, {"id": "p1", "status": status, "logs": logs})


def test_progress_bar_follows_the_models_tqdm_lines(cli: Cli) -> None:
    stderr = FakeTerminal()
    ctx = Context(parse(), stdout=io.StringIO(), stderr=stderr)
    with RunDisplay(ctx, logs=True) as display:
        display.update(tqdm_prediction("loading\n"))
        display.update(tqdm_prediction("loading\n 40%|████      | 4/10 [00:01<00:02]\n"))
    screen = stderr.getvalue()
    assert "p1 processing" in screen
    assert "40%" in screen
    assert "loading" in screen


def test_without_rich_a_terminal_gets_a_hint(monkeypatch: pytest.MonkeyPatch, cli: Cli) -> None:
    monkeypatch.setitem(sys.modules, "rich", None)
    monkeypatch.setitem(sys.modules, "rich.console", None)
    result = cli("hardware", terminal=True)
    assert result.status == 0
    assert "pip install 'replicate[cli]'" in result.stderr
    assert {"sku", "name"} <= set(result.lines()[0])


def test_objects_and_schemas_are_readable_on_a_terminal(cli: Cli) -> None:
    schema = cli("models", "schema", "emulator/stream-text", terminal=True)
    assert schema.status == 0
    assert "max_tokens" in schema.stdout
    assert "int (>= 1, <= 4096)" in schema.stdout
    assert "{" not in schema.stdout
    model = cli("models", "get", "emulator/echo", terminal=True)
    assert "Returns its text input." in model.stdout
    assert '"owner"' not in model.stdout


def test_the_schema_table_shows_enum_values_and_required_inputs(
    cli: Cli, cli_env: Emulator
) -> None:
    # Found by an outsider: cog publishes enums as allOf: [{$ref}], and the table read the
    # raw "type": the column was empty for them, and required inputs were not marked.
    schemas = {
        "scheduler": {"type": "string", "enum": ["K_EULER", "DDIM"]},
        "Input": {"type": "object", "required": ["prompt"], "properties": {
            "prompt": {"type": "string", "x-order": 0},
            "scheduler": {"allOf": [{"$ref": "#/components/schemas/scheduler"}],
                          "default": "K_EULER", "x-order": 1},
        }},
        "Output": {"type": "string"},
    }  # fmt: skip
    version = {"id": "5" * 64, "openapi_schema": {"components": {"schemas": schemas}}}
    cli_env.add_model_from_json({"owner": "acme", "name": "sd", "latest_version": version})
    table = cli("models", "schema", "acme/sd", terminal=True).stdout
    rows = [[cell.strip() for cell in line.split("│")[1:-1]] for line in table.splitlines()]
    assert ["prompt", "str", "required", ""] in rows
    assert ["scheduler", "Literal['K_EULER', 'DDIM']", '"K_EULER"', ""] in rows


def parse() -> argparse.Namespace:
    from replicate.cli.app import build_parser

    return build_parser().parse_args(["run", "emulator/echo"])


def test_import_replicate_loads_nothing_of_the_cli() -> None:
    code = (
        "import sys, replicate; "
        "print(sorted(m for m in sys.modules if m.startswith(('replicate.cli', 'rich')))); "
        "replicate.Client; "
        "print(sorted(m for m in sys.modules if m.startswith('replicate.cli.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    # (`replicate.Client` imports httpx, which imports rich itself when click is installed too.)
    assert done.stdout.splitlines() == ["[]", "[]"], done.stderr


def test_help_loads_neither_the_client_nor_rich() -> None:
    code = (
        "import sys; from replicate.cli import main; status = main(['--help']); "
        "print(status, sorted(m for m in sys.modules if m.startswith("
        "('rich', 'httpx', 'replicate.client', 'replicate_api'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines()[-1] == "0 []", done.stdout + done.stderr
    for command in ("run", "stream", "predictions", "models", "files", "trainings", "emulator"):
        assert command in done.stdout


def test_console_script_and_python_m(cli_env: Emulator) -> None:
    script = Path(sys.executable).with_name("replicate")
    env = {**os.environ, "REPLICATE_API_TOKEN": TOKEN, "REPLICATE_BASE_URL": cli_env.base_url}
    for argv in ([str(script)], [sys.executable, "-m", "replicate"]):
        done = subprocess.run(
            [*argv, "account"], capture_output=True, text=True, timeout=60, env=env
        )
        assert done.returncode == 0, done.stderr
        assert json_loads(done.stdout)["username"] == "emulator"


def test_emulator_command_serves_until_interrupted() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "replicate", "emulator", "--port", "0", "--seed", "3"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("replicate emulator listening on http://127.0.0.1:")
    url = line.rsplit(" ", 1)[1].strip()
    import httpx

    models = httpx.get(f"{url}/v1/models", headers={"Authorization": "Bearer x"}).json()
    assert models["results"]
    process.send_signal(signal.SIGINT)
    assert process.wait(30) == 0


def json_loads(text: str) -> dict[str, object]:
    import json

    value: dict[str, object] = json.loads(text)
    return value


def test_the_output_starts_on_its_own_line_after_the_progress_bar(cli_env: Emulator) -> None:
    # Found by an outsider: the output was written into the progress bar's line
    # ("... 0:00:00hi") and tokens were erased by its refreshes.
    status, screen = Terminal(cli_env, "run", "emulator/echo", "text=plain-output").finish()
    assert status == 0, screen
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen)
    lines = [line.split("\r")[-1] for line in plain.splitlines()]
    assert "plain-output" in lines


def test_batch_progress_bar_counts_inputs_and_shows_one_eta(
    cli_env: Emulator, tmp_path: Path
) -> None:
    inputs = tmp_path / "inputs.jsonl"
    inputs.write_text("".join(f'{{"seconds": 1, "i": {i}}}\n' for i in range(4)))
    cli_env.time_scale = 0.2
    terminal = Terminal(
        cli_env, "batch", "emulator/slow", "--input", str(inputs),
        "--output", str(tmp_path / "results.jsonl"), "--ledger", str(tmp_path / "batch.db"),
    )
    status, screen = terminal.finish(60)
    assert status == 0, screen
    last = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen).replace("\r\n", "\r").split("\r")
    final = [line for line in last if "4/4" in line][-1]
    assert "0 failed, 0 in flight" in final
    assert final.count("ETA") == 1
    assert not re.search(r"\d:\d\d:\d\d|-:--:--", final), final  # no second, rich-made ETA
