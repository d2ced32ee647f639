"""Download an OpenAPI document and save it only if it really is one.

Usage: fetch_spec.py URL OUTPUT
Exit 0 and OUTPUT written (the downloaded bytes, unchanged) on success; exit 1 with a one-line
reason on stderr otherwise, leaving OUTPUT untouched.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

TIMEOUT_SECONDS = 60


def openapi_problem(document: Any) -> str | None:
    """Why `document` (parsed JSON) is not an OpenAPI 3 document, or None if it looks like one."""
    if not isinstance(document, dict):
        return f"top level is a JSON {type(document).__name__}, not an object"
    version = document.get("openapi")
    if not isinstance(version, str) or not version.startswith("3."):
        return f"'openapi' version field is {version!r}, expected a string starting with '3.'"
    if not isinstance(document.get("paths"), dict):
        return "no 'paths' object"
    if not isinstance(document.get("info"), dict):
        return "no 'info' object"
    return None


def fetch(url: str) -> bytes:
    """The body of a successful GET of `url`; raise ValueError with a readable reason otherwise."""
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            body: bytes = response.read()
    except urllib.error.HTTPError as error:
        raise ValueError(f"HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError) as error:
        raise ValueError(f"download failed: {getattr(error, 'reason', error)}") from None
    return body


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    url, output = argv[1], Path(argv[2])
    try:
        body = fetch(url)
        try:
            document = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError(f"not JSON ({error})") from None
        problem = openapi_problem(document)
        if problem:
            raise ValueError(f"not an OpenAPI document: {problem}")
    except ValueError as error:
        print(f"codegen: ERROR: {url}: {error}", file=sys.stderr)
        return 1
    output.write_bytes(body)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
