"""Models from real model objects (as ``GET /v1/models/{owner}/{name}`` returns them).

The model keeps its real schema and version id; running it answers with its
``default_example``'s output. File URLs in that output (Replicate's delivery hosts are not
reachable from tests) are replaced by small placeholder files the emulator serves.
"""

from __future__ import annotations

import json
import os
import pathlib
from typing import Any
from urllib.parse import urlparse

from .catalog import QUEUE, Behaviour, ModelSpec, OutputFile, Script, Step, png_bytes

_IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".gif"})
_MODEL_FIELDS = ("github_url", "paper_url", "license_url", "cover_image_url", "run_count")


def _placeholder(value: Any) -> Any:
    """``value`` with delivery URLs replaced by placeholder :class:`OutputFile` s."""
    if isinstance(value, list):
        return [_placeholder(item) for item in value]
    if isinstance(value, dict):
        return {key: _placeholder(item) for key, item in value.items()}
    if isinstance(value, str) and value.startswith("https://"):
        url = urlparse(value)
        name = pathlib.PurePosixPath(url.path).name
        if url.hostname and url.hostname.endswith("replicate.delivery") and name:
            image = pathlib.PurePosixPath(name).suffix.lower() in _IMAGE_SUFFIXES
            return OutputFile(name, png_bytes(value) if image else b"emulated output\n")
    return value


def canned_behaviour(output: Any, iterator: bool) -> Behaviour:
    """Every run outputs ``output``; an iterator output streams its items one by one."""
    canned = _placeholder(output)

    def behaviour(inp: dict[str, Any]) -> Script:
        if iterator and isinstance(canned, list):
            return Script(QUEUE, [Step(0.01, "append", item) for item in canned])
        return Script(QUEUE, [Step(0.05, "set", canned)])

    return behaviour


def spec_from_model_json(model: dict[str, Any], *, official: bool | None = None) -> ModelSpec:
    """A runnable spec for a real model object; ValueError names what it lacks.

    A ``latest_version`` whose ``openapi_schema`` is null (older models publish none) is
    served as such: its inputs are not validated.
    """
    where = f"{model.get('owner')}/{model.get('name')}"
    if not isinstance(model.get("owner"), str) or not isinstance(model.get("name"), str):
        raise ValueError(f"model object {where}: needs string 'owner' and 'name'")
    latest = model.get("latest_version")
    if not isinstance(latest, dict):
        raise ValueError(f"model object {where}: latest_version is missing")
    schema = latest.get("openapi_schema")
    if schema is not None and (
        not isinstance(schema, dict)
        or "Input" not in schema.get("components", {}).get("schemas", {})
    ):
        raise ValueError(f"model object {where}: latest_version.openapi_schema has no Input")
    output_schema = schema["components"]["schemas"].get("Output", {}) if schema else {}
    if not isinstance(output_schema, dict):
        raise ValueError(
            f"model object {where}: latest_version.openapi_schema's Output is no object"
        )
    example = model.get("default_example") or {}
    return ModelSpec(
        model["name"],
        model.get("description"),
        schema,
        canned_behaviour(
            example.get("output"), output_schema.get("x-cog-array-type") == "iterator"
        ),
        official=bool(model.get("is_official")) if official is None else official,
        owner=model["owner"],
        version_ids=[latest["id"]],
        default_example=example or None,
        extra={k: model[k] for k in _MODEL_FIELDS if model.get(k) is not None},
        cog_version=latest.get("cog_version")
        if isinstance(latest.get("cog_version"), str)
        else None,
    )


def read_model_objects(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Model objects from a JSON or YAML file: a list, or ``{"models": [...]}``."""
    path = pathlib.Path(path)
    text = path.read_text("utf-8")
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml  # the emulator extra; only needed for YAML model files

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ValueError(f"{path}: not YAML ({exc})".replace("\n", " ")) from None
    else:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ValueError(f"{path}: not JSON ({exc})") from None
    if isinstance(data, dict) and isinstance(data.get("models"), list):
        data = data["models"]
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ValueError(f"{path}: expected a list of model objects")
    return data
