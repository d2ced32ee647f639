"""Commands whose own modules parse their arguments: ``replicate generate`` (typed per-model
modules, :mod:`replicate.typed.main`) and ``replicate batch`` (:mod:`replicate.batching.command`).
Their modules are imported only when they run; only the wiring lives here."""

from __future__ import annotations

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
    from ...typed.main import build_parser, run_generate

    args = build_parser(prog="replicate generate").parse_args(ctx.args.options)
    return run_generate(args, client=ctx.client)


def batch(ctx: Context) -> int:
    """``replicate batch``: many predictions at the API's rate limit (:mod:`replicate.batching`)."""
    from ...batching import command

    parser = command.build_parser(prog="replicate batch")
    status: int = command.run(parser.parse_args(ctx.args.options), client=ctx.client)
    return status
