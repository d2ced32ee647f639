"""The batch ledger: each input's state in an embedded SQLite file.

Every step of an input is written (and committed) before and after it happens:
``pending`` -> ``creating`` (with the time the create was sent, how the API's clock stood to
ours then, once known, and the time it failed without an answer, if it did) -> ``created``
(with the prediction id) -> ``succeeded`` / ``failed`` / ``canceled``. WAL journaling and one
transaction per change mean a process killed at any moment leaves the last committed
state, from which a rerun resumes. ``interrupted`` marks a prediction the batch itself
cancelled on Ctrl-C: it is checked, and created again only if it really was cancelled.
Every prediction id ever recorded for an input is kept (``predictions``), so that looking
for an unrecorded create never adopts a prediction that was already some input's.
"""

from __future__ import annotations

import collections
import contextlib
import datetime
import json
import os
import pathlib
import sqlite3
import time
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from .clock import Offset
from .lock import LedgerInUse, LedgerLock

PENDING, CREATING, CREATED = "pending", "creating", "created"
INTERRUPTED = "interrupted"
FINISHED = frozenset({"succeeded", "failed", "canceled", "aborted"})

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS inputs (
    key TEXT PRIMARY KEY,
    idx INTEGER NOT NULL,
    input TEXT NOT NULL,
    state TEXT NOT NULL,
    since TEXT,
    prediction_id TEXT,
    output TEXT,
    error TEXT,
    metrics TEXT,
    updated REAL NOT NULL,
    until TEXT,
    clock TEXT
);
CREATE TABLE IF NOT EXISTS predictions (id TEXT PRIMARY KEY, key TEXT NOT NULL);
"""


#: The columns of an entry, in :class:`Entry`'s order.
_COLUMNS = "key, idx, input, state, since, prediction_id, output, error, metrics, until, clock"
#: Columns added since the first ledgers were written: added to those when they are opened.
_LATER_COLUMNS = ("until", "clock")


@attrs.frozen
class Attempt:
    """A create whose answer was not recorded: sent at ``since``, and known to have ended
    without an answer (an error) by ``until`` (``None``: the process died waiting for it),
    both by our clock; ``offset``: how the API's clock stood to ours, if the batch knew."""

    since: datetime.datetime
    until: datetime.datetime | None = None
    offset: Offset | None = None


@attrs.frozen
class Entry:
    """One input's row."""

    key: str
    index: int
    input: dict[str, Any]
    state: str
    since: datetime.datetime | None = None
    prediction_id: str | None = None
    output: Any = None
    error: str | None = None
    metrics: dict[str, Any] | None = None
    until: datetime.datetime | None = None
    clock: Offset | None = None

    @property
    def attempt(self) -> Attempt | None:
        """The unrecorded create of a ``creating`` entry."""
        if self.state != CREATING or self.since is None:
            return None
        return Attempt(self.since, self.until, self.clock)


class LedgerMismatch(ValueError):
    """The ledger belongs to another batch (another model, or changed inputs)."""


