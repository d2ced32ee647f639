"""``python -m replicate generate ...`` (the ``replicate`` command line will grow here)."""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    """Dispatch ``python -m replicate COMMAND ...``."""
    if argv[:1] == ["generate"]:
        from .typed.main import main as generate

        return generate(argv[1:])
    print(
        "usage: python -m replicate generate REF... --out DIR [--from-json FILE...] [--check]",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
