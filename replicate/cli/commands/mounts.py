"""Commands implemented elsewhere: ``replicate generate`` (typed per-model modules) and
``replicate batch`` (batch runs). Their modules are imported only when they run.

MOUNT POINTS (issues 14 and 16): the try/except ImportError goes away when the modules
land; the command-line behaviour is theirs, only the wiring lives here.
"""

from __future__ import annotations

import argparse

from .. import errors
from ..context import Context
from . import Group


def register(commands: Group) -> None:
    """Add ``generate`` and ``batch``; their own parsers read the rest of the arguments."""
    for name, handler, help in (
        ("generate", generate, "Generate typed Python modules for models."),
        ("batch", batch, "Run many predictions at the API's rate limit."),
    ):
        commands.add_passthrough(name, handler, help)


def generate(ctx: Context) -> int:
    """``replicate generate``: typed per-model modules (:mod:`replicate.typed.main`)."""
    from ...typed.main import main

    return main(ctx.args.options, client=ctx.client)


def batch(ctx: Context) -> int:
    # MOUNT POINT (issue 16): replicate/batching/command.py.
    try:
        from ...batching import command  # type: ignore[import-not-found,attr-defined,unused-ignore]
    except ImportError:
        return _missing(ctx, "batch")
    parser = argparse.ArgumentParser(prog="replicate batch")
    command.add_arguments(parser)
    status: int = command.run(parser.parse_args(ctx.args.options))
    return status


def _missing(ctx: Context, name: str) -> int:
    print(f"error: `replicate {name}` is not part of this build yet", file=ctx.stderr)
    return errors.USAGE