class Ledger:
    """An open ledger file (``":memory:"`` keeps it in memory: no resume).

    A file is used by one open ledger at a time, in one process: opening it while it is
    open elsewhere raises :class:`~replicate.batching.lock.LedgerInUse` (see :mod:`.lock`).
    """

    def __init__(self, path: str | os.PathLike[str] = ":memory:") -> None:
        self.path = os.fspath(path)
        self._lock: LedgerLock | None = None
        if self.path != ":memory:":
            self._lock = _locked(self.path)
            if not os.path.exists(self.path):
                # Readable by its owner only: it holds every input, secret inputs included
                # (SQLite gives its -wal and -shm files the same permissions).
                with contextlib.suppress(OSError):  # a bad path: reported by connect below
                    os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))
        # Used from one event-loop thread at a time; autocommit off, explicit transactions.
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.executescript(_SCHEMA)
                columns = {row[1] for row in self._db.execute("PRAGMA table_info(inputs)")}
                for name in _LATER_COLUMNS:  # a ledger written before the column existed
                    if name not in columns:
                        self._db.execute(f"ALTER TABLE inputs ADD COLUMN {name} TEXT")
            except sqlite3.Error:
                self._db.close()
                raise
        except sqlite3.Error as exc:  # a directory, another kind of file, no permission
            self._release()
            raise ValueError(f"cannot use {self.path!r} as a batch ledger: {exc}") from None

    def close(self) -> None:
        """Close the file (and let another process use it)."""
        self._db.close()
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def bind(self, ref: str, keys: str | None = None) -> None:
        """Record which model this ledger runs and how its inputs are keyed (``keys``;
        ``None``: not recorded); refuse a ledger of another model or keyed otherwise (its
        inputs would all look new, and run again)."""
        recorded = self._meta("ref", ref)
        if recorded != ref:
            raise LedgerMismatch(
                f"ledger {self.path} belongs to a batch of {recorded!r}, not {ref!r}; "
                "use another ledger file"
            )
        if keys is not None and (recorded := self._meta("keys", keys)) != keys:
            raise LedgerMismatch(
                f"ledger {self.path} keys its inputs by {recorded}, not by {keys}: "
                "rerun with the same key (--key) or use another ledger file"
            )

    def _meta(self, name: str, value: str) -> str:
        """The recorded value of ``name``, recording ``value`` if there is none yet."""
        row = self._db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        if row is None:
            self._db.execute("INSERT INTO meta VALUES (?, ?)", (name, value))
            return value
        return str(row[0])

    def add(self, items: Iterable[tuple[str, int, dict[str, Any]]]) -> list[Entry]:
        """Register inputs (``key, index, input``) and return every entry for them.

        Inputs already in the ledger keep their state; a key whose input changed since
        is refused, as its recorded prediction would not match it.
        """
        now = time.time()
        entries: list[Entry] = []
        with self._transaction():
            for key, index, value in items:
                text = _dumps(value)
                row = self._db.execute(
                    f"SELECT {_COLUMNS} FROM inputs WHERE key = ?", (key,)
                ).fetchone()
                if row is None:
                    self._db.execute(
                        "INSERT INTO inputs (key, idx, input, state, updated) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (key, index, text, PENDING, now),
                    )
                    entries.append(Entry(key, index, value, PENDING))
                    continue
                if row[2] != text:
                    raise LedgerMismatch(
                        f"input {key!r} differs from the one recorded in {self.path}"
                    )
                if row[1] != index:
                    self._db.execute("UPDATE inputs SET idx = ? WHERE key = ?", (index, key))
                entries.append(attrs.evolve(_entry(row), index=index))
        return entries

    def entries(self) -> Iterator[Entry]:
        """Every entry, in input order."""
        for row in self._db.execute(f"SELECT {_COLUMNS} FROM inputs ORDER BY idx"):
            yield _entry(row)

    def creating(self, key: str, since: datetime.datetime, clock: Offset | None = None) -> None:
        """Committed just before the create request is sent; ``clock``: how the API's clock
        stands to ours (``None``: not known yet)."""
        self._set(key, CREATING, since=since.isoformat(), until=None, clock=_clock_text(clock))

    def clock_read(self, keys: Iterable[str], clock: Offset) -> None:
        """The batch first learned how the API's clock stands to ours (``clock``) after it
        sent the creates of ``keys``: recorded with those still unanswered."""
        with self._transaction():
            self._db.executemany(
                "UPDATE inputs SET clock = ? WHERE key = ? AND state = ? AND clock IS NULL",
                [(_clock_text(clock), key, CREATING) for key in keys],
            )

    def unanswered(self, key: str, until: datetime.datetime) -> None:
        """The create failed without an answer (a network error, a 5xx): it may have made a
        prediction, created by ``until`` (bounds the rerun's lookup)."""
        self._set(key, CREATING, until=until.isoformat())

    def created(self, key: str, prediction_id: str) -> None:
        """Committed as soon as the create answered (or its prediction was found)."""
        with self._transaction():
            self._update(key, CREATED, prediction_id=prediction_id)
            self._db.execute(
                "INSERT OR IGNORE INTO predictions (id, key) VALUES (?, ?)", (prediction_id, key)
            )

    def known_predictions(self) -> set[str]:
        """The id of every prediction ever recorded for an input of this ledger."""
        rows = self._db.execute(
            "SELECT id FROM predictions UNION "
            "SELECT prediction_id FROM inputs WHERE prediction_id IS NOT NULL"
        )
        return {row[0] for row in rows}

    def unrecorded(self) -> dict[str, Attempt]:
        """The inputs whose create was sent and not answered (``creating``), with when."""
        rows = self._db.execute(f"SELECT {_COLUMNS} FROM inputs WHERE state = ?", (CREATING,))
        return {entry.key: entry.attempt for entry in map(_entry, rows) if entry.attempt}

    def pending(self, key: str) -> None:
        """Back to pending: the create is known not to have happened (or was cancelled)."""
        self._set(key, PENDING, since=None, until=None, clock=None, prediction_id=None)

    def interrupted(self, key: str) -> None:
        """The batch cancelled this input's prediction on Ctrl-C."""
        self._set(key, INTERRUPTED)

    def finished(self, key: str, status: str, output: Any, error: str | None, metrics: Any) -> None:
        """The prediction ended (``status`` is its terminal status)."""
        self._set(
            key,
            status,
            output=_dumps(output),
            error=error,
            metrics=None if metrics is None else _dumps(metrics),
        )

    def _set(self, key: str, state: str, **fields: Any) -> None:
        with self._transaction():
            self._update(key, state, **fields)

    def _update(self, key: str, state: str, **fields: Any) -> None:
        assignments = "".join(f", {name} = ?" for name in fields)
        self._db.execute(
            f"UPDATE inputs SET state = ?, updated = ?{assignments} WHERE key = ?",
            (state, time.time(), *fields.values(), key),
        )

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self._db.execute("ROLLBACK" if exc_type is not None else "COMMIT")


