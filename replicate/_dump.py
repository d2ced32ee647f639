"""The pydantic methods 1.x's returned objects had (they were pydantic models).

Code written for 1.x reads results with ``.dict()``, ``.json()``, ``.model_dump()`` or
``.model_dump_json()``, e.g. to forward a stream's events to a browser. Each class says
what its fields are (:meth:`Dumpable._model_fields`); the methods are the same for all.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Iterator
from typing import Any


class Dumpable:
    """Adds 1.x's pydantic dump methods to a class that lists its JSON fields."""

    __slots__ = ()

    def _model_fields(self) -> builtins.dict[str, Any]:
        raise NotImplementedError

    def dict(self) -> builtins.dict[str, Any]:
        """The object's fields as JSON values (1.x / pydantic v1 name)."""
        return self._model_fields()

    def model_dump(self) -> builtins.dict[str, Any]:
        """The object's fields as JSON values (pydantic v2 name)."""
        return self._model_fields()

    def json(self) -> str:
        """:meth:`dict` as a JSON string (1.x / pydantic v1 name)."""
        return json.dumps(self._model_fields())

    def model_dump_json(self) -> str:
        """:meth:`dict` as a JSON string (pydantic v2 name)."""
        return json.dumps(self._model_fields())


class DumpableFields(Dumpable):
    """A :class:`Dumpable` that iterates as its ``(field, value)`` pairs, so ``dict(obj)``
    works as with 1.x (a page iterates its results instead)."""

    __slots__ = ()

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return iter(self._model_fields().items())
