"""Batch runs: many inputs through one model at the API's rate limit, resumable.

``client.batch(ref, inputs, ledger="batch.db")`` (or ``async_batch``) yields one
:class:`BatchResult` per input. The pieces, each its own module: :mod:`.limiter` (token
bucket), :mod:`.ledger` (SQLite state of each input), :mod:`.lock` (one process per
ledger), :mod:`.keys` (input keys and shards), :mod:`.recovery` (finding unrecorded
creates), :mod:`.progress` (results and progress snapshots), :mod:`.runner` (the engine),
:mod:`.shells` (async and sync iterators over it), :mod:`.files` (saving output files),
:mod:`.command` (``replicate batch`` on the command line). See ``docs/batch.md``.
"""

from .keys import Shard, input_hash
from .ledger import Ledger
from .limiter import Limiter, TokenBucket, parse_rate
from .lock import LedgerInUse
from .progress import BatchProgress, BatchResult
from .recovery import LookupFailed
from .runner import BatchParams, async_batch, batch
from .shells import AsyncBatch

__all__ = [
    "AsyncBatch",
    "BatchParams",
    "BatchProgress",
    "BatchResult",
    "Ledger",
    "LedgerInUse",
    "Limiter",
    "LookupFailed",
    "Shard",
    "TokenBucket",
    "async_batch",
    "batch",
    "input_hash",
    "parse_rate",
]