def _locked(path: str) -> LedgerLock | None:
    try:
        return LedgerLock(path)
    except LedgerInUse:
        raise
    except OSError:
        return None  # no lock file here (a directory, no permission): connect says why


def states(path: str | os.PathLike[str]) -> collections.Counter[str]:
    """How many inputs of a ledger file are in each state, read without opening it as a
    :class:`Ledger` (it may be open still: a second Ctrl-C leaves the batch winding down)."""
    uri = pathlib.Path(path).absolute().as_uri() + "?mode=ro"  # never creates the file
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
        return collections.Counter(
            dict(db.execute("SELECT state, count(*) FROM inputs GROUP BY state").fetchall())
        )


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _entry(row: tuple[Any, ...]) -> Entry:
    key, index, text, state, since, prediction_id, output, error, metrics, until, clock = row
    return Entry(
        key,
        index,
        json.loads(text),
        state,
        datetime.datetime.fromisoformat(since) if since else None,
        prediction_id,
        json.loads(output) if output is not None else None,
        error,
        json.loads(metrics) if metrics is not None else None,
        datetime.datetime.fromisoformat(until) if until else None,
        _clock(clock),
    )


def _clock_text(clock: Offset | None) -> str | None:
    if clock is None:
        return None
    return json.dumps([clock.low.total_seconds(), clock.high.total_seconds(), clock.at.isoformat()])


def _clock(text: str | None) -> Offset | None:
    if not text:
        return None
    # Unreadable (edited by hand): as if unknown, so the lookup reads the API's clock again.
    try:
        low, high, at = json.loads(text)
        moment = datetime.datetime.fromisoformat(at)
        if moment.tzinfo is None:
            return None
        return Offset(datetime.timedelta(seconds=low), datetime.timedelta(seconds=high), moment)
    except (ValueError, TypeError, OverflowError):
        return None
