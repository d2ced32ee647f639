"""``python -m replicate.batching REF --input ... --output ...`` (see :mod:`.command`)."""

import sys

from .command import main

sys.exit(main())
