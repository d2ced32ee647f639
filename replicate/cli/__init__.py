"""The ``replicate`` command line (``python -m replicate``); see docs/cli.md.

Nothing here is imported by ``import replicate``.
"""

from .app import main

__all__ = ["main"]
