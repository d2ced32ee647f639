"""One batch per ledger at a time. Found by an outsider: two processes started on one ledger
(a cron job started twice) each created every input."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from replicate.batching import Ledger, LedgerInUse
from replicate.emulator import Emulator

from .conftest import TOKEN, creates_per_input

HOLD = (
    "import sys, time\n"
    "from replicate.batching import Ledger\n"
    "ledger = Ledger(sys.argv[1])\n"
    "print('held', flush=True)\n"
    "time.sleep(60)\n"
)


def test_a_ledger_open_elsewhere_in_this_process_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "batch.db"
    with Ledger(path):
        with pytest.raises(LedgerInUse, match=r"in use by this process"):
            Ledger(path)
        assert issubclass(LedgerInUse, ValueError)
    with Ledger(path):  # closed: free again
        pass


def test_a_ledger_held_by_another_process_is_refused_until_it_dies(tmp_path: Path) -> None:
    path = tmp_path / "batch.db"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with pytest.raises(LedgerInUse, match=rf"in use by process {holder.pid} on "):
            Ledger(path)
    finally:
        holder.send_signal(signal.SIGKILL)  # no clean-up: the OS drops the lock
        holder.wait()
    with Ledger(path):
        pass


@pytest.mark.skipif(sys.platform == "win32", reason="flock: a lock other handles can still read")
def test_the_holder_is_named_when_it_writes_its_line_just_after_locking(tmp_path: Path) -> None:
    # Found flaky in make test: the second command read the lock file between the first one's
    # flock and its write, and said "another process" instead of naming it.
    import fcntl
    import threading

    path = tmp_path / "batch.db"
    fd = os.open(str(path) + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # held, its line not written yet
    late = threading.Timer(0.05, os.write, (fd, b"4242 elsewhere\n"))
    late.start()
    try:
        with pytest.raises(LedgerInUse, match=r"in use by process 4242 on elsewhere:"):
            Ledger(path)
    finally:
        late.join()
        os.close(fd)


def test_two_commands_on_one_ledger_run_each_input_once(tmp_path: Path) -> None:
    # Each runs about a second: the first process still holds the ledger when the second starts.
    inputs = [{"seconds": 100 + i, "queue_seconds": 0} for i in range(10)]
    (tmp_path / "inputs.jsonl").write_text("".join(json.dumps(i) + "\n" for i in inputs))
    with Emulator(time_scale=0.01) as emu:
        env = {**os.environ, "REPLICATE_API_TOKEN": TOKEN, "REPLICATE_BASE_URL": emu.base_url}
        processes = [
            subprocess.Popen(_command(tmp_path, n), env=env, stderr=subprocess.PIPE, text=True)
            for n in range(2)
        ]
        outcomes = sorted((p.wait(60), p.communicate()[1]) for p in processes)
        assert [code for code, _ in outcomes] == [0, 2]
        assert "is in use by process" in outcomes[1][1] and "another ledger" in outcomes[1][1]
        assert sorted(creates_per_input(emu).values()) == [1] * 10


def _command(tmp_path: Path, n: int) -> list[str]:
    return [
        sys.executable, "-m", "replicate.batching", "emulator/slow",
        "--input", str(tmp_path / "inputs.jsonl"),
        "--output", str(tmp_path / f"results-{n}.jsonl"),
        "--ledger", str(tmp_path / "batch.db"), "--quiet",
    ]  # fmt: skip
