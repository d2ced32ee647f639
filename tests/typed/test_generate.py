"""``python -m replicate generate``: typed modules for real models, clean under mypy --strict
and ruff, deterministic, runnable against the emulator, with schema change reports."""

from __future__ import annotations

import copy
import importlib
import inspect
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from real_models import SAMPLE, SAMPLE_FILE, client_for, posted, sample_model, with_output

from replicate.emulator import Emulator
from replicate.emulator.catalog import OWNER, version_id
from replicate.schema import InputValidationError, parse_schema
from replicate.typed.generate import module_path, module_source, parameter_names
from replicate.typed.main import main
from replicate.typed.resolve import info_from_model_json

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

# A model whose input names collide with everything they could collide with.
AWKWARD: dict[str, Any] = {
    "owner": "acme-labs",
    "name": "2fast.model",
    "description": 'Tricky """names""" and \\backslashes\\ \u2013 and unicode \u2019.',
    "latest_version": {
        "id": "a" * 64,
        "openapi_schema": {
            "components": {
                "schemas": {
                    "Input": {
                        "type": "object",
                        "required": ["class"],
                        "properties": {
                            "class": {"type": "string", "x-order": 0},
                            "options": {"type": "integer", "default": 2, "x-order": 1},
                            "client": {"type": "string", "default": "x", "x-order": 2},
                            "timeout": {"type": "number", "x-order": 3},
                            "from": {
                                "allOf": [{"$ref": "#/components/schemas/from"}],
                                "default": "a",
                                "x-order": 4,
                            },
                            "a-b": {"type": "boolean", "default": True, "x-order": 5},
                            "a_b": {
                                "type": "array",
                                "items": {"type": "integer"},
                                "default": [1],
                                "x-order": 6,
                            },
                            "str": {"type": "string", "default": None, "x-order": 7},
                            "Output": {"type": "string", "format": "uri", "x-order": 8},
                            "token": {
                                "type": "string",
                                "format": "password",
                                "x-cog-secret": True,
                                "x-order": 9,
                            },
                        },
                    },
                    "Output": {
                        "type": "array",
                        "items": {"type": "string"},
                        "x-cog-array-type": "iterator",
                    },
                    "from": {"type": "string", "enum": ["a", "b"]},
                }
            }
        },
    },
}

USER_CODE = """\
from azizakgul import water_color
from zeke import haiku_standard

from replicate.typed import Options

text: str = haiku_standard.run(seed=1)
haiku_standard.run(sed=1)  # line 7: no such input
haiku_standard.run(seed="1")  # line 8: wrong type
water_color.run(prompt="x", aspect_ratio="2:7")  # line 9: enum value not allowed
water_color.run(Options(timeout=3), prompt="x", aspect_ratio="16:9")
"""


def generate(out: Path, *args: str, client: Any = None) -> tuple[int, str]:
    from contextlib import redirect_stdout
    from io import StringIO

    buffer = StringIO()
    with redirect_stdout(buffer):
        status = main([*args, "--out", str(out)], client=client)
    return status, buffer.getvalue()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("models")
    awkward = out.parent / "awkward.json"
    awkward.write_text(json.dumps(AWKWARD))
    status, printed = generate(out, "--from-json", str(SAMPLE_FILE), str(awkward))
    assert status == 0
    assert len(printed.splitlines()) == len(SAMPLE) + 1
    assert "(import zeke.haiku_standard)" in printed
    sys.path.insert(0, str(out))
    yield out
    sys.path.remove(str(out))


def test_modules_pass_mypy_strict_and_ruff(generated: Path) -> None:
    user = generated / "user_code.py"
    user.write_text(USER_CODE)
    mypy = subprocess.run(
        [
            str(BIN / "mypy"),
            "--strict",
            "--no-error-summary",
            "--cache-dir",
            str(generated.parent / ".mypy_cache"),
            ".",
        ],
        cwd=generated,
        capture_output=True,
        text=True,
    )
    errors = [line for line in mypy.stdout.splitlines() if ": error:" in line]
    assert all(line.startswith("user_code.py:") for line in errors), mypy.stdout
    flagged = {int(line.split(":")[1]) for line in errors}
    assert flagged == {7, 8, 9}, mypy.stdout
    assert 'Unexpected keyword argument "sed"' in mypy.stdout
    assert 'Argument "aspect_ratio" to "run" has incompatible type' in mypy.stdout
    user.unlink()
    config = ["--config", str(ROOT / "pyproject.toml")]
    ruff = subprocess.run(
        [str(BIN / "ruff"), "check", *config, "."], cwd=generated, capture_output=True, text=True
    )
    assert ruff.returncode == 0, ruff.stdout
    fmt = subprocess.run(
        [str(BIN / "ruff"), "format", "--check", *config, "."],
        cwd=generated,
        capture_output=True,
        text=True,
    )
    assert fmt.returncode == 0, fmt.stdout


