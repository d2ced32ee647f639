"""Resuming after crashes and interrupts never adopts the wrong prediction; refusals about the
account stop a batch without recording its inputs as failed. Found by running batches as an
outsider would (Ctrl-C several times, then SIGKILL; inputs that are subsets of others)."""

from __future__ import annotations

import argparse
import datetime
import json
from pathlib import Path

import pytest

import replicate
from replicate._flows.orphans import created_time
from replicate.batching import Ledger
from replicate.batching.clock import from_created
from replicate.batching.command import add_arguments, run
from replicate.batching.ledger import Attempt
from replicate.batching.recovery import InputIndex, look_up, span
from replicate.emulator import Emulator
from replicate.exceptions import ReplicateError
from replicate.prediction import Prediction

from .conftest import TOKEN, creates_per_input


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def test_a_prediction_an_earlier_run_cancelled_is_never_adopted(
    client: replicate.Client, emu: Emulator, tmp_path: Path
) -> None:
    path = tmp_path / "batch.db"
    text = {"text": "again"}
    # Run 1: created, then cancelled by its Ctrl-C.
    first = client.predictions.create(model="emulator/echo", input=text)
    client.predictions.cancel(first.id)
    with Ledger(path) as ledger:
        ledger.bind("emulator/echo")
        ledger.add([("k", 0, text)])
        ledger.created("k", first.id)
        ledger.interrupted("k")
        # Run 2 found it cancelled, queued the input again, and was killed during the new
        # create, after the server made the prediction and before its id was recorded.
        ledger.pending("k")
        ledger.creating("k", _now())
    second = client.predictions.create(model="emulator/echo", input=text)
    # Run 3 adopts run 2's prediction: not the cancelled one, and no third create.
    [result] = list(client.batch("emulator/echo", [text], ledger=path, key=lambda i: "k"))
    assert result.id == second.id and result.ok and result.output == "again"
    assert creates_per_input(emu)[json.dumps(text)] == 2


def test_recovery_does_not_take_the_prediction_of_an_input_it_is_part_of(
    client: replicate.Client, emu: Emulator, tmp_path: Path
) -> None:
    # Both creates were in flight at a crash; only the second reached the server. Its stored
    # input holds every value of the first input too.
    path = tmp_path / "batch.db"
    short, longer = {"seconds": 4}, {"seconds": 4, "queue_seconds": 1}
    with Ledger(path) as ledger:
        ledger.bind("emulator/slow")
        ledger.add([("short", 0, short), ("longer", 1, longer)])
        ledger.creating("short", _now())
        ledger.creating("longer", _now())
    made = client.predictions.create(model="emulator/slow", input=longer)
    results = {
        r.key: r
        for r in client.batch(
            "emulator/slow", [short, longer], ledger=path,
            key=lambda i: "longer" if "queue_seconds" in i else "short",
        )
    }  # fmt: skip
    assert results["longer"].id == made.id
    assert results["short"].id != made.id and results["short"].ok
    assert len(emu.predictions) == 2  # one each: the short input was created on resume


def test_input_index_gives_a_prediction_to_its_most_specific_input() -> None:
    index = InputIndex(
        [
            ("a", 0, {"x": 1}),
            ("b", 1, {"x": 1, "y": 2}),
            ("c", 2, {"x": 1, "z": 3}),
            ("f", 3, {"x": 5, "file": b"data"}),
        ]
    )

    def belongs_to(key: str, stored: dict[str, object]) -> bool:
        mine, twins = index.claim(key, stored)
        assert twins == []
        return mine

    assert belongs_to("a", {"x": 1})
    assert belongs_to("a", {"x": 1.0, "w": 0})  # numbers as the API hands them back
    assert belongs_to("b", {"x": 1, "y": 2})
    assert not belongs_to("a", {"x": 1, "y": 2})  # b's, not a's
    # Held by b and by c alike: nobody's (left alone rather than given to the wrong one).
    assert not belongs_to("b", {"x": 1, "y": 2, "z": 3})
    assert not belongs_to("c", {"x": 1, "y": 2, "z": 3})
    assert belongs_to("f", {"x": 5, "file": "https://files/data"})  # files not compared


