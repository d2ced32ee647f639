"""Printing API objects: JSON (JSON lines for lists) when piped, tables on a terminal.

``rich`` (the ``replicate[cli]`` extra) draws the tables; it is imported only when a
table is drawn, and without it the command says how to install it and prints JSON.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .context import Context

if TYPE_CHECKING:
    from rich.console import Console

INSTALL_HINT = "tables and progress on a terminal need rich: pip install 'replicate[cli]'"


def as_json(value: Any) -> Any:
    """The JSON form of an API object (its ``to_dict()``), or the value itself."""
    to_dict = getattr(value, "to_dict", None)
    return to_dict() if callable(to_dict) else value


def dumps(value: Any, indent: int | None = None) -> str:
    """JSON text of ``value``."""
    return json.dumps(as_json(value), indent=indent, default=str, ensure_ascii=False)


def console(ctx: Context) -> Console | None:
    """A rich console on stdout, or None (after a hint on stderr) without rich."""
    try:
        from rich.console import Console
    except ImportError:
        print(f"note: {INSTALL_HINT}; printing JSON", file=ctx.stderr)
        return None
    return Console(file=ctx.stdout, highlight=False, soft_wrap=False)


def show(ctx: Context, value: Any, *, hidden_inputs: Collection[str] = ()) -> None:
    """Print one object: indented JSON, or a two-column table of its fields.

    ``hidden_inputs`` (secret inputs) print as ``<secret>`` in the object's ``input``.
    """
    data = as_json(value)
    if hidden_inputs and isinstance(data, dict) and isinstance(data.get("input"), dict):
        from ..schema import SECRET_MASK

        shown = {k: SECRET_MASK if k in hidden_inputs else v for k, v in data["input"].items()}
        data = {**data, "input": shown}
    out = None if ctx.json or not isinstance(data, dict) else console(ctx)
    if out is None:
        print(dumps(data, indent=2), file=ctx.stdout)
        return
    from rich.table import Table

    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for key, field in data.items():
        table.add_row(key, _cell(field, limit=2000))
    out.print(table)


def show_list(ctx: Context, items: Iterable[Any], columns: Sequence[str]) -> int:
    """Print objects as JSON lines (each as soon as it is fetched) or as a table of
    ``columns`` (dotted paths into the JSON). Returns how many were printed."""
    out = None if ctx.json else console(ctx)
    if out is None:
        count = 0
        for item in items:
            print(dumps(item), file=ctx.stdout, flush=True)
            count += 1
        return count
    from rich.table import Table

    rows = [[_cell(_lookup(as_json(item), column)) for column in columns] for item in items]
    table = Table(header_style="bold")
    for index, column in enumerate(columns):
        # The first column identifies the row: never cut it.
        width = max([len(column), *(len(row[0]) for row in rows)]) if index == 0 else None
        table.add_column(column, no_wrap=index == 0, min_width=width)
    for row in rows:
        table.add_row(*row)
    out.print(table)
    return len(rows)


def _lookup(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def _cell(value: Any, limit: int = 60) -> str:
    from rich.markup import escape

    text = "" if value is None else value if isinstance(value, str) else dumps(value)
    text = " ".join(text.split())
    return escape(text if len(text) <= limit else text[: limit - 1] + "…")
