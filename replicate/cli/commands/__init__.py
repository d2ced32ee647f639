"""Building blocks shared by the command modules: registering a (sub)command, listing."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from .. import errors, render
from ..context import Context

if TYPE_CHECKING:
    from ...client import Client
    from ...pagination import Cursor, Page

T = TypeVar("T")
#: A command's implementation: reads ``ctx.args``, returns the exit status.
Handler = Callable[[Context], int]


def common_options(*, top: bool) -> argparse.ArgumentParser:
    """``--json`` and ``--base-url``, accepted before the command name and after it."""
    # Below the top level the defaults are SUPPRESS, so a subcommand that does not
    # repeat an option keeps the value given before the command name.
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument(
        "--json",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="print JSON (JSON lines for lists) even on a terminal",
    )
    parser.add_argument(
        "--base-url",
        metavar="URL",
        default=None if top else argparse.SUPPRESS,
        help="API base URL (default: $REPLICATE_BASE_URL or https://api.replicate.com)",
    )
    return parser


class Group:
    """A level of subcommands (``replicate ...`` or ``replicate predictions ...``)."""

    def __init__(self, subparsers: Any, common: argparse.ArgumentParser) -> None:
        self._subparsers = subparsers
        self._common = common

    def add(
        self, name: str, handler: Handler, help: str, **options: Any
    ) -> argparse.ArgumentParser:
        """A command running ``handler``; returns its parser for adding arguments."""
        parser: argparse.ArgumentParser = self._subparsers.add_parser(
            name, help=help, description=help, parents=[self._common], **options
        )
        parser.set_defaults(handler=handler)
        return parser

    def add_list(
        self,
        name: str,
        help: str,
        method: Callable[[Client], Callable[[Cursor], Page[Any]]],
        columns: tuple[str, ...],
    ) -> argparse.ArgumentParser:
        """A command printing the items of a list operation, ``--all`` following pages."""

        def handler(ctx: Context) -> int:
            render.show_list(ctx, listed(ctx, method(ctx.client)), columns)
            return errors.OK

        parser = self.add(name, handler, help)
        add_all_option(parser)
        return parser

    def add_show(
        self, name: str, help: str, fetch: Callable[[Client, str], Any], metavar: str = "ID"
    ) -> None:
        """A command printing what ``fetch(client, ID)`` returns."""

        def handler(ctx: Context) -> int:
            render.show(ctx, fetch(ctx.client, ctx.args.id))
            return errors.OK

        self.add(name, handler, help).add_argument("id", metavar=metavar)

    def add_passthrough(self, name: str, handler: Handler, help: str) -> None:
        """A command whose arguments (in ``ctx.args.options``) its handler parses itself."""
        parser = self._subparsers.add_parser(name, help=help, description=help, add_help=False)
        parser.set_defaults(handler=handler, passthrough=True)

    def group(self, name: str, help: str) -> Group:
        """A command that only holds subcommands."""
        parser = self._subparsers.add_parser(
            name, help=help, description=help, parents=[self._common]
        )
        return Group(
            parser.add_subparsers(title="commands", metavar="COMMAND", required=True),
            self._common,
        )


def seconds(text: str) -> float:
    """An argparse type: a finite number of seconds above 0 (refused before any request)."""
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"a finite number of seconds above 0, not {text}")
    return value


def add_all_option(parser: argparse.ArgumentParser) -> None:
    """``--all``: follow every page (fetched lazily, as the output is written)."""
    parser.add_argument("--all", action="store_true", help="follow every page, not just the first")


def listed(ctx: Context, list_method: Callable[[Cursor], Page[T]]) -> Iterable[T]:
    """The first page's items, or with ``--all`` every item, fetching pages as needed."""
    if ctx.args.all:
        from ...pagination import paginate_items

        return paginate_items(list_method)
    return list_method(...).results