@pytest.mark.parametrize("raw", SAMPLE, ids=lambda raw: f"{raw['owner']}/{raw['name']}")
def test_each_module_imports_with_the_schema_inputs(generated: Path, raw: dict[str, Any]) -> None:
    package, name = module_path(raw["owner"], raw["name"])
    module = importlib.import_module(f"{package}.{name}")
    pinned: str = module.VERSION
    assert pinned == raw["latest_version"]["id"]
    schema = parse_schema(raw["latest_version"]["openapi_schema"])
    params = list(inspect.signature(module.run).parameters.values())
    assert params[0].kind is inspect.Parameter.POSITIONAL_ONLY
    names = parameter_names(schema.inputs)
    assert [p.name for p in params[1:]] == [names[s.name] for s in schema.inputs]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params[1:])
    assert set(module.Input.__annotations__) == set(names)
    assert module.run.__doc__ and module.async_run.__doc__


def test_generation_is_deterministic(generated: Path, tmp_path: Path) -> None:
    status, _ = generate(tmp_path, "--from-json", str(SAMPLE_FILE))
    assert status == 0
    for path in tmp_path.rglob("*.py"):
        assert path.read_bytes() == (generated / path.relative_to(tmp_path)).read_bytes()
    source = info_from_model_json(SAMPLE[0])
    assert module_source(source) == module_source(source)


def test_awkward_names_never_collide(generated: Path, replicate_emulator: Emulator) -> None:
    module = importlib.import_module("acme_labs.m_2fast_model")
    params = list(inspect.signature(module.run).parameters)
    assert params == [
        "options_",
        "class_",
        "options",
        "client",
        "timeout",
        "from_",
        "a_b_",  # a-b: a_b is the name of the next input, which keeps it
        "a_b",
        "str_",
        "Output_",
        "token",
    ]
    assert "\u2019" in (module.__doc__ or "")  # escaped in the source, intact at run time
    replicate_emulator.add_model_from_json(with_output(AWKWARD, ["x", "y"]))
    client = client_for(replicate_emulator)
    opts = module.Options(client=client)
    output = module.run(opts, class_="c", options=3, client="d", timeout=1.5, from_="b", token="t")
    assert list(output) == ["x", "y"]
    sent = json.loads(posted(replicate_emulator)[0].body)["input"]
    assert sent == {
        "class": "c",
        "options": 3,
        "client": "d",
        "timeout": 1.5,
        "from": "b",
        "a-b": True,
        "token": "t",
    }
    with pytest.raises(InputValidationError, match="Output: a file input string must be a URL"):
        module.run(opts, class_="c", Output_="local.png")


