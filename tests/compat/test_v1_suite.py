"""replicate 1.0.7's own test suite, run against 1.0.7 and against ours.

`make compat` unpacks the tests/ directory of 1.0.7's sdist into .venvs/v1-suite (they mock
httpx with respx and check what 1.x sends and returns). Every test that passes with 1.0.7
must pass with ours, except those listed in ``EXPECTED`` with the deliberate differences
(differences.py) that make them fail; each listed test must still fail with ours, so the
list cannot go stale. Without the unpacked suite these tests skip (or fail under `make
compat`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from differences import DIFFERENCES
from sides import HERE, REQUIRED, ROOT

SUITE = ROOT / ".venvs" / "v1-suite" / "replicate-1.0.7" / "tests"

_NOT_HEX = "version-checked"  # the tests use versions such as "v1"
_PROCESSING = "processing-is-not-done"  # their `Prefer: wait` answers say "processing"
#: Tests that fail with ours by design, with the differences that make them fail.
EXPECTED: dict[str, tuple[str, ...]] = {
    "tests.test_run::test_run_with_iterator": (_NOT_HEX,),
    "tests.test_run::test_async_run_with_iterator": (_NOT_HEX,),
    "tests.test_run::test_run_blocking_with_iterator": (_NOT_HEX, _PROCESSING),
    "tests.test_run::test_async_run_blocking_with_iterator": (_NOT_HEX, _PROCESSING),
    "tests.test_run::test_run_blocking_timeout_with_iterator": (_NOT_HEX,),
    "tests.test_run::test_async_run_blocking_timeout_with_iterator": (_NOT_HEX,),
    "tests.test_run::test_run_version_with_invalid_cog_version": (_NOT_HEX,),
    "tests.test_run::test_run_with_file_input_data_url[False]": (_NOT_HEX, _PROCESSING),
    "tests.test_run::test_run_with_file_input_data_url[True]": (_NOT_HEX, _PROCESSING),
    "tests.test_run::test_run_with_file_input_files_api[False]": (_NOT_HEX, _PROCESSING),
    "tests.test_run::test_run_with_file_input_files_api[True]": (_NOT_HEX, _PROCESSING),
    "tests.test_run::test_run_with_file_output": (_NOT_HEX,),
    "tests.test_run::test_run_with_file_output_array": (_NOT_HEX,),
    "tests.test_run::test_run_with_file_output_blocking": (_NOT_HEX, _PROCESSING),
    "tests.test_run::test_run_with_file_output_data_uri": (_NOT_HEX,),
    "tests.test_run::test_run_with_file_output_iterator": (_NOT_HEX,),
    "tests.test_run::test_run_with_model_error": (_NOT_HEX,),
}


def _venv_python(name: str) -> Path:
    python = ROOT / ".venvs" / name / "bin" / "python"
    if not python.exists() or not SUITE.is_dir():
        if REQUIRED:
            pytest.fail(f"{python} or {SUITE} missing: run `make compat`")
        pytest.skip("1.0.7's test suite is not unpacked (make compat does it)")
    return python


def _outcomes(python: Path, workdir: Path) -> dict[str, str]:
    """Run the suite with ``python``; map each test to passed, failed or skipped."""
    shutil.copytree(SUITE, workdir / "tests")
    shutil.copy(HERE / "v1_suite_conftest.py", workdir / "tests" / "conftest.py")
    (workdir / "tests" / "__init__.py").touch()  # the tests import `.conftest`
    (workdir / "pytest.ini").write_text("[pytest]\nasyncio_mode = auto\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REPLICATE_", "PYTEST_"))}
    # A request that escaped its mock must fail here rather than reach the internet.
    env.update(HTTP_PROXY="http://127.0.0.1:9", HTTPS_PROXY="http://127.0.0.1:9", NO_PROXY="")
    report = workdir / "report.xml"
    subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}",
         "tests"],
        cwd=workdir, env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    outcomes = {}
    for case in ET.parse(report).iter("testcase"):
        key = f"{case.get('classname', '').split('.Test')[0]}::{case.get('name')}"
        children = {child.tag for child in case}
        outcomes[key] = (
            "failed" if children & {"failure", "error"} else
            "skipped" if "skipped" in children else "passed"
        )
    return outcomes


def test_what_passes_with_1x_passes_with_ours(tmp_path: Path) -> None:
    v1 = _outcomes(_venv_python("compat-v1"), tmp_path / "v1")
    ours = _outcomes(_venv_python("compat-ours"), tmp_path / "ours")
    passing = sorted(test for test, outcome in v1.items() if outcome == "passed")
    assert len(passing) >= 90, f"1.0.7 passes only {len(passing)} of its own tests here"
    unexpected = [t for t in passing if ours.get(t) != "passed" and t not in EXPECTED]
    assert not unexpected, f"pass with 1.0.7, not with ours: {unexpected}"
    keys = {difference.key for difference in DIFFERENCES}
    for test, reasons in EXPECTED.items():
        assert set(reasons) <= keys, f"{test}: unknown difference {reasons}"
        assert v1.get(test) == "passed", f"{test} no longer passes with 1.0.7"
        assert ours.get(test) == "failed", f"{test} passes with ours now: drop it from EXPECTED"
