"""``replicate hardware``, ``replicate account`` and ``replicate webhooks secret``."""

from __future__ import annotations

from .. import errors, render
from ..context import Context
from . import Group


def register(commands: Group) -> None:
    """Add ``hardware``, ``account`` and ``webhooks secret``."""
    commands.add("hardware", hardware, "List the hardware models can run on.")
    commands.add("account", account, "Show the account the token belongs to.")
    webhooks = commands.group("webhooks", "Webhook settings.")
    webhooks.add("secret", secret, "Print the signing secret of your webhooks.")


def hardware(ctx: Context) -> int:
    render.show_list(ctx, ctx.client.hardware.list(), ("sku", "name"))
    return errors.OK


def account(ctx: Context) -> int:
    render.show(ctx, ctx.client.accounts.current())
    return errors.OK


def secret(ctx: Context) -> int:
    # Asked for explicitly, so the key is printed (the object keeps it out of its repr).
    render.show(ctx, {"key": ctx.client.webhooks.default.secret().key})
    return errors.OK
