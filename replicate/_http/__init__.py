"""HTTP transports under httpx's client: the retry loop, pools, limits and bounds."""
