"""Find the ```python examples in README.md and docs/*.md, and run one page's examples.

An example is skipped only when the line before its fence is ``<!-- no-run -->`` (it needs the
real API or a token). A page's examples run in order in one namespace, like one script, so a
later block can use what an earlier one defined. A block whose first line is ``# file: NAME`` is
a file of a small project instead: it is written to NAME in the working directory, and when the
page has such files named ``test_*.py`` they run under pytest after the page's scripts.
`python doc_examples.py PAGE` runs PAGE's examples and prints ``ran N example(s)``; tracebacks
point at the page's own line numbers.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NO_RUN = "<!-- no-run -->"
FENCE = re.compile(r"^(?P<indent> *)(?P<fence>```+|~~~+)\s*(?P<info>[^\s`]*)")


@dataclass(frozen=True)
class Example:
    page: Path
    line: int  # 1-based line of the first line of code
    source: str
    runs: bool


def pages() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def examples(page: Path) -> list[Example]:
    """Every fenced ```python block of a page, in order."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found: list[Example] = []
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        fence, info = opening["fence"], opening["info"].lower()
        end = index + 1
        while end < len(lines) and not lines[end].lstrip().startswith(fence):
            end += 1
        if end == len(lines):
            raise ValueError(f"{page.name}:{index + 1}: code fence is never closed")
        if info in ("python", "py"):
            previous = next((line.strip() for line in reversed(lines[:index]) if line.strip()), "")
            indent = len(opening["indent"])
            body = "\n".join(line[indent:] for line in lines[index + 1 : end])
            found.append(Example(page, index + 2, body + "\n", runs=previous != NO_RUN))
        index = end + 1
    return found


FILE = re.compile(r"# file: (\S+)\n")


def run_page(page: Path) -> int:
    """Run a page's runnable examples in one namespace; return how many ran."""
    namespace: dict[str, object] = {"__name__": "__main__"}
    ran = 0
    project: list[str] = []
    for example in examples(page):
        if not example.runs:
            continue
        named = FILE.match(example.source)
        if named:
            Path(named[1]).write_text(example.source, encoding="utf-8")
            project.append(named[1])
            ran += 1
            continue
        # Pad with blank lines so tracebacks name the line in the Markdown file.
        code = compile("\n" * (example.line - 1) + example.source, str(page), "exec")
        exec(code, namespace)
        ran += 1
    tests = [name for name in project if Path(name).name.startswith("test_")]
    if tests:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
            capture_output=True, text=True, timeout=300,
        )
        if done.returncode != 0:
            raise AssertionError(f"{page.name}: the example tests failed\n{done.stdout}")
    return ran


if __name__ == "__main__":
    count = run_page(Path(sys.argv[1]))
    sys.stdout.flush()
    print(f"ran {count} example(s)", file=sys.stderr)
