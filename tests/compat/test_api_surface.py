"""Every public name of replicate 1.0.7, found by introspection, exists here and accepts the same
calls: the same positional parameters in the same order, the same keyword names, the same
defaults. Names left out on purpose are in differences.NOT_PROVIDED, each with its reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from differences import NOT_PROVIDED
from sides import HERE, OURS_PYTHON, need_v1, run_python

POSITIONAL = {"POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD"}
KEYWORD = {"POSITIONAL_OR_KEYWORD", "KEYWORD_ONLY"}


def call_problems(where: str, theirs: list[Any] | None, ours: list[Any] | None) -> list[str]:
    """How a call written for ``theirs`` could fail or behave differently with ``ours``."""
    if theirs is None or ours is None:
        return [] if theirs is None else [f"{where}: not introspectable here"]
    problems = []
    ours_by_name = {p[0]: p for p in ours}
    our_positional = [p[0] for p in ours if p[1] in POSITIONAL]
    takes_args = any(p[1] == "VAR_POSITIONAL" for p in ours)
    takes_kwargs = any(p[1] == "VAR_KEYWORD" for p in ours)
    their_positional = [p for p in theirs if p[1] in POSITIONAL]
    for index, (name, _kind, _default) in enumerate(their_positional):
        if not takes_args and (index >= len(our_positional) or our_positional[index] != name):
            problems.append(f"{where}: positional parameter {index} should be {name!r}")
    for name, kind, default in theirs:
        if kind not in KEYWORD:
            continue
        mine = ours_by_name.get(name)
        if mine is None:
            if not takes_kwargs:
                problems.append(f"{where}: keyword {name!r} not accepted")
            continue
        if mine[1] not in KEYWORD and kind == "KEYWORD_ONLY":
            problems.append(f"{where}: {name!r} cannot be passed by keyword")
        if default is not None and mine[2] is not None and mine[2] != default:
            problems.append(f"{where}: default of {name!r} is {mine[2]}, 1.x {default}")
    return problems


@pytest.fixture(scope="module")
def surfaces(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Any]]:
    theirs = json.loads(run_python(need_v1(), [str(HERE / "surface.py")]))
    reference = tmp_path_factory.mktemp("surface") / "v1.json"
    reference.write_text(json.dumps(theirs))
    arguments = [str(HERE / "surface.py"), "--against", str(reference)]
    ours = json.loads(run_python(OURS_PYTHON, arguments))
    return theirs, ours


def test_every_public_1x_name_is_here_with_compatible_signatures(
    surfaces: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    theirs, ours = surfaces
    skipped = {name for difference in NOT_PROVIDED for name in difference.names}
    problems: list[str] = []
    checked = 0
    for module, entries in theirs.items():
        if module in skipped:
            continue
        mine = ours.get(module, {})
        if "missing" in mine:
            problems.append(f"module {module} missing")
            continue
        for name, entry in entries.items():
            where = f"{module}.{name}"
            if where in skipped:
                continue
            checked += 1
            if name not in mine:
                problems.append(f"{where} missing")
                continue
            if entry["kind"] != "class":
                problems += call_problems(where, entry.get("parameters"), mine[name]["parameters"])
                continue
            for method, their_params in entry["methods"].items():
                method_where = f"{where}.{method}"
                if method_where in skipped or f"*.{method}" in skipped:
                    continue
                checked += 1
                our_params = mine[name]["methods"].get(method)
                if our_params is None:
                    problems.append(f"{method_where} missing")
                elif their_params != "attribute" and our_params != "attribute":
                    problems += call_problems(method_where, their_params, our_params)
    assert checked > 150, "the 1.x surface was not found"
    assert not problems, "\n".join(problems)


def test_names_left_out_are_really_in_1x(surfaces: tuple[dict[str, Any], dict[str, Any]]) -> None:
    theirs, _ = surfaces
    known = set(theirs)
    for module, entries in theirs.items():
        for name, entry in entries.items():
            known.add(f"{module}.{name}")
            for method in entry.get("methods", {}):
                known.add(f"{module}.{name}.{method}")
                known.add(f"*.{method}")
    for difference in NOT_PROVIDED:
        assert set(difference.names) <= known, difference.key


def test_surface_script_is_here() -> None:
    assert Path(HERE / "surface.py").exists()
