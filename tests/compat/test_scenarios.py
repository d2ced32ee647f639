"""Side by side: every scenario in scenarios.py, run with replicate 1.0.7 and with ours against
identical emulators (same seed, so the same ids). Return values and their types, exceptions
and the requests the server saw must be the same, except for the deliberate differences in
differences.py, which must show up as differences."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from differences import DIFFERENCES
from emulated_models import serve_dependent_models, serve_file_models
from scenarios import SCENARIOS, SKIP
from sides import OURS_PYTHON, ROOT, need_v1, run_scenarios

from replicate.emulator import Emulator

# Scenarios run on their own, some after a fault is set up on the emulator.
SETUPS: dict[str, Callable[[Emulator], object] | None] = {
    "retry_post_429": lambda emu: emu.faults.add(
        "POST /v1/predictions", status=429, retry_after=0.05, times=1
    ),
    "canceled_run": None,
    "aborted_wait": None,
    "version_delete": None,
}
# Scenarios run against an https emulator (1.x makes FileOutput only of https:// URLs); both
# sides trust its certificate authority through SSL_CERT_FILE.
TLS_SCENARIOS = [
    "stream_file_outputs",
    "stream_file_outputs_off",
    "prediction_stream_file_outputs",
    "async_stream_file_outputs",
]
DIFFERENT = {
    aspect: {name for d in DIFFERENCES if aspect in d.aspects for name in d.scenarios}
    for aspect in ("result", "requests")
}
# Headers that only say who is talking or how the bytes travel.
IGNORED_HEADERS = {"user-agent", "host", "content-length", "connection", "accept-encoding"}


def _requests_by_scenario(emu: Emulator) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = {}
    for request in emu.requests:
        token = request.headers.get("authorization", "")
        name = token.removeprefix("Bearer tok-") if token else "no_token"
        try:
            body = json.loads(request.body) if request.body else None
        except ValueError:
            body = f"<{len(request.body or b'')} bytes>"
        headers = {k: v for k, v in request.headers.items() if k not in IGNORED_HEADERS}
        if "content-type" in headers:  # multipart boundaries are random
            headers["content-type"] = re.sub(r"boundary=\S+", "boundary=*", headers["content-type"])
        seen = [request.method, request.path, request.query, body, headers]
        group = grouped.setdefault(name, [])
        if not group or group[-1] != seen:  # repeated polls depend on timing
            group.append(seen)
    return grouped


def _run_side(python: Path) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    plain = [n for n in SCENARIOS if n not in SETUPS and n not in TLS_SCENARIOS]
    with Emulator(seed=11, time_scale=0.05) as emu:
        serve_dependent_models(emu)
        lines = run_scenarios(python, emu.base_url, plain)
        for name, setup in SETUPS.items():
            if setup is not None:
                setup(emu)
            lines.update(run_scenarios(python, emu.base_url, [name]))
            emu.faults.clear()
        requests = _requests_by_scenario(emu)
        base = emu.base_url
    with Emulator(seed=11, time_scale=0.05, tls=True) as tls:
        serve_file_models(tls)
        assert tls.ca_file is not None
        env = {"SSL_CERT_FILE": tls.ca_file}
        lines.update(run_scenarios(python, tls.base_url, TLS_SCENARIOS, env))
        requests.update(_requests_by_scenario(tls))
        tls_base = tls.base_url

    # Each side has its own emulator ports.
    def normalize(value: Any) -> Any:
        text = json.dumps(value).replace(tls_base, "TLS_BASE").replace(base, "BASE")
        return json.loads(text)

    return normalize(lines), normalize(requests)


@pytest.fixture(scope="module")
def sides() -> dict[str, tuple[dict[str, Any], dict[str, list[Any]]]]:
    v1 = need_v1()
    return {"v1": _run_side(v1), "ours": _run_side(OURS_PYTHON)}


def same_outcome(v1: dict[str, Any], ours: dict[str, Any]) -> bool:
    """Same value, or the same exception type whose message starts as 1.x's did."""
    if "error" not in v1 or "error" not in ours:
        return v1 == ours
    a, b = v1["error"], ours["error"]
    return (
        a["type"] == b["type"]
        and a.get("status") == b.get("status")
        and a.get("prediction_status") == b.get("prediction_status")
        and b["message"].startswith(a["message"])
    )


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario(sides: dict[str, Any], name: str) -> None:
    (v1_lines, v1_requests), (our_lines, our_requests) = sides["v1"], sides["ours"]
    v1, ours = v1_lines[name], our_lines[name]
    for outcome in (v1, ours):
        message = str(outcome.get("error", {}).get("message", ""))
        if message.startswith(SKIP):
            pytest.skip(message)
    if name in DIFFERENT["result"]:
        assert not same_outcome(v1, ours), f"listed as a difference, but the same: {v1}"
    else:
        assert same_outcome(v1, ours), f"1.0.7: {v1}\nours:  {ours}"
    v1_seen, our_seen = v1_requests.get(name, []), our_requests.get(name, [])
    if name in DIFFERENT["requests"]:
        assert v1_seen != our_seen, "listed as a difference in requests, but the same"
    else:
        assert v1_seen == our_seen, f"1.0.7: {v1_seen}\nours:  {our_seen}"


def test_every_difference_is_shown_by_a_scenario() -> None:
    for difference in DIFFERENCES:
        assert difference.scenarios, difference.key
        assert set(difference.scenarios) <= set(SCENARIOS), difference.key


def test_migration_guide_lists_every_difference() -> None:
    text = (ROOT / "docs" / "migrating.md").read_text()
    listed = set(re.findall(r"<!-- difference: ([a-z0-9-]+) -->", text))
    assert listed == {d.key for d in DIFFERENCES}
