"""I/O-free pieces: the token bucket, rate parsing, keys, shards, in-order release."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from replicate.batching import Ledger, Shard, TokenBucket, input_hash, parse_rate
from replicate.batching.keys import check_inputs, select_shard
from replicate.batching.progress import BatchResult, Reorder, Tally


def test_parse_rate_units() -> None:
    assert parse_rate("600/min") == 600
    assert parse_rate("10/s") == 600
    assert parse_rate("36000/hour") == 600
    assert parse_rate(120) == 120
    for bad in ("fast", "0/min", "-5", "10/week", float("inf"), float("nan"), "1e999/s"):
        with pytest.raises(ValueError, match="rate"):
            parse_rate(bad)


def test_bucket_allows_burst_then_paces() -> None:
    bucket = TokenBucket(per_minute=60, burst=3)
    assert [bucket.take(0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = bucket.take(0.0)
    assert wait == pytest.approx(1.0)
    assert bucket.take(0.5) == pytest.approx(0.5)
    assert bucket.take(1.0) == 0.0
    # Never more than the burst saved up, however long idle.
    assert [bucket.take(100.0) for _ in range(4)][:3] == [0.0, 0.0, 0.0]
    assert bucket.take(100.0) > 0


def test_configured_burst_is_what_a_fresh_bucket_holds() -> None:
    # Found by an outsider: a client's bucket starts with the default burst (10), and
    # `burst=60` (or a shard's 2.5) only changed the cap, so the first creates got 10.
    bigger = TokenBucket(per_minute=60, burst=10)
    bigger.configure(60, 60)
    assert [bigger.take(0.0) for _ in range(60)] == [0.0] * 60
    assert bigger.take(0.0) > 0
    smaller = TokenBucket(per_minute=600, burst=10)
    smaller.configure(150, 2.5)  # shard 0/4 of the defaults
    assert [smaller.take(0.0) for _ in range(2)] == [0.0, 0.0]
    assert smaller.take(0.0) > 0
    # A bucket in use keeps what it saved (no new tokens for a new burst), up to the cap.
    used = TokenBucket(per_minute=60, burst=10)
    used.take(0.0)
    used.configure(60, 60)
    assert [used.take(0.0) for _ in range(9)] == [0.0] * 9
    assert used.take(0.0) > 0
    used.configure(60, 2)
    assert used.take(100.0) == 0.0 and used.take(100.0) == 0.0 and used.take(100.0) > 0


def test_bucket_pauses_and_slows_after_throttle() -> None:
    bucket = TokenBucket(per_minute=60, burst=5)
    bucket.throttled(retry_after=2.0, now=0.0)
    assert bucket.take(1.0) == pytest.approx(1.0)  # paused until t=2
    assert bucket.current_per_minute < 60
    for _ in range(200):
        bucket.throttled(None, now=3.0)
    assert bucket.current_per_minute == pytest.approx(3)  # never below 5% of the rate


def test_bucket_cuts_once_for_429s_of_one_burst() -> None:
    # A burst the server refused in part answers several 429s at once: one cut, not one
    # each (five cuts would leave 0.75**5 = 24% of the rate).
    bucket = TokenBucket(per_minute=1200, burst=10)
    for _ in range(5):
        bucket.throttled(None, now=0.1, sent=0.0)
    assert bucket.current_per_minute == pytest.approx(900)
    bucket.throttled(None, now=0.3, sent=0.05)  # sent before the cut: the same burst
    assert bucket.current_per_minute == pytest.approx(900)
    bucket.throttled(None, now=0.3, sent=0.2)  # sent since: still too fast, cut again
    assert bucket.current_per_minute == pytest.approx(675)


def test_bucket_recovers_rate_after_throttle() -> None:
    bucket = TokenBucket(per_minute=60, burst=100)
    bucket.throttled(None, now=0.0)
    slowed = bucket.current_per_minute
    now = 0.0
    for _ in range(50):
        now += bucket.take(now)
        bucket.take(now)
    assert bucket.current_per_minute > slowed


def test_keys_hash_field_and_duplicates() -> None:
    assert input_hash({"a": 1, "b": 2}) == input_hash({"b": 2, "a": 1})
    items, secrets = check_inputs([{"id": "x", "v": 1}, {"id": 7, "v": 2}], "id")
    assert [(k, i) for k, i, _ in items] == [("x", 0), ("7", 1)] and secrets == frozenset()
    with pytest.raises(ValueError, match="identical to input #0"):
        check_inputs([{"a": 1}, {"a": 1}], None)
    with pytest.raises(ValueError, match="same key as input #0"):
        check_inputs([{"id": 1, "v": 1}, {"id": 1, "v": 2}], "id")
    with pytest.raises(ValueError, match="no key field 'id'"):
        check_inputs([{"a": 1}], "id")
    with pytest.raises(TypeError, match="input #1 must be a dict"):
        check_inputs([{"a": 1}, "text"], None)
    with pytest.raises(TypeError, match="input #0 is not plain JSON"):
        check_inputs([{"a": object()}], None)


def test_shards_partition_inputs_deterministically() -> None:
    items, _ = check_inputs([{"n": i} for i in range(1000)], None)
    shards = [select_shard(items, Shard(i, 4)) for i in range(4)]
    keys = [{key for key, _, _ in shard} for shard in shards]
    assert sum(len(k) for k in keys) == 1000
    assert set().union(*keys) == {key for key, _, _ in items}
    assert all(180 < len(k) < 320 for k in keys)  # roughly even
    assert select_shard(items, Shard.parse("2/4")) == shards[2]
    assert Shard(1, 4).share(600) == 150
    for bad in ("4/4", "1", "a/b", "-1/3"):
        with pytest.raises(ValueError, match="shard"):
            Shard.parse(bad)


def test_reorder_releases_in_input_order() -> None:
    order = Reorder([5, 2, 9])

    def result(index: int) -> BatchResult:
        return BatchResult(index, str(index), None, "succeeded")

    assert order.push(result(9)) == []
    assert [r.index for r in order.push(result(5))] == [5]
    assert [r.index for r in order.push(result(2))] == [2, 9]


def test_tally_snapshot() -> None:
    tally = Tally(total=10, started=0.0)
    tally.created = 4
    tally.finish(BatchResult(0, "a", "p", "succeeded"))
    tally.finish(BatchResult(1, "b", "q", "failed"))
    snap = tally.snapshot(60.0)
    assert (snap.done, snap.failed, snap.per_minute) == (2, 1, 4)
    assert snap.eta == pytest.approx(8 * 30)
    # An opening burst is not a rate of thousands a minute, and the rate limit bounds the ETA.
    burst = Tally(total=100, started=0.0, created=10, in_flight=8, limit_per_minute=60)
    burst.finish(BatchResult(0, "a", "p", "succeeded"))
    burst.finish(BatchResult(1, "b", "q", "succeeded"))
    early = burst.snapshot(0.1)
    assert early.per_minute == 600
    assert early.eta == pytest.approx(90)  # 90 inputs still to create at 60/min


def test_a_new_ledger_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    # It holds every input, secret ones included (found by an outsider: it was 0644).
    path = tmp_path / "batch.db"
    with Ledger(path) as ledger:
        ledger.bind("acme/m", None)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_key_error_names_the_input() -> None:
    # Found by an outsider: "input has no key field 'id'" did not say which of 10,000 inputs.
    inputs = [{"id": "a", "x": 1}, {"id": "b", "x": 2}, {"x": 3}, {"id": "", "x": 4}]
    with pytest.raises(ValueError, match=r"^input #2: input has no key field 'id': \['x'\]$"):
        check_inputs(inputs[:3], "id")
    with pytest.raises(ValueError, match=r"^input #2: an input key must be a non-empty"):
        check_inputs([inputs[0], inputs[1], inputs[3]], "id")
