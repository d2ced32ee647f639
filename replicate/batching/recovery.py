"""Which prediction an unrecorded create made: a pure decision for resuming batches.

A process killed (or interrupted) while a create was in flight leaves its input in the
ledger as ``creating``, with no prediction id. On the next run the account's recent
predictions are searched for it. A candidate must be of the batch's model, created since
the create was sent (less the clock skew), hold every plain value of the input, and never
have been recorded for any input before (:meth:`Ledger.known_predictions`; ids of predictions
a Ctrl-C cancelled stay recorded, so they are never adopted again).

Inputs are matched by their values, so a prediction of ``{"seconds": 4, "queue_seconds": 1}``
also holds every value of ``{"seconds": 4}`` (a server that fills in defaults makes that
common). A
candidate therefore belongs to the batch input it matches most specifically: it is refused
for an input when it also holds a *different* batch input with at least as many values.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .._flows.orphans import CLOCK_SKEW, created_time, matching_predictions, plain_values

if TYPE_CHECKING:
    from ..prediction import Prediction


class InputIndex:
    """The batch's inputs, found by the plain values a prediction's input holds."""

    def __init__(self, items: Iterable[tuple[str, int, Mapping[str, Any]]]) -> None:
        # Grouped by the names of their plain values: a batch has few such groups, so a
        # prediction is checked against each group with one dictionary lookup.
        self._groups: dict[tuple[str, ...], dict[str, list[str]]] = {}
        self._signatures: dict[str, str] = {}
        for key, _, value in items:
            values = plain_values(value)
            names = tuple(sorted(values))
            signature = _signature(values)
            self._groups.setdefault(names, {}).setdefault(signature, []).append(key)
            self._signatures[key] = signature

    def held_by(self, stored: Mapping[str, Any]) -> list[tuple[int, str, str]]:
        """``(number of values, signature, key)`` of every batch input whose plain values
        all appear, unchanged, in a prediction's ``stored`` input."""
        held: list[tuple[int, str, str]] = []
        for names, table in self._groups.items():
            if all(name in stored for name in names):
                signature = _signature({name: stored[name] for name in names})
                held.extend((len(names), signature, key) for key in table.get(signature, ()))
        return held

    def belongs_to(self, key: str, stored: Mapping[str, Any]) -> bool:
        """Whether a prediction with input ``stored`` can be input ``key``'s: no different
        batch input is held by it as specifically."""
        held = self.held_by(stored)
        own = next((count for count, _, other in held if other == key), None)
        if own is None:
            return False
        mine = self._signatures[key]
        return not any(count >= own and sig != mine for count, sig, _ in held)


def find_unrecorded(
    key: str,
    input: Mapping[str, Any],
    since: datetime.datetime,
    recent: Iterable[Prediction],
    *,
    target: Mapping[str, Any],
    known: Collection[str],
    index: InputIndex,
) -> list[Prediction]:
    """The predictions that may be input ``key``'s unrecorded create, oldest first."""
    earliest = since - CLOCK_SKEW
    found = [
        p
        for p in matching_predictions(list(recent), target, input)
        if p.id not in known
        and _created_since(p, earliest)
        and index.belongs_to(key, p.input or {})
    ]
    return found[::-1]  # the API lists newest first


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


def _created_since(prediction: Prediction, earliest: datetime.datetime) -> bool:
    # The listing was asked for predictions created since `earliest`; a time the server
    # leaves out or garbles cannot prove otherwise, and refusing the candidate would create
    # the input a second time.
    created = created_time(prediction)
    return created is None or created >= earliest
