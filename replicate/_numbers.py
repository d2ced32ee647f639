"""Checks of the numbers callers pass (durations, counts), made before anything is sent.

NaN compares false with everything, so a NaN timeout or retry count would make a
loop never end or never sleep; infinite and negative values are no better.
"""

from __future__ import annotations

import math
from typing import Any


def finite_seconds(name: str, value: Any, *, positive: bool = False) -> float:
    """``value`` as seconds: a real number, finite, not negative (above 0 with ``positive``)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds, got {value!r}")
    seconds = float(value)
    if not math.isfinite(seconds):
        raise ValueError(f"{name} must be a finite number of seconds, got {value!r}")
    if seconds < 0 or (positive and seconds == 0):
        raise ValueError(
            f"{name} must be {'positive' if positive else 'at least 0'}, got {value!r}"
        )
    return seconds


def count(name: str, value: Any) -> int:
    """``value`` as a count: an ``int`` (not a bool), at least 0."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value!r}")
    return value
