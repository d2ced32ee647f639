"""``python -m replicate``: the ``replicate`` command line."""

from replicate.cli import main

raise SystemExit(main())
