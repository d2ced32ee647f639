"""``python -m replicate generate``: write typed per-model modules, report schema changes.

``main(argv)`` is the whole command. The ``replicate`` command line mounts it as its
``generate`` subcommand with ``build_parser(subparsers.add_parser("generate"))`` and
``run_generate(args)``::

    python -m replicate generate owner/name[:version]... --out DIR
    python -m replicate generate --from-json models.json --out DIR
    python -m replicate generate owner/name --out DIR --check   # for CI: exit 1 on changes
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import httpx

from ..exceptions import ReplicateException
from ..schema import parse_schema
from .generate import (
    embedded,
    module_path,
    module_source,
    with_long_line_waiver,
)
from .report import schema_changes
from .resolve import ModelInfo, ModelLookupError, info_from_model_json, resolve

if TYPE_CHECKING:
    from ..client import Client


def build_parser(
    parser: argparse.ArgumentParser | None = None, *, prog: str = "python -m replicate generate"
) -> argparse.ArgumentParser:
    """The ``generate`` arguments (added to ``parser`` when the CLI passes its subparser;
    ``prog``: how the help names the command)."""
    if parser is None:
        parser = argparse.ArgumentParser(
            prog=prog,
            description="Write one typed Python module per model (DIR/<owner>/<name>.py).",
            epilog="With REFs, models are fetched with REPLICATE_API_TOKEN from "
            "REPLICATE_BASE_URL (as `replicate generate`, also --base-url).",
        )
    parser.add_argument("refs", nargs="*", metavar="REF", help="owner/name or owner/name:version")
    parser.add_argument(
        "--from-json",
        nargs="+",
        default=[],
        metavar="FILE",
        type=Path,
        help="model objects as GET /v1/models/{owner}/{name} returns them (offline); a file "
        "may hold one object, a list, or {'models': [...]}",
    )
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="package root")
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if a schema changed or a pinned version is not the latest",
    )
    return parser


def load_json_models(paths: Iterable[Path]) -> list[ModelInfo]:
    """Model sources from ``--from-json`` files (a ``ValueError`` naming the file when one
    is not JSON or holds something other than usable model objects)."""
    sources = []
    for path in paths:
        try:
            data: Any = json.loads(path.read_text("utf-8"))
            if isinstance(data, dict) and isinstance(data.get("models"), list):
                data = data["models"]
            for model in data if isinstance(data, list) else [data]:
                sources.append(info_from_model_json(model))
        except (ValueError, ModelLookupError) as exc:  # JSON and schema errors are ValueErrors
            raise ValueError(f"--from-json {path}: {exc}") from None
    return sources


def fetch_models(client: Client, refs: Sequence[str]) -> list[ModelInfo]:
    """Model sources for refs, from the API (each ref pinned or resolved to its latest)."""
    return [resolve(client, ref) for ref in refs]


@attrs.frozen
class Outcome:
    """What generating one module found: its path, import name, and changes."""

    path: Path
    import_name: str
    source: str
    changes: list[str]
    existed: bool
    stale_pin: str | None = None
    #: The other model whose module is already at ``path`` (``None``: this model's, or none).
    other_model: str | None = None


def plan(source: ModelInfo, out: Path, latest_version: str | None = None) -> Outcome:
    """The module for ``source`` and how it differs from the one already under ``out``."""
    package, module = module_path(source.owner, source.name)
    path = out / package / f"{module}.py"
    text = module_source(source)
    new_schema = source.schema
    changes: list[str] = []
    stale = None
    existed = path.exists()
    if existed:
        old = embedded(path.read_text("utf-8"))
        if old.model is not None and old.model != source.model:
            # Two models whose names map to one file (acme/a-b and acme/a_b): not a change.
            return Outcome(path, f"{package}.{module}", text, [], existed, other_model=old.model)
        old_version = old.version
        old_schema = parse_schema({"components": {"schemas": old.schema}}) if old.schema else None
        changes = schema_changes(old_schema, new_schema)
        if old_version != source.version:
            changes.insert(0, f"~ version {old_version} -> {source.version}")
        latest = latest_version or source.version
        if old_version != latest:
            stale = f"pinned version {old_version} is not the latest ({latest})"
    return Outcome(path, f"{package}.{module}", text, changes, existed, stale)


def _ruff() -> list[str] | None:
    beside = Path(sys.executable).with_name("ruff")
    found = str(beside) if beside.exists() else shutil.which("ruff")
    return [found] if found else None


def format_files(paths: Sequence[Path]) -> None:
    """Sort imports and format with ruff (when installed): one call each for all files."""
    ruff = _ruff()
    if ruff is None or not paths:
        return
    files = [str(p) for p in paths]
    common = ["--isolated", "--quiet", "--line-length", "100", "--target-version", "py311"]
    subprocess.run([*ruff, "check", *common, "--fix", "--select", "I,F401", *files], check=False)
    subprocess.run([*ruff, "format", *common, *files], check=True)


def write(outcomes: Sequence[Outcome], out: Path) -> None:
    """Write every module (and the package ``__init__.py`` files), then format them."""
    for outcome in outcomes:
        outcome.path.parent.mkdir(parents=True, exist_ok=True)
        init = outcome.path.parent / "__init__.py"
        if not init.exists():
            init.write_text("", "utf-8")
        outcome.path.write_text(outcome.source, "utf-8")
    format_files([o.path for o in outcomes])
    for outcome in outcomes:
        text = outcome.path.read_text("utf-8")
        waived = with_long_line_waiver(text)
        if waived != text:
            outcome.path.write_text(waived, "utf-8")


def main(argv: Sequence[str] | None = None, *, client: Client | None = None) -> int:
    """Run ``generate`` with ``argv`` (without the program name); returns the exit status."""
    return run_generate(build_parser().parse_args(argv), client=client)


def run_generate(args: argparse.Namespace, *, client: Client | None = None) -> int:
    """Run ``generate`` with arguments parsed by :func:`build_parser` (a CLI subcommand's
    handler): writes or checks the modules, prints one line per module; the exit status."""
    if not args.refs and not args.from_json:
        print("error: give at least one REF or --from-json FILE", file=sys.stderr)
        return 2
    try:
        sources = load_json_models(args.from_json)
        latest: dict[str, str | None] = {}
        if args.refs:
            if client is None:
                from .. import _default_client

                client = _default_client()
            sources += fetch_models(client, args.refs)
            if args.check:
                for found in fetch_models(client, [ref.split(":")[0] for ref in args.refs]):
                    latest[found.model] = found.version
        outcomes = [plan(source, args.out, latest.get(source.model)) for source in sources]
    except (ReplicateException, OSError, ValueError, httpx.HTTPError) as exc:
        from ..cli.errors import describe  # worded as the rest of the command line

        print(f"error: {describe(exc)}", file=sys.stderr)
        return 1
    seen: dict[Path, str] = {}
    for source, outcome in zip(sources, outcomes, strict=True):
        other = seen.get(outcome.path)
        if other is not None and other != source.model:
            print(
                f"error: {source.model} and {other} both map to {outcome.path}",
                file=sys.stderr,
            )
            return 1
        if outcome.other_model is not None:
            print(
                f"error: {source.model} maps to {outcome.path}, which holds the module of "
                f"{outcome.other_model}; generate it into another --out",
                file=sys.stderr,
            )
            return 1
        seen[outcome.path] = source.model
    if args.check:
        return _check(sources, outcomes)
    write(outcomes, args.out)
    for source, outcome in zip(sources, outcomes, strict=True):
        print(f"wrote {outcome.path} (import {outcome.import_name}) for {source.ref}")
        for line in outcome.changes:
            print(f"  {line}")
    return 0


def _check(sources: Sequence[ModelInfo], outcomes: Sequence[Outcome]) -> int:
    status = 0
    for source, outcome in zip(sources, outcomes, strict=True):
        problems = list(outcome.changes)
        if not outcome.existed:
            problems = ["module not generated yet"]
        if outcome.stale_pin:
            problems.append(outcome.stale_pin)
        if problems:
            status = 1
            print(f"{source.model}: {outcome.path} is out of date")
            for line in problems:
                print(f"  {line}")
        else:
            print(f"{source.model}: up to date")
    return status
