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
from doc_examples import ROOT, examples, pages, run_page

import replicate.exceptions
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


def test_extraction_finds_python_blocks_honours_no_run_and_keeps_line_numbers(
    tmp_path: Path,
) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n"                       # 1
        "\n"                             # 2
        "```python\n"                    # 3
        "x = 1\n"                        # 4
        "```\n"                          # 5
        "<!-- no-run -->\n"              # 6
        "```python\n"                    # 7
        "replicate.run('real/model')\n"  # 8
        "```\n"                          # 9
        "```console\n"                   # 10
        "$ make docs\n"                  # 11
        "```\n"                          # 12
        "- item:\n"                      # 13
        "\n"                             # 14
        "    ```py\n"                    # 15
        "    print(x)\n"                 # 16
        "    ```\n",                     # 17
        encoding="utf-8",
    )
    found = examples(page)
    assert [(e.line, e.source, e.runs) for e in found] == [
        (4, "x = 1\n", True),
        (8, "replicate.run('real/model')\n", False),
        (16, "print(x)\n", True),
    ]


def test_a_failing_example_names_its_page_and_line(tmp_path: Path) -> None:
    page = tmp_path / "broken.md"
    page.write_text("Intro\n\n```python\nvalue = 1\n```\n\n```python\nassert value == 2\n```\n")
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("doc_examples.py")), str(page)],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode != 0
    assert f'File "{page}", line 8' in done.stderr
    assert "ran " not in done.stderr


def test_run_page_counts_only_runnable_examples_and_shares_names(tmp_path: Path) -> None:
    page = tmp_path / "ok.md"
    page.write_text(
        "```python\nvalue = 41\n```\n<!-- no-run -->\n```python\nraise SystemExit(1)\n```\n"
        "```python\nassert value + 1 == 42\n```\n"
    )
    assert run_page(page) == 2


def test_file_blocks_become_a_project_whose_tests_run(tmp_path: Path) -> None:
    page = tmp_path / "project.md"
    page.write_text(
        "```python\n# file: calc.py\ndef double(x):\n    return 2 * x\n```\n"
        "```python\n# file: test_calc.py\nfrom calc import double\n\n"
        "def test_double():\n    assert double(2) == 5\n```\n"
    )
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("doc_examples.py")), str(page)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode != 0
    assert "the example tests failed" in done.stderr and "assert 4 == 5" in done.stderr
    (tmp_path / "project.md").write_text(page.read_text().replace("== 5", "== 4"))
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("doc_examples.py")), str(page)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "ran 2 example(s)" in done.stderr


def test_unclosed_fence_is_an_error(tmp_path: Path) -> None:
    page = tmp_path / "open.md"
    page.write_text("```python\nx = 1\n")
    with pytest.raises(ValueError, match=r"open\.md:1: code fence is never closed"):
        examples(page)


@pytest.mark.timeout(60)
def test_emulator_models_file_sample_serves_its_model(tmp_path: Path) -> None:
    # The models.yaml sample of docs/emulator.md, given to an emulator process as `--models`
    # gives it: the model runs, and its schema checks inputs.
    text = (ROOT / "docs" / "emulator.md").read_text(encoding="utf-8")
    (sample,) = re.findall(r"```yaml\n(.*?)```", text, re.S)
    models = tmp_path / "models.yaml"
    models.write_text(sample, encoding="utf-8")
    emulator = Emulator(process=True, models=str(models), time_scale=0.05)
    with emulator as emu, emu.client() as client:
        (sketch,) = client.run("acme/sketch", input={"prompt": "an owl"})
        assert sketch.url.endswith("/out-0.webp")
        assert sketch.read().startswith(b"\x89PNG")
        with pytest.raises(replicate.exceptions.ReplicateError, match="prompt"):
            client.run("acme/sketch", input={})
