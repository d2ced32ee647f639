"""Hardware: the machine types models can run on."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any

from attrs import define

from ._api.ops import Call
from .resource import Namespace, Resource

if TYPE_CHECKING:
    from .client import Client


@define(kw_only=True, repr=False)  # Resource.__repr__
class Hardware(Resource):
    """A hardware option: ``sku`` (e.g. ``gpu-t4``) and a display ``name``."""

    sku: str
    name: str | None = None

    @property
    def id(self) -> str:
        """The SKU."""
        return self.sku


def _parse_list(client: Client, data: Any) -> list[Hardware]:
    return [Hardware.from_json(client, item) for item in data or []]


def _list_call() -> Call[list[Hardware]]:
    from replicate_api.api.hardware import hardware_list

    return Call(_parse_list, hardware_list.request_kwargs)


class HardwareNamespace(Namespace):
    """``client.hardware``."""

    def list(self) -> builtins.list[Hardware]:
        """All hardware options."""
        return self._call(_list_call())

    async def async_list(self) -> builtins.list[Hardware]:
        """Async :meth:`list`."""
        return await self._acall(_list_call())
