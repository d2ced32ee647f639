"""What a batch is given: a deployment is refused rather than mistaken for a model, a rerun
that swaps a key function for another kind of key is refused, errors are one line."""

from __future__ import annotations

from pathlib import Path

import pytest

import replicate
from replicate.batching import Ledger
from replicate.emulator import Emulator
from replicate.exceptions import InvalidArgumentError

from .conftest import creates_per_input, killed_while_creating


@pytest.fixture
def deployed(emu: Emulator) -> Emulator:
    # A deployment named like a model that is not the one it serves.
    emu.add_model("acme/app", lambda text: f"app got {text}")
    emu.add_model("acme/other", lambda text: f"other got {text}")
    emu.add_deployment("acme/app", model="acme/other")
    return emu


def test_a_deployment_is_not_taken_for_the_model_of_its_name(
    client: replicate.Client, deployed: Emulator
) -> None:
    deployment = client.deployments.get("acme/app")
    with pytest.raises(InvalidArgumentError, match="Batches do not support deployments"):
        client.batch(deployment, [{"text": "hi"}])
    with pytest.raises(ValueError, match=r"deployment acme/app\. .*deployments\.predictions"):
        client.run(deployment, input={"text": "hi"})
    assert issubclass(InvalidArgumentError, ValueError)  # 1.x raised ValueError
    assert len(deployed.predictions) == 0


@pytest.mark.parametrize(
    ("first", "then"),
    [
        (lambda v: f"item-{v['id']}", None),
        (None, lambda v: f"item-{v['id']}"),
        ("id", lambda v: str(v["id"])),
    ],
)
def test_a_rerun_switching_to_or_from_a_key_function_is_refused(
    client: replicate.Client, emu: Emulator, tmp_path: Path, first: object, then: object
) -> None:
    path = tmp_path / "batch.db"
    inputs = [{"id": i, "text": f"t{i}"} for i in range(3)]
    list(client.batch("emulator/echo", inputs, key=first, ledger=path))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="keys its inputs by"):
        list(client.batch("emulator/echo", inputs, key=then, ledger=path))  # type: ignore[arg-type]
    assert set(creates_per_input(emu).values()) == {1}  # nothing ran twice


def test_the_same_key_function_resumes(
    client: replicate.Client, emu: Emulator, tmp_path: Path
) -> None:
    path = tmp_path / "batch.db"
    inputs = [{"id": i, "text": f"t{i}"} for i in range(3)]
    list(client.batch("emulator/echo", inputs, key=lambda v: str(v["id"]), ledger=path))
    again = list(client.batch("emulator/echo", inputs, key=lambda v: str(v["id"]), ledger=path))
    assert all(r.resumed for r in again) and len(emu.predictions) == 3
    # The kind of key is on record.
    with Ledger(path) as ledger, pytest.raises(ValueError, match="a key function"):
        ledger.bind("emulator/echo", "hash of the input")


def test_a_server_error_on_create_is_one_line(client: replicate.Client, emu: Emulator) -> None:
    emu.faults.add("models.predictions.create", status=500, times=1)
    [result] = list(client.batch("emulator/echo", [{"text": "a"}]))
    assert result.status == "failed" and result.error is not None
    assert "\n" not in result.error and result.error.startswith("500")


def test_a_local_file_input_is_refused_with_how_to_give_it(
    client: replicate.Client, emu: Emulator, tmp_path: Path
) -> None:
    image = tmp_path / "in.png"
    image.write_bytes(b"png")
    with image.open("rb") as opened:
        for value in (image, opened, [image]):
            with pytest.raises(TypeError, match=r"'image' is a local file; .*files\.create"):
                client.batch("emulator/echo", [{"text": "a"}, {"text": "b", "image": value}])
    assert emu.requests == []


def test_a_pinned_official_version_listed_as_hidden_is_found_after_a_crash(
    tmp_path: Path,
) -> None:
    # The API may show the version of an official model's prediction as "hidden", also when
    # the run pinned it: the lookup compared versions only, and created the input again.
    path, value = tmp_path / "batch.db", {"prompt": "an owl"}
    with Emulator(time_scale=0.01, quirks=["hidden_version"]) as emu:
        client = emu.client()
        version = client.models.get("emulator/official").latest_version.id
        killed_while_creating(path, version, value)
        made = client.predictions.create(version=version, input=value)
        assert client.predictions.get(made.id).version == "hidden"
        [result] = list(client.batch(f"emulator/official:{version}", [value], ledger=path))
        assert result.id == made.id and result.ok
        assert len(emu.predictions) == 1


def test_only_a_ref_naming_the_model_lets_the_lookup_go_by_the_model() -> None:
    from replicate.batching.runner import lookup_target

    version = "a" * 64
    assert lookup_target(f"acme/owl:{version}", {"version": version}) == {
        "version": version,
        "model": ("acme", "owl"),
    }
    # A bare version id names no model: the version alone decides (a hidden one: not found).
    assert lookup_target(version, {"version": version}) == {"version": version}
