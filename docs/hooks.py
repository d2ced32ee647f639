"""MkDocs hook: show the docstrings' Sphinx roles (:class:`Client`) as plain code in the site.

The package's docstrings are reStructuredText-flavoured; mkdocstrings renders them as Markdown,
where a role would print literally as ":class:" in front of the code span.
"""

from __future__ import annotations

import re
from typing import Any

ROLE = re.compile(
    r":(?:py:)?(?:attr|class|data|exc|func|meth|mod|obj|const):<code>(~?)([^<]*)</code>"
)


def _code(match: re.Match[str]) -> str:
    tilde, target = match.groups()
    # `~a.b.C` shows only `C`, as Sphinx does.
    return f"<code>{target.rsplit('.', 1)[-1] if tilde else target}</code>"


def on_page_content(html: str, **_: Any) -> str:
    return ROLE.sub(_code, html)
