"""Resuming finds an unrecorded create although this machine's clock is minutes off the API's.
The lookup read the predictions created within a minute of the client's own times; a clock
further off missed the prediction, and the rerun created the input a second time."""

from __future__ import annotations

import asyncio
import datetime
import json
import sqlite3
from pathlib import Path

import pytest

import replicate
from replicate._flows.drive import SyncDriver
from replicate._flows.orphans import CLOCK_SKEW, recent_predictions_flow
from replicate._http import api_transport
from replicate.batching import BatchProgress, Ledger, runner
from replicate.batching.clock import ALLOWANCE, DATE_SLACK, DRIFT, Offset, from_created, from_date
from replicate.batching.keys import input_hash
from replicate.batching.ledger import Attempt
from replicate.batching.recovery import Span, span, spans, windows
from replicate.emulator import Emulator

from .conftest import TOKEN, creates_per_input, killed_while_creating

MINUTES = datetime.timedelta(minutes=5)


def _clock_off_by(monkeypatch: pytest.MonkeyPatch, by: datetime.timedelta) -> None:
    """This machine's clock, as the batch reads it, ``by`` ahead of the API's."""
    monkeypatch.setattr(runner, "_utcnow", lambda: datetime.datetime.now(datetime.UTC) + by)


def _killed_during_the_create(emu: Emulator, path: Path, text: dict[str, str]) -> None:
    """Run a batch of ``text`` until the API has made its prediction, then end it as a kill
    would: its create unanswered, its id never recorded, nothing cancelled."""
    emu.faults.add("models.predictions.create", answer_latency=30, times=1)

    async def run() -> None:
        async with replicate.Client(api_token=TOKEN, base_url=emu.base_url) as client:
            results = client.async_batch(
                "emulator/echo", [text], ledger=path, cancel_on_interrupt=False
            )
            task = asyncio.ensure_future(anext(results))
            while not emu.predictions:
                await asyncio.sleep(0.01)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await results.aclose()

    asyncio.run(run())


