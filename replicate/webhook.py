"""Webhook signatures in the Standard Webhooks scheme that Replicate uses."""

from __future__ import annotations

import base64
import hashlib
import hmac


def sign(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """Return the ``webhook-signature`` header value (``v1,<base64>``) for a payload.

    ``secret`` is the ``whsec_``-prefixed signing secret; the MAC covers
    ``"{webhook_id}.{timestamp}.{body}"``.
    """
    key = base64.b64decode(secret.removeprefix("whsec_"))
    message = b"%s.%d.%s" % (webhook_id.encode(), timestamp, body)
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()
