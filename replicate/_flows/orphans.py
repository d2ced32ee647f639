"""Finding the prediction of a create that was interrupted before it answered.

A ``Prefer: wait`` create holds its response until the model finishes, so a run
interrupted during that hold has no prediction id yet, although the server has
made the prediction. :func:`cancel_orphan_flow` finds it among the newest
predictions (same model or version, every plain JSON input value equal or redacted by
the API as a secret input's, created
since shortly before the run began, not finished) and cancels it, but only when
exactly one prediction matches: an ambiguous match is left alone and logged.
Batches resuming after a crash use :func:`recent_predictions_flow` and
:func:`matching_predictions` to find a create whose id was never recorded.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._http.wallclock import rebound
from ..exceptions import ReplicateException
from ..identifier import model_owner_name
from .flow import Flow, Send

if TYPE_CHECKING:
    from ..client import Client
    from ..prediction import Prediction

logger = logging.getLogger("replicate")

# Tolerated difference between our clock and the API's when filtering by creation time, when
# how the two stand is not known (a batch's lookup moves its times to the API's clock instead).
CLOCK_SKEW = datetime.timedelta(seconds=60)
# The narrower tolerance for cancelling: cancelling destroys work, so a prediction created
# before the run began (another caller's, same model and input) must not pass for its orphan.
# A clock further ahead of the API's leaves the orphan running (logged); a run with a deadline
# also sent Cancel-After, so the API ends it anyway.
CANCEL_CLOCK_SKEW = datetime.timedelta(seconds=2)
_JSON_SCALARS = (str, int, float, bool, type(None))
#: What the API shows in a prediction's input for a secret input (``x-cog-secret``) once the
#: model has it: the value sent is unknown from then on, so it cannot tell two inputs apart.
REDACTED = "**********"
#: What a prediction of an official model may show as its version.
HIDDEN_VERSION = "hidden"


def cancel_orphan_flow(
    target: Mapping[str, Any], input: Mapping[str, Any] | None, since: datetime.datetime
) -> Flow[Prediction | None]:
    """Find the one unfinished prediction this run created and cancel it; returns it as the
    cancel left it (``None`` if none was cancelled)."""
    from ..prediction import Prediction

    earliest = since - CANCEL_CLOCK_SKEW
    # Every page: with many runs interrupted at once, the orphan may be past the first 100.
    recent = yield from recent_predictions_flow(since, skew=CANCEL_CLOCK_SKEW)
    matches = [
        p
        for p in matching_predictions(recent, target, input)
        if not p.done and (created := created_time(p)) is not None and created >= earliest
    ]
    if len(matches) != 1:
        logger.warning(
            "interrupted before the API answered; %d matching predictions found, none cancelled",
            len(matches),
        )
        return None
    cancelled: Prediction = yield Send(Prediction._cancel_call(matches[0].id))
    logger.info("cancelled prediction %s of an interrupted run", matches[0].id)
    return cancelled


#: Pages of recent predictions read at most when looking for unrecorded creates (100 each):
#: a server that keeps handing out new pages must not keep a resume going for ever.
MAX_RECENT_PAGES = 200
#: The narrowest window of creation times listed on its own. A page too large to read (100
#: predictions with large inputs or outputs) is read again as two halves of its window, which
#: hold fewer predictions each; one still too large this narrow ends the lookup with the error.
MIN_WINDOW = datetime.timedelta(milliseconds=1)


class TooManyPredictions(ReplicateException):
    """More predictions were created in the window looked through than
    :data:`MAX_RECENT_PAGES` pages hold: what the pages not read hold is unknown."""


def recent_predictions_flow(
    since: datetime.datetime,
    *,
    skew: datetime.timedelta = CLOCK_SKEW,
    until: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> Flow[list[Prediction]]:
    """Every prediction created since ``since`` (less ``skew``) and up to ``until`` (plus
    ``skew``; ``None``: now), newest first, all pages. :class:`TooManyPredictions` after
    :data:`MAX_RECENT_PAGES` requests: the oldest predictions, those a lookup is after, would
    be the ones left out. A next-page link given twice ends with an error too. ``now``: the
    API's time, when ours may differ (where an open window ends when it is read in halves).
    """
    from ..exceptions import ResponseTooLargeError

    found: dict[str, Prediction] = {}
    now = now or datetime.datetime.now(datetime.UTC)
    first = (since - skew, None if until is None else until + skew)
    windows: list[tuple[datetime.datetime, datetime.datetime | None]] = [first]
    budget = [MAX_RECENT_PAGES]
    while windows:
        after, before = windows.pop()
        try:
            complete = yield from _window_flow(after, before, found, budget)
        except ResponseTooLargeError:
            end = before or now
            if end - after < MIN_WINDOW or budget[0] <= 0:
                raise
            middle = after + (end - after) / 2
            # The newer half is read first (pop), so the result stays newest first; the halves
            # overlap a little, in case the API's bounds both leave out the middle itself.
            windows += [(after, middle + MIN_WINDOW), (middle, before)]
            continue
        if not complete:
            raise TooManyPredictions(
                f"more than {MAX_RECENT_PAGES} pages of predictions were created between "
                f"{first[0].isoformat()} and {(first[1] or now).isoformat()}"
            )
    return list(found.values())


def _window_flow(
    after: datetime.datetime,
    before: datetime.datetime | None,
    found: dict[str, Prediction],
    budget: list[int],
) -> Flow[bool]:
    """Add the predictions created between ``after`` and ``before`` (``None``: now) to
    ``found``, newest first, each once; ``budget`` counts down the requests left. Whether
    the window was read to its end."""
    from ..pagination import follow
    from ..prediction import list_call

    filters = {"created_after": after, **({"created_before": before} if before else {})}
    cursor: Any = ...
    seen: set[str] = set()
    while budget[0] > 0:
        budget[0] -= 1
        page = yield Send(list_call(cursor, filters))
        for prediction in page.results:
            found.setdefault(prediction.id, prediction)
        if not page.next:
            return True
        cursor = follow(seen, page.next)
    return False


def created_time(prediction: Prediction) -> datetime.datetime | None:
    """When ``prediction`` was created, in UTC if the API gave no zone (``None`` if the API
    left that out or garbled it)."""
    from ..version import api_datetime

    moment = api_datetime(prediction.created_at)
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=datetime.UTC)


def matching_predictions(
    predictions: list[Prediction], target: Mapping[str, Any], input: Mapping[str, Any] | None
) -> list[Prediction]:
    """The predictions of ``target`` whose input has every plain value of ``input``."""
    return [
        prediction
        for prediction in predictions
        if _same_target(prediction, target) and _same_input(prediction.input or {}, input or {})
    ]


def _same_target(prediction: Prediction, target: Mapping[str, Any]) -> bool:
    """Of ``target``'s version, or of its model: a target may give both, as a prediction of
    a pinned version may show its version as ``"hidden"`` (official models)."""
    if "version" in target:
        if prediction.version == target["version"]:
            return True
        if "model" not in target or prediction.version not in (None, "", HIDDEN_VERSION):
            return False
    owner, name = model_owner_name(target["model"])
    return prediction.model == f"{owner}/{name}"


def _same_input(sent: Mapping[str, Any], given: Mapping[str, Any]) -> bool:
    """Every plain JSON value the caller gave is in the prediction's input unchanged, or
    hidden there by the API (a secret input: its value is unknown, not different)."""
    return all(
        (stored := sent.get(key)) == value or hidden(stored)
        for key, value in plain_values(given).items()
    )


def hidden(stored: Any) -> bool:
    """Whether a value of a prediction's stored input is one the API redacted."""
    if isinstance(stored, list):
        return bool(stored) and all(hidden(item) for item in stored)
    return isinstance(stored, str) and stored == REDACTED


