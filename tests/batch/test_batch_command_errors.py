"""``replicate batch`` when resuming goes wrong: each error is one line with the right exit
status, and a lookup among recent predictions with large outputs still works. Secret inputs
stay out of the results file. Found by an outsider: the rerun printed a 119-line traceback
when the API was unreachable, reported a too-large page as "bad arguments" (exit 2) for
ever, and wrote secret inputs echoed by the model into results.jsonl."""

from __future__ import annotations

import argparse
import datetime
import json
from pathlib import Path
from typing import Any

import pytest

import replicate
from replicate._flows.drive import SyncDriver
from replicate._flows.orphans import recent_predictions_flow
from replicate._http import api_transport
from replicate.batching import Ledger
from replicate.batching.command import add_arguments, run
from replicate.batching.keys import check_inputs
from replicate.emulator import Emulator
from replicate.exceptions import ResponseTooLargeError

from .conftest import TOKEN

INPUTS = [{"text": f"t{i}"} for i in range(3)]


def _args(tmp_path: Path, ref: str = "emulator/echo") -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(
        [
            ref, "--input", str(tmp_path / "in.jsonl"), "--output", str(tmp_path / "out.jsonl"),
            "--ledger", str(tmp_path / "b.db"), "--quiet",
        ]
    )  # fmt: skip


def _crashed(tmp_path: Path, inputs: list[dict[str, Any]], ref: str = "emulator/echo") -> None:
    """The input file, and a ledger as a run killed during every create leaves it."""
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(i) + "\n" for i in inputs))
    with Ledger(tmp_path / "b.db") as ledger:
        ledger.bind(ref, "hash of the input")
        items, _ = check_inputs(inputs, None)
        ledger.add(items)
        for key, _, _ in items:
            ledger.creating(key, datetime.datetime.now(datetime.UTC))


def test_a_failed_lookup_is_one_line_exit_1_and_creates_nothing(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _crashed(tmp_path, INPUTS)
    emu.faults.add("predictions.list", status=400, times=1)
    with replicate.Client(api_token=TOKEN, base_url=emu.base_url) as client:
        assert run(_args(tmp_path), client=client) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert "could not look up the predictions of 3 input(s)" in line
    assert "state is unknown, so nothing was created" in line and "rerun" in line
    assert len(emu.predictions) == 0


def test_an_unreachable_api_on_resume_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _crashed(tmp_path, INPUTS)
    unreachable = replicate.Client(api_token=TOKEN, base_url="http://127.0.0.1:9", max_retries=0)
    with unreachable as client:
        assert run(_args(tmp_path), client=client) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("replicate batch: ConnectError") and "rerun the same command" in line


def test_recent_predictions_too_large_for_one_page_are_read_in_narrower_windows(
    client: replicate.Client, emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    emu.add_model("acme/big", lambda text: text * 10_000)  # 20 kB outputs
    since = datetime.datetime.now(datetime.UTC)
    made = [
        client.predictions.create(model="acme/big", input={"text": f"{i:02}"}) for i in range(24)
    ]
    assert emu.wait_for(lambda: all(j.done for j in emu.predictions.values()), 5)
    monkeypatch.setattr(api_transport, "API_BODY_LIMIT", 200_000)  # eight such outputs
    with pytest.raises(ResponseTooLargeError):
        client.predictions.list()  # one page holds all 24
    recent = SyncDriver(client, None).drive(recent_predictions_flow(since))
    assert sorted(p.id for p in recent) == sorted(p.id for p in made)
    assert [p.id for p in recent] == [p.id for p in made][::-1]  # newest first, as the API


SECRET_SCHEMA = {
    "type": "object",
    "required": ["text", "api_key"],
    "properties": {
        "text": {"type": "string", "x-order": 0},
        "api_key": {"type": "string", "format": "password", "x-cog-secret": True, "x-order": 1},
    },
}


def test_secret_inputs_echoed_by_the_model_stay_out_of_the_results(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def predict(text: str, api_key: str) -> str:
        if text == "fail":
            raise ValueError(f"bad key {api_key}")
        return f"{text} with {api_key}"

    emu.add_model("acme/secretive", predict, input_schema=SECRET_SCHEMA)
    inputs = [
        {"text": "ok", "api_key": "sk-SECRET-one-1"},
        {"text": "fail", "api_key": "sk-SECRET-two-2"},
    ]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(i) + "\n" for i in inputs))
    with replicate.Client(api_token=TOKEN, base_url=emu.base_url) as client:
        assert run(_args(tmp_path, "acme/secretive"), client=client) == 1
    results = (tmp_path / "out.jsonl").read_text()
    assert "ok with [REDACTED]" in results and "bad key [REDACTED]" in results
    assert "SECRET" not in results and "SECRET" not in "".join(capsys.readouterr())


def test_a_rerun_reports_its_end_once(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Found by an outsider: a rerun whose inputs were all finished printed its last
    # progress line twice.
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(i) + "\n" for i in INPUTS))
    args = _args(tmp_path)
    args.quiet = False
    with replicate.Client(api_token=TOKEN, base_url=emu.base_url) as client:
        assert run(args, client=client) == 0
        capsys.readouterr()
        assert run(args, client=client) == 0
    lines = capsys.readouterr().err.splitlines()
    assert lines and lines[-1].startswith("3/3 done")
    assert len(lines) == len(set(lines)), lines


def test_a_batch_stopped_before_its_ledger_existed_says_so_and_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Found by an outsider: "ConnectError: [Errno 111] Connection refused; rerun the same
    # command to resume from b.db", with no address, and no b.db (the schema lookup that
    # failed comes before the ledger is made).
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(i) + "\n" for i in INPUTS))
    unreachable = replicate.Client(api_token=TOKEN, base_url="http://127.0.0.1:9", max_retries=0)
    with unreachable as client:
        assert run(_args(tmp_path), client=client) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert "http://127.0.0.1:9/v1/models/emulator/echo" in line
    assert line.endswith("rerun the same command (nothing was created)")
    assert not (tmp_path / "b.db").exists()
