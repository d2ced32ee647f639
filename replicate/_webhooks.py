"""``client.webhooks``: the default signing secret, and webhook validation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._ops import Call
from .resource import Namespace

if TYPE_CHECKING:
    from .client import Client
    from .webhook import WebhookSigningSecret


def _parse_secret(client: Client, data: Any) -> WebhookSigningSecret:
    from .webhook import WebhookSigningSecret

    return WebhookSigningSecret(key=data.get("key", ""))


_SECRET: Call[WebhookSigningSecret] = Call(_parse_secret, op="webhooks.webhooks_default_secret_get")


class DefaultWebhooks(Namespace):
    """``client.webhooks.default``."""

    def secret(self) -> WebhookSigningSecret:
        """The signing secret for webhooks sent to your endpoints."""
        return self._run(_SECRET)

    async def async_secret(self) -> WebhookSigningSecret:
        """Async :meth:`secret`."""
        return await self._arun(_SECRET)


class Webhooks(Namespace):
    """``client.webhooks``: ``default.secret()`` and :func:`replicate.webhook.validate`."""

    @property
    def default(self) -> DefaultWebhooks:
        """The account's default webhook settings."""
        return DefaultWebhooks(self._client)

    @staticmethod
    def validate(*args: Any, **kwargs: Any) -> bool:
        """Verify a webhook signature; see :func:`replicate.webhook.validate`."""
        from .webhook import validate

        return validate(*args, **kwargs)
