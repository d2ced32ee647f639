"""The trampoline both generator engines share: the transport's ``exchange()`` and the flows.

An I/O-free generator yields what it wants done and receives what happened. A shell
iterates a :class:`Stepper` for the next action, performs it inside ``with stepper:``
and records the result with :meth:`Stepper.answer`; an exception raised while
performing is thrown into the generator at that action instead. So the sync and
async shells differ only in how they perform an action, never in this bookkeeping.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from types import TracebackType
from typing import Any, Generic, TypeVar

A = TypeVar("A")


class Stepper(Iterator[A], Generic[A]):
    """Advances ``steps`` with the previous action's result or error; :attr:`result` holds
    what the generator returned once iteration stops."""

    __slots__ = ("_error", "_steps", "_value", "result")

    def __init__(self, steps: Generator[A, Any, Any]) -> None:
        self._steps = steps
        self._value: Any = None
        self._error: BaseException | None = None
        self.result: Any = None

    def __next__(self) -> A:
        value, error = self._value, self._error
        self._value = self._error = None
        try:
            return self._steps.throw(error) if error is not None else self._steps.send(value)
        except StopIteration as stop:
            self.result = stop.value
            raise StopIteration from None

    def answer(self, value: Any) -> None:
        """The result of the action just performed, sent into the generator next."""
        self._value = value

    def __enter__(self) -> Stepper[A]:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        # Failures of the action go back into the generator; interrupts and cancellation
        # (BaseException) propagate to the shell.
        if isinstance(error, Exception):
            self._error = error
            return True
        return False

    def close(self) -> None:
        """Close the generator (runs its ``finally`` blocks)."""
        self._steps.close()
