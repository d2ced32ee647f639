"""Models as typed Python functions.

- :func:`use` (``replicate.use``/``Client.use``): a model as a function whose signature is
  the model's schema; inputs are checked before anything is sent.
- ``python -m replicate generate``: one typed module per model (:mod:`.main`,
  :mod:`.generate`), with model schema change reports (:mod:`.report`).
- :class:`Options`: run options for generated modules' ``run``/``async_run``.
"""

from .function import AsyncFunction, AsyncRun, Function, Run, use
from .resolve import ModelInfo, ModelLookupError
from .runtime import Options

__all__ = [
    "AsyncFunction",
    "AsyncRun",
    "Function",
    "ModelInfo",
    "ModelLookupError",
    "Options",
    "Run",
    "use",
]