def strict_mypy(folder: Path) -> str:
    """What ``mypy --strict`` says about the modules in ``folder`` (nothing when they pass)."""
    done = subprocess.run(
        [str(BIN / "mypy"), "--strict", "--no-error-summary", "."],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    return done.stdout


def import_generated(folder: Path, *names: str) -> list[Any]:
    """Import the modules ``names`` that ``generate`` wrote under ``folder``."""
    sys.path.insert(0, str(folder))
    try:
        return [importlib.import_module(name) for name in names]
    finally:
        sys.path.remove(str(folder))


def test_module_for_an_emulator_model_runs(replicate_emulator: Emulator, tmp_path: Path) -> None:
    client = client_for(replicate_emulator)
    status, printed = generate(tmp_path, "emulator/echo", "emulator/stream-text", client=client)
    assert status == 0, printed
    assert f"emulator/echo:{version_id(OWNER, 'echo', 2)}" in printed
    echo, stream_text = import_generated(tmp_path, "emulator.echo", "emulator.stream_text")
    assert echo.run(echo.Options(client=client), text="typed") == "typed"
    tokens = stream_text.run(stream_text.Options(client=client), prompt="p", max_tokens=2)
    assert len(list(tokens)) == 2

    async def run_async() -> str:
        result: str = await echo.async_run(echo.Options(client=client), text="async")
        await client.aclose()
        return result

    import asyncio

    assert asyncio.run(run_async()) == "async"
    with pytest.raises(InputValidationError):
        echo.run(echo.Options(client=client), text=3)


def test_module_for_an_official_model_runs_it_by_name(
    replicate_emulator: Emulator, tmp_path: Path
) -> None:
    # Found by an outsider: REF pinned the latest version, which the real API does not
    # address for official models; run("owner/name") and 1.x/2.x use() run them by name.
    replicate_emulator.add_model("offi-lab/flux", lambda prompt: f"image of {prompt}",
                                 official=True)  # fmt: skip
    client = client_for(replicate_emulator)
    status, printed = generate(tmp_path, "offi-lab/flux", client=client)
    assert status == 0, printed
    (flux,) = import_generated(tmp_path, "offi_lab.flux")
    assert flux.REF == "offi-lab/flux" and len(flux.VERSION) == 64  # the schema's version
    assert flux.run(flux.Options(client=client), prompt="owl") == "image of owl"
    (create,) = posted(replicate_emulator)
    assert create.path == "/v1/models/offi-lab/flux/predictions"
    assert "version" not in json.loads(create.body)


def test_use_and_a_generated_module_send_the_same_input_for_none(tmp_path: Path) -> None:
    # One rule for both: None is left out where the signature says `= None`; elsewhere it is
    # checked (sent as null where the input is nullable, refused where it is not).
    schema = {
        "type": "object",
        "properties": {
            "a": {"type": "integer", "nullable": True, "x-order": 0},
            "b": {"type": "integer", "default": 5, "x-order": 1},
            "c": {"type": "string", "x-order": 2},
            "d": {"type": "integer", "nullable": True, "default": 3, "x-order": 3},
        },
    }
    with Emulator(time_scale=0.01) as emu:
        client = emu.client()
        emu.add_model(
            "acme/nones",
            lambda a=None, b=5, c="", d=3: "ok",
            input_schema=schema,
            output_schema={"type": "string"},
        )
        status, printed = generate(tmp_path, "acme/nones", client=client)
        assert status == 0, printed
        (module,) = import_generated(tmp_path, "acme.nones")
        used = client.use("acme/nones")
        assert used(a=None, c=None, d=None) == "ok"
        assert module.run(module.Options(client=client), a=None, c=None, d=None) == "ok"
        # (A generated function passes every parameter: b's default goes too.)
        sent = [json.loads(r.body)["input"] for r in posted(emu)]
        assert sent == [{"d": None}, {"b": 5, "d": None}]
        with pytest.raises(InputValidationError, match="b: must not be None"):
            used(b=None)
        with pytest.raises(InputValidationError, match="b: must not be None"):
            module.run(module.Options(client=client), b=None)
        assert len(posted(emu)) == 2
        # A module generated by an earlier release passes its own list of such inputs.
        from replicate.typed import runtime

        options = module.Options(client=client)
        assert runtime.run_version(options, module.REF, module.SCHEMA, {"a": None}, ("a",)) == "ok"


def test_regenerating_reports_changes_and_check_fails(tmp_path: Path) -> None:
    old = sample_model("ghadjeres/deepbach")
    new = copy.deepcopy(old)
    new["latest_version"]["id"] = "f" * 64
    schemas = new["latest_version"]["openapi_schema"]["components"]["schemas"]
    props = schemas["Input"]["properties"]
    first = next(iter(props))
    del props[first]
    props["temperature"] = {"type": "number", "minimum": 0, "maximum": 2, "x-order": 99}
    schemas["output_type"]["enum"] = [*schemas["output_type"]["enum"], "flac"]
    schemas["Output"] = {"type": "array", "items": {"type": "string", "format": "uri"}}
    old_file, new_file = tmp_path / "old.json", tmp_path / "new.json"
    old_file.write_text(json.dumps(old))
    new_file.write_text(json.dumps(new))
    out = tmp_path / "out"
    assert generate(out, "--from-json", str(old_file))[0] == 0
    status, printed = generate(out, "--check", "--from-json", str(old_file))
    assert (status, printed.strip()) == (0, "ghadjeres/deepbach: up to date")
    status, printed = generate(out, "--check", "--from-json", str(new_file))
    assert status == 1
    assert f"- input {first}" in printed
    assert "+ input temperature: float\n" in printed
    assert "+ input output_type: enum value 'flac'" in printed
    assert "~ output: FileOutput -> list[FileOutput]" in printed
    assert f"~ version {old['latest_version']['id']} -> {'f' * 64}" in printed
    status, printed = generate(out, "--from-json", str(new_file))
    assert status == 0 and "+ input temperature" in printed
    assert generate(out, "--check", "--from-json", str(new_file))[0] == 0


def test_check_flags_a_pinned_version_that_is_no_longer_latest(
    replicate_emulator: Emulator, tmp_path: Path
) -> None:
    client = client_for(replicate_emulator)
    first = version_id(OWNER, "echo", 1)
    assert generate(tmp_path, f"emulator/echo:{first}", client=client)[0] == 0
    status, printed = generate(tmp_path, "--check", f"emulator/echo:{first}", client=client)
    assert status == 1
    assert f"pinned version {first} is not the latest ({version_id(OWNER, 'echo', 2)})" in printed


def test_bad_invocations(tmp_path: Path) -> None:
    assert generate(tmp_path)[0] == 2
    missing = tmp_path / "missing.json"
    assert generate(tmp_path, "--from-json", str(missing))[0] == 1


def test_python_dash_m_entry_point(tmp_path: Path) -> None:
    model = tmp_path / "m.json"
    model.write_text(json.dumps(sample_model("zeke/haiku-standard")))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "replicate",
            "generate",
            "--from-json",
            str(model),
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "(import zeke.haiku_standard)" in done.stdout
    assert (tmp_path / "out" / "zeke" / "haiku_standard.py").exists()


def test_models_without_inputs_or_without_schema(
    replicate_emulator: Emulator, tmp_path: Path
) -> None:
    no_inputs = sample_model("zeke/haiku-standard")
    no_inputs["owner"] = "quiet-lab"  # owners no other test imports
    schemas = no_inputs["latest_version"]["openapi_schema"]["components"]["schemas"]
    schemas["Input"]["properties"] = {}
    no_schema = sample_model("zeke/clip-age-prediction")
    no_schema["latest_version"]["openapi_schema"] = None
    no_schema["owner"] = "untyped-lab"
    source = tmp_path / "models.json"
    source.write_text(json.dumps([no_inputs, no_schema]))
    out = tmp_path / "out"
    assert generate(out, "--from-json", str(source))[0] == 0
    assert strict_mypy(out) == ""
    sys.path.insert(0, str(out))
    try:
        haiku = importlib.import_module("quiet_lab.haiku_standard")
        age = importlib.import_module("untyped_lab.clip_age_prediction")
    finally:
        sys.path.remove(str(out))
    assert list(inspect.signature(haiku.run).parameters) == ["options"]
    assert (
        str(inspect.signature(age.run))
        == "(options: 'Options | None' = None, /, **inputs: 'Any') -> 'Any'"
    )
    replicate_emulator.add_model_from_json(with_output(no_inputs, "a haiku"))
    replicate_emulator.add_model_from_json(with_output(no_schema, [1, 2]))
    client = client_for(replicate_emulator)
    assert haiku.run(haiku.Options(client=client)) == "a haiku"
    assert age.run(age.Options(client=client), image="https://x/y.png") == [1, 2]


def test_inputs_named_like_module_globals_get_other_parameter_names() -> None:
    # The generated run() passes REF and SCHEMA to the runtime: an input parameter of the same
    # name would shadow them (found by an outsider: REF="hello" ran the model "hello").
    properties = {
        name: {"type": "string", "x-order": order}
        for order, name in enumerate(("REF", "SCHEMA", "MODEL", "VERSION", "prompt"))
    }
    schema = parse_schema(
        {
            "components": {
                "schemas": {
                    "Input": {"type": "object", "properties": properties},
                    "Output": {"type": "string"},
                }
            }
        }
    )
    names = parameter_names(schema.inputs)
    assert names == {
        "REF": "REF_",
        "SCHEMA": "SCHEMA_",
        "MODEL": "MODEL_",
        "VERSION": "VERSION_",
        "prompt": "prompt",
    }


def test_array_inputs_take_any_sequence_under_mypy(tmp_path: Path) -> None:
    # Found by an outsider: arrays were list[FileInput]; list is invariant, so mypy --strict
    # refused the natural call with a list[Path] (and a tuple), which run time accepts.
    schema = {
        "components": {
            "schemas": {
                "Input": {
                    "type": "object",
                    "required": ["images"],
                    "properties": {
                        "images": {
                            "type": "array",
                            "items": {"type": "string", "format": "uri"},
                            "x-order": 0,
                        },
                        "tags": {"type": "array", "items": {"type": "string"}, "x-order": 1},
                    },
                },
                "Output": {"type": "array", "items": {"type": "string", "format": "uri"}},
            }
        }
    }
    model = {"owner": "seq-lab", "name": "collage", "latest_version": {"id": "d" * 64,
             "openapi_schema": schema}}  # fmt: skip
    source = tmp_path / "model.json"
    source.write_text(json.dumps(model))
    out = tmp_path / "out"
    assert generate(out, "--from-json", str(source))[0] == 0
    (out / "user_code.py").write_text(
        "from pathlib import Path\n\n"
        "from replicate.helpers import FileOutput\n"
        "from seq_lab import collage\n\n\n"
        "def main(folder: Path) -> list[FileOutput]:\n"
        "    images = sorted(folder.glob('*.png'))\n"
        "    return collage.run(images=images, tags=('a', 'b'))\n"
    )
    assert strict_mypy(out) == ""
    module = (out / "seq_lab" / "collage.py").read_text()
    assert "images: Sequence[FileInput]," in module
    assert "Output: TypeAlias = list[FileOutput]" in module  # outputs stay lists


def test_a_module_of_another_model_at_the_same_path_is_never_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Found by an outsider: acme/upscale-v2 and acme/upscale_v2 both map to
    # acme/upscale_v2.py; refused within one run, but a later run replaced the other model's
    # module, reporting it as a schema change (and --check compared the two models).
    dashed, underscored = sample_model("zeke/haiku-standard"), sample_model("zeke/haiku-standard")
    dashed.update(owner="clash-lab", name="upscale-v2")
    underscored.update(owner="clash-lab", name="upscale_v2")
    files = []
    for number, model in enumerate((dashed, underscored)):
        files.append(tmp_path / f"model{number}.json")
        files[-1].write_text(json.dumps(model))
    out = tmp_path / "out"
    assert generate(out, "--from-json", *map(str, files))[0] == 1
    assert "both map to" in capsys.readouterr().err
    assert generate(out, "--from-json", str(files[0]))[0] == 0
    module = out / "clash_lab" / "upscale_v2.py"
    first = module.read_text()
    for extra in ((), ("--check",)):
        assert generate(out, "--from-json", str(files[1]), *extra)[0] == 1
        error = capsys.readouterr().err
        assert "holds the module of clash-lab/upscale-v2" in error, extra
    assert module.read_text() == first
    assert generate(out, "--from-json", str(files[0]), "--check")[0] == 0  # its own: fine


def test_errors_are_one_line_worded_as_the_rest_of_the_command_line(
    replicate_emulator: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Found by an outsider: a 401 printed 1.x's four-line block without the request, a model
    # object without "name" printed just 'name', and a JSON error did not name the file.
    client = client_for(replicate_emulator)
    replicate_emulator.token = "r8_the-real-token-0123456789"
    assert generate(tmp_path / "out", "emulator/echo", client=client)[0] == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("error: 401 Unauthenticated: ") and "/v1/models/emulator/echo" in line
    noname, broken = tmp_path / "noname.json", tmp_path / "broken.json"
    noname.write_text(json.dumps({"owner": "acme", "latest_version": {"id": "1" * 64}}))
    broken.write_text("{not json")
    for path, reason in ((noname, "a model object has no 'name' string"), (broken, "line 1")):
        assert generate(tmp_path / "out", "--from-json", str(path))[0] == 1
        (line,) = capsys.readouterr().err.splitlines()
        assert line.startswith(f"error: --from-json {path}: ") and reason in line
