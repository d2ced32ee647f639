"""``client.webhooks``: the default signing secret, and webhook validation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._api.ops import Call
from .resource import Namespace

if TYPE_CHECKING:
    from .client import Client
    from .webhook import WebhookSigningSecret


def _parse_secret(client: Client, data: Any) -> WebhookSigningSecret:
    from .webhook import WebhookSigningSecret

    return WebhookSigningSecret(key=data.get("key", ""))


def _secret_call() -> Call[WebhookSigningSecret]:
    from replicate_api.api.webhooks import webhooks_default_secret_get

    return Call(_parse_secret, webhooks_default_secret_get.request_kwargs)


class DefaultWebhooks(Namespace):
    """``client.webhooks.default``."""

    def secret(self) -> WebhookSigningSecret:
        """The signing secret for webhooks sent to your endpoints."""
        return self._run(_secret_call())

    async def async_secret(self) -> WebhookSigningSecret:
        """Async :meth:`secret`."""
        return await self._arun(_secret_call())


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
