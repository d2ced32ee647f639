"""``replicate emulator``: serve the local emulator (``python -m replicate.emulator``)."""

from __future__ import annotations

from .. import errors
from ..context import Context
from . import Group


def register(commands: Group) -> None:
    """Add ``emulator``; its options (``--port``, ``--models``, ...) go to the emulator."""
    commands.add_passthrough(
        "emulator", serve, "Serve a local emulator of the API (options: replicate emulator --help)."
    )


def serve(ctx: Context) -> int:
    try:
        from ...emulator.__main__ import main
    except ImportError as error:
        raise errors.UsageError(
            f"the emulator needs its extra: pip install 'replicate[emulator]' ({error})"
        ) from None
    main(ctx.args.options, prog="replicate emulator")
    return errors.OK
