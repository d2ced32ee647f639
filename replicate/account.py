"""Accounts: the user or organization an API token belongs to."""

from __future__ import annotations

from attrs import define

from ._api.ops import Call
from .resource import Namespace, Resource


@define(kw_only=True, repr=False)  # Resource.__repr__
class Account(Resource):
    """A Replicate account. ``type`` is ``user`` or ``organization``."""

    type: str | None = None
    username: str
    name: str | None = None
    github_url: str | None = None
    avatar_url: str | None = None


def _current_call() -> Call[Account]:
    from replicate_api.api.account import account_get

    return Call(Account.from_json, account_get.request_kwargs)


class Accounts(Namespace):
    """``client.accounts``."""

    def current(self) -> Account:
        """The account that owns the API token."""
        return self._call(_current_call())

    async def async_current(self) -> Account:
        """Async :meth:`current`."""
        return await self._acall(_current_call())
