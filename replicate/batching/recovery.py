"""Which prediction an unrecorded create made: a pure decision for resuming batches.

A process killed (or interrupted) while a create was in flight leaves its input in the
ledger as ``creating``, with no prediction id. On the next run the account's predictions
created while the create may have been made are searched for it (:func:`span`: from when it
was sent until it failed, or until now if the process died waiting). The API stamps creation
times by its own clock, so those times are moved to it by a reading of how it stands to ours
(:mod:`.clock`): the one recorded with the create, or else one taken at the lookup; with
neither, they are widened by :data:`~replicate._flows.orphans.CLOCK_SKEW`, as if the two
clocks agreed within it. A candidate must be of the batch's model, created in that span,
hold every plain value of the input, and never have been recorded for any input before
(:meth:`Ledger.known_predictions`; ids of predictions a Ctrl-C cancelled stay recorded, so
they are never adopted again).

Inputs are matched by their values, so a prediction of ``{"seconds": 4, "queue_seconds": 1}``
also holds every value of ``{"seconds": 4}`` (a server that fills in defaults makes that
common). A candidate therefore belongs to the batch input it matches most specifically: it is
refused for an input when it also holds a *different* batch input with at least as many values.

The API hides secret inputs in a prediction (``**********``), so their values are not
compared: those given as :class:`~replicate.schema.Secret` are left out, and a redacted
value matches any. Two inputs that differ only there ("twins") cannot be told apart by
their predictions: when a twin's create may also have made a candidate, the lookup says so
(:attr:`Lookup.twins`) instead of guessing, and the input is neither adopted nor created again.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from .._flows.orphans import CLOCK_SKEW, created_time, hidden, matching_predictions, plain_values
from ..exceptions import ReplicateException
from .clock import Offset
from .ledger import Attempt

if TYPE_CHECKING:
    from ..prediction import Prediction


class LookupFailed(ReplicateException):
    """The recent predictions could not be read to settle unrecorded creates: those inputs'
    state is unknown, so the batch stops before creating anything (a rerun tries again)."""


@attrs.frozen
class Span:
    """When, by the API's clock, an unrecorded create may have made its prediction: from
    ``since`` until ``until`` (``None``: up to now)."""

    since: datetime.datetime
    until: datetime.datetime | None = None
    #: The best guess of when the create reached the API (its clock): ``since`` is the
    #: earliest it may have, widened by the readings' uncertainty. ``None``: ``since``.
    sent: datetime.datetime | None = attrs.field(default=None, eq=False)

    def holds(self, created: datetime.datetime) -> bool:
        """Whether a prediction created at ``created`` (the API's clock) falls in the span."""
        return self.since <= created and (self.until is None or created <= self.until)


def span(attempt: Attempt, reading: Offset | None = None) -> Span:
    """``attempt``'s span: its times moved to the API's clock by the reading recorded with it,
    or else by ``reading`` (taken at the lookup); our own times widened by the clock skew when
    there is neither (a ledger written before readings were recorded, no ``Date`` header)."""
    offset = attempt.offset or reading
    if offset is None:
        until = None if attempt.until is None else attempt.until + CLOCK_SKEW
        return Span(attempt.since - CLOCK_SKEW, until, sent=attempt.since)
    since, _ = offset.bounds(attempt.since)
    until = None if attempt.until is None else offset.bounds(attempt.until)[1]
    return Span(since, until, sent=attempt.since + (offset.low + offset.high) / 2)


def spans(attempts: Mapping[str, Attempt], reading: Offset | None = None) -> dict[str, Span]:
    """Each attempt's :func:`span`."""
    return {key: span(attempt, reading) for key, attempt in attempts.items()}


@attrs.frozen
class Window:
    """Creation times to read, by the API's clock (``until`` ``None``: up to now), and the
    inputs whose unrecorded create may have made a prediction in it."""

    since: datetime.datetime
    until: datetime.datetime | None
    keys: tuple[str, ...]


def windows(unrecorded: Mapping[str, Span]) -> list[Window]:
    """The windows to read to settle the ``unrecorded`` creates: their spans, overlapping
    ones merged, so that no prediction is listed twice and an old attempt does not make the
    lookup read everything created since (a create that failed early in a long batch would
    otherwise be looked for behind every later prediction)."""
    merged: list[Window] = []
    for key, times in sorted(unrecorded.items(), key=lambda item: item[1].since):
        last = merged[-1] if merged else None
        if last is None or (last.until is not None and last.until < times.since):
            merged.append(Window(times.since, times.until, (key,)))
            continue
        ends = (last.until, times.until)
        until = None if None in ends else max(e for e in ends if e is not None)
        merged[-1] = Window(last.since, until, (*last.keys, key))
    return merged


@attrs.frozen
class Lookup:
    """What the recent predictions say about one input's unrecorded create."""

    #: Predictions that may be the input's, the one to adopt first (see :func:`look_up`).
    found: list[Prediction] = attrs.field(factory=list)
    #: Other unrecorded inputs differing from this one only in values the API hides, that
    #: may have made one of :attr:`found`: then none of them can be told to be this input's.
    twins: tuple[str, ...] = ()
    #: The names of the inputs in which the twins differ.
    hidden: tuple[str, ...] = ()


class InputIndex:
    """The batch's inputs, found by the plain values a prediction's input holds.

    ``secrets`` names the inputs whose values are never compared (the API hides them).
    """

    def __init__(
        self, items: Iterable[tuple[str, int, Mapping[str, Any]]], secrets: Collection[str] = ()
    ) -> None:
        self._plain: dict[str, dict[str, Any]] = {}  # every plain value, secret ones too
        self._names: dict[str, tuple[str, ...]] = {}  # the names of the compared values
        # Inputs grouped by the names of their compared values: a batch has few such groups,
        # so a prediction is checked against each group with one dictionary lookup.
        self._groups: dict[tuple[str, ...], list[str]] = {}
        self._tables: dict[tuple[tuple[str, ...], frozenset[str]], dict[str, list[str]]] = {}
        for key, _, value in items:
            plain = plain_values(value)
            names = tuple(sorted(name for name in plain if name not in secrets))
            self._plain[key] = plain
            self._names[key] = names
            self._groups.setdefault(names, []).append(key)

    def compared(self, key: str) -> dict[str, Any]:
        """The values of input ``key`` a prediction's input is compared with."""
        return {name: self._plain[key][name] for name in self._names[key]}

    def held_by(self, stored: Mapping[str, Any]) -> list[tuple[int, str]]:
        """``(number of values, key)`` of every batch input whose compared values all appear
        in a prediction's ``stored`` input, unchanged or redacted."""
        held: list[tuple[int, str]] = []
        for names, _ in self._groups.items():
            if all(name in stored for name in names):
                redacted = frozenset(name for name in names if hidden(stored[name]))
                shown = {name: stored[name] for name in names if name not in redacted}
                table = self._table(names, redacted)
                held.extend((len(names), key) for key in table.get(_signature(shown), ()))
        return held

    def _table(self, names: tuple[str, ...], redacted: frozenset[str]) -> dict[str, list[str]]:
        # The group's inputs by the values a prediction redacting `redacted` still shows
        # (built once per such pair: a model redacts the same inputs in every prediction).
        table = self._tables.get((names, redacted))
        if table is None:
            table = {}
            for key in self._groups[names]:
                shown = {n: self._plain[key][n] for n in names if n not in redacted}
                table.setdefault(_signature(shown), []).append(key)
            self._tables[names, redacted] = table
        return table

    def claim(self, key: str, stored: Mapping[str, Any]) -> tuple[bool, list[str]]:
        """Whether a prediction with input ``stored`` can be input ``key``'s (no different
        batch input is held by it as specifically, twins aside), and the twins of ``key``
        (inputs differing from it only in values the API hides) it holds."""
        held = self.held_by(stored)
        own = next((count for count, other in held if other == key), None)
        if own is None:
            return False, []
        mine = _signature(self._plain[key])
        twins, rivals = [], False
        for count, other in held:
            if other == key or count < own or _signature(self._plain[other]) == mine:
                continue
            if self._names[other] == self._names[key]:
                twins.append(other)  # held in the same group: the same values, but hidden ones
            else:
                rivals = True
        return not rivals, twins

    def differences(self, key: str, others: Iterable[str]) -> tuple[str, ...]:
        """The names of the values in which ``others`` differ from input ``key``."""
        mine = self._plain[key]
        return tuple(
            sorted({n for o in others for n, v in self._plain[o].items() if mine.get(n) != v})
        )


def look_up(
    key: str,
    recent: Iterable[Prediction],
    *,
    target: Mapping[str, Any],
    known: Collection[str],
    index: InputIndex,
    unrecorded: Mapping[str, Span],
) -> Lookup:
    """What ``recent`` predictions say about input ``key``'s unrecorded create.

    ``unrecorded`` gives every input whose create may have been sent without its id being
    recorded (``key`` among them) the :func:`span` it may have made its prediction in.
    """
    found: list[Prediction] = []
    twins: set[str] = set()
    for prediction in matching_predictions(list(recent), target, index.compared(key)):
        if prediction.id in known or not _made_by(prediction, unrecorded[key]):
            continue
        mine, held = index.claim(key, prediction.input or {})
        if not mine:
            continue
        found.append(prediction)
        # A twin whose create was in flight when this prediction was made may have made it.
        twins.update(t for t in held if t in unrecorded and _made_by(prediction, unrecorded[t]))
    own = unrecorded[key]
    found = _nearest_first(found, own.since if own.sent is None else own.sent)
    if twins:
        return Lookup(found, tuple(sorted(twins)), index.differences(key, twins))
    return Lookup(found)


def _nearest_first(found: list[Prediction], since: datetime.datetime) -> list[Prediction]:
    """``found`` in the order to adopt them: the create was sent at about ``since``, so its
    prediction is the first made from then on, else (the guess is off) the nearest made before.
    Another caller's prediction of the same input, made within the skew before, comes after
    it (taking the oldest adopted a batch run just before's, and left this one's unrecorded)."""

    def order(prediction: Prediction) -> tuple[int, float]:
        created = created_time(prediction)
        if created is None:
            return 2, 0.0
        return int(created < since), abs((created - since).total_seconds())

    return sorted(found, key=order)


def _signature(values: Mapping[str, Any]) -> str:
    return json.dumps(_canonical(values), sort_keys=True, separators=(",", ":"))


def _canonical(value: Any) -> Any:
    # The API may hand 4.0 back as 4: compare numbers as the equality check above does.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in value.items()}
    return value


def _made_by(prediction: Prediction, attempt: Span) -> bool:
    # Whether the prediction was created while the attempt was in flight. The listing was
    # asked for those; a time the server leaves out or garbles cannot prove otherwise, and
    # refusing the candidate would create the input a second time.
    created = created_time(prediction)
    return created is None or attempt.holds(created)
