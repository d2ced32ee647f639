"""Which hosts the emulator talks to on its own: this machine and its local network only.

It POSTs webhooks and fetches file inputs of function models only there, so that tests never
reach the internet, whatever URLs the code under test passes (``https://example.com/hook`` in
a docs example).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

# Names that cannot be internet hosts: a local network's (compose services, mDNS, k8s).
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")


def off_network(url: str) -> str | None:
    """The host of ``url`` when it is not on this machine or its local network (loopback or
    private addresses, names without a dot, local suffixes); ``None`` when it is."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if host == "localhost" or "." not in host or host.endswith(_LOCAL_SUFFIXES):
            return None
    else:
        if address.is_loopback or address.is_private or address.is_link_local:
            return None
    return host or url