def test_a_candidate_without_a_readable_creation_time_is_adopted_not_created_again() -> None:
    # The listing asked the server for predictions created since the create; a created_at it
    # leaves out or garbles cannot prove the prediction older, and refusing it would make a
    # second prediction for the input. One from before the create is still refused.
    since = datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.UTC)
    index = InputIndex([("k", 0, {"x": 1})])

    def found(created_at: str | None) -> list[str]:
        prediction = Prediction.from_json(
            None,
            {"id": f"p-{created_at}", "model": "o/m", "input": {"x": 1}, "status": "starting",
             "created_at": created_at},
        )
        lookup = look_up(
            "k", [prediction], target={"model": "o/m"}, known=(), index=index,
            unrecorded={"k": span(Attempt(since))},
        )
        return [p.id for p in lookup.found]

    assert found(None) == ["p-None"]
    assert found("yesterday-ish") == ["p-yesterday-ish"]
    assert found("2026-01-01T12:00:01Z") == ["p-2026-01-01T12:00:01Z"]
    assert found("2025-12-31T12:00:00Z") == []


def test_without_a_clock_reading_the_first_prediction_made_after_the_send_is_adopted() -> None:
    # With no reading of the API's clock the span is widened by a minute each way; the order
    # of adoption still starts from the send itself, not from the widened start (which put
    # another caller's prediction of 30 s before first).
    sent = datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.UTC)
    index = InputIndex([("k", 0, {"x": 1})])
    made = [
        Prediction.from_json(
            None,
            {"id": name, "model": "o/m", "input": {"x": 1}, "status": "starting",
             "created_at": (sent + datetime.timedelta(seconds=offset)).isoformat()},
        )
        for name, offset in (("other", -30), ("own", 0.2), ("later", 40))
    ]
    lookup = look_up(
        "k", made, target={"model": "o/m"}, known=(), index=index,
        unrecorded={"k": span(Attempt(sent))},
    )
    assert [p.id for p in lookup.found] == ["own", "later", "other"]


def test_a_refused_token_stops_the_batch_and_a_rerun_finishes_it(tmp_path: Path) -> None:
    path = tmp_path / "batch.db"
    inputs = [{"text": f"t{i}"} for i in range(5)]
    with Emulator(time_scale=0.01, token=TOKEN) as emu:
        wrong = replicate.Client(api_token="r8_wrong", base_url=emu.base_url)
        with pytest.raises(ReplicateError) as raised:
            list(wrong.batch("emulator/echo", inputs, ledger=path, concurrency=1))
        assert raised.value.status == 401
        assert len(emu.requests) == 1  # stopped at the first refusal
        with Ledger(path) as ledger:
            assert {e.state for e in ledger.entries()} == {"pending"}  # none recorded failed
        with replicate.Client(api_token=TOKEN, base_url=emu.base_url) as right:
            results = list(right.batch("emulator/echo", inputs, ledger=path))
        assert len(results) == 5 and all(r.ok for r in results)
        assert sorted(creates_per_input(emu).values()) == [1] * 5


def test_an_unknown_model_stops_the_batch(client: replicate.Client, emu: Emulator) -> None:
    inputs = [{"text": f"t{i}"} for i in range(20)]
    with pytest.raises(ReplicateError) as raised:
        list(client.batch("emulator/no-such-model", inputs, concurrency=2))
    assert raised.value.status == 404
    assert len(emu.requests) <= 2  # not one refused create per input


def test_an_input_refusal_is_one_line(client: replicate.Client) -> None:
    [result] = list(client.batch("emulator/echo", [{"text": 5}]))
    assert result.status == "failed" and result.id is None
    assert result.error is not None and "\n" not in result.error and "422" in result.error


