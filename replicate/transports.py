"""httpx transports for ``replicate.Client(transport=...)``.

- :class:`ShardedAsyncTransport`: the default for async calls; spreads requests over several
  small httpx pools so that thousands of concurrent runs stay fast. Build your own to tune
  ``shard_capacity`` or to wrap it.
- :class:`AiohttpTransport`: sends async requests with aiohttp (``pip install
  'replicate[aiohttp]'``), the fastest option for very many concurrent runs.

Importing this module imports neither aiohttp nor anything else beyond httpx.
"""

from ._http.aiohttp_transport import AiohttpTransport
from ._http.pool import ShardedAsyncTransport

__all__ = ["AiohttpTransport", "ShardedAsyncTransport"]
