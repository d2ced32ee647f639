"""The lookup of unrecorded creates reads the creation times each create may have made its
prediction in, and never takes a listing it could not read to its end for "not created".
Found by rereading recovery.py: the lookup read everything created since the oldest
unrecorded create, newest first, and after 200 pages went on as if it had read it all."""

from __future__ import annotations

import datetime
import json
import sqlite3
from pathlib import Path

import replicate
from replicate._flows.orphans import CLOCK_SKEW
from replicate.batching import Ledger
from replicate.batching.ledger import Attempt
from replicate.batching.recovery import spans, windows
from replicate.emulator import Emulator

from .conftest import creates_per_input, killed_while_creating

LATER = datetime.timedelta(minutes=10)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _make_later_predictions(client: replicate.Client, emu: Emulator, n: int) -> None:
    """``n`` predictions of other inputs, more than the lookup's 200 pages hold (one each)."""
    emu.page_size = 1
    for i in range(n):
        client.predictions.create(model="emulator/echo", input={"text": f"later {i}"})


def test_a_create_that_failed_early_is_found_behind_many_later_predictions(
    client: replicate.Client, emu: Emulator, tmp_path: Path
) -> None:
    # A create whose answer was cut short early in a long batch: the prediction exists, its
    # id was never recorded. The batch went on for a while (hundreds of creates).
    path, old = tmp_path / "batch.db", {"text": "old"}
    emu.faults.add("models.predictions.create", truncate=10, times=1)
    [first] = list(client.batch("emulator/echo", [old], ledger=path))
    assert first.status == "failed" and first.id is None
    [made] = emu.predictions_for("emulator/echo")
    with Ledger(path) as ledger:
        [entry] = ledger.entries()
        assert entry.state == "creating" and entry.until is not None  # when it gave up
    _make_later_predictions(client, emu, 250)

    def ten_minutes_on() -> None:
        for job in emu.app.store.predictions.values():
            if job.id != made.id:
                job.created += LATER

    emu.call(ten_minutes_on)
    [result] = list(client.batch("emulator/echo", [old], ledger=path))
    assert result.id == made.id and result.ok and result.output == "old"
    assert creates_per_input(emu)[json.dumps(old)] == 1


def test_an_unrecorded_create_among_too_many_predictions_is_not_created_again(
    client: replicate.Client, emu: Emulator, tmp_path: Path
) -> None:
    # Killed while its create was in flight; by the rerun, more predictions were created
    # than the lookup reads. What the pages left unread hold is unknown: not "none".
    path, old = tmp_path / "batch.db", {"text": "old"}
    killed_while_creating(path, "emulator/echo", old, _now())
    client.predictions.create(model="emulator/echo", input=old)
    _make_later_predictions(client, emu, 250)
    for run in range(2):
        [result] = list(client.batch("emulator/echo", [old], ledger=path))
        assert result.status == "failed" and result.resumed == (run == 1)
        assert result.error is not None and "too many to look through" in result.error
        assert "not created again" in result.error
    assert creates_per_input(emu)[json.dumps(old)] == 1


def test_lookup_windows_cover_each_attempt_and_merge_overlapping_ones() -> None:
    t = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    s = datetime.timedelta(seconds=1)
    attempts = {
        "a": Attempt(t, t + s),
        "b": Attempt(t + 30 * s, t + 40 * s),  # within a minute: one window with a
        "c": Attempt(t + 600 * s, t + 601 * s),
        "d": Attempt(t + 1200 * s),  # in flight at the crash: up to now
        "e": Attempt(t + 1210 * s, t + 1211 * s),
    }
    got = [(w.since, w.until, w.keys) for w in windows(spans(attempts))]
    skew = CLOCK_SKEW  # how the API's clock stands to ours is not known here
    assert got == [
        (t - skew, t + 40 * s + skew, ("a", "b")),
        (t + 600 * s - skew, t + 601 * s + skew, ("c",)),
        (t + 1200 * s - skew, None, ("d", "e")),
    ]


def test_a_ledger_written_before_the_until_column_opens(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.executescript(
            "CREATE TABLE inputs (key TEXT PRIMARY KEY, idx INTEGER NOT NULL, input TEXT NOT NULL,"
            " state TEXT NOT NULL, since TEXT, prediction_id TEXT, output TEXT, error TEXT,"
            " metrics TEXT, updated REAL NOT NULL);"
            "INSERT INTO inputs VALUES ('k', 0, '{\"text\":\"a\"}', 'creating',"
            " '2026-01-01T00:00:00+00:00', NULL, NULL, NULL, NULL, 0);"
        )
    db.close()
    with Ledger(path) as ledger:
        since = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
        assert ledger.unrecorded() == {"k": Attempt(since)}
        ledger.unanswered("k", since + LATER)
        assert ledger.unrecorded() == {"k": Attempt(since, since + LATER)}