def test_a_directory_is_not_a_ledger(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"cannot use .* as a batch ledger"):
        Ledger(tmp_path)
    (tmp_path / "notes.db").write_text("not sqlite " * 100)
    with pytest.raises(ValueError, match=r"notes\.db"):
        Ledger(tmp_path / "notes.db")


def test_argument_types_are_checked(client: replicate.Client, emu: Emulator) -> None:
    for bad in ({"concurrency": "5"}, {"concurrency": 2.5}, {"concurrency": True}):
        with pytest.raises(TypeError, match="concurrency must be an int"):
            client.batch("emulator/echo", [{"text": "a"}], **bad)  # type: ignore[arg-type]
    for bad in ({"rate": float("inf")}, {"burst": float("inf")}):
        with pytest.raises(ValueError, match="finite"):
            client.batch("emulator/echo", [{"text": "a"}], **bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="input #1 is not plain JSON"):
        client.batch("emulator/slow", [{"seconds": 1}, {"seconds": float("nan")}])
    assert emu.requests == []


def test_an_output_dir_that_is_a_file_is_refused(client: replicate.Client, tmp_path: Path) -> None:
    (tmp_path / "out").write_text("a file")
    with pytest.raises(ValueError, match="is a file, not a folder"):
        client.batch("emulator/echo", [{"text": "a"}], output_dir=tmp_path / "out")


def _command(tmp_path: Path, *extra: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(
        [
            "emulator/echo", "--input", str(tmp_path / "in.jsonl"),
            "--output", str(tmp_path / "out.jsonl"), "--ledger", str(tmp_path / "b.db"),
            "--quiet", *extra,
        ]
    )  # fmt: skip


def test_command_keeps_the_results_of_a_run_it_refuses_to_resume(
    client: replicate.Client, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "in.jsonl").write_text('{"id": "1", "text": "a"}\n{"id": "2", "text": "b"}\n')
    assert run(_command(tmp_path, "--key", "id"), client=client) == 0
    before = (tmp_path / "out.jsonl").read_text()
    assert len(before.splitlines()) == 2
    (tmp_path / "in.jsonl").write_text('{"id": "1", "text": "a"}\n{"id": "2", "text": "B"}\n')
    assert run(_command(tmp_path, "--key", "id"), client=client) == 2
    assert "input '2' differs" in capsys.readouterr().err
    assert (tmp_path / "out.jsonl").read_text() == before


def test_command_refuses_zero_concurrency(
    client: replicate.Client, emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "in.jsonl").write_text('{"text": "a"}\n')
    assert run(_command(tmp_path, "--concurrency", "0"), client=client) == 2
    assert "concurrency must be at least 1" in capsys.readouterr().err
    assert emu.requests == []


def test_command_reports_a_refused_token_and_resumes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "in.jsonl").write_text('{"text": "a"}\n{"text": "b"}\n')
    with Emulator(time_scale=0.01, token=TOKEN) as emu:
        wrong = replicate.Client(api_token="r8_wrong", base_url=emu.base_url)
        assert run(_command(tmp_path), client=wrong) == 1
        err = capsys.readouterr().err
        assert "401" in err and "rerun the same command" in err and "r8_wrong" not in err
        right = replicate.Client(api_token=TOKEN, base_url=emu.base_url)
        assert run(_command(tmp_path), client=right) == 0
        lines = (tmp_path / "out.jsonl").read_text().splitlines()
        assert len(lines) == 2 and all(json.loads(x)["status"] == "succeeded" for x in lines)


def test_a_rerun_keyed_another_way_is_refused(
    client: replicate.Client, emu: Emulator, tmp_path: Path
) -> None:
    path = tmp_path / "batch.db"
    inputs = [{"id": "a", "text": "x"}, {"id": "b", "text": "y"}]
    list(client.batch("emulator/echo", inputs, key="id", ledger=path))
    made = len(emu.predictions)
    with pytest.raises(ValueError, match="keys its inputs by field 'id', not by hash"):
        list(client.batch("emulator/echo", inputs, ledger=path))
    assert len(emu.predictions) == made  # nothing ran twice


