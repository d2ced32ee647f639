"""``Secret``: a string input that never shows itself in a repr, a log line or an error."""

from __future__ import annotations

from .._http.secrets import remember_secret_input

SECRET_MASK = "<secret>"


class Secret:
    """Wraps a secret input value (an API key, a password) so it prints as ``<secret>``.

    Pass it where a model takes a secret input; the plain value is sent only in the
    prediction's input. ``get_secret_value()`` returns the plain string.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError("Secret holds a str")
        self._value = value

    def get_secret_value(self) -> str:
        """The plain value."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('<secret>')"

    def __str__(self) -> str:
        return SECRET_MASK

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def reveal(value: object) -> object:
    """``value`` with every :class:`Secret` replaced by its plain string (for sending).

    Each value revealed is remembered, like the API token: messages, log records and
    reprs of this process leave it out, should a model or server echo it back.
    """
    if isinstance(value, Secret):
        remember_secret_input(value.get_secret_value())
        return value.get_secret_value()
    if isinstance(value, list | tuple):  # tuples pass the check as lists do
        return [reveal(item) for item in value]
    if isinstance(value, dict):
        return {key: reveal(item) for key, item in value.items()}
    return value


def remember_plain(value: object) -> None:
    """Remember the strings of a secret input given without :class:`Secret` (see
    :func:`reveal`)."""
    if isinstance(value, str):
        remember_secret_input(value)
    elif isinstance(value, list | tuple):
        for item in value:
            remember_plain(item)
