"""How the API's clock relates to this machine's: I/O-free arithmetic over readings.

The lookup of unrecorded creates (:mod:`.recovery`) filters the account's predictions by
their creation times, which the API stamps by its own clock, while the ledger records when
each create was sent by ours, and the two may be minutes apart. A reading (:class:`Offset`)
bounds the difference from one answer: the API stamped a create's prediction between our
sending the create and our receiving its answer (:func:`from_created`), and wrote an answer's
HTTP ``Date`` header while answering (:func:`from_date`).
"""

from __future__ import annotations

import datetime

import attrs

from .._http.retry import parse_http_date

#: What a ``Date`` header leaves out: whole seconds only, and servers write one formatted up
#: to a second before they answer (uvicorn formats its once a second).
DATE_SLACK = datetime.timedelta(seconds=2)
#: How fast a clock nobody sets may drift from the API's: a millisecond a second (3.6 s an
#: hour), far beyond a quartz clock's tens of microseconds. A reading taken long after (or
#: before) a create is widened by this much for the time in between.
DRIFT = 1e-3
#: Added to both ends of every span: the API's machines (the one that stamps predictions, the
#: one that writes ``Date``) each keep their own clock, in step within this.
ALLOWANCE = datetime.timedelta(seconds=1)


@attrs.frozen
class Offset:
    """The API's clock minus ours, between ``low`` and ``high``, read at ``at`` (our clock)."""

    low: datetime.timedelta
    high: datetime.timedelta
    at: datetime.datetime

    def narrowed(self, later: Offset) -> Offset:
        """What this reading and a ``later`` one say together; the later one alone if they
        disagree (our clock was set in between)."""
        drift = abs(later.at - self.at) * DRIFT
        low, high = max(self.low - drift, later.low), min(self.high + drift, later.high)
        return Offset(low, high, later.at) if low <= high else later

    def bounds(self, moment: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
        """The earliest and the latest the API's clock may have read at our ``moment``."""
        slack = abs(moment - self.at) * DRIFT + ALLOWANCE
        return moment + self.low - slack, moment + self.high + slack


def from_created(
    sent: datetime.datetime, answered: datetime.datetime, created: datetime.datetime | None
) -> Offset | None:
    """A reading from a create's answer: the API stamped its prediction ``created`` (by its
    clock) after we ``sent`` the create and before we had the answer (``answered``, by ours).
    ``None`` without a creation time."""
    if created is None or answered < sent:
        return None
    return Offset(created - answered, created - sent, answered)


def from_date(
    sent: datetime.datetime, answered: datetime.datetime, date: str | None
) -> Offset | None:
    """A reading from the HTTP ``Date`` header of an answer to a request ``sent`` and
    ``answered`` (by our clock); ``None`` if the header is missing or garbled."""
    if not date or answered < sent:
        return None
    moment = parse_http_date(date)
    if moment is None:
        return None
    return Offset(moment - answered, moment - sent + DATE_SLACK, answered)
