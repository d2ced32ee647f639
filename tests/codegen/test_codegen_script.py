"""codegen.sh end to end: determinism, --check, and --fetch against a local HTTP server.

Runs the real script with the pinned tools in .codegen-venv (`make codegen-venv`; `make test`
creates it). Never touches the repository's openapi.json: --fetch runs on a temp copy.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "generated"
VENV = ROOT / ".codegen-venv"
EXPECTED_V1_TO_V2 = set((FIXTURES / "spec_v1_to_v2_report.txt").read_text("utf-8").splitlines())

pytestmark = pytest.mark.skipif(
    not (VENV / "bin" / "openapi-python-client").exists(),
    reason="codegen tools not installed: run `make codegen-venv`",
)


def run_codegen(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CODEGEN_VENV": str(VENV)}
    return subprocess.run(
        [str(repo / "codegen.sh"), *args], capture_output=True, text=True, env=env, timeout=300
    )


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A directory served over HTTP on 127.0.0.1, and its base URL."""
    directory = tmp_path / "served"
    directory.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield directory, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A scratch copy of the codegen inputs, with spec_v1.json as its openapi.json."""
    copy = tmp_path / "repo"
    copy.mkdir()
    shutil.copy2(ROOT / "codegen.sh", copy / "codegen.sh")
    shutil.copytree(
        ROOT / "codegen", copy / "codegen", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copyfile(FIXTURES / "spec_v1.json", copy / "openapi.json")
    result = run_codegen(copy)
    assert result.returncode == 0, result.stderr
    return copy


def _tree(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_repository_generated_code_matches_openapi_json() -> None:
    # Same as `make check-generated`: a fresh regeneration is byte-identical to generated/.
    result = run_codegen(ROOT, "--check")
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stderr
    assert "NOT GENERATED: QUERY /models (models.search)" in result.stderr


def test_regeneration_is_byte_identical_and_check_catches_edits(repo: Path) -> None:
    first = _tree(repo / "generated")
    assert "replicate_api/py.typed" in first
    assert "API_SUMMARY.txt" in first
    assert run_codegen(repo).returncode == 0
    assert _tree(repo / "generated") == first
    assert run_codegen(repo, "--check").returncode == 0

    edited = repo / "generated" / "replicate_api" / "client.py"
    edited.write_text(edited.read_text() + "# hand edit\n")
    (repo / "generated" / "stray.py").write_text("")
    result = run_codegen(repo, "--check")
    assert result.returncode == 1
    assert "client.py" in result.stderr
    assert "stray.py" in result.stderr


def test_fetch_replaces_spec_regenerates_and_reports_changes(
    repo: Path, served: tuple[Path, str]
) -> None:
    directory, base_url = served
    shutil.copyfile(FIXTURES / "spec_v2.json", directory / "openapi.json")
    assert (repo / "generated/replicate_api/api/predictions/predictions_cancel.py").exists()

    result = run_codegen(repo, "--fetch", f"{base_url}/openapi.json")

    assert result.returncode == 0, result.stderr
    report = result.stdout.splitlines()
    assert report[0] == f"API change report: {len(EXPECTED_V1_TO_V2)} change(s)"
    assert set(report[1:]) == EXPECTED_V1_TO_V2
    assert (repo / "openapi.json").read_bytes() == (FIXTURES / "spec_v2.json").read_bytes()
    api = repo / "generated" / "replicate_api" / "api"
    assert (api / "hardware" / "hardware_list.py").exists()
    assert not (api / "predictions" / "predictions_cancel.py").exists()
    assert "GET /hardware  hardware.list" in (repo / "generated" / "API_SUMMARY.txt").read_text()
    assert "NOT GENERATED: QUERY /models (models.search)" in result.stderr
    assert run_codegen(repo, "--check").returncode == 0


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"swagger": "2.0", "paths": {}}', "not an OpenAPI document"),
        (b"<html><body>maintenance</body></html>", "not JSON"),
        (b'["openapi", "3.1.0"]', "not an OpenAPI document"),
    ],
)
def test_fetch_rejects_non_openapi_documents_and_changes_nothing(
    repo: Path, served: tuple[Path, str], body: bytes, reason: str
) -> None:
    directory, base_url = served
    (directory / "spec").write_bytes(body)
    before_spec, before_generated = (repo / "openapi.json").read_bytes(), _tree(repo / "generated")

    result = run_codegen(repo, "--fetch", f"{base_url}/spec")

    assert result.returncode != 0
    assert reason in result.stderr
    assert "left unchanged" in result.stderr
    assert result.stdout == ""
    assert (repo / "openapi.json").read_bytes() == before_spec
    assert _tree(repo / "generated") == before_generated


def test_fetch_reports_http_errors(repo: Path, served: tuple[Path, str]) -> None:
    _, base_url = served
    before_spec = (repo / "openapi.json").read_bytes()
    result = run_codegen(repo, "--fetch", f"{base_url}/missing.json")
    assert result.returncode != 0
    assert "HTTP 404" in result.stderr
    assert (repo / "openapi.json").read_bytes() == before_spec


def test_unknown_argument_is_rejected(repo: Path) -> None:
    result = run_codegen(repo, "--frobnicate")
    assert result.returncode != 0
    assert "unknown argument '--frobnicate'" in result.stderr


def test_operations_the_generator_skips_are_reported_loudly(repo: Path) -> None:
    spec = json.loads((repo / "openapi.json").read_text("utf-8"))
    broken = {"in": "query", "name": "bad", "schema": {"$ref": "#/components/schemas/absent"}}
    spec["paths"]["/predictions/{prediction_id}"]["get"]["parameters"].append(broken)
    (repo / "openapi.json").write_text(json.dumps(spec), "utf-8")

    result = run_codegen(repo)

    assert result.returncode == 0, result.stderr
    assert "NOT GENERATED: GET /predictions/{prediction_id} (predictions.get)" in result.stderr
    assert "NOT GENERATED: QUERY /models (models.search)" in result.stderr
    assert "codegen: generator: " in result.stderr  # the generator's own explanation
    assert not (repo / "generated/replicate_api/api/predictions/predictions_get.py").exists()


def test_a_codegen_venv_setting_naming_another_directory_is_not_deleted(tmp_path: Path) -> None:
    # Found by an outsider: ensure_venv() replaced whatever CODEGEN_VENV named, files and all.
    mine = tmp_path / "my-project"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    env = {**os.environ, "CODEGEN_VENV": str(mine)}
    done = subprocess.run(
        [str(ROOT / "codegen.sh"), "--setup"], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode != 0 and "is not a virtual environment" in done.stderr
    assert (mine / "notes.txt").read_text() == "keep me"
