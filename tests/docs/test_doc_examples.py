"""Every ```python example in README.md and docs/*.md runs against the emulator.

Each page runs as one script in a fresh interpreter, in an empty working directory, with
REPLICATE_API_TOKEN / REPLICATE_BASE_URL pointing at an emulator (so the module-level
`replicate.run(...)` works too) and REPLICATE_WEBHOOK_SECRET set to its signing secret.
Examples that need the real API are marked with `<!-- no-run -->` on the line before the fence.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from doc_examples import ROOT, examples, pages

from replicate.emulator import Emulator

PAGES = [page for page in pages() if any(example.runs for example in examples(page))]


def test_every_page_with_examples_is_collected() -> None:
    # A page whose examples are all marked no-run would silently test nothing: say so instead.
    for page in pages():
        blocks = examples(page)
        assert not blocks or any(b.runs for b in blocks), (
            f"{page.name}: every python example is marked no-run"
        )
    assert ROOT / "docs" / "client.md" in PAGES


def test_no_run_marks_only_python_blocks() -> None:
    # A stray marker (before prose or a console block) would hide nothing and mislead readers.
    for page in pages():
        text = page.read_text(encoding="utf-8")
        for match in re.finditer(r"<!-- no-run -->\s*\n\s*(\S+)", text):
            assert match[1] in ("```python", "```py"), f"{page.name}: no-run before {match[1]!r}"


@pytest.mark.timeout(180)
@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_page_examples_run(page: Path, tmp_path: Path) -> None:
    runnable = sum(example.runs for example in examples(page))
    with Emulator(time_scale=0.05) as emu:
        env = {
            **os.environ,
            "REPLICATE_API_TOKEN": "docs-token",
            "REPLICATE_BASE_URL": emu.base_url,
            "REPLICATE_WEBHOOK_SECRET": emu.webhook_secret,
        }
        env.pop("REPLICATE_POLL_INTERVAL", None)
        done = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("doc_examples.py")), str(page)],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=170,
        )
    assert done.returncode == 0, f"{page.name} examples failed:\n{done.stdout}\n{done.stderr}"
    assert f"ran {runnable} example(s)" in done.stderr
    assert runnable > 0
