"""``python -m replicate.batching``: JSON lines in and out, SIGKILL at random moments, Ctrl-C."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from replicate.batching.command import build_parser, read_inputs
from replicate.emulator import Emulator, RateLimit

from .conftest import TOKEN, creates_per_input


@pytest.fixture
def limited() -> Iterator[Emulator]:
    limit = RateLimit.parse("100/s", burst=10, fractional_retry_after=True)
    with Emulator(time_scale=0.01, rate_limit=limit) as emulator:
        yield emulator


def _command(emu: Emulator, tmp_path: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "replicate.batching", "emulator/slow",
        "--input", str(tmp_path / "inputs.jsonl"),
        "--output", str(tmp_path / "results.jsonl"),
        "--ledger", str(tmp_path / "batch.db"),
        "--rate", "100/s", "--concurrency", "20", *extra,
    ]  # fmt: skip


def _env(emu: Emulator) -> dict[str, str]:
    return {**os.environ, "REPLICATE_API_TOKEN": TOKEN, "REPLICATE_BASE_URL": emu.base_url}


def _write_inputs(tmp_path: Path, n: int) -> None:
    lines = [json.dumps({"seconds": 5 + i / 100, "queue_seconds": 0}) for i in range(n)]
    (tmp_path / "inputs.jsonl").write_text("\n".join(lines) + "\n")


def test_command_writes_json_lines(limited: Emulator, tmp_path: Path) -> None:
    _write_inputs(tmp_path, 30)
    done = subprocess.run(
        [*_command(limited, tmp_path), "--ordered"], env=_env(limited), capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text().splitlines()]
    assert [line["index"] for line in lines] == list(range(30))
    assert all(line["status"] == "succeeded" and line["id"] for line in lines)
    assert "30/30 done" in done.stderr


def test_command_rejects_bad_input_file(limited: Emulator, tmp_path: Path) -> None:
    (tmp_path / "inputs.jsonl").write_text('{"seconds": 1}\nnot json\n')
    done = subprocess.run(
        _command(limited, tmp_path), env=_env(limited), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "inputs.jsonl:2: not JSON" in done.stderr
    assert limited.requests == []


def test_read_inputs_requires_objects(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"a": 1}\n\n[1, 2]\n')
    with pytest.raises(ValueError, match=r"in\.jsonl:3: an input must be a JSON object"):
        read_inputs(path)


def test_help_says_where_the_api_address_comes_from() -> None:
    # Found by an outsider: `replicate batch --help` said "(as `replicate batch`, also
    # --base-url)" about itself, and `python -m replicate.batching` refuses --base-url.
    mounted = " ".join(build_parser("replicate batch").format_help().split())
    assert "the API address from --base-url or REPLICATE_BASE_URL" in mounted
    alone = " ".join(build_parser().format_help().split())
    assert "the API address from REPLICATE_BASE_URL." in alone and "--base-url" not in alone


def test_sigkill_at_random_moments_then_resume_runs_each_input_once(
    limited: Emulator, tmp_path: Path
) -> None:
    n = 120
    _write_inputs(tmp_path, n)
    rng = random.Random(16)
    for _ in range(6):
        process = subprocess.Popen(
            _command(limited, tmp_path, "--quiet"), env=_env(limited),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(rng.uniform(0.3, 1.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
    final = subprocess.run(
        _command(limited, tmp_path, "--quiet"), env=_env(limited), capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert final.returncode == 0, final.stderr
    lines = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text().splitlines()]
    assert sorted(line["index"] for line in lines) == list(range(n))
    assert all(line["status"] == "succeeded" for line in lines)
    counts = creates_per_input(limited)
    assert len(counts) == n
    assert max(counts.values()) == 1, "an input was created twice"
    assert len({line["id"] for line in lines}) == n


def test_ctrl_c_cancels_in_flight_and_exits_130(limited: Emulator, tmp_path: Path) -> None:
    lines = [json.dumps({"seconds": 500 + i, "queue_seconds": 0}) for i in range(4)]
    (tmp_path / "inputs.jsonl").write_text("\n".join(lines) + "\n")
    process = subprocess.Popen(
        _command(limited, tmp_path), env=_env(limited), stderr=subprocess.PIPE, text=True
    )
    assert limited.wait_for(lambda: len(limited.app.store.predictions) == 4, 10)
    time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert "rerun the same command to resume" in err
    assert "still be running" not in err  # all four were cancelled
    assert limited.wait_for(
        lambda: all(job.status == "canceled" for job in limited.app.store.predictions.values()),
        5,
    )


def test_ctrl_c_says_how_many_predictions_were_left_running(
    limited: Emulator, tmp_path: Path
) -> None:
    # Found by an outsider: after a second Ctrl-C (or with --leave-running) the command said
    # only "interrupted", though predictions it had started were still running.
    lines = [json.dumps({"seconds": 500 + i, "queue_seconds": 0}) for i in range(3)]
    (tmp_path / "inputs.jsonl").write_text("\n".join(lines) + "\n")
    process = subprocess.Popen(
        _command(limited, tmp_path, "--leave-running", "--quiet"), env=_env(limited),
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert limited.wait_for(lambda: len(limited.app.store.predictions) == 3, 10)
    time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130
    # Their creates were held (Prefer: wait): the ids are not known yet, so the rerun looks
    # them up rather than promising to wait for them.
    assert "3 creates not answered: their predictions may be running (a rerun looks" in err
    assert all(job.status != "canceled" for job in limited.app.store.predictions.values())


def test_inputs_can_come_from_stdin(limited: Emulator, tmp_path: Path) -> None:
    lines = [json.dumps({"seconds": 1, "queue_seconds": 0, "n": i}) for i in range(5)]
    command = _command(limited, tmp_path, "--quiet", "--ordered")
    command[command.index("--input") + 1] = "-"
    done = subprocess.run(
        command, env=_env(limited), input="\n".join(lines) + "\n", capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text().splitlines()]
    assert [r["index"] for r in results] == list(range(5))
    assert all(r["status"] == "succeeded" for r in results)


def test_after_ctrl_c_the_message_promises_only_what_a_rerun_does(tmp_path: Path) -> None:
    import datetime

    from replicate.batching.command import _left_running
    from replicate.batching.ledger import Ledger

    path = tmp_path / "batch.db"
    with Ledger(path) as ledger:
        ledger.bind("o/m", "hash of the input")
        ledger.add([(f"k{i}", i, {"n": i}) for i in range(4)])
        ledger.created("k0", "p0")
        ledger.created("k1", "p1")
        ledger.creating("k2", datetime.datetime.now(datetime.UTC))
    said = _left_running(path)
    assert "2 predictions may still be running (a rerun waits for them" in said
    assert "1 create not answered: their predictions may be running (a rerun looks" in said
    assert _left_running(tmp_path / "missing" / "batch.db") == ""