def test_shards_share_the_burst_too() -> None:
    from replicate.batching.runner import batch_options

    options, shard = batch_options(shard="1/4")
    assert shard is not None and options.per_minute == 150 and options.burst == 2.5
    options, _ = batch_options(shard="0/20", burst=10)
    assert options.burst == 1  # never below one create at a time


def test_command_refuses_results_over_its_inputs_or_ledger(
    client: replicate.Client, emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Found by running the command as an outsider: `-o in.jsonl -i in.jsonl` replaced the
    # inputs with results (a rerun then sent the results as inputs), and `-o x.db --ledger
    # x.db` overwrote the ledger.
    inputs = tmp_path / "in.jsonl"
    inputs.write_text('{"text": "a"}\n')
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    for given, clash in (
        (["--output", str(inputs)], "--input and --output"),
        (["--output", str(tmp_path / "x.db"), "--ledger", str(tmp_path / "x.db")],
         "--output and --ledger"),
        (["--output", str(tmp_path / "o"), "--ledger", str(tmp_path / "." / "in.jsonl")],
         "--input and --ledger"),
    ):  # fmt: skip
        args = parser.parse_args(["emulator/echo", "--input", str(inputs), "--quiet", *given])
        assert run(args, client=client) == 2
        assert f"{clash} are the same file" in capsys.readouterr().err
    assert inputs.read_text() == '{"text": "a"}\n' and emu.requests == []


def test_results_replace_the_previous_file_only_when_the_run_ends(
    client: replicate.Client, tmp_path: Path
) -> None:
    # A process killed while rewriting the results left them cut short: they are written
    # beside it and moved over it at the end.
    (tmp_path / "in.jsonl").write_text('{"text": "a"}\n{"text": "b"}\n')
    assert run(_command(tmp_path), client=client) == 0
    results = (tmp_path / "out.jsonl").read_text().splitlines()
    assert len(results) == 2 and not (tmp_path / "out.jsonl.partial").exists()
    assert run(_command(tmp_path), client=client) == 0  # a rerun: same results
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 2
    from replicate.batching.command import _ResultsFile

    target = tmp_path / "out.jsonl"
    with _ResultsFile(target) as out:
        out.write({"index": 0})
        assert len(target.read_text().splitlines()) == 2  # the previous run's, whole
        assert (tmp_path / "out.jsonl.partial").read_text() == '{"index": 0}\n'
    assert target.read_text() == '{"index": 0}\n'


def test_a_resumed_create_adopts_its_own_prediction_not_one_made_just_before(
    client: replicate.Client, emu: Emulator, tmp_path: Path
) -> None:
    # Found by an outsider: batch B, killed while creating an input that batch A (another
    # ledger) had run a moment before, adopted A's prediction on resuming (the oldest that
    # matched, within the clock skew) and left its own unrecorded.
    # B had read the API's clock from an earlier answer, as a batch does from its first
    # create's (with only a Date header's whole seconds, predictions made within about a
    # second of the send cannot be told apart by time).
    text = {"text": "same prompt"}
    [earlier] = list(client.batch("emulator/echo", [text], ledger=tmp_path / "a.db"))
    before = _now()
    answered = client.predictions.create(model="emulator/echo", input={"text": "other"})
    reading = from_created(before, _now(), created_time(answered))
    with Ledger(tmp_path / "b.db") as ledger:
        ledger.bind("emulator/echo")
        ledger.add([("k", 0, text)])
        ledger.creating("k", _now(), reading)
    own = client.predictions.create(model="emulator/echo", input=text)  # B's, then killed
    batch = client.batch("emulator/echo", [text], ledger=tmp_path / "b.db", key=lambda i: "k")
    [result] = list(batch)
    assert result.id == own.id != earlier.id
    assert creates_per_input(emu)[json.dumps(text)] == 2  # A's and B's: none made on resuming
