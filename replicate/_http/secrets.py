"""Keeping API tokens out of every message: exceptions, our log records and httpx's.

Tokens are remembered when a client first sends one (:func:`remember`); every
exception this package builds and every log record of the ``replicate``, ``httpx``
and ``httpcore`` loggers is scrubbed of them (:func:`scrub`, :class:`ScrubFilter`).
Scrubbing covers mapping keys as well as values, and a token cut short at the end
of a text (error pages are shortened for readability) is scrubbed too.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any, TypeVar

E = TypeVar("E", bound=BaseException)

REDACTED = "[REDACTED]"
# A cut-off token tail shorter than this is too short to be a useful leak and too likely
# to match ordinary text.
MIN_PREFIX = 6
# Loggers whose records may carry a token: ours, and httpx/httpcore, which log URLs
# (INFO) and response headers (DEBUG) of our requests.
SCRUBBED_LOGGERS = (
    "replicate",
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)
# Shorter "tokens" (test placeholders like "x") are not remembered process-wide: scrubbing
# them from every message would garble ordinary text. Replicate's tokens are 40 characters.
MIN_REMEMBERED = 8
# A secret input (marked secret by the schema, or given as Secret) is scrubbed down to this
# length: a short password or PIN is still a secret, but scrubbing every 1-3 character
# match would mangle all output.
MIN_SECRET_INPUT = 4
# At most this many distinct tokens are remembered (a process rarely uses more than a few).
_MAX_REMEMBERED = 64

_lock = threading.Lock()
_known: dict[str, None] = {}  # insertion-ordered set
_installed = False


def remember(token: str | None) -> None:
    """Add a token to those scrubbed from every message, and install the log filter."""
    if not token or len(token) < MIN_REMEMBERED or token in _known:
        return
    _add(token)


def remember_secret_input(value: str) -> None:
    """:func:`remember` for a secret input's value, which may be shorter than a token
    (down to :data:`MIN_SECRET_INPUT` characters)."""
    if len(value) < MIN_SECRET_INPUT or value in _known:
        return
    _add(value)


def _add(secret: str) -> None:
    with _lock:
        _known[secret] = None
        while len(_known) > _MAX_REMEMBERED:
            del _known[next(iter(_known))]
    install_log_filter()


def known() -> list[str]:
    """The tokens currently scrubbed (longest first, so no token hides inside another)."""
    return sorted(_known, key=len, reverse=True)


def known_and(extra: Iterable[str]) -> list[str]:
    """The remembered tokens plus ``extra`` (longest first)."""
    return sorted({*_known, *(s for s in extra if s)}, key=len, reverse=True)


def scrub_text(text: str, secrets: list[str] | None = None) -> str:
    """``text`` with every secret replaced, including one cut short at its end."""
    for secret in known() if secrets is None else secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
        text = _scrub_cut_tail(text, secret)
    return text


class StreamScrubber:
    """Scrubs a text that comes in pieces (a model echoing a secret token by token).

    :meth:`feed` returns what can be shown now; the tail that could still be the start
    of a secret is held back until the next piece shows what it is, or :meth:`end`.
    """

    def __init__(self) -> None:
        self.held = ""

    def feed(self, piece: str) -> str:
        """The scrubbed text that is ready, ``piece`` and what was held included."""
        secrets = known()
        text, self.held = self.held + piece, ""
        if not secrets:
            return text
        for secret in secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        keep = max(_secret_start_at_end(text, secret) for secret in secrets)
        text, self.held = text[: len(text) - keep], text[len(text) - keep :]
        return text

    def end(self) -> str:
        """The held tail, scrubbed as the end of a text (see :func:`scrub_text`)."""
        held, self.held = self.held, ""
        return scrub_text(held) if held else ""


def _secret_start_at_end(text: str, secret: str) -> int:
    # The length of the longest end of text that is a proper start of secret (0: none).
    for size in range(min(len(secret) - 1, len(text)), 0, -1):
        if text.endswith(secret[:size]):
            return size
    return 0


def _scrub_cut_tail(text: str, secret: str) -> str:
    # A text cut to a length may end with the first characters of a secret.
    longest = min(len(secret) - 1, len(text))
    for size in range(longest, MIN_PREFIX - 1, -1):
        if text.endswith(secret[:size]):
            return text[:-size] + REDACTED
    return text


def scrub(value: Any, secrets: list[str] | None = None) -> Any:
    """``value`` with secrets removed from strings, mapping keys included, at any depth."""
    secrets = known() if secrets is None else secrets
    if not secrets:
        return value
    if isinstance(value, str):
        return scrub_text(value, secrets)
    if isinstance(value, dict):
        return {scrub(k, secrets): scrub(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(scrub(v, secrets) for v in value)
    return value


def scrub_error(exc: E) -> E:
    """``exc`` with the remembered secrets taken out of its message and those of the errors
    it chains (parser errors quote the bytes a server sent, which may echo the request's
    ``Authorization`` header back); returns ``exc``."""
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        link.args = tuple(scrub_text(a) if isinstance(a, str) else a for a in link.args)
        link = link.__cause__ or link.__context__
    return exc


class ScrubFilter(logging.Filter):
    """A logging filter that removes remembered tokens from a record's message."""

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = known()
        if not secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler to report
            return True
        scrubbed = scrub_text(message, secrets)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        return True


def install_log_filter() -> None:
    """Attach :class:`ScrubFilter` to the loggers in :data:`SCRUBBED_LOGGERS` (once)."""
    global _installed
    if _installed:
        return
    with _lock:
        if _installed:
            return
        scrubber = ScrubFilter()
        for name in SCRUBBED_LOGGERS:
            logging.getLogger(name).addFilter(scrubber)
        _installed = True
