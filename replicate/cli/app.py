"""The ``replicate`` command: the argument parser and :func:`main`.

Only ``argparse`` is imported to build the parser (``replicate --help`` stays fast);
each command imports the client and ``rich`` when it runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from ..__about__ import __version__
from . import errors
from .commands import (
    Group,
    account,
    common_options,
    deployments,
    emulator,
    files,
    models,
    mounts,
    predictions,
    run,
    trainings,
)
from .context import Context

EPILOG = """\
The API token is read from $REPLICATE_API_TOKEN. Output is a table on a terminal and JSON
(JSON lines for lists) when piped or with --json. Exit status: 0 success, 1 the prediction
failed or the API refused, 2 bad usage or input (nothing sent), 130 interrupted (cancelled).
"""


def build_parser() -> argparse.ArgumentParser:
    """The full parser, every command registered."""
    parser = argparse.ArgumentParser(
        prog="replicate",
        description="Run models and manage predictions, models, files, trainings and "
        "deployments on Replicate.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common_options(top=True)],
    )
    parser.add_argument("--version", action="version", version=f"replicate {__version__}")
    parser.set_defaults(passthrough=False)
    commands = Group(
        parser.add_subparsers(title="commands", metavar="COMMAND", required=True),
        common_options(top=False),
    )
    for module in (
        run,
        predictions,
        models,
        files,
        trainings,
        deployments,
        account,
        emulator,
        mounts,
    ):
        module.register(commands)
    return parser


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the command line; returns the exit status (see :mod:`replicate.cli.errors`)."""
    err = stderr or sys.stderr
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(argv)
        if args.passthrough:
            # --json and --base-url may follow the command name here too; the rest is the
            # command's own (`replicate generate ... --base-url URL`).
            common = common_options(top=False)
            common.allow_abbrev = False
            given, args.options = common.parse_known_args(extra)
            vars(args).update(vars(given))
        elif extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
    except SystemExit as exit:  # argparse: --help (0) or a usage error (2)
        return _exit_status(exit)
    ctx = Context(args, stdout, stderr)
    try:
        try:
            status: int = args.handler(ctx)
        finally:
            ctx.end_output()
        return status
    except KeyboardInterrupt:
        # The client's run/stream/wait already cancelled the prediction on the server.
        print("interrupted", file=err)
        return errors.INTERRUPTED
    except SystemExit as exit:  # the own parser of a pass-through command (emulator, ...)
        return _exit_status(exit)
    except BrokenPipeError:
        # The reader went away (`replicate predictions list --all | head`): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return errors.FAILED
    except errors.UsageError as error:
        print(f"error: {error}", file=err)
        return errors.USAGE
    except Exception as error:
        return _report(error, err)
    finally:
        if "client" in ctx.__dict__:
            ctx.client.close()


def _exit_status(exit: SystemExit) -> int:
    return exit.code if isinstance(exit.code, int) else errors.USAGE


def _report(error: Exception, err: TextIO) -> int:
    """Print an error the client raised; its exit status (re-raises unexpected ones)."""
    import httpx

    from .._encoding.inputs import InputError
    from ..exceptions import InvalidArgumentError, ReplicateException
    from ..schema import InputValidationError

    refused_before_sending = (InvalidArgumentError, InputError, InputValidationError)
    if isinstance(error, refused_before_sending) or (
        isinstance(error, ValueError) and not isinstance(error, ReplicateException)
    ):
        # The client checked the input before sending anything.
        print(f"error: {error}", file=err)
        return errors.USAGE
    if isinstance(error, ReplicateException | httpx.HTTPError):
        print(f"error: {errors.describe(error)}", file=err)
        return errors.FAILED
    if isinstance(error, OSError):  # saving a file: no space, no permission, no such folder
        print(f"error: {error}", file=err)
        return errors.FAILED
    raise error