def test_a_clock_ahead_of_the_api_still_finds_a_create_killed_before_any_answer(
    emu: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first create of the batch: no answer had told the batch the API's time yet.
    path, text = tmp_path / "batch.db", {"text": "once"}
    _clock_off_by(monkeypatch, MINUTES)
    _killed_during_the_create(emu, path, text)
    with Ledger(path) as ledger:
        [entry] = ledger.entries()
        assert entry.state == "creating" and entry.until is None
    [made] = emu.predictions.values()
    with replicate.Client(api_token=TOKEN, base_url=emu.base_url) as client:
        [result] = list(client.batch("emulator/echo", [text], ledger=path))
    assert result.id == made.id and result.ok and result.output == "once"
    assert creates_per_input(emu)[json.dumps(text)] == 1


def test_the_server_time_recorded_with_a_create_outlasts_a_clock_corrected_before_the_rerun(
    emu: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Run 1, its clock five minutes behind: the first input's answer tells the batch the API's
    # time before the second input's create, which the API makes but whose answer is cut off.
    path = tmp_path / "batch.db"
    first, second = {"text": "first"}, {"text": "second"}
    _clock_off_by(monkeypatch, -MINUTES)

    def cut_the_next_answer(progress: BatchProgress) -> None:
        if progress.done == 1 and not len(emu.faults):
            emu.faults.add("models.predictions.create", truncate=10, times=1)

    with replicate.Client(api_token=TOKEN, base_url=emu.base_url) as client:
        results = list(
            client.batch(
                "emulator/echo", [first, second], ledger=path, concurrency=1,
                on_progress=cut_the_next_answer,
            )
        )  # fmt: skip
    assert [r.ok for r in results] == [True, False]
    made = emu.call(lambda: [j.id for j in emu.app.store.predictions.values() if j.input == second])
    # The clock is set right before the rerun: times the ledger holds stay five minutes off.
    monkeypatch.undo()
    with replicate.Client(api_token=TOKEN, base_url=emu.base_url) as client:
        rerun = {r.index: r for r in client.batch("emulator/echo", [first, second], ledger=path)}
    assert [rerun[1].id] == made and rerun[1].ok and rerun[1].output == "second"
    assert creates_per_input(emu)[json.dumps(second)] == 1
    assert creates_per_input(emu)[json.dumps(first)] == 1


def test_creates_sent_before_the_first_answer_are_recorded_with_its_reading(
    emu: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both creates go out at once, before any answer; one answer comes, the other create is
    # held by the API when the process dies. Its clock is set right before the rerun.
    path, inputs = tmp_path / "batch.db", [{"text": "a"}, {"text": "b"}]
    _clock_off_by(monkeypatch, MINUTES)
    emu.faults.add("models.predictions.create", answer_latency=30, times=1)

    async def run() -> None:
        async with replicate.Client(api_token=TOKEN, base_url=emu.base_url) as client:
            results = client.async_batch(
                "emulator/echo", inputs, ledger=path, concurrency=2, cancel_on_interrupt=False
            )
            assert (await anext(results)).ok
            assert emu.wait_for(lambda: len(emu.predictions) == 2, 5)
            await results.aclose()

    asyncio.run(run())
    with Ledger(path) as ledger:
        [held] = [e for e in ledger.entries() if e.state == "creating"]
    assert held.clock is not None  # learned from the other create's answer
    assert -MINUTES - SECOND < held.clock.low <= held.clock.high < -MINUTES + SECOND
    monkeypatch.undo()
    with replicate.Client(api_token=TOKEN, base_url=emu.base_url) as client:
        assert all(r.ok for r in client.batch("emulator/echo", inputs, ledger=path))
    assert set(creates_per_input(emu).values()) == {1}


def test_a_ledger_written_before_readings_were_recorded_resumes(
    emu: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Written by older code on a machine five minutes ahead, killed during the create.
    path, text = tmp_path / "old.db", {"text": "old"}
    since = datetime.datetime.now(datetime.UTC) + MINUTES
    with sqlite3.connect(path) as db:
        db.executescript(
            "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);"
            "INSERT INTO meta VALUES ('ref', 'emulator/echo');"
            "CREATE TABLE inputs (key TEXT PRIMARY KEY, idx INTEGER NOT NULL, input TEXT NOT NULL,"
            " state TEXT NOT NULL, since TEXT, prediction_id TEXT, output TEXT, error TEXT,"
            " metrics TEXT, updated REAL NOT NULL, until TEXT);"
        )
        db.execute(
            "INSERT INTO inputs VALUES (?, 0, ?, 'creating', ?, NULL, NULL, NULL, NULL, 0, NULL)",
            (input_hash(text), json.dumps(text, separators=(",", ":")), since.isoformat()),
        )
    db.close()
    with replicate.Client(api_token=TOKEN, base_url=emu.base_url) as client:
        made = client.predictions.create(model="emulator/echo", input=text)
        _clock_off_by(monkeypatch, MINUTES)
        [result] = list(client.batch("emulator/echo", [text], ledger=path))
    assert result.id == made.id and result.ok
    assert creates_per_input(emu)[json.dumps(text)] == 1


def test_without_a_reading_of_the_api_clock_the_lookup_goes_by_ours_as_before(
    client: replicate.Client, emu: Emulator, tmp_path: Path
) -> None:
    # Killed during the create, before any answer; the request for the API's Date is refused.
    path, text = tmp_path / "batch.db", {"text": "as before"}
    killed_while_creating(path, "emulator/echo", text)
    made = client.predictions.create(model="emulator/echo", input=text)
    refused = emu.faults.add("account.get", status=403, times=1)
    [result] = list(client.batch("emulator/echo", [text], ledger=path))
    assert refused.hits == 1  # the API's clock was asked for
    assert result.id == made.id and result.ok
    assert creates_per_input(emu)[json.dumps(text)] == 1


def test_an_open_window_by_the_api_clock_is_read_in_halves_up_to_the_api_now(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The API's clock five minutes ahead of ours; a page of the window too large to read.
    emu.add_model("acme/big", lambda text: text * 10_000)  # 20 kB outputs
    with replicate.Client(api_token=TOKEN, base_url=emu.base_url) as client:
        made = [
            client.predictions.create(model="acme/big", input={"text": f"{i:02}"})
            for i in range(24)
        ]
        assert emu.wait_for(lambda: all(j.done for j in emu.predictions.values()), 5)

        def five_minutes_ahead() -> None:
            for job in emu.app.store.predictions.values():
                job.created += MINUTES

        emu.call(five_minutes_ahead)
        monkeypatch.setattr(api_transport, "API_BODY_LIMIT", 200_000)  # eight such outputs
        since = min(emu.call(lambda: [j.created for j in emu.app.store.predictions.values()]))
        api_now = datetime.datetime.now(datetime.UTC) + MINUTES
        flow = recent_predictions_flow(since, skew=datetime.timedelta(0), now=api_now)
        recent = SyncDriver(client, None).drive(flow)
    assert [p.id for p in recent] == [p.id for p in made][::-1]


# --- the arithmetic ----------------------------------------------------------------------

T = datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.UTC)
SECOND = datetime.timedelta(seconds=1)


def test_readings_bound_the_api_clock_from_created_at_and_date() -> None:
    # The API, five minutes ahead, stamped the prediction 0.2 s after we sent the create; its
    # answer came 3 s after we sent it.
    made = from_created(T, T + 3 * SECOND, T + MINUTES + SECOND / 5)
    assert made == Offset(MINUTES - 2.8 * SECOND, MINUTES + SECOND / 5, T + 3 * SECOND)
    assert from_created(T, T + SECOND, None) is None
    # Date has whole seconds, possibly formatted up to a second early: 12:05:00 may have
    # been written at 12:04:59.000 up to 12:05:00.999 by the API's clock.
    dated = from_date(T, T + SECOND / 2, "Thu, 01 Jan 2026 12:05:00 GMT")
    assert dated == Offset(MINUTES - SECOND / 2, MINUTES + DATE_SLACK, T + SECOND / 2)
    for garbled in (None, "", "yesterday", "Thu, 01 Jan 2026 12:05:00 -0000", "Thu, 99 Foo"):
        assert from_date(T, T + SECOND, garbled) is None


def test_readings_narrow_each_other_unless_our_clock_was_set_between() -> None:
    first = Offset(MINUTES - 3 * SECOND, MINUTES, T)
    later = Offset(MINUTES - SECOND, MINUTES + SECOND, T + 1000 * SECOND)
    drift = 1000 * SECOND * DRIFT  # the first reading, a thousand seconds old
    assert first.narrowed(later) == Offset(MINUTES - SECOND, MINUTES + drift, later.at)
    set_right = Offset(-SECOND, SECOND, T + 1000 * SECOND)
    assert first.narrowed(set_right) == set_right


def test_spans_are_by_the_api_clock_from_the_recorded_reading_or_the_one_taken_now() -> None:
    recorded = Offset(MINUTES - SECOND, MINUTES, T)
    died = Attempt(T, None, recorded)
    assert span(died) == Span(T + MINUTES - SECOND - ALLOWANCE, None)
    failed = Attempt(T, T + 10 * SECOND, recorded)
    drift = 10 * SECOND * DRIFT
    assert span(failed, Offset(-SECOND, SECOND, T)) == Span(  # the recorded one wins
        T + MINUTES - SECOND - ALLOWANCE, T + 10 * SECOND + MINUTES + ALLOWANCE + drift
    )
    # No reading recorded (killed before any answer): the one taken at the lookup, an hour
    # later, widened for the drift of an hour.
    now = Offset(MINUTES - SECOND, MINUTES, T + 3600 * SECOND)
    hour = 3600 * SECOND * DRIFT
    assert span(Attempt(T), now) == Span(T + MINUTES - SECOND - ALLOWANCE - hour, None)
    # Neither: our own times, give or take CLOCK_SKEW.
    assert span(Attempt(T, T + SECOND)) == Span(T - CLOCK_SKEW, T + SECOND + CLOCK_SKEW)


def test_windows_merge_spans_that_overlap_by_the_api_clock() -> None:
    recorded = Offset(MINUTES, MINUTES, T)  # read at T: the API's clock five minutes ahead
    attempts = {
        "a": Attempt(T, T + SECOND, recorded),
        "b": Attempt(T + 2 * SECOND, T + 3 * SECOND, recorded),  # within the allowance of a
        "c": Attempt(T + 60 * SECOND, T + 61 * SECOND, recorded),  # a minute on: apart
    }
    got = [(w.since, w.until, w.keys) for w in windows(spans(attempts))]
    api, drift = T + MINUTES, SECOND * DRIFT
    assert got == [
        (api - ALLOWANCE, api + 3 * SECOND + ALLOWANCE + 3 * drift, ("a", "b")),
        (api + 60 * SECOND - ALLOWANCE - 60 * drift, api + 61 * SECOND + ALLOWANCE + 61 * drift,
         ("c",)),
    ]  # fmt: skip