def plain_values(given: Mapping[str, Any]) -> dict[str, Any]:
    """The values of an input that a prediction's stored input can be compared with
    (files and other converted values are sent as something else, so they are left out)."""
    return {key: value for key, value in given.items() if _plain(value)}


def _plain(value: Any) -> bool:
    if isinstance(value, _JSON_SCALARS):
        return True
    if isinstance(value, list):
        return all(_plain(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def cancel_orphan(
    client: Client,
    target: Mapping[str, Any],
    input: Mapping[str, Any] | None,
    since: datetime.datetime,
    grace: float,
) -> Prediction | None:
    """Run :func:`cancel_orphan_flow`, all of it within ``grace`` seconds, even past the run's
    deadline (best effort: failures are logged and give ``None``)."""
    from .drive import SyncDriver

    try:
        with rebound(time.monotonic() + grace):
            return SyncDriver(client, None).drive(cancel_orphan_flow(target, input, since))
    except Exception as exc:
        logger.warning("could not look for the interrupted run's prediction: %s", exc)
        return None


async def async_cancel_orphan(
    client: Client,
    target: Mapping[str, Any],
    input: Mapping[str, Any] | None,
    since: datetime.datetime,
    grace: float,
) -> Prediction | None:
    """Async :func:`cancel_orphan`, finished even while the calling task is being cancelled
    (see :func:`~replicate._flows.drive.finish_despite_cancellation`)."""
    from .drive import AsyncDriver, finish_despite_cancellation

    def look() -> Prediction | None:
        return cancel_orphan(client, target, input, since, grace)

    async def async_look() -> Prediction | None:
        with rebound(time.monotonic() + grace):
            found: Prediction | None = await AsyncDriver(client, None).drive(
                cancel_orphan_flow(target, input, since)
            )
            return found

    failed = "could not look for the interrupted run's prediction"
    return await finish_despite_cancellation(look, async_look, grace, failed)
