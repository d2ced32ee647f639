"""docs/emulator.md and README's emulator section: the examples run; the pytest one passes."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).parents[2]
DOC = ROOT / "docs" / "emulator.md"
_BLOCK = re.compile(r"```python\n(.*?)```", re.S)
_FILE = re.compile(r"# file: (\S+)\n")


def _blocks() -> list[str]:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Testing your code with the emulator", 1)[1].split("\n## ", 1)[0]
    return [*_BLOCK.findall(section), *_BLOCK.findall(DOC.read_text("utf-8"))]


def test_examples_run(tmp_path: pathlib.Path) -> None:
    scripts = [code for code in _blocks() if not _FILE.match(code)]
    assert len(scripts) >= 5
    for number, code in enumerate(scripts):
        script = tmp_path / f"example_{number}.py"
        script.write_text(code)
        done = subprocess.run(
            [sys.executable, str(script)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=120,
        )
        assert done.returncode == 0, f"example {number} failed:\n{code}\n{done.stderr}"


def test_pytest_example_passes(tmp_path: pathlib.Path) -> None:
    files = {m.group(1): code for code in _blocks() if (m := _FILE.match(code))}
    assert {"conftest.py", "app.py", "test_app.py"} <= set(files)
    for name, code in files.items():
        (tmp_path / name).write_text(code)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout
