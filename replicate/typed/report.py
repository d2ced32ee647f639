"""Model schema change reports: what changed between two versions' schemas, one line each.

Lines follow ``codegen/spec_diff.py``'s API change reports (``+`` added, ``-`` removed,
``~`` changed), but compare parsed inputs (:class:`~replicate.schema.InputSpec`) so each line
says what a caller sees: inputs added or removed, type, enum values, default, required,
bounds, and the output type. Descriptions and titles are ignored.
"""

from __future__ import annotations

from typing import Any

from ..schema import NO_DEFAULT, InputSpec, ModelSchema


def _show(spec: InputSpec, value: Any) -> str:
    if value is NO_DEFAULT:
        return "none"
    return "<secret>" if spec.secret else repr(value)


def _input_changes(old: InputSpec, new: InputSpec) -> list[str]:
    name = new.name
    lines = []
    if old.annotation_source != new.annotation_source:
        old_choices, new_choices = old.choices or (), new.choices or ()
        if old_choices and new_choices and old.type.kind == new.type.kind:
            added = [c for c in new_choices if c not in old_choices]
            removed = [c for c in old_choices if c not in new_choices]
            lines += [f"+ input {name}: enum value {c!r}" for c in added]
            lines += [f"- input {name}: enum value {c!r}" for c in removed]
        else:
            lines.append(f"~ input {name}: type {old.annotation_source} -> {new.annotation_source}")
    if old.required != new.required:
        lines.append(f"~ input {name}: {'now required' if new.required else 'now optional'}")
    if old.default != new.default:
        lines.append(
            f"~ input {name}: default {_show(old, old.default)} -> {_show(new, new.default)}"
        )
    for bound in ("minimum", "maximum", "exclusive_minimum", "exclusive_maximum"):
        before, after = getattr(old, bound), getattr(new, bound)
        if before != after:
            lines.append(f"~ input {name}: {bound} {before} -> {after}")
    if old.secret != new.secret:
        lines.append(f"~ input {name}: {'now secret' if new.secret else 'no longer secret'}")
    return lines


def schema_changes(old: ModelSchema | None, new: ModelSchema | None) -> list[str]:
    """One line per change from ``old`` to ``new`` (``None``: no schema)."""
    if old is None or new is None:
        if old is new:
            return []
        return ["+ schema (was untyped)"] if old is None else ["- schema (now untyped)"]
    lines: list[str] = []
    for name in sorted(set(old.by_name) | set(new.by_name)):
        if name not in old.by_name:
            spec = new.by_name[name]
            required = ", required" if spec.required else ""
            lines.append(f"+ input {name}: {spec.annotation_source}{required}")
        elif name not in new.by_name:
            lines.append(f"- input {name}")
        else:
            lines += _input_changes(old.by_name[name], new.by_name[name])
    before, after = old.output.annotation_source(), new.output.annotation_source()
    if before != after:
        lines.append(f"~ output: {before} -> {after}")
    elif old.output.concatenate != new.output.concatenate:
        lines.append(f"~ output: concatenate {old.output.concatenate} -> {new.output.concatenate}")
    return lines
