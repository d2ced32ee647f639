"""``replicate emulator``: serve the local emulator (``python -m replicate.emulator``)."""

from __future__ import annotations

import argparse

from .. import errors
from ..context import Context
from . import Group


def register(commands: Group) -> None:
    """Add ``emulator``; its options (``--port``, ``--models``, ...) go to the emulator."""
    parser = commands.add(
        "emulator",
        serve,
        "Serve a local emulator of the API (options: replicate emulator --help).",
        add_help=False,
    )
    parser.add_argument("options", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)


def serve(ctx: Context) -> int:
    try:
        from ...emulator.__main__ import main
    except ImportError as error:
        raise errors.UsageError(
            f"the emulator needs its extra: pip install 'replicate[emulator]' ({error})"
        ) from None
    main(["--help" if o == "-h" else o for o in ctx.args.options])
    return errors.OK
