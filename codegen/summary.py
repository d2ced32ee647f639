"""Write generated/API_SUMMARY.txt and check that every operation got its module.

The summary has one line per endpoint (method, path, operationId, module, signature, parsed
response type) and one line per model (its fields, or its values for enums), so that the diff of a
regeneration can be read without reading generated code. Everything is read with `ast`; nothing
generated is imported.

Usage: summary.py PREPARED_SPEC PACKAGE_DIR OUTPUT
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from spec_model import iter_operations

HEADER = (
    "# Written by codegen.sh from openapi.json (after codegen/overlay.yaml). Do not edit.\n"
    "# One line per endpoint: METHOD path  operationId  module(params) -> parsed response;\n"
    "# then one line per model: Class(fields) or Class = enum[values].\n"
)


def _function(tree: ast.Module, name: str) -> ast.FunctionDef | None:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node
    return None


def _parameters(function: ast.FunctionDef) -> str:
    args = function.args
    rendered = [f"{a.arg}: {ast.unparse(a.annotation)}" for a in args.args if a.annotation]
    keyword = [
        f"{a.arg}: {ast.unparse(a.annotation)}" + (" = ..." if default is not None else "")
        for a, default in zip(args.kwonlyargs, args.kw_defaults, strict=True)
        if a.annotation and a.arg != "client"
    ]
    if keyword:
        rendered += ["*", *keyword]
    return ", ".join(rendered)


def endpoint_line(label: str, operation_id: str, module: str, source: str) -> str:
    """One summary line for an endpoint module's `sync` function."""
    function = _function(ast.parse(source), "sync") or _function(ast.parse(source), "sync_detailed")
    if function is None:
        return f"{label}  {operation_id}  {module}: no sync function"
    returns = ast.unparse(function.returns) if function.returns else "None"
    return f"{label}  {operation_id}  {module}({_parameters(function)}) -> {returns}"


def model_lines(source: str) -> list[str]:
    """Summary lines for every class in a generated model module."""
    lines = []
    for node in ast.parse(source).body:
        if not isinstance(node, ast.ClassDef):
            continue
        bases = {ast.unparse(base) for base in node.bases}
        if bases & {"StrEnum", "IntEnum", "Enum"}:
            values = [
                ast.unparse(stmt.value)
                for stmt in node.body
                if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant)
            ]
            lines.append(f"{node.name} = enum[{', '.join(values)}]")
            continue
        fields = [
            f"{stmt.target.id}: {ast.unparse(stmt.annotation)}"
            for stmt in node.body
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
        ]
        lines.append(f"{node.name}({', '.join(fields)})")
    return lines


def build(spec: dict[str, Any], package: Path) -> tuple[str, list[str]]:
    """Return the summary text and one problem per operation without a generated module."""
    endpoints: list[tuple[tuple[str, str], str]] = []
    problems: list[str] = []
    for operation in iter_operations(spec):
        module_file = package.joinpath(*operation.module.split(".")).with_suffix(".py")
        if not module_file.is_file():
            problems.append(
                f"NOT GENERATED: {operation.label} ({operation.operation_id}): the generator "
                f"produced no {operation.module} (see its warnings above)"
            )
            continue
        source = module_file.read_text(encoding="utf-8")
        line = endpoint_line(operation.label, operation.operation_id, operation.module, source)
        endpoints.append(((operation.path, operation.method), line))
    models = []
    for model_file in sorted((package / "models").glob("*.py")):
        if model_file.name != "__init__.py":
            models.extend(model_lines(model_file.read_text(encoding="utf-8")))
    text = (
        HEADER
        + "\n## Endpoints\n"
        + "\n".join(line for _, line in sorted(endpoints))
        + "\n\n## Models\n"
    )
    return text + "\n".join(models) + "\n", problems


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    spec = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    text, problems = build(spec, Path(argv[2]))
    for problem in problems:
        print(f"codegen: WARNING: {problem}", file=sys.stderr)
    Path(argv[3]).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
